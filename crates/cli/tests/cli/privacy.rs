//! Privacy on the command line: a consent withdrawn with its day, a person erased on one store
//! and the erasure carried to another by a bundle, retention and purge, the data protection
//! officer's report — and never a name in what is printed.

use serde_json::{json, Value};

use super::{maillage, stderr, Store};

fn person(s: &Store, territory: &str, name: &str) -> String {
    s.ok(&[
        "record",
        "put",
        "person",
        "--json",
        &json!({"territory_id": territory, "name": name, "consent": {"status": "given", "date": "2026-01-10"}})
            .to_string(),
    ])
    .trim()
    .to_string()
}

#[test]
fn a_consent_is_withdrawn_and_a_person_erased_everywhere_from_the_command_line() {
    let a = Store::new();
    let t = a.territory();
    let jeanne = person(&a, &t, "Jeanne Quillebeuf");
    let interview = a
        .ok(&[
            "record",
            "put",
            "interview",
            "--json",
            &json!({"territory_id": t, "title": "Entretien avec Jeanne Quillebeuf", "date": "2026-02-03",
                    "person_ids": [jeanne], "consent": {"status": "given", "date": "2026-02-03"},
                    "passages": [{"source": "notes", "text": "Ses mots", "quote": true}]})
            .to_string(),
        ])
        .trim()
        .to_string();
    assert!(a.ok(&["privacy", "consent", "--interview", &interview]).contains("exportable"));

    let out = a.ok(&["person", "withdraw-consent", &jeanne, "--date", "2026-05-01"]);
    assert!(out.contains("2026-05-01") && !out.contains("Quillebeuf"), "{out}");
    let consent = a.ok(&["privacy", "consent", "--interview", &interview]);
    assert!(consent.contains("1 verbatim non exportable : consentement retiré"), "{consent}");
    let bad = a.run(&["person", "withdraw-consent", &jeanne, "--date", "hier"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!stderr(&bad).contains("hier"), "{}", stderr(&bad));

    // A second store receives everything, then the erasure.
    let b = Store::new();
    let bundle = a._dir.path().join("a.maillage");
    a.ok(&["export", "--out", bundle.to_str().unwrap()]);
    b.ok(&["import", bundle.to_str().unwrap()]);
    let erased: Value = serde_json::from_str(&a.ok(&["person", "erase", &jeanne, "--json"])).unwrap();
    assert_eq!(erased["passages_removed"], 1);
    assert!(!erased.to_string().contains("Quillebeuf"));
    let after = a._dir.path().join("a2.maillage");
    a.ok(&["export", "--out", after.to_str().unwrap()]);
    let imported = b.ok(&["import", after.to_str().unwrap()]);
    assert!(imported.contains("effacée"), "{imported}");
    for s in [&a, &b] {
        let get = s.run(&["record", "get", "person", &jeanne]);
        assert_eq!(get.status.code(), Some(1), "the person is gone");
        let dump = s.ok(&["dump", "--canonical"]);
        assert!(!dump.contains("Quillebeuf"), "her name is in no record");
        let report: Value = serde_json::from_str(&s.ok(&["privacy", "report", "--json"])).unwrap();
        assert_eq!(report["erasures"][0]["person_id"], json!(jeanne));
        assert!(!report.to_string().contains("Quillebeuf"));
    }
    // The first bundle imported again brings nothing of her back.
    let again = maillage(&b.path, &["import", bundle.to_str().unwrap()]);
    assert!(again.status.success());
    assert_eq!(b.run(&["record", "get", "person", &jeanne]).status.code(), Some(1));

    let text = a.ok(&["privacy", "report"]);
    assert!(text.contains("Effacements : 1") && !text.contains("Quillebeuf"), "{text}");
    assert!(a.ok(&["privacy", "old-backups"]).contains("Aucune sauvegarde"));
    let missing = a.run(&["person", "erase", &jeanne]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn retention_and_purge_from_the_command_line() {
    let s = Store::new();
    let t =
        s.ok(&["record", "put", "territory", "--json", r#"{"name":"Valmont","kind":"qpv","end_date":"2020-01-31"}"#]);
    let t = t.trim();
    person(&s, t, "Lise Bernard");
    assert!(s.ok(&["privacy", "retention"]).contains("2 an(s)"));
    assert!(s.ok(&["privacy", "retention", "--years", "3"]).contains("3 an(s)"));
    let bad = s.run(&["privacy", "retention", "--years", "0"]);
    assert_eq!(bad.status.code(), Some(1));
    let due = s.ok(&["privacy", "due"]);
    assert!(due.contains("Données à purger") && due.contains("2023-01-31"), "{due}");
    let purged: Value = serde_json::from_str(&s.ok(&["privacy", "purge", "--territory", t, "--json"])).unwrap();
    assert_eq!(purged["persons_erased"], 1);
    assert!(s.ok(&["privacy", "due"]).contains("Aucune donnée à purger"));
    assert_eq!(s.stats()["person"], 0);
    let other = s.territory();
    let refused = s.run(&["privacy", "purge", "--territory", &other]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    s.ok(&["privacy", "purge", "--territory", &other, "--force"]);
}

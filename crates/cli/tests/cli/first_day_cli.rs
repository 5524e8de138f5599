//! A facilitator's first day on the command line (issue 9): `export` chooses its territories
//! (`--territory`, repeatable), leaves the demonstration out unless `--include-demo`, and
//! `record delete territory` deletes a territory with everything in it, as one change that
//! travels.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::{maillage, stderr};

fn ok(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert!(out.status.success(), "maillage {args:?} failed: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn store(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(format!("{name}.sqlite3"));
    ok(&db, &["init", "--facilitator", name]);
    db
}

fn put(db: &Path, kind: &str, data: Value) -> String {
    ok(db, &["record", "put", kind, "--json", &data.to_string()]).trim().to_string()
}

/// A territory with a structure, a person and an interview in it; returns its id.
fn territory(db: &Path, name: &str) -> String {
    let t = put(db, "territory", json!({"name": name, "kind": "commune"}));
    let o = put(db, "organisation", json!({"territory_id": t, "name": format!("PMI de {name}"), "category": "caf"}));
    let p = put(db, "person", json!({"territory_id": t, "name": format!("Référente de {name}"), "organisation_id": o}));
    put(
        db,
        "interview",
        json!({"territory_id": t, "title": format!("Entretien à {name}"), "date": "2026-11-22",
                                "person_ids": [p], "organisation_ids": [o]}),
    );
    t
}

fn list(db: &Path, kind: &str) -> Vec<Value> {
    serde_json::from_str(&ok(db, &["record", "list", kind, "--json"])).unwrap()
}

/// The names of the live territories of a store.
fn territory_names(db: &Path) -> BTreeSet<String> {
    list(db, "territory").iter().map(|t| t["data"]["name"].as_str().unwrap().to_string()).collect()
}

fn names(of: &[&str]) -> BTreeSet<String> {
    of.iter().map(|s| s.to_string()).collect()
}

#[test]
fn export_carries_exactly_the_territories_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "camille");
    let orly = territory(&a, "Orly");
    let sevran = territory(&a, "Sevran");
    territory(&a, "Valmont");
    let bundle = dir.path().join("orly-sevran.maillage");
    let b = bundle.to_str().unwrap();
    ok(&a, &["export", "--territory", &orly, "--territory", &sevran, "--out", b]);

    let siege = store(dir.path(), "siege");
    ok(&siege, &["import", b]);
    assert_eq!(territory_names(&siege), names(&["Orly", "Sevran"]), "exactly the two territories chosen");
    let carried: BTreeSet<String> =
        list(&siege, "organisation").iter().map(|o| o["data"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(carried, names(&["PMI de Orly", "PMI de Sevran"]), "and what is in them, nothing of Valmont");
    assert_eq!(list(&siege, "interview").len(), 2);

    // Without --territory: every territory (none of them a demonstration).
    let all = dir.path().join("tout.maillage");
    ok(&a, &["export", "--out", all.to_str().unwrap()]);
    let other = store(dir.path(), "bao");
    ok(&other, &["import", all.to_str().unwrap()]);
    assert_eq!(territory_names(&other), names(&["Orly", "Sevran", "Valmont"]));
}

#[test]
fn the_demonstration_travels_only_with_include_demo() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "camille");
    territory(&a, "Orly");
    let demo: Value = serde_json::from_str(&ok(
        &a,
        &["demo", "--territory", "Valmont", "--interviews", "2", "--workshops", "1", "--actions", "1", "--json"],
    ))
    .unwrap();
    assert!(demo["territory_id"].is_string(), "{demo}");
    assert_eq!(territory_names(&a), names(&["Orly", "Valmont"]));

    let plain = dir.path().join("sans-demo.maillage");
    ok(&a, &["export", "--out", plain.to_str().unwrap()]);
    let b = store(dir.path(), "siege");
    ok(&b, &["import", plain.to_str().unwrap()]);
    assert_eq!(territory_names(&b), names(&["Orly"]), "the demonstration is not real data");
    assert!(list(&b, "interview").iter().all(|i| i["territory_id"] != demo["territory_id"]));

    let with_demo = dir.path().join("avec-demo.maillage");
    ok(&a, &["export", "--include-demo", "--out", with_demo.to_str().unwrap()]);
    let c = store(dir.path(), "bao");
    ok(&c, &["import", with_demo.to_str().unwrap()]);
    assert_eq!(territory_names(&c), names(&["Orly", "Valmont"]), "asked for: the demonstration travels too");
    let demo_interviews = list(&c, "interview").iter().filter(|i| i["territory_id"] == demo["territory_id"]).count();
    assert_eq!(demo_interviews, 2);
}

#[test]
fn deleting_a_territory_deletes_everything_in_it_and_the_deletion_travels() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "camille");
    let orly = territory(&a, "Orly");
    put(&a, "interview", json!({"territory_id": orly, "title": "Deuxième entretien", "date": "2026-11-23"}));
    territory(&a, "Sevran");
    let first = dir.path().join("premier.maillage");
    ok(&a, &["export", "--out", first.to_str().unwrap()]);
    let b = store(dir.path(), "siege");
    ok(&b, &["import", first.to_str().unwrap()]);
    let in_orly = |db: &Path, kind: &str| list(db, kind).iter().filter(|r| r["territory_id"] == json!(orly)).count();
    assert_eq!((in_orly(&b, "interview"), in_orly(&b, "person"), in_orly(&b, "organisation")), (2, 1, 1));

    let said = ok(&a, &["record", "delete", "territory", &orly]);
    assert!(said.contains("supprimé"), "{said}");
    assert_eq!(territory_names(&a), names(&["Sevran"]));
    for kind in ["interview", "person", "organisation"] {
        assert_eq!(in_orly(&a, kind), 0, "{kind}: nothing of the territory is left");
    }
    let gone = maillage(&a, &["record", "get", "territory", &orly]);
    assert_eq!(gone.status.code(), Some(1), "a deleted territory is not found");
    assert!(ok(&a, &["search", "Orly"]).trim().is_empty(), "nor found by the search");

    // The deletion travels in the next bundle, since the last export.
    let next = dir.path().join("suite.maillage");
    ok(&a, &["export", "--since-last", "--territory", &orly, "--out", next.to_str().unwrap()]);
    ok(&b, &["import", next.to_str().unwrap()]);
    assert_eq!(territory_names(&b), names(&["Sevran"]), "the deletion reached the other store");
    for kind in ["interview", "person", "organisation"] {
        assert_eq!(in_orly(&b, kind), 0, "{kind}: deleted there too");
    }
    let sevran_left = list(&b, "interview").len();
    assert_eq!(sevran_left, 1, "Sevran's interview is untouched");
    let check = ok(&b, &["check"]);
    assert!(!check.contains("problème"), "{check}");
}

/// File-system errors in French, naming the place chosen and never a temporary file: a folder
/// that does not exist, a file where a folder should be, and a folder one may not write to
/// (when the tests run as an ordinary user: root writes anywhere).
#[test]
fn export_and_backup_say_in_french_why_a_place_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "camille");
    territory(&a, "Orly");
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "des notes").unwrap();
    let locked = dir.path().join("verrouille");
    std::fs::create_dir(&locked).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    let locked_works = std::fs::write(locked.join("essai"), "").is_err();
    let missing = dir.path().join("cle-usb");
    let mut cases = vec![
        (missing.join("orly.maillage"), format!("le dossier « {} » n'existe pas", missing.display())),
        (notes.join("orly.maillage"), format!("« {} » est un fichier, pas un dossier", notes.display())),
    ];
    if locked_works {
        cases.push((
            locked.join("orly.maillage"),
            format!("pas le droit d'écrire dans le dossier « {} »", locked.display()),
        ));
    }
    for (out, expected) in cases {
        for command in ["export", "backup"] {
            let out = if command == "backup" { out.with_extension("sqlite3") } else { out.clone() };
            let run = maillage(&a, &[command, "--out", out.to_str().unwrap()]);
            assert_eq!(run.status.code(), Some(1), "{command} {}", out.display());
            let message = stderr(&run);
            assert!(message.contains(&expected), "{command}: « {expected} » expected: {message}");
            let own = message.replace(&dir.path().display().to_string(), "DOSSIER");
            for temporary in [".tmp", "partiel", ".partial"] {
                assert!(!own.contains(temporary), "{command}: a temporary name is shown: {message}");
            }
            assert!(!message.contains("No such") && !message.contains("denied"), "{command}: English: {message}");
        }
    }
    assert!(!missing.exists(), "no folder was created");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
}

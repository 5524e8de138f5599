//! `maillage grid`: the cooperation grid ticks itself from the records, by hand with a note,
//! and counts across territories; records of kinds `common_goal` and `charter`.

use serde_json::{json, Value};

use crate::Store;

#[test]
fn the_grid_ticks_from_a_charter_and_by_hand_and_counts_across_territories() {
    let s = Store::new();
    let t = s.territory();
    let org = s.ok(&[
        "record",
        "put",
        "organisation",
        "--json",
        &json!({"territory_id": t, "name": "PMI", "category": "autre_association"}).to_string(),
    ]);
    let grid: Value = serde_json::from_str(&s.ok(&["grid", "show", "--territory", &t, "--json"])).unwrap();
    assert_eq!((grid["done"].clone(), grid["total"].clone()), (json!(0), json!(9)));

    let charter = json!({"territory_id": t, "status": "adoptee", "adopted_on": "2026-05-20",
                         "partners": [{"organisation_id": org.trim(), "interest": "Orienter", "commitments": "Venir", "representative": "La directrice"}]});
    s.ok(&["record", "put", "charter", "--json", &charter.to_string()]);
    let undated = json!({"territory_id": t, "status": "adoptee"});
    let refused = s.run(&["record", "put", "charter", "--json", &undated.to_string()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(crate::stderr(&refused).contains("date d'adoption"), "{}", crate::stderr(&refused));
    s.ok(&[
        "record",
        "put",
        "common_goal",
        "--json",
        &json!({"territory_id": t, "goal": "Aucun élève sans solution", "agreed_on": "2026-04-15"}).to_string(),
    ]);

    let text = s.ok(&["grid", "show", "--territory", &t]);
    assert!(
        text.contains(
            "[x] Formaliser et structurer la coopération (charte) — Charte adoptée le 20/05/2026 (1 partenaire)"
        ),
        "{text}"
    );
    assert!(text.contains("(but_commun) — Objectif commun convenu le 15/04/2026"), "{text}");
    let checked: Value = serde_json::from_str(&s.ok(&[
        "grid",
        "check",
        "--territory",
        &t,
        "--code",
        "communication",
        "--note",
        "Lettre mensuelle",
        "--json",
    ]))
    .unwrap();
    assert_eq!(checked["done"], 3);
    let item = checked["items"].as_array().unwrap().iter().find(|i| i["code"] == "communication").unwrap().clone();
    assert_eq!((item["done"].clone(), item["by_hand"]["note"].clone()), (json!(true), json!("Lettre mensuelle")));
    let national = s.ok(&["grid", "national"]);
    assert!(national.lines().any(|l| l.trim_start().starts_with("1/1") && l.contains("charte")), "{national}");
    let unchecked: Value = serde_json::from_str(&s.ok(&[
        "grid",
        "check",
        "--territory",
        &t,
        "--code",
        "communication",
        "--uncheck",
        "--json",
    ]))
    .unwrap();
    assert_eq!(unchecked["done"], 2);
    let bad = s.run(&["grid", "check", "--territory", &t, "--code", "n-importe-quoi"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!crate::stderr(&bad).contains("n-importe-quoi"));
}

#[test]
fn the_charter_is_a_document_to_sign_with_a_block_per_partner() {
    let s = Store::new();
    let t = s.territory();
    let put = |kind: &str, data: Value| s.ok(&["record", "put", kind, "--json", &data.to_string()]).trim().to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("charte.docx");
    let missing = s.run(&["report", "charter", "--territory", &t, "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(crate::stderr(&missing).contains("pas encore de charte"));
    let partners: Vec<Value> = ["Collège Jean Moulin", "PMI des Tilleuls", "Centre social La Passerelle"]
        .iter()
        .zip(["La principale", "La médecin de PMI", "Le directeur"])
        .map(|(name, rep)| {
            let org = put("organisation", json!({"territory_id": t, "name": name, "category": "autre_association"}));
            json!({"organisation_id": org, "interest": format!("Mieux orienter les familles ({name})"), "commitments": "Venir aux COPIL", "representative": rep})
        })
        .collect();
    let workshop =
        put("workshop", json!({"territory_id": t, "kind": "copil", "title": "COPIL de mai", "date": "2026-05-20"}));
    let indicator = put("indicator", json!({"territory_id": t, "name": "Élèves sans solution à la rentrée"}));
    put(
        "common_goal",
        json!({"territory_id": t, "goal": "Aucun élève sans solution à la rentrée", "scenario": "Chaque partenaire connaît les autres", "indicator_ids": [indicator], "agreed_on": "2026-04-15"}),
    );
    put(
        "charter",
        json!({"territory_id": t, "values": "Confiance et respect du secret partagé", "rules": "- Une réunion par trimestre\n- Les décisions au consensus",
                          "objectives": "Coordonner l'accompagnement des familles", "partners": partners,
                          "status": "adoptee", "adopted_on": "2026-05-20", "workshop_id": workshop}),
    );
    s.ok(&["report", "charter", "--territory", &t, "--out", out.to_str().unwrap()]);
    let text = crate::report::read_as_pdf(&out, "charte");
    crate::report::assert_holds(
        &text,
        &[
            "Charte de coopération",
            "Adoptée le 20 mai 2026 (COPIL de mai)",
            "Nos valeurs",
            "Confiance et respect du secret partagé",
            "Nos règles de fonctionnement",
            "Une réunion par trimestre",
            "Aucun élève sans solution à la rentrée",
            "Élèves sans solution à la rentrée",
            "Mieux orienter les familles (PMI des Tilleuls)",
            "Signatures",
            "La médecin de PMI",
            "Centre social La Passerelle",
        ],
    );
    assert_eq!(text.matches("Signature :").count() + text.matches("Signature:").count(), 3, "{text}");
}

//! `maillage grid`: the cooperation grid ticks itself from the records, by hand with a note,
//! and counts across territories; records of kinds `common_goal` and `charter`.

use serde_json::{json, Value};

use crate::Store;

#[test]
fn the_grid_ticks_from_a_charter_and_by_hand_and_counts_across_territories() {
    let s = Store::new();
    let t = s.territory();
    let org = s.ok(&["record", "put", "organisation", "--json", &json!({"territory_id": t, "name": "PMI", "category": "autre_association"}).to_string()]);
    let grid: Value = serde_json::from_str(&s.ok(&["grid", "show", "--territory", &t, "--json"])).unwrap();
    assert_eq!((grid["done"].clone(), grid["total"].clone()), (json!(0), json!(9)));

    let charter = json!({"territory_id": t, "status": "adoptee", "adopted_on": "2026-05-20",
                         "partners": [{"organisation_id": org.trim(), "interest": "Orienter", "commitments": "Venir", "representative": "La directrice"}]});
    s.ok(&["record", "put", "charter", "--json", &charter.to_string()]);
    let undated = json!({"territory_id": t, "status": "adoptee"});
    let refused = s.run(&["record", "put", "charter", "--json", &undated.to_string()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(crate::stderr(&refused).contains("date d'adoption"), "{}", crate::stderr(&refused));
    s.ok(&["record", "put", "common_goal", "--json", &json!({"territory_id": t, "goal": "Aucun élève sans solution", "agreed_on": "2026-04-15"}).to_string()]);

    let text = s.ok(&["grid", "show", "--territory", &t]);
    assert!(text.contains("[x] Formaliser et structurer la coopération (charte) — Charte adoptée le 20/05/2026 (1 partenaire)"), "{text}");
    assert!(text.contains("(but_commun) — Objectif commun convenu le 15/04/2026"), "{text}");
    let checked: Value = serde_json::from_str(&s.ok(&["grid", "check", "--territory", &t, "--code", "communication", "--note", "Lettre mensuelle", "--json"])).unwrap();
    assert_eq!(checked["done"], 3);
    let item = checked["items"].as_array().unwrap().iter().find(|i| i["code"] == "communication").unwrap().clone();
    assert_eq!((item["done"].clone(), item["by_hand"]["note"].clone()), (json!(true), json!("Lettre mensuelle")));
    let national = s.ok(&["grid", "national"]);
    assert!(national.lines().any(|l| l.trim_start().starts_with("1/1") && l.contains("charte")), "{national}");
    let unchecked: Value = serde_json::from_str(&s.ok(&["grid", "check", "--territory", &t, "--code", "communication", "--uncheck", "--json"])).unwrap();
    assert_eq!(unchecked["done"], 2);
    let bad = s.run(&["grid", "check", "--territory", &t, "--code", "n-importe-quoi"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(!crate::stderr(&bad).contains("n-importe-quoi"));
}

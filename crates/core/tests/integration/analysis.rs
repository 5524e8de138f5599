//! The computed views of the method, as core gives them to the window, the CLI and headquarters.

use maillage_core::api::{Api, DemoRequest};
use maillage_core::domain::Kind;
use serde_json::json;

fn api() -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::create(&dir.path().join("s.sqlite3")).unwrap();
    api.init("Camille").unwrap();
    (dir, api)
}

#[test]
fn the_theme_grid_counts_tagged_passages_by_theme_and_actor_category() {
    let (_d, api) = api();
    let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    let school = api
        .put(Kind::Organisation, None, json!({"territory_id": t, "name": "Collège", "category": "education_nationale"}))
        .unwrap()
        .id;
    let pmi = api
        .put(Kind::Organisation, None, json!({"territory_id": t, "name": "PMI", "category": "departement_pmi"}))
        .unwrap()
        .id;
    let head = api
        .put(Kind::Person, None, json!({"territory_id": t, "name": "Principale", "organisation_id": school}))
        .unwrap()
        .id;
    let themes = api.list(Kind::Theme, None).unwrap();
    let freins = themes.iter().find(|r| r.data["code"] == "freins").unwrap().id;
    let besoins = themes.iter().find(|r| r.data["code"] == "besoins").unwrap().id;
    api.put(
        Kind::Interview,
        None,
        json!({"territory_id": t, "title": "A", "date": "2026-11-22", "person_ids": [head],
        "passages": [{"source": "notes", "text": "x", "theme_ids": [freins], "quote": true},
                     {"source": "notes", "text": "y", "theme_ids": [freins, besoins]}]}),
    )
    .unwrap();
    api.put(
        Kind::Interview,
        None,
        json!({"territory_id": t, "title": "B", "date": "2026-11-23", "organisation_ids": [pmi, school],
        "passages": [{"source": "notes", "text": "z", "theme_ids": [freins]}]}),
    )
    .unwrap();

    let grid = api.theme_grid(Some(t)).unwrap();
    assert_eq!(grid.rows.len(), themes.len(), "every theme of the codebook has its row");
    let row = grid.rows.iter().find(|r| r.theme_id == freins).unwrap();
    assert_eq!((row.passages, row.interviews, row.quotes), (3, 2, 1));
    assert_eq!(row.by_category.get("education_nationale"), Some(&3), "{row:?}");
    assert_eq!(row.by_category.get("departement_pmi"), Some(&1));
    assert_eq!(grid.categories.first().map(String::as_str), Some("education_nationale"), "most tagged first");
    let first = grid.rows.iter().position(|r| r.theme_id == freins).unwrap();
    assert!(grid.rows[first + 1..].iter().take_while(|r| r.depth == 1).count() > 0, "sub-themes follow their theme");
}

#[test]
fn the_plan_is_ordered_by_rank_then_impact_times_feasibility() {
    let (_d, api) = api();
    let report = api
        .demo(&DemoRequest { territory: "Valmont".into(), interviews: 0, workshops: 0, actions: 0, seed: 1 })
        .unwrap();
    let t = report.territory_id;
    for a in api.list(Kind::Action, Some(t)).unwrap() {
        api.delete(Kind::Action, a.id).unwrap();
    }
    let put = |title: &str, priority: serde_json::Value| {
        api.put(Kind::Action, None, json!({"territory_id": t, "title": title, "priority": priority})).unwrap()
    };
    put("Sans rien", json!({}));
    put("Score 6", json!({"impact": 2, "feasibility": 3}));
    put("Rang 2", json!({"rank": 2}));
    put("Score 20", json!({"impact": 5, "feasibility": 4}));
    put("Rang 1", json!({"rank": 1, "impact": 1, "feasibility": 1}));
    let plan = api.action_plan(t).unwrap();
    let titles: Vec<&str> = plan.iter().map(|p| p.action.data["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Rang 1", "Rang 2", "Score 20", "Score 6", "Sans rien"]);
    assert_eq!(plan[2].score, Some(20));
    assert_eq!(plan[4].score, None);
}

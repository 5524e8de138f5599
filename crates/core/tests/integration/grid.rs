//! The cooperation grid to the end: a common goal written in a workshop with its indicators, a
//! charter drafted then adopted with its partners, the grid's checklist ticking itself from the
//! records or by hand with a note, the count across territories, and the purge of the texts.

use maillage_core::api::{Api, ErrorCode};
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

use crate::fresh;

struct Territory {
    api: Api,
    t: RecordId,
    orgs: Vec<RecordId>,
    _dir: tempfile::TempDir,
}

fn territory() -> Territory {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "cite_educative"})).unwrap().id;
    let orgs = ["Collège Jean Moulin", "PMI des Tilleuls", "Centre social La Passerelle"]
        .iter()
        .map(|n| {
            api.put(Kind::Organisation, None, json!({"territory_id": t, "name": n, "category": "autre_association"}))
                .unwrap()
                .id
        })
        .collect();
    Territory { api, t, orgs, _dir: dir }
}

fn item(grid: &maillage_core::api::CooperationGrid, code: &str) -> (bool, bool, String) {
    let i = grid.items.iter().find(|i| i.code == code).unwrap_or_else(|| panic!("{code} missing"));
    (i.done, i.from_records, i.evidence.clone())
}

#[test]
fn the_grid_ticks_itself_from_the_common_goal_the_charter_and_the_map() {
    let Territory { api, t, orgs, _dir } = territory();
    let grid = api.cooperation_grid(t).unwrap();
    assert_eq!((grid.total, grid.done), (9, 0));
    assert_eq!(grid.items[0].code, "cartographie");
    assert!(grid.items.iter().all(|i| !i.practice.is_empty() && !i.how.is_empty()));

    // The map: three structures and a link.
    api.put(
        Kind::CooperationLink,
        None,
        json!({"territory_id": t, "from_organisation_id": orgs[0], "to_organisation_id": orgs[1],
               "kind": "information", "intensity": 2, "observed_on": "2026-03-01"}),
    )
    .unwrap();
    // A common goal written in a workshop, two indicators following it.
    let workshop = api
        .put(
            Kind::Workshop,
            None,
            json!({"territory_id": t, "kind": "groupe_travail", "title": "Atelier but commun", "date": "2026-04-02"}),
        )
        .unwrap()
        .id;
    let ind: Vec<RecordId> = ["Élèves sans solution", "Partenaires présents"]
        .iter()
        .map(|n| api.put(Kind::Indicator, None, json!({"territory_id": t, "name": n})).unwrap().id)
        .collect();
    let goal = api
        .put(
            Kind::CommonGoal,
            None,
            json!({"territory_id": t, "goal": "Aucun élève sans solution", "scenario": "Chaque partenaire connaît les autres",
                   "indicator_ids": ind, "workshop_id": workshop}),
        )
        .unwrap();
    let grid = api.cooperation_grid(t).unwrap();
    assert_eq!(item(&grid, "cartographie"), (true, true, "Carte : 3 structures, 1 lien".into()));
    assert!(!item(&grid, "but_commun").0, "a draft goal is not agreed on");
    let mut data = goal.data.clone();
    data["agreed_on"] = json!("2026-04-15");
    api.put(Kind::CommonGoal, Some(goal.id), data).unwrap();
    let grid = api.cooperation_grid(t).unwrap();
    assert_eq!(item(&grid, "but_commun"), (true, true, "Objectif commun convenu le 15/04/2026".into()));
    assert_eq!(item(&grid, "indicateurs_suivi"), (true, true, "2 indicateurs de suivi de l'objectif commun".into()));

    // A charter drafted with three partners, then adopted: a date is required.
    let partners: Vec<_> = orgs
        .iter()
        .map(|o| json!({"organisation_id": o, "interest": "Mieux orienter", "commitments": "Venir aux COPIL", "representative": "La direction"}))
        .collect();
    let charter = api
        .put(
            Kind::Charter,
            None,
            json!({"territory_id": t, "values": "Confiance", "rules": "Secret partagé", "partners": partners}),
        )
        .unwrap();
    assert_eq!(charter.data["status"], "brouillon");
    assert!(!item(&api.cooperation_grid(t).unwrap(), "charte").0);
    let mut adopted = charter.data.clone();
    adopted["status"] = json!("adoptee");
    let refused = api.put(Kind::Charter, Some(charter.id), adopted.clone()).unwrap_err();
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Invalid, Some("adopted_on")));
    adopted["adopted_on"] = json!("2026-05-20");
    adopted["workshop_id"] = json!(workshop);
    api.put(Kind::Charter, Some(charter.id), adopted).unwrap();
    let grid = api.cooperation_grid(t).unwrap();
    assert_eq!(item(&grid, "charte"), (true, true, "Charte adoptée le 20/05/2026 (3 partenaires)".into()));
    // The map rings the three signatories, and says what the ring means.
    let ring = r##"fill="none" stroke="#1b2733" stroke-width="1.6""##;
    let svg = api.cooperation_map_svg(t, None).unwrap();
    assert_eq!(svg.matches(ring).count(), 3 + 1, "three ringed organisations and the legend's example");
    assert!(svg.contains("signataire de la charte"));
    let maps = api.comparison_map_svgs(t, "2026-01-01", "2026-06-01").unwrap();
    assert_eq!(maps.after.matches(ring).count(), 3);
    // The same partner twice is refused.
    let twice = json!({"territory_id": t, "partners": [{"organisation_id": orgs[0]}, {"organisation_id": orgs[0]}]});
    assert_eq!(api.put(Kind::Charter, None, twice).unwrap_err().field.as_deref(), Some("partners"));
    // A partner that is not an organisation of the store is refused by name of field.
    let ghost = json!({"territory_id": t, "partners": [{"organisation_id": ind[0]}]});
    assert!(api.put(Kind::Charter, None, ghost).is_err());

    // By hand, with a note; and untick.
    let grid = api.set_grid_check(t, "communication", true, "Lettre d'information mensuelle").unwrap();
    let c = grid.items.iter().find(|i| i.code == "communication").unwrap();
    assert!(c.done && !c.from_records);
    assert_eq!(c.by_hand.as_ref().unwrap().note, "Lettre d'information mensuelle");
    assert_eq!(grid.done, 5);
    assert_eq!(api.set_grid_check(t, "communication", false, "").unwrap().done, 4);
    assert_eq!(api.set_grid_check(t, "pas-un-code", true, "").unwrap_err().field.as_deref(), Some("code"));

    // Headquarters counts across territories (a demonstration left out).
    let other = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    api.set_grid_check(other, "charte", true, "Charte signée sur papier").unwrap();
    api.put(Kind::Territory, None, json!({"name": "Démo", "kind": "commune", "demo": true})).unwrap();
    let national = api.national_grid().unwrap();
    let charte = national.iter().find(|c| c.code == "charte").unwrap();
    assert_eq!((charte.territories_done, charte.territories), (2, 2));
    let carto = national.iter().find(|c| c.code == "cartographie").unwrap();
    assert_eq!(carto.territories_done, 1);
}

#[test]
fn a_purge_keeps_who_adhered_and_removes_what_was_written() {
    let Territory { api, t, orgs, _dir } = territory();
    let charter = api
        .put(
            Kind::Charter,
            None,
            json!({"territory_id": t, "values": "Confiance mutuelle", "status": "adoptee", "adopted_on": "2020-01-10",
                   "partners": [{"organisation_id": orgs[0], "representative": "Mme Quillebeuf", "interest": "Orienter"}]}),
        )
        .unwrap();
    let goal = api
        .put(Kind::CommonGoal, None, json!({"territory_id": t, "goal": "Objectif secret", "scenario": "Scénario"}))
        .unwrap();
    let mut data = api.get(Kind::Territory, t).unwrap().data;
    data["end_date"] = json!("2020-06-30");
    api.put(Kind::Territory, Some(t), data).unwrap();
    api.purge_territory(t, false).unwrap();
    let c = api.get(Kind::Charter, charter.id).unwrap().data;
    assert_eq!(c["values"], "");
    assert_eq!(c["partners"][0]["organisation_id"], json!(orgs[0]));
    assert_eq!(c["partners"][0]["representative"], "");
    assert_eq!(c["status"], "adoptee");
    let g = api.get(Kind::CommonGoal, goal.id).unwrap().data;
    assert_eq!((g["goal"].as_str().unwrap(), g["scenario"].as_str().unwrap()), ("[texte purgé]", ""));
    assert!(!crate::dump(&api).contains("Quillebeuf"));
}

//! A facilitator's first day, the core side: the demo kept apart from real work, an export that
//! chooses its territories, a territory deleted with everything in it.

use maillage_core::api::{Api, DemoRequest, ExportRequest, ImportOptions};
use maillage_core::domain::Kind;
use serde_json::json;

fn api(dir: &std::path::Path, name: &str) -> Api {
    let api = Api::create(&dir.join(format!("{name}.sqlite3"))).unwrap();
    api.init(name).unwrap();
    api
}

fn export(
    api: &Api,
    out: &std::path::Path,
    change: impl FnOnce(&mut ExportRequest),
) -> maillage_core::api::ExportReport {
    let mut req = ExportRequest { out: out.to_path_buf(), ..Default::default() };
    change(&mut req);
    api.export_bundle(&req).unwrap()
}

#[test]
fn the_demo_stays_out_of_bundles_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    let demo =
        a.demo(&DemoRequest { territory: "Valmont".into(), interviews: 1, workshops: 1, actions: 1, seed: 1 }).unwrap();
    assert_eq!(a.get(Kind::Territory, demo.territory_id).unwrap().data["demo"], true, "marked as a demonstration");
    let orly = a.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
    a.put(Kind::Organisation, None, json!({"territory_id": orly.id, "name": "PMI", "category": "departement_pmi"}))
        .unwrap();

    let plain = export(&a, &dir.path().join("1.maillage"), |_| {});
    let names: Vec<&str> = plain.territories.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Orly"], "the demo is not real data: {plain:?}");
    let b = api(dir.path(), "siege");
    b.import_bundle(&dir.path().join("1.maillage"), &ImportOptions::default()).unwrap();
    assert!(b.get(Kind::Territory, demo.territory_id).is_err());
    assert_eq!(b.list(Kind::Organisation, None).unwrap().len(), 1);

    let with_demo = export(&a, &dir.path().join("2.maillage"), |r| r.include_demo = true);
    assert_eq!(with_demo.territories.len(), 2);
    let only_demo = export(&a, &dir.path().join("3.maillage"), |r| r.territories = vec![demo.territory_id]);
    let names: Vec<&str> = only_demo.territories.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Valmont"]);
}

#[test]
fn since_last_is_since_the_last_export_of_the_same_territories() {
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    let orly = a.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    let sevran = a.put(Kind::Territory, None, json!({"name": "Sevran", "kind": "commune"})).unwrap().id;
    export(&a, &dir.path().join("orly-1.maillage"), |r| r.territories = vec![orly]);
    a.put(Kind::Organisation, None, json!({"territory_id": sevran, "name": "CCAS", "category": "commune_ccas"}))
        .unwrap();
    a.put(Kind::Organisation, None, json!({"territory_id": orly, "name": "PMI", "category": "departement_pmi"}))
        .unwrap();
    // Orly's second export carries only Orly's change; Sevran's first one is whole.
    let orly2 = export(&a, &dir.path().join("orly-2.maillage"), |r| {
        r.territories = vec![orly];
        r.since_last = true;
    });
    assert_eq!(orly2.covers, "since");
    assert_eq!(orly2.kinds.get("organisation").map(|c| c.live), Some(1));
    let sevran1 = export(&a, &dir.path().join("sevran-1.maillage"), |r| {
        r.territories = vec![sevran];
        r.since_last = true;
    });
    assert_eq!(sevran1.covers, "full", "no earlier export of Sevran: everything of it");
    assert_eq!(sevran1.kinds.get("organisation").map(|c| c.live), Some(1));
}

#[test]
fn a_territory_is_deleted_with_everything_in_it_and_the_deletion_travels() {
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    let demo =
        a.demo(&DemoRequest { territory: "Valmont".into(), interviews: 2, workshops: 1, actions: 2, seed: 3 }).unwrap();
    let t = demo.territory_id;
    let before: u64 = a.stats(Some(t)).unwrap().values().sum();
    assert!(before > 20);
    let b = api(dir.path(), "bao");
    export(&a, &dir.path().join("full.maillage"), |r| r.include_demo = true);
    b.import_bundle(&dir.path().join("full.maillage"), &ImportOptions::default()).unwrap();
    assert_eq!(b.stats(Some(t)).unwrap().values().sum::<u64>(), before);

    a.delete(Kind::Territory, t).unwrap();
    assert_eq!(a.stats(Some(t)).unwrap().values().sum::<u64>(), 0, "nothing of the territory is left");
    assert!(a
        .search(&maillage_core::api::SearchRequest { query: "Valmont".into(), ..Default::default() })
        .unwrap()
        .is_empty());
    export(&a, &dir.path().join("gone.maillage"), |r| {
        r.territories = vec![t];
        r.since_last = true;
    });
    let report = b.import_bundle(&dir.path().join("gone.maillage"), &ImportOptions::default()).unwrap();
    assert_eq!(report.totals.deleted, before, "{report:?}");
    assert_eq!(b.stats(Some(t)).unwrap().values().sum::<u64>(), 0);
    assert!(b.check().unwrap().ok);
}

#[test]
fn each_step_says_what_is_done_and_what_comes_next() {
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    let t = a.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    let steps = a.territory_overview(t).unwrap().steps;
    assert!(steps.iter().all(|s| !s.reached), "a new territory has reached no step");
    assert!(steps.iter().all(|s| !s.begun), "nor begun any");
    let launch = &steps[0];
    assert_eq!(launch.checklist[0].label, "Feuille de route à remplir (enjeux, objectifs)");
    assert_eq!(launch.checklist[0].kind, Kind::Roadmap);

    a.put(Kind::Roadmap, None, json!({"territory_id": t, "stakes": "Coopérer", "objectives": ["Se connaître"]}))
        .unwrap();
    for name in ["PMI", "CCAS", "Collège"] {
        a.put(Kind::Organisation, None, json!({"territory_id": t, "name": name, "category": "autre_association"}))
            .unwrap();
    }
    a.put(Kind::Interview, None, json!({"territory_id": t, "title": "A", "date": "2026-11-22", "status": "complet"}))
        .unwrap();
    a.put(Kind::Interview, None, json!({"territory_id": t, "title": "B", "date": "2026-11-23"})).unwrap();
    let steps = a.territory_overview(t).unwrap().steps;
    assert!(steps[0].reached, "{:?}", steps[0]);
    assert_eq!(steps[0].checklist[1].label, "3 structures repérées");
    let interviews = &steps[1].checklist[0];
    assert_eq!((interviews.label.as_str(), interviews.done), ("2 entretiens dont 1 complet", true));
    assert!(!steps[1].reached, "the diagnosis is still to present in COPIL");
    assert!(steps[1].begun && !steps[2].begun, "step 2 begun (interviews), step 3 not: {steps:?}");
    assert_eq!(steps[1].checklist[2].label, "Diagnostic partagé à présenter en COPIL");
}

#[test]
fn the_place_last_worked_in_is_remembered_until_its_territory_goes() {
    use maillage_core::api::WorkedIn;
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    assert_eq!(a.last_worked_in().unwrap(), None);
    let t = a.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    let place = WorkedIn { territory_id: Some(t), screen: "/entretiens".into() };
    a.remember_worked_in(&place).unwrap();
    drop(a);
    let a = Api::open(&dir.path().join("camille.sqlite3")).unwrap();
    assert_eq!(a.last_worked_in().unwrap(), Some(place));
    a.delete(Kind::Territory, t).unwrap();
    assert_eq!(a.last_worked_in().unwrap(), None, "a deleted territory is not reopened");
    let err = a.remember_worked_in(&WorkedIn { territory_id: None, screen: "x".repeat(300) }).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("screen"));
}

/// Files chosen as on any desktop: an export or a backup into a folder that does not exist, or
/// under a name where a file stands instead of a folder, is refused in French naming the place
/// the person chose — never the temporary file written beside it — and leaves nothing behind.
/// (Tests run as root too, where a read-only folder does not stop a write: a file standing where
/// a folder should be is the folder that cannot be written to.)
#[test]
fn a_file_system_error_is_told_in_french_with_the_place_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let a = api(dir.path(), "camille");
    let t = a.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
    a.put(Kind::Organisation, None, json!({"territory_id": t, "name": "PMI", "category": "caf"})).unwrap();
    let missing = dir.path().join("cle-usb").join("sauvegardes");
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "des notes").unwrap();
    let temporary = [".tmp", "partiel", ".partial"];
    let shown = |e: &maillage_core::ApiError| {
        // (The test's own folder is a `.tmpXXXX`: what follows it is what Maillage named.)
        let own = e.message.replace(&dir.path().display().to_string(), "DOSSIER");
        for t in temporary {
            assert!(!own.contains(t), "no temporary name: {}", e.message);
        }
        assert!(!e.message.contains("No such") && !e.message.contains("Not a directory"), "French: {}", e.message);
    };
    for (what, out) in [("bundle", missing.join("orly.maillage")), ("backup", missing.join("orly.sqlite3"))] {
        let err = if what == "bundle" {
            a.export_bundle(&ExportRequest { out: out.clone(), ..Default::default() }).unwrap_err()
        } else {
            a.backup(&out, false).unwrap_err()
        };
        shown(&err);
        let expected = format!("le dossier « {} » n'existe pas", missing.display());
        assert!(err.message.contains(&expected), "{what}: {}", err.message);
        assert!(!missing.exists() && !dir.path().join("cle-usb").exists(), "{what}: no folder created");
    }
    for (what, out) in [("bundle", file.join("orly.maillage")), ("backup", file.join("orly.sqlite3"))] {
        let err = if what == "bundle" {
            a.export_bundle(&ExportRequest { out: out.clone(), ..Default::default() }).unwrap_err()
        } else {
            a.backup(&out, false).unwrap_err()
        };
        shown(&err);
        let expected = format!("« {} » est un fichier, pas un dossier", file.display());
        assert!(err.message.contains(&expected), "{what}: {}", err.message);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "des notes", "{what}: the file is left as it was");
    }
    // Nothing was written beside the store either, and the store exports once the place is right.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| temporary.iter().any(|t| n.ends_with(t) || n.contains(&format!("{t}-"))))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    std::fs::create_dir_all(&missing).unwrap();
    a.export_bundle(&ExportRequest { out: missing.join("orly.maillage"), ..Default::default() }).unwrap();
    a.backup(&missing.join("orly.sqlite3"), false).unwrap();
}

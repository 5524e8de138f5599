//! Headquarters' workspace: the choice and its keys (0600, never replaced, a copy of the secret,
//! sealed bundles opened with the key of the data folder), territories read-only there, the
//! history of imports, each record's provenance, and the national synthesis against
//! hand-computed expectations.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use maillage_core::api::{Api, DemoRequest, ErrorCode, ImportOptions, KeyStatus, WorkspaceMode};
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

use crate::exchange::Device;

fn mode_of(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

const PASSPHRASE: &str = "la phrase du siège national";

/// An encrypted store (headquarters' workspace requires it) in its own data folder
/// (`dir/donnees`), as the application keeps it.
fn hq_store(dir: &Path) -> Api {
    let api = Api::create(&dir.join("donnees/maillage.sqlite3")).unwrap();
    api.init("Siège").unwrap();
    let refused = api.set_workspace(WorkspaceMode::Siege).unwrap_err();
    assert!(refused.message.contains("exige une base chiffrée"), "{}", refused.message);
    api.encrypt(PASSPHRASE).unwrap();
    api
}

#[test]
fn choosing_headquarters_creates_its_keys_beside_the_store_once_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let w = hq.workspace().unwrap();
    assert_eq!((w.mode, w.hq.is_none()), (None, true), "nothing chosen at first launch");

    let w = hq.set_workspace(WorkspaceMode::Siege).unwrap();
    assert_eq!(w.mode, Some(WorkspaceMode::Siege));
    let keys = w.hq.unwrap();
    let key_file = dir.path().join("donnees/hq.key");
    assert_eq!(keys.secret_key_file, key_file.display().to_string());
    assert!(keys.recipient.starts_with("age1"));
    assert_eq!(keys.signing_public_key.len(), 64);
    assert_eq!(keys.signing_fingerprint.split('-').map(str::len).collect::<Vec<_>>(), [4; 8]);
    assert!(!keys.secret_copy_saved);
    assert_eq!(mode_of(&key_file), 0o600);
    assert_eq!(mode_of(&dir.path().join("donnees/hq.pub")), 0o600);
    let secret = std::fs::read_to_string(&key_file).unwrap();
    assert!(secret.contains("AGE-SECRET-KEY-1") && secret.contains("MAILLAGE-SIGNATURE-ED25519"));
    // hq.pub: the sealing key (what `age -R` reads), then the signing key's public half.
    let public = std::fs::read_to_string(dir.path().join("donnees/hq.pub")).unwrap();
    let lines: Vec<&str> = public.lines().filter(|l| !l.starts_with("# Clé")).collect();
    assert_eq!(
        lines,
        [keys.recipient.clone(), format!("# MAILLAGE-SIGNATURE-ED25519-PUBLIQUE: {}", keys.signing_public_key)]
    );

    // Chosen again, back to a territory's, and headquarters' once more: the same keys.
    assert_eq!(hq.set_workspace(WorkspaceMode::Siege).unwrap().hq.unwrap(), keys);
    let w = hq.set_workspace(WorkspaceMode::Territoire).unwrap();
    assert_eq!((w.mode, w.hq), (Some(WorkspaceMode::Territoire), None));
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), secret, "the keys stay on disk");
    assert_eq!(hq.set_workspace(WorkspaceMode::Siege).unwrap().hq.unwrap(), keys);
    assert_eq!(std::fs::read_to_string(&key_file).unwrap(), secret, "never replaced");

    // Reopened, the choice is still there (a local setting, never in a bundle).
    drop(hq);
    let hq = Api::open_with_passphrase(&dir.path().join("donnees/maillage.sqlite3"), PASSPHRASE).unwrap();
    assert_eq!(hq.workspace().unwrap().hq.unwrap(), keys);
    let mut dump = Vec::new();
    hq.dump_canonical(&mut dump).unwrap();
    assert!(!String::from_utf8(dump).unwrap().contains("siege"));

    // The key file gone: said, not silently recreated.
    std::fs::rename(&key_file, dir.path().join("ailleurs.key")).unwrap();
    let w = hq.workspace().unwrap();
    assert!(w.hq.is_none() && w.hq_problem.as_deref().unwrap().contains("hq.key"), "{w:?}");
    assert!(!key_file.exists());
}

#[test]
fn a_key_written_before_the_signing_key_existed_keeps_its_sealing_key_and_gains_one() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let old = Api::hq_init(&dir.path().join("cles")).unwrap();
    // An `hq.key` of the earlier format: the age identity only.
    let legacy: String = std::fs::read_to_string(&old.secret_key_path)
        .unwrap()
        .lines()
        .filter(|l| !l.contains("MAILLAGE-SIGNATURE") && !l.contains("signature"))
        .map(|l| format!("{l}\n"))
        .collect();
    let key_file = dir.path().join("donnees/hq.key");
    std::fs::write(&key_file, &legacy).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();

    let keys = hq.set_workspace(WorkspaceMode::Siege).unwrap().hq.unwrap();
    assert_eq!(keys.recipient, old.public_key, "the sealing key is the one already there");
    let now = std::fs::read_to_string(&key_file).unwrap();
    assert!(now.starts_with(&legacy), "appended, nothing replaced");
    assert!(now.contains("MAILLAGE-SIGNATURE-ED25519"));
    assert_eq!(mode_of(&key_file), 0o600, "tightened");
    assert_eq!(hq.workspace().unwrap().hq.unwrap().signing_public_key, keys.signing_public_key, "kept");
}

#[test]
fn a_copy_of_the_secret_key_is_saved_where_the_person_chose_and_nowhere_it_must_not() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let refused = hq.save_hq_secret_copy(&dir.path().join("copie.key"), false).unwrap_err();
    assert_eq!(refused.code, ErrorCode::KeyFile, "no key before headquarters is chosen");
    hq.set_workspace(WorkspaceMode::Siege).unwrap();

    let copy = dir.path().join("copie.key");
    let keys = hq.save_hq_secret_copy(&copy, false).unwrap();
    assert!(keys.secret_copy_saved);
    assert!(hq.workspace().unwrap().hq.unwrap().secret_copy_saved, "remembered");
    assert_eq!(mode_of(&copy), 0o600);
    let original = std::fs::read(dir.path().join("donnees/hq.key")).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), original, "both secrets");

    let err = hq.save_hq_secret_copy(&copy, false).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::AlreadyExists, Some("file")));
    std::fs::write(&copy, "autre chose").unwrap();
    hq.save_hq_secret_copy(&copy, true).unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), original, "replaced when asked");
    assert_eq!(mode_of(&copy), 0o600);

    for bad in [
        hq.store_path().to_path_buf(),
        dir.path().join("donnees/hq.key"),
        dir.path().join("donnees/hq.pub"),
        dir.path().to_path_buf(),
    ] {
        let err = hq.save_hq_secret_copy(&bad, true).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("file"), "{bad:?}: {err:?}");
    }
    assert_eq!(std::fs::read(dir.path().join("donnees/hq.key")).unwrap(), original);
    let leftovers = std::fs::read_dir(dir.path()).unwrap().flatten().filter(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.contains("partiel")
    });
    assert_eq!(leftovers.count(), 0);
}

#[test]
fn at_headquarters_a_sealed_bundle_opens_with_the_key_of_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let recipient = hq.set_workspace(WorkspaceMode::Siege).unwrap().hq.unwrap().recipient;
    let mut a = Device::new("Camille");
    let orly = a.territory("Orly");
    a.organisation(orly, "PMI");
    let file = dir.path().join("orly.maillage");
    std::fs::write(&file, a.export_to(false, vec![recipient])).unwrap();

    let dry = hq.verify_bundle(&file, None).unwrap();
    assert!(dry.sealed && dry.dry_run);
    let report = hq.import_bundle(&file, &ImportOptions::default()).unwrap();
    assert_eq!(report.totals.added, 2);

    // In a territory's workspace the key is not used: the bundle stays sealed.
    hq.set_workspace(WorkspaceMode::Territoire).unwrap();
    let err = hq.verify_bundle(&file, None).unwrap_err();
    assert_eq!(err.code, ErrorCode::BundleSealed);
}

#[test]
fn at_headquarters_territories_are_read_only_but_demonstrations_and_imports_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let mut a = Device::new("Camille");
    let orly = a.territory("Orly");
    let pmi = a.organisation(orly, "PMI");
    hq.import_bundle_bytes("a.maillage", &a.export(false), None, false, &Default::default()).unwrap();
    hq.set_workspace(WorkspaceMode::Siege).unwrap();

    let refusals = [
        hq.put(Kind::Organisation, Some(pmi), json!({"territory_id": orly, "name": "X", "category": "caf"})),
        hq.put(Kind::Organisation, None, json!({"territory_id": orly, "name": "Nouvelle", "category": "caf"})),
        hq.put(Kind::Territory, None, json!({"name": "Créé au siège", "kind": "qpv"})),
        hq.put(Kind::Territory, Some(orly), json!({"name": "Orly", "kind": "qpv", "demo": true})),
    ];
    for r in refusals {
        let err = r.unwrap_err();
        assert_eq!(err.code, ErrorCode::HqReadOnly, "{err:?}");
        assert!(err.message.contains("siège"), "{}", err.message);
    }
    assert_eq!(hq.delete(Kind::Organisation, pmi).unwrap_err().code, ErrorCode::HqReadOnly);
    assert_eq!(hq.delete(Kind::Territory, orly).unwrap_err().code, ErrorCode::HqReadOnly);

    // A demonstration territory can be tried out and removed; imports go on.
    let demo =
        hq.demo(&DemoRequest { territory: "Démo".into(), interviews: 1, workshops: 1, actions: 1, seed: 1 }).unwrap();
    hq.delete(Kind::Territory, demo.territory_id).unwrap();
    a.rename(orly, pmi, "PMI d'Orly").unwrap();
    let report = hq.import_bundle_bytes("a2.maillage", &a.export(true), None, false, &Default::default()).unwrap();
    assert_eq!(report.totals.updated, 1);

    // Back in a territory's workspace, nothing is refused.
    hq.set_workspace(WorkspaceMode::Territoire).unwrap();
    hq.put(Kind::Organisation, Some(pmi), json!({"territory_id": orly, "name": "X", "category": "caf"})).unwrap();
}

#[test]
fn provenance_names_the_device_and_bundle_of_the_current_version_and_history_lists_the_imports() {
    let dir = tempfile::tempdir().unwrap();
    let hq = hq_store(dir.path());
    let mut a = Device::new("Camille");
    let orly = a.territory("Orly");
    let pmi = a.organisation(orly, "PMI");
    let caf = a.organisation(orly, "CAF");
    let a1 = a.export(false);
    let from_a = hq.import_bundle_bytes("1-camille.maillage", &a1, None, false, &Default::default()).unwrap();

    let p = hq.record_provenance(Kind::Organisation, pmi).unwrap();
    let camille = a.api.keys().unwrap().this_device;
    assert_eq!(p.device_id, camille.device_id);
    assert_eq!(p.facilitator.as_deref(), Some("Camille"));
    assert_eq!(p.device_fingerprint.as_deref(), Some(camille.fingerprint.as_str()));
    assert!(!p.made_here && !p.shipped_default);
    assert_eq!(p.bundle.as_ref().unwrap().bundle_id, from_a.bundle_id);

    // Nadia receives Camille's bundle, edits one structure and sends everything.
    let mut b = Device::new("Nadia");
    b.import(&a1);
    let renamed = b.rename(orly, pmi, "PMI d'Orly").unwrap();
    let from_b =
        hq.import_bundle_bytes("2-nadia.maillage", &b.export(false), None, false, &Default::default()).unwrap();
    assert_eq!(from_b.totals.updated, 1);

    let p = hq.record_provenance(Kind::Organisation, pmi).unwrap();
    let nadia = b.api.keys().unwrap().this_device;
    assert_eq!((p.device_id.as_str(), p.facilitator.as_deref()), (nadia.device_id.as_str(), Some("Nadia")));
    assert_eq!(p.device_fingerprint.as_deref(), Some(nadia.fingerprint.as_str()));
    assert_eq!(p.version, renamed.version.to_string());
    let bundle = p.bundle.unwrap();
    assert_eq!((bundle.bundle_id.as_str(), bundle.facilitator.as_str()), (from_b.bundle_id.as_str(), "Nadia"));
    assert_eq!((bundle.device_id.as_str(), bundle.sequence), (nadia.device_id.as_str(), 1));
    assert_eq!(bundle.created_at, from_b.created_at);
    let untouched = hq.record_provenance(Kind::Organisation, caf).unwrap();
    assert_eq!(untouched.bundle.unwrap().bundle_id, from_a.bundle_id, "Nadia's copy changed nothing of it");
    assert_eq!(untouched.facilitator.as_deref(), Some("Camille"));

    // A local edit: made here, brought by no bundle.
    hq.put(Kind::Organisation, Some(caf), json!({"territory_id": orly, "name": "CAF 94", "category": "caf"})).unwrap();
    let p = hq.record_provenance(Kind::Organisation, caf).unwrap();
    assert!(p.made_here && p.bundle.is_none());
    assert_eq!(p.facilitator.as_deref(), Some("Siège"));
    let theme = hq.record_provenance(Kind::Theme, maillage_core::defaults::theme_id("besoins")).unwrap();
    assert!(theme.shipped_default && !theme.made_here && theme.facilitator.is_none());
    assert_eq!(hq.record_provenance(Kind::Person, pmi).unwrap_err().code, ErrorCode::Invalid, "another kind");

    // The history: newest first, who, what, no folder.
    let history = hq.import_history().unwrap();
    assert_eq!(history.len(), 2);
    let (latest, first) = (&history[0], &history[1]);
    assert_eq!(
        (latest.bundle_id.as_str(), first.bundle_id.as_str()),
        (from_b.bundle_id.as_str(), from_a.bundle_id.as_str())
    );
    assert_eq!(
        (latest.facilitator.as_str(), latest.device_fingerprint.as_str()),
        ("Nadia", nadia.fingerprint.as_str())
    );
    assert_eq!(latest.key_status, Some(KeyStatus::New));
    assert_eq!((latest.sequence, latest.covers.as_str()), (1, "full"));
    assert_eq!(latest.territories, ["Orly"]);
    assert_eq!(latest.territory_ids, [orly]);
    assert_eq!(latest.file_name, "2-nadia.maillage");
    assert_eq!((latest.totals.updated, latest.totals.added), (1, 0));
    assert_eq!(latest.kinds["organisation"].updated, 1);
    assert_eq!(latest.message, from_b.message);
    assert_eq!((first.created_at.as_str(), first.totals.added), (from_a.created_at.as_str(), 3));
    assert!(latest.imported_at >= first.imported_at);
}

/// Two territories, four interviews, the codebook's themes, actions, indicators and links: the
/// synthesis counted by hand.
#[test]
fn the_national_synthesis_matches_hand_computed_counts() {
    let dir = tempfile::tempdir().unwrap();
    let api = hq_store(dir.path());
    let put = |kind: Kind, data: serde_json::Value| api.put(kind, None, data).unwrap().id;
    let orly = put(Kind::Territory, json!({"name": "Orly", "kind": "commune"}));
    let bondy = put(Kind::Territory, json!({"name": "Bondy", "kind": "qpv", "demo": true}));
    let org = |t: RecordId, category: &str| {
        put(Kind::Organisation, json!({"territory_id": t, "name": format!("S {category}"), "category": category}))
    };
    let (pmi, caf, school) = (org(orly, "departement_pmi"), org(orly, "caf"), org(orly, "education_nationale"));
    let bondy_caf = org(bondy, "caf");
    let jeanne = put(Kind::Person, json!({"territory_id": orly, "name": "Jeanne", "organisation_id": pmi}));
    let paul = put(Kind::Person, json!({"territory_id": orly, "name": "Paul"}));
    let (besoins, freins) = (maillage_core::defaults::theme_id("besoins"), maillage_core::defaults::theme_id("freins"));
    let interview = |t: RecordId, persons: Vec<RecordId>, orgs: Vec<RecordId>, tags: Vec<Vec<RecordId>>| {
        let passages: Vec<_> =
            tags.into_iter().map(|themes| json!({"source": "notes", "text": "…", "theme_ids": themes})).collect();
        put(
            Kind::Interview,
            json!({"territory_id": t, "title": "E", "date": "2026-02-03", "person_ids": persons,
            "organisation_ids": orgs, "passages": passages}),
        )
    };
    // Speaks for the CAF and (through Jeanne) the PMI.
    interview(orly, vec![jeanne], vec![caf], vec![vec![besoins, freins], vec![besoins]]);
    // Speaks for no category (Paul has no structure).
    interview(orly, vec![paul], vec![], vec![vec![besoins], vec![]]);
    // No passage tagged.
    interview(orly, vec![], vec![school, caf], vec![]);
    interview(bondy, vec![], vec![bondy_caf], vec![vec![freins], vec![freins, besoins]]);

    let action = |t: RecordId, status: &str, priority: serde_json::Value| {
        put(Kind::Action, json!({"territory_id": t, "title": "A", "status": status, "priority": priority}))
    };
    action(orly, "en_cours", json!({"rank": 1}));
    action(orly, "en_cours", json!({}));
    action(orly, "idee", json!({}));
    action(bondy, "realisee", json!({}));
    let gone = action(orly, "retenue", json!({}));
    api.delete(Kind::Action, gone).unwrap();

    let indicator = |t: RecordId, name: &str, baseline: Option<f64>, target: Option<f64>| {
        put(
            Kind::Indicator,
            json!({"territory_id": t, "name": name, "unit": "personnes", "baseline": baseline, "target": target}),
        )
    };
    let measure = |t: RecordId, i: RecordId, date: &str, value: f64| {
        put(Kind::Measurement, json!({"territory_id": t, "indicator_id": i, "date": date, "value": value}))
    };
    let parents = indicator(orly, "Parents venus", Some(10.0), Some(20.0));
    measure(orly, parents, "2026-06-01", 21.0);
    measure(orly, parents, "2026-03-01", 12.5);
    let delays = indicator(orly, "Délais", Some(30.0), Some(20.0));
    measure(orly, delays, "2026-04-01", 25.0);
    let meetings = indicator(bondy, "Réunions", None, None);
    measure(bondy, meetings, "2026-01-15", 3.0);
    indicator(bondy, "Sans mesure", None, Some(5.0));

    let link = |from: RecordId, to: RecordId, kind: &str, intensity: u8| {
        put(
            Kind::CooperationLink,
            json!({"territory_id": orly, "from_organisation_id": from, "to_organisation_id": to,
            "kind": kind, "intensity": intensity, "observed_on": "2026-02-03"}),
        )
    };
    link(pmi, caf, "information", 2);
    link(caf, school, "information", 2);
    link(pmi, school, "action_co_portee", 3);

    let s = api.national_synthesis().unwrap();
    let names: Vec<(&str, bool)> = s.territories.iter().map(|t| (t.name.as_str(), t.demo)).collect();
    assert_eq!(names, [("Bondy", true), ("Orly", false)], "the dashboard's order, demonstrations flagged");
    assert_eq!(s.themes.len(), 17);
    assert_eq!(s.themes.iter().map(|t| t.theme_id).collect::<Vec<_>>(), {
        let grid = api.theme_grid(None).unwrap();
        grid.rows.iter().map(|r| r.theme_id).collect::<Vec<_>>()
    });
    let theme = |id: RecordId| s.themes.iter().position(|t| t.theme_id == id).unwrap();
    let (b, f) = (theme(besoins), theme(freins));
    // [Bondy, Orly]
    assert_eq!(s.theme_territory.passages[b], [1, 3]);
    assert_eq!(s.theme_territory.interviews[b], [1, 2]);
    assert_eq!(s.theme_territory.passages[f], [2, 1]);
    assert_eq!(s.theme_territory.interviews[f], [1, 1]);
    let total: u32 = s.theme_territory.passages.iter().flatten().sum();
    assert_eq!(total, 7, "no other theme counted");

    let category = |code: &str| s.categories.iter().position(|c| c.code == code).unwrap();
    let (c_caf, c_pmi, c_school) = (category("caf"), category("departement_pmi"), category("education_nationale"));
    assert_eq!(s.categories[c_caf].label, "Caisse d'allocations familiales (CAF)");
    assert_eq!(
        (s.theme_category.passages[b][c_caf], s.theme_category.interviews[b][c_caf]),
        (3, 2),
        "two passages of the first interview, one of Bondy's"
    );
    assert_eq!((s.theme_category.passages[b][c_pmi], s.theme_category.interviews[b][c_pmi]), (2, 1));
    assert_eq!((s.theme_category.passages[f][c_caf], s.theme_category.interviews[f][c_caf]), (3, 2));
    assert_eq!((s.theme_category.passages[f][c_pmi], s.theme_category.interviews[f][c_pmi]), (1, 1));
    assert!(s.theme_category.passages.iter().all(|row| row[c_school] == 0), "an interview without tags counts nowhere");

    let status = |code: &str| s.action_statuses.iter().position(|c| c.code == code).unwrap();
    assert_eq!(s.actions[status("en_cours")], [0, 2], "ranked or not");
    assert_eq!(s.actions[status("idee")], [0, 1]);
    assert_eq!(s.actions[status("realisee")], [1, 0]);
    assert_eq!(s.actions[status("retenue")], [0, 0], "a deleted action is gone");

    type Line<'a> = (&'a str, &'a str, Option<f64>, Option<&'a str>, u32, Option<bool>);
    let lines: Vec<Line> = s
        .indicators
        .iter()
        .map(|i| {
            (i.territory.as_str(), i.name.as_str(), i.latest_value, i.latest_date.as_deref(), i.measurements, i.met)
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("Bondy", "Réunions", Some(3.0), Some("2026-01-15"), 1, None),
            ("Bondy", "Sans mesure", None, None, 0, None),
            ("Orly", "Délais", Some(25.0), Some("2026-04-01"), 1, Some(false)),
            ("Orly", "Parents venus", Some(21.0), Some("2026-06-01"), 2, Some(true)),
        ]
    );
    let parents_line = &s.indicators[3];
    assert_eq!(
        (parents_line.baseline, parents_line.target, parents_line.unit.as_str()),
        (Some(10.0), Some(20.0), "personnes")
    );
    assert_eq!(parents_line.indicator_id, parents);

    let kind = |code: &str| s.link_kinds.iter().position(|c| c.code == code).unwrap();
    assert_eq!(s.link_intensities.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["0", "1", "2", "3"]);
    assert_eq!(s.links[1][kind("information")], [0, 0, 2, 0]);
    assert_eq!(s.links[1][kind("action_co_portee")], [0, 0, 0, 1]);
    assert_eq!(s.links[0].iter().flatten().sum::<u32>(), 0, "Bondy has no link");
    assert_eq!(s.links[1].iter().flatten().sum::<u32>(), 3);
}

//! The REFI-QDA project and the themes' analysis hold no words of a person whose consent is not
//! given; the project validates against the standard's schema (`xmllint`, an independent
//! validator) and its selections point at the passages they code.

use std::io::Read;
use std::path::Path;

use maillage_core::api::Api;
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

use super::network::xmllint;

fn schema() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/refi-qda/Project.xsd")
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: std::path::PathBuf,
    api: Api,
    territory: RecordId,
    freins: RecordId,
    besoins: RecordId,
}

const SECRETS: [&str; 4] = ["JAMAISPENDING", "JAMAISANONYME", "JAMAISREFUSE", "JAMAISREPONSE"];

/// Two interviews: one whose consent is given with a consenting and a pending person, one whose
/// consent is refused. Passages marked OK may leave; the JAMAIS… ones may not.
fn fixture() -> Fixture {
    let d = tempfile::tempdir().unwrap();
    let api = Api::create(&d.path().join("s.sqlite3")).unwrap();
    api.init("Camille").unwrap();
    let t = api.put(Kind::Territory, None, json!({"name": "Cité « Orly » & Choisy", "kind": "commune"})).unwrap().id;
    let school = api
        .put(Kind::Organisation, None, json!({"territory_id": t, "name": "Collège", "category": "education_nationale"}))
        .unwrap()
        .id;
    let caf =
        api.put(Kind::Organisation, None, json!({"territory_id": t, "name": "CAF", "category": "caf"})).unwrap().id;
    let given = json!({"status": "given", "date": "2026-01-01"});
    let yes = api
        .put(
            Kind::Person,
            None,
            json!({"territory_id": t, "name": "Aline Oui", "organisation_id": school, "consent": given}),
        )
        .unwrap()
        .id;
    let pending = api
        .put(Kind::Person, None, json!({"territory_id": t, "name": "Bruno Attente", "organisation_id": caf}))
        .unwrap()
        .id;
    let themes = api.list(Kind::Theme, None).unwrap();
    let freins = themes.iter().find(|r| r.data["code"] == "freins").unwrap().id;
    let besoins = themes.iter().find(|r| r.data["code"] == "besoins").unwrap().id;
    api.put(
        Kind::Interview,
        None,
        json!({"territory_id": t, "title": "Entretien avec Aline Oui", "date": "2026-02-01", "person_ids": [yes, pending],
               "consent": given, "answers": {"q1": "JAMAISREPONSE tout au long"},
               "passages": [
                 {"source": "q1", "text": "OKPREMIER « les <parents> & l'école »", "theme_ids": [freins, besoins], "quote": true, "person_id": yes},
                 {"source": "q1", "text": "JAMAISPENDING dit Bruno", "theme_ids": [freins], "quote": true, "person_id": pending},
                 {"source": "notes", "text": "JAMAISANONYME sans attribution", "theme_ids": [besoins], "quote": true},
                 {"source": "notes", "text": "OKSECOND été 🙂 ensuite", "theme_ids": [besoins], "person_id": yes}]}),
    )
    .unwrap();
    api.put(
        Kind::Interview,
        None,
        json!({"territory_id": t, "title": "Refus", "date": "2026-03-01", "person_ids": [yes],
               "consent": {"status": "refused", "date": "2026-03-01"},
               "passages": [{"source": "notes", "text": "JAMAISREFUSE", "theme_ids": [freins], "quote": true, "person_id": yes}]}),
    )
    .unwrap();
    Fixture { dir: d.path().to_path_buf(), _dir: d, api, territory: t, freins, besoins }
}

fn entries(file: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (e.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[test]
fn the_qdpx_validates_and_codes_only_what_consent_lets_leave() {
    let f = fixture();
    let out = f.dir.join("orly.qdpx");
    let report = f.api.export_qdpx(f.territory, &out, false).unwrap();
    assert_eq!((report.sources, report.passages, report.selections, report.withheld), (1, 2, 2, 3));

    let raw = std::fs::read(&out).unwrap();
    let files = entries(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], "project.qde");
    assert!(names[1].starts_with("sources/") && names[1].ends_with(".txt"));
    for secret in SECRETS.iter().chain(&["Aline", "Bruno", "Collège"]) {
        for (name, bytes) in files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).chain([("qdpx", raw.as_slice())]) {
            assert!(!String::from_utf8_lossy(bytes).contains(secret), "{secret} in {name}");
        }
    }

    let qde_path = f.dir.join("project.qde");
    std::fs::write(&qde_path, &files[0].1).unwrap();
    xmllint(&qde_path, Some(&schema()));

    // Every selection's positions (Unicode characters, end excluded) cover its passage's text.
    let qde = String::from_utf8(files[0].1.clone()).unwrap();
    let text: Vec<char> = String::from_utf8(files[1].1.clone()).unwrap().chars().collect();
    let mut found = Vec::new();
    for sel in qde.split("<PlainTextSelection ").skip(1) {
        let attr = |name: &str| -> usize {
            let start = sel.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            sel[start..].split('"').next().unwrap().parse().unwrap()
        };
        found.push(text[attr("startPosition")..attr("endPosition")].iter().collect::<String>());
    }
    assert_eq!(found, ["OKPREMIER « les <parents> & l'école »", "OKSECOND été 🙂 ensuite"]);
    assert_eq!(qde.matches(&format!("<CodeRef targetGUID=\"{}\"/>", f.besoins)).count(), 2);
    assert_eq!(qde.matches(&format!("<CodeRef targetGUID=\"{}\"/>", f.freins)).count(), 1);
    assert!(qde.contains(&format!("<Code guid=\"{}\"", f.freins)), "the grid is the codebook");
    assert!(qde.contains("name=\"Cité « Orly » &amp; Choisy\""));
    assert!(qde.contains("Entretien n° 1 du 01/02/2026"), "named by rank and date, never by title");

    // Only when asked does a second export replace the first.
    assert!(f.api.export_qdpx(f.territory, &out, false).is_err());
    f.api.export_qdpx(f.territory, &out, true).unwrap();
}

#[test]
fn the_themes_analysis_shows_verbatims_by_category_and_counts_those_held_back() {
    let f = fixture();
    let themes = f.api.analysis_themes(Some(f.territory)).unwrap();
    let json = serde_json::to_string(&themes).unwrap();
    for secret in SECRETS.iter().chain(&["Aline", "Bruno"]) {
        assert!(!json.contains(secret), "{secret} in the themes' analysis");
    }
    let v = |id| themes.insights.verbatims.iter().find(|t| t.theme_id == id).unwrap();
    let (freins, besoins) = (v(f.freins), v(f.besoins));
    assert_eq!(freins.verbatims.len(), 1);
    assert_eq!(freins.verbatims[0].text, "OKPREMIER « les <parents> & l'école »");
    assert_eq!(freins.verbatims[0].categories, [maillage_core::domain::vocabulary::ActorCategory::EducationNationale]);
    assert_eq!(freins.withheld, 2, "Bruno's and the refused interview's");
    assert_eq!(
        (besoins.verbatims.len(), besoins.withheld),
        (1, 1),
        "OKSECOND is no verbatim; the anonymous one holds Bruno's words"
    );
    assert_eq!(themes.insights.withheld_quotes, 3);
    assert_eq!(
        themes.insights.withheld_message.as_deref(),
        Some("3 verbatims non exportables : consentement refusé (1), consentement non recueilli (2)")
    );

    // Co-occurrence: freins and besoins tagged in the first interview only.
    let row = |id| themes.grid.rows.iter().position(|r| r.theme_id == id).unwrap();
    let (a, b) = (row(f.freins), row(f.besoins));
    assert_eq!(themes.insights.co_occurrence[a][b], 1);
    assert_eq!(themes.insights.co_occurrence[b][a], 1);
    assert_eq!(themes.insights.co_occurrence[a][a], 2, "the diagonal: interviews tagged with freins");
    assert_eq!(themes.insights.pairs.len(), 1);

    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for field in ["territory_id", "categories", "rows", "co_occurrence", "pairs", "verbatims", "withheld_quotes"] {
        assert!(value.get(field).is_some(), "{field} in the JSON");
    }
    // Counts count every passage (a count is not a passage).
    assert_eq!(themes.grid.rows[a].passages, 3);
}

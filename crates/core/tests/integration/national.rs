//! Headquarters: two devices send sealed bundles (one of them after a concurrent edit); the
//! national dashboard is checked against hand-computed expectations, and the national tables
//! are read back by independent readers (calamine for the workbook, a CSV reader for the files).

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use maillage_core::api::{self, Api, ErrorCode, ImportOptions, NationalExportRequest, TableFormat, TerritoryStatus};
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

use crate::exchange::Device;

/// Words that may appear only in an identified export: names, contacts, free text, a verbatim
/// whose person refused, the facilitators.
const PRIVATE: &[&str] = &[
    "Jeanne",
    "Martin",
    "Paul Durand",
    "exemple.org",
    "06 12 34 56 78",
    "NOTE-SECRETE",
    "REPONSE-SECRETE",
    "VERBATIM-REFUSE",
    "LIEU-SECRET",
    "Camille",
    "Nadia",
];

struct Programme {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    hq: Api,
    orly: RecordId,
    sevran: RecordId,
    /// Creation times of the bundles that carried Orly, and Sevran.
    orly_news: Vec<String>,
    sevran_news: Vec<String>,
}

fn put(d: &Device, kind: Kind, data: serde_json::Value) -> RecordId {
    d.api.put(kind, None, data).unwrap().id
}

/// Orly (Camille, then a concurrent edit by Nadia) and Sevran (Nadia), three sealed bundles.
fn programme() -> Programme {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let keys = Api::hq_init(&dir.join("cles")).unwrap();
    let hq = Api::create(&dir.join("siege.sqlite3")).unwrap();
    hq.init("Siège").unwrap();

    let mut a = Device::new("Camille");
    let orly = a
        .api
        .put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune", "departement_code": "94"}))
        .unwrap()
        .id;
    put(&a, Kind::Roadmap, json!({"territory_id": orly, "stakes": "Coopérer", "objectives": ["Se connaître"]}));
    let pmi =
        put(&a, Kind::Organisation, json!({"territory_id": orly, "name": "PMI d'Orly", "category": "departement_pmi"}));
    put(&a, Kind::Organisation, json!({"territory_id": orly, "name": "=HYPERLINK(\"http://x\")", "category": "caf"}));
    let college = put(
        &a,
        Kind::Organisation,
        json!({"territory_id": orly, "name": "Collège", "category": "education_nationale",
        "fields": ["scolaire", "parentalite"]}),
    );
    let jeanne = put(
        &a,
        Kind::Person,
        json!({"territory_id": orly, "name": "Jeanne Martin", "organisation_id": pmi,
        "contact": "jeanne.martin@exemple.org", "role": "Puéricultrice", "consent": {"status": "given", "date": "2026-02-01"}}),
    );
    let paul = put(
        &a,
        Kind::Person,
        json!({"territory_id": orly, "name": "Paul Durand", "contact": "06 12 34 56 78",
        "consent": {"status": "refused", "date": "2026-02-01"}}),
    );
    let theme = maillage_core::defaults::theme_id("conditions");
    put(
        &a,
        Kind::Interview,
        json!({"territory_id": orly, "title": "Entretien avec Jeanne Martin", "date": "2026-02-03",
        "place": "LIEU-SECRET", "person_ids": [jeanne], "answers": {"q1": "REPONSE-SECRETE"}, "notes": "NOTE-SECRETE",
        "passages": [{"source": "q1", "text": "VERBATIM-DONNE", "theme_ids": [theme], "quote": true},
                     {"source": "q1", "text": "PASSAGE-NON-VERBATIM", "theme_ids": [theme]}],
        "consent": {"status": "given", "date": "2026-02-03"}, "status": "complet"}),
    );
    put(
        &a,
        Kind::Interview,
        json!({"territory_id": orly, "title": "Entretien avec Paul Durand", "date": "2026-02-04",
        "person_ids": [paul], "passages": [{"source": "notes", "text": "VERBATIM-REFUSE", "quote": true}],
        "consent": {"status": "given", "date": "2026-02-04"}}),
    );
    let action = put(
        &a,
        Kind::Action,
        json!({"territory_id": orly, "title": "Café des parents", "status": "en_cours",
        "priority": {"impact": 4, "feasibility": 3}, "start_date": "2026-03-01"}),
    );
    put(&a, Kind::Action, json!({"territory_id": orly, "title": "Annuaire partagé"}));
    let indicator = put(
        &a,
        Kind::Indicator,
        json!({"territory_id": orly, "action_id": action, "name": "Parents venus",
        "baseline": 10, "target": 20, "notes": "NOTE-SECRETE"}),
    );
    put(
        &a,
        Kind::Measurement,
        json!({"territory_id": orly, "indicator_id": indicator, "date": "2026-03-01", "value": 12.5}),
    );
    put(
        &a,
        Kind::Measurement,
        json!({"territory_id": orly, "indicator_id": indicator, "date": "2026-06-01", "value": 21,
        "comment": "NOTE-SECRETE"}),
    );
    put(
        &a,
        Kind::Practice,
        json!({"territory_id": orly, "title": "Café des parents", "summary": "é".repeat(40_000),
        "contacts": "Jeanne Martin", "status": "proposee"}),
    );

    let hq_pub = vec![keys.public_key.clone()];
    let inbox = dir.join("arrivees");
    std::fs::create_dir(&inbox).unwrap();
    let a1 = a.export_to(false, hq_pub.clone());
    std::fs::write(inbox.join("1-orly.maillage"), &a1).unwrap();
    let mut b = Device::new("Nadia");
    b.import(&a.export(false));
    // A concurrent edit of the same structure: headquarters sees a conflict.
    a.rename(orly, college, "Collège Jean Moulin").unwrap();
    b.rename(orly, college, "Collège d'Orly").unwrap();
    let sevran = b
        .api
        .put(Kind::Territory, None, json!({"name": "Sevran", "kind": "qpv", "departement_code": "93"}))
        .unwrap()
        .id;
    std::fs::write(inbox.join("2-orly.maillage"), a.export_to(true, hq_pub.clone())).unwrap();
    std::fs::write(inbox.join("3-nadia.maillage"), b.export_to(false, hq_pub)).unwrap();

    let opts = ImportOptions { identity: Some(dir.join("cles/hq.key")), dry_run: false };
    let files = api::bundle_paths(&[inbox]).unwrap();
    let reports: Vec<_> = files.iter().map(|f| hq.import_bundle(f, &opts).unwrap()).collect();
    let carrying = |t: RecordId| -> Vec<String> {
        reports.iter().filter(|r| r.territories.iter().any(|x| x.id == t)).map(|r| r.created_at.clone()).collect()
    };
    let (orly_news, sevran_news) = (carrying(orly), carrying(sevran));
    Programme { _dir: tmp, dir, hq, orly, sevran, orly_news, sevran_news }
}

fn status_of(list: &[TerritoryStatus], id: RecordId) -> &TerritoryStatus {
    list.iter().find(|t| t.territory_id == id).expect("every territory has a status")
}

#[test]
fn national_status_matches_what_was_sent() {
    let p = programme();
    let list = p.hq.national_status().unwrap();
    assert_eq!(list.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["Orly", "Sevran"], "by name");

    let orly = status_of(&list, p.orly);
    assert_eq!((orly.kind.as_str(), orly.departement_code.as_deref()), ("commune", Some("94")));
    assert_eq!(orly.facilitators, ["Camille", "Nadia"], "creators of its records and senders of its bundles");
    assert_eq!(orly.devices.len(), 2);
    assert_eq!(orly.bundles, 3, "{:?}", p.orly_news);
    assert_eq!(orly.last_bundle_at.as_ref(), p.orly_news.iter().max());
    assert_eq!(orly.days_since_last_bundle, Some(0));
    assert!(!orly.stale);
    // Roadmap filled and three structures: lancement reached. No cooperation link yet: état des
    // lieux is not, so the territory is at step 2 although its action is ranked and its
    // indicator measured twice (steps 3 and 4 done ahead count once step 2 is).
    assert_eq!((orly.step, orly.step_code.as_str()), (2, "etat_des_lieux"));
    assert_eq!(orly.steps_reached, ["lancement", "experimentations", "evaluation"]);
    let reached: Vec<bool> = p.hq.territory_overview(p.orly).unwrap().steps.iter().map(|s| s.reached).collect();
    assert_eq!(reached, [true, false, true, true], "the step comes from the overview's checklists");
    let k = &orly.counts.kinds;
    assert_eq!(
        (k["organisation"], k["person"], k["interview"], k["action"], k["indicator"], k["measurement"], k["practice"]),
        (3, 2, 2, 2, 1, 2, 1)
    );
    assert_eq!(orly.counts.actions_by_status["en_cours"], 1);
    assert_eq!(orly.counts.actions_by_status["idee"], 1);
    assert_eq!(orly.counts.actions_by_status["realisee"], 0, "every status listed");
    assert_eq!(orly.counts.interviews_by_status["complet"], 1);
    assert_eq!(orly.counts.interviews_by_status["brouillon"], 1);
    assert_eq!(orly.counts.practices_by_status["proposee"], 1);
    assert_eq!(orly.open_conflicts, 1, "the concurrent renaming waits for a choice");

    let sevran = status_of(&list, p.sevran);
    assert_eq!((sevran.kind.as_str(), sevran.step, sevran.bundles), ("qpv", 1, 1));
    assert_eq!(sevran.facilitators, ["Nadia"]);
    assert_eq!(sevran.last_bundle_at.as_ref(), p.sevran_news.iter().max());
    assert_eq!(sevran.open_conflicts, 0);
    assert!(sevran.steps_reached.is_empty());
}

fn workbook(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).expect("calamine reads the workbook")
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    workbook(path).worksheet_range(name).unwrap().rows().map(|r| r.to_vec()).collect()
}

/// The column `header` of a sheet read back.
fn column(rows: &[Vec<Data>], header: &str) -> Vec<Data> {
    let i = rows[0].iter().position(|h| *h == header).unwrap_or_else(|| panic!("no column {header}"));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

fn all_text(path: &Path) -> String {
    let mut wb = workbook(path);
    let mut text = String::new();
    for name in wb.sheet_names() {
        for row in wb.worksheet_range(&name).unwrap().rows() {
            for cell in row {
                text.push_str(&cell.to_string());
                text.push('\u{1}');
            }
        }
    }
    text
}

#[test]
fn the_pseudonymised_workbook_reads_back_typed_in_french_without_names() {
    let p = programme();
    let out = p.dir.join("national.xlsx");
    let report = p.hq.national_export_xlsx(&out, false).unwrap();
    assert!(!report.identified);
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    let names = workbook(&out).sheet_names();
    assert_eq!(
        names,
        [
            "Lisez-moi",
            "Territoires",
            "Structures",
            "Personnes",
            "Liens",
            "Entretiens",
            "Passages codés",
            "Ateliers",
            "Décisions",
            "Actions",
            "Indicateurs",
            "Mesures",
            "Pratiques"
        ]
    );

    // Nothing that names a person, no free text, no verbatim without consent.
    let text = all_text(&out);
    for word in PRIVATE {
        assert!(!text.contains(word), "« {word} » is in a pseudonymised workbook");
    }
    assert!(!text.contains("PASSAGE-NON-VERBATIM"), "only verbatims, and only with consent");
    assert!(text.contains("VERBATIM-DONNE"), "a verbatim whose person consented is kept");

    let persons = sheet(&out, "Personnes");
    let headers: Vec<String> = persons[0].iter().map(|h| h.to_string()).collect();
    assert!(headers.contains(&"Pseudonyme".to_string()), "{headers:?}");
    for absent in ["Nom", "Contact", "Fonction", "Notes"] {
        assert!(!headers.contains(&absent.to_string()), "{absent} in {headers:?}");
    }
    assert!(column(&persons, "Pseudonyme").iter().all(|c| c.to_string().starts_with("Personne ")));

    // Typed cells: dates are dates, numbers are numbers; labels with their codes beside them.
    let measures = sheet(&out, "Mesures");
    assert!(column(&measures, "Date").iter().all(|c| matches!(c, Data::DateTime(_))), "{measures:?}");
    let values: Vec<Data> = column(&measures, "Valeur");
    assert!(values.contains(&Data::Float(12.5)), "{values:?}");
    let Data::DateTime(day) = &column(&measures, "Date")[0] else { unreachable!() };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(day.as_f64(), (first - epoch).num_days() as f64, "the day itself, as Excel counts days");
    let territories = sheet(&out, "Territoires");
    assert_eq!(column(&territories, "Étape atteinte"), [Data::Float(2.0), Data::Float(1.0)]);
    assert!(matches!(column(&territories, "Dernier paquet (UTC)")[0], Data::DateTime(_)));
    let orgs = sheet(&out, "Structures");
    let vocabulary = p.hq.vocabulary();
    let categories = &vocabulary.lists["actor_category"];
    for (label, code) in column(&orgs, "Catégorie").iter().zip(column(&orgs, "Catégorie (code)")) {
        let choice = categories.iter().find(|c| c.code == code.to_string()).expect("a code of the list");
        assert_eq!(label.to_string(), choice.label, "the label of the vocabulary, the code beside it");
    }
    // A text that looks like a formula is a text.
    assert!(workbook(&out).worksheet_formula("Structures").unwrap().used_cells().all(|(_, _, f)| f.is_empty()));
    // A text over Excel's limit is cut, with the marker.
    let summary = column(&sheet(&out, "Pratiques"), "Résumé")[0].to_string();
    assert!(summary.ends_with("une cellule contient au plus 32 767 caractères]"), "{}", &summary[summary.len() - 80..]);
    assert!(summary.encode_utf16().count() <= 32_767);
    assert_eq!(report.cut_cells, 1);

    let readme = all_text(&out);
    assert!(readme.contains("pseudonymisée"));
    // Frozen header row and filters on every table (the sheet's own XML).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    for n in 2..=13 {
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains("state=\"frozen\""), "sheet {n}: frozen header");
        assert!(xml.contains("<autoFilter ref=\"A1:"), "sheet {n}: filters");
    }
}

use std::os::unix::fs::PermissionsExt;

#[test]
fn the_identified_workbook_names_people_and_says_so() {
    let p = programme();
    let out = p.dir.join("identifie.xlsx");
    p.hq.national_export_xlsx(&out, true).unwrap();
    let text = all_text(&out);
    assert!(text.contains("IDENTIFIÉE"), "the read-me says the tables name people");
    for word in
        ["Jeanne Martin", "jeanne.martin@exemple.org", "NOTE-SECRETE", "REPONSE-SECRETE", "PASSAGE-NON-VERBATIM"]
    {
        assert!(text.contains(word), "{word} belongs in an identified export");
    }
    assert!(!text.contains("VERBATIM-REFUSE"), "a passage without consent is in no export, identified or not");
    let persons = sheet(&out, "Personnes");
    assert!(column(&persons, "Nom").contains(&Data::String("Jeanne Martin".into())));
}

/// A CSV file as a spreadsheet reads it: byte-order mark, `;`, CRLF, quoted cells.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{}: byte-order mark", path.display());
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let first_line_end = text.find('\n').unwrap();
    assert_eq!(&text[first_line_end - 1..=first_line_end], "\r\n", "CRLF line ends");
    let mut reader =
        csv::ReaderBuilder::new().delimiter(b';').has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn the_csv_files_read_as_a_french_spreadsheet_reads_them() {
    let p = programme();
    let dir = p.dir.join("tableaux");
    let report = p.hq.national_export_csv(&dir, false).unwrap();
    assert_eq!(report.format, TableFormat::Csv);
    assert_eq!(report.files.len(), 13);
    let xlsx = p.dir.join("meme.xlsx");
    p.hq.national_export_xlsx(&xlsx, false).unwrap();
    for (file, sheet_name) in
        [("structures.csv", "Structures"), ("mesures.csv", "Mesures"), ("personnes.csv", "Personnes")]
    {
        let rows = read_csv(&dir.join(file));
        let headers: Vec<String> = sheet(&xlsx, sheet_name)[0].iter().map(|h| h.to_string()).collect();
        assert_eq!(rows[0], headers, "{file}: the workbook's headers");
        assert_eq!(std::fs::metadata(dir.join(file)).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let measures = read_csv(&dir.join("mesures.csv"));
    let value = measures[0].iter().position(|h| h == "Valeur").unwrap();
    let date = measures[0].iter().position(|h| h == "Date").unwrap();
    let row = measures.iter().find(|r| r[date] == "2026-03-01").unwrap();
    assert_eq!(row[value], "12,5", "a decimal comma");
    let orgs = read_csv(&dir.join("structures.csv"));
    let name = orgs[0].iter().position(|h| h == "Nom").unwrap();
    assert!(orgs.iter().any(|r| r[name] == "'=HYPERLINK(\"http://x\")"), "a formula stays text: {orgs:?}");
    for f in &report.files {
        let text = String::from_utf8(std::fs::read(f).unwrap()).unwrap();
        for word in PRIVATE {
            assert!(!text.contains(word), "« {word} » is in {f}");
        }
    }
    let readme = String::from_utf8(std::fs::read(dir.join("lisez-moi.csv")).unwrap()).unwrap();
    assert!(readme.contains("pseudonymisée"));
}

#[test]
fn the_tables_never_go_over_the_store_or_a_file_they_do_not_own() {
    let p = programme();
    let store = p.hq.store_path().to_path_buf();
    let before = std::fs::read(&store).unwrap();
    let req = |out: PathBuf, format, force| NationalExportRequest { out, format, identified: false, force };
    let err = p.hq.national_export(&req(store.clone(), TableFormat::Xlsx, true)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("out"), "{err:?}");
    let err = p.hq.national_export(&req(store.clone(), TableFormat::Csv, true)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("out"), "{err:?}");
    assert_eq!(std::fs::read(&store).unwrap(), before);

    let notes = p.dir.join("notes.xlsx");
    std::fs::write(&notes, "mes notes").unwrap();
    assert!(p.hq.national_export(&req(notes.clone(), TableFormat::Xlsx, true)).is_err());
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mes notes", "another file is never replaced");

    let out = p.dir.join("t.xlsx");
    p.hq.national_export_xlsx(&out, false).unwrap();
    let err = p.hq.national_export_xlsx(&out, false).unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadyExists);
    p.hq.national_export(&req(out.clone(), TableFormat::Xlsx, true)).unwrap();

    let dir = p.dir.join("csv");
    p.hq.national_export_csv(&dir, false).unwrap();
    assert_eq!(p.hq.national_export_csv(&dir, false).unwrap_err().code, ErrorCode::AlreadyExists);
    p.hq.national_export(&req(dir.clone(), TableFormat::Csv, true)).unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(&p.dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partiel"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

#[test]
fn a_folder_stands_for_its_bundles_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b.maillage", "a.maillage", ".partiel.maillage", "notes.txt"] {
        std::fs::write(dir.path().join(name), "x").unwrap();
    }
    std::fs::create_dir(dir.path().join("sous-dossier.maillage")).unwrap();
    let single = dir.path().join("notes.txt");
    let found = api::bundle_paths(&[dir.path().to_path_buf(), single.clone()]).unwrap();
    assert_eq!(found, [dir.path().join("a.maillage"), dir.path().join("b.maillage"), single]);
}

/// The dashboard reads its facts from indexes, the overview from the records: on territories at
/// every step, with edge cases around each checklist item, both reach the same steps and the
/// statuses add up to what the records say.
#[test]
fn the_dashboard_steps_agree_with_each_territory_overview() {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::create(&dir.path().join("s.sqlite3")).unwrap();
    api.init("Siège").unwrap();
    for (seed, interviews, workshops, actions) in [(1, 6, 3, 4), (2, 0, 2, 3), (3, 5, 0, 0), (4, 2, 1, 1)] {
        let req = api::DemoRequest { territory: format!("Démo {seed}"), interviews, workshops, actions, seed };
        api.demo(&req).unwrap();
    }
    let t = |name: &str| api.put(Kind::Territory, None, json!({"name": name, "kind": "rural"})).unwrap().id;
    let p = |kind: Kind, data: serde_json::Value| api.put(kind, None, data).unwrap().id;
    let orgs = |t: RecordId| -> Vec<RecordId> {
        (0..3)
            .map(|i| p(Kind::Organisation, json!({"territory_id": t, "name": format!("S{i}"), "category": "caf"})))
            .collect()
    };
    // Stakes of white space only: the roadmap is not filled.
    let blank = t("Feuille blanche");
    p(Kind::Roadmap, json!({"territory_id": blank, "stakes": " \n\t", "objectives": ["Se connaître"]}));
    orgs(blank);
    // Everything up to a kept action without priority (not ranked), a copil, a link.
    let unranked = t("Action non classée");
    p(Kind::Roadmap, json!({"territory_id": unranked, "stakes": "Coopérer", "objectives": ["Se connaître"]}));
    let o = orgs(unranked);
    p(Kind::Interview, json!({"territory_id": unranked, "title": "E", "date": "2026-01-05", "status": "valide"}));
    p(
        Kind::CooperationLink,
        json!({"territory_id": unranked, "from_organisation_id": o[0], "to_organisation_id": o[1],
        "kind": "information", "intensity": 2, "observed_on": "2026-01-05"}),
    );
    p(Kind::Workshop, json!({"territory_id": unranked, "kind": "copil", "title": "COPIL", "date": "2026-01-06"}));
    p(Kind::Action, json!({"territory_id": unranked, "title": "A", "status": "retenue", "priority": {"impact": 3}}));
    p(Kind::Action, json!({"territory_id": unranked, "title": "B", "status": "idee", "priority": {"rank": 1}}));
    // Ranked by rank alone; one indicator measured once, a deleted one measured twice.
    let measured = t("Mesuré une fois");
    p(Kind::Action, json!({"territory_id": measured, "title": "A", "status": "realisee", "priority": {"rank": 2}}));
    let once = p(Kind::Indicator, json!({"territory_id": measured, "name": "I"}));
    p(Kind::Measurement, json!({"territory_id": measured, "indicator_id": once, "date": "2026-01-01", "value": 1}));
    let gone = p(Kind::Indicator, json!({"territory_id": measured, "name": "J"}));
    for day in ["2026-01-01", "2026-02-01"] {
        p(Kind::Measurement, json!({"territory_id": measured, "indicator_id": gone, "date": day, "value": 1}));
    }
    api.delete(Kind::Indicator, gone).unwrap();
    p(Kind::Practice, json!({"territory_id": measured, "title": "P", "status": "publiee"}));
    let interview =
        p(Kind::Interview, json!({"territory_id": measured, "title": "E", "date": "2026-01-05", "status": "complet"}));
    api.delete(Kind::Interview, interview).unwrap();

    let list = api.national_status().unwrap();
    assert_eq!(list.len(), 7);
    for s in &list {
        let overview = api.territory_overview(s.territory_id).unwrap();
        let expected: Vec<String> = overview.steps.iter().filter(|st| st.reached).map(|st| st.step.clone()).collect();
        assert_eq!(s.steps_reached, expected, "{}: the dashboard and the overview disagree", s.name);
        for (kind, by_status) in
            [(Kind::Interview, &s.counts.interviews_by_status), (Kind::Action, &s.counts.actions_by_status)]
        {
            let mut counted = std::collections::BTreeMap::new();
            for r in api.list(kind, Some(s.territory_id)).unwrap() {
                *counted.entry(r.data["status"].as_str().unwrap().to_string()).or_insert(0u32) += 1;
            }
            let nonzero: std::collections::BTreeMap<String, u32> =
                by_status.iter().filter(|(_, n)| **n > 0).map(|(k, n)| (k.clone(), *n)).collect();
            assert_eq!(nonzero, counted, "{}: {kind} by status", s.name);
        }
        assert_eq!(
            s.counts.kinds["interview"] as usize,
            api.list(Kind::Interview, Some(s.territory_id)).unwrap().len()
        );
    }
    let step = |name: &str| list.iter().find(|s| s.name == name).unwrap().step;
    assert_eq!((step("Feuille blanche"), step("Action non classée"), step("Mesuré une fois")), (1, 3, 1));
}

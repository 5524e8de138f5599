//! The reports as a reader sees them: each document written by `maillage report …` is opened by
//! LibreOffice (headless, a real and independent reader) and turned into a PDF, whose text
//! must hold the sections and figures, and never the words of a person who did not consent.
//! Its pages are rendered to PNG in `target/screenshots/` to be looked at.
//!
//! Needs `soffice` and `pdftotext`/`pdftoppm` (`scripts/install-deps.sh e2e`: Debian
//! `libreoffice-writer-nogui poppler-utils`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::{stderr, Store};

const GIVEN_QUOTE: &str = "Sans le secret partagé nous restons chacun dans notre couloir";
const REFUSED_QUOTE: &str = "Zanzibar: ce que je dis ici ne doit jamais sortir";

fn put(s: &Store, kind: &str, data: Value) -> String {
    s.ok(&["record", "put", kind, "--json", &data.to_string()]).trim().to_string()
}

fn theme_id(s: &Store, code: &str) -> String {
    let themes: Value = serde_json::from_str(&s.ok(&["record", "list", "theme", "--json"])).unwrap();
    themes.as_array().unwrap().iter().find(|t| t["data"]["code"] == code).unwrap()["id"].as_str().unwrap().to_string()
}

/// A small territory whose figures are known: three structures, links that change between
/// January and June, two interviews (one consented, one refused), an indicator, an action.
fn territory(s: &Store) -> String {
    let t = put(
        s,
        "territory",
        json!({"name": "Cité éducative des Mésanges", "kind": "cite_educative", "departement_code": "93"}),
    );
    put(
        s,
        "roadmap",
        json!({"territory_id": t, "stakes": "Rapprocher l'école et les familles",
        "objectives": ["Tenir deux temps d'interconnaissance par an"], "launched_on": "2026-01-05"}),
    );
    let org = |name: &str, category: &str| {
        put(s, "organisation", json!({"territory_id": t, "name": name, "category": category}))
    };
    let college = org("Collège Paul Éluard", "education_nationale");
    let ase = org("Aide sociale à l'enfance Nord", "departement_ase");
    let centre = org("Centre social La Passerelle", "centre_social");
    let link = |a: &str, b: &str, intensity: u8, day: &str| {
        put(
            s,
            "cooperation_link",
            json!({"territory_id": t, "from_organisation_id": a, "to_organisation_id": b,
            "kind": "information", "intensity": intensity, "observed_on": day}),
        )
    };
    link(&college, &ase, 1, "2026-01-10");
    link(&college, &ase, 3, "2026-06-01");
    link(&ase, &centre, 2, "2026-06-01");
    let person = |name: &str, org: &str, status: &str| {
        put(
            s,
            "person",
            json!({"territory_id": t, "name": name, "organisation_id": org,
            "consent": {"status": status, "date": "2026-02-01"}}),
        )
    };
    let agreed = person("Nadia Consentante", &ase, "given");
    let refused = person("Bruno Refusant", &centre, "refused");
    let postures = theme_id(s, "freins.postures_professionnelles");
    let interview = |person: &str, org: &str, quote: &str, day: &str| {
        put(
            s,
            "interview",
            json!({"territory_id": t, "title": "Entretien", "date": day,
            "person_ids": [person], "organisation_ids": [org],
            "consent": {"status": "given", "date": day},
            "passages": [{"source": "notes", "text": quote, "theme_ids": [postures], "quote": true, "person_id": person}]}),
        )
    };
    interview(&agreed, &ase, GIVEN_QUOTE, "2026-02-03");
    interview(&refused, &centre, REFUSED_QUOTE, "2026-02-10");
    let action = put(
        s,
        "action",
        json!({"territory_id": t, "title": "Permanence commune au collège",
        "status": "retenue", "priority": {"rank": 1}}),
    );
    let indicator = put(
        s,
        "indicator",
        json!({"territory_id": t, "action_id": action,
        "name": "Familles reçues à la permanence", "unit": "familles", "baseline": 10, "target": 30}),
    );
    for (day, value) in [("2026-03-01", 15.0), ("2026-09-01", 24.5)] {
        put(s, "measurement", json!({"territory_id": t, "indicator_id": indicator, "date": day, "value": value}));
    }
    t
}

fn target_dir() -> PathBuf {
    // target/debug/maillage → target
    Path::new(env!("CARGO_BIN_EXE_maillage")).parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// The PDF's text as LibreOffice laid it out (spaces normalised, typographic apostrophes
/// straight), after rendering its pages to `target/screenshots/<name>-N.png`.
pub(crate) fn read_as_pdf(docx: &Path, name: &str) -> String {
    let dir = docx.parent().unwrap();
    let profile = dir.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(docx)
        .output()
        .expect("LibreOffice (soffice) is needed: scripts/install-deps.sh e2e");
    let pdf = docx.with_extension("pdf");
    assert!(pdf.exists(), "LibreOffice did not convert {name}: {}", String::from_utf8_lossy(&out.stderr));
    let shots = target_dir().join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&pdf)
        .arg(shots.join(name))
        .status()
        .expect("pdftoppm (poppler-utils) is needed: scripts/install-deps.sh e2e");
    assert!(rendered.success());
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils) is needed");
    String::from_utf8_lossy(&text.stdout).replace(['\u{a0}', '\u{202f}'], " ").replace('’', "'")
}

pub(crate) fn assert_holds(text: &str, expected: &[&str]) {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for e in expected {
        assert!(flat.contains(e), "the PDF's text lacks « {e} »:\n{flat}");
    }
}

#[test]
fn the_diagnostic_opens_in_libreoffice_with_its_sections_figures_and_only_consented_words() {
    let s = Store::new();
    let t = territory(&s);
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("diagnostic.docx");
    let printed = s.ok(&["report", "diagnostic", "--territory", &t, "--out", docx.to_str().unwrap()]);
    assert!(printed.contains("Document écrit"), "{printed}");

    let text = read_as_pdf(&docx, "report-diagnostic");
    assert_holds(
        &text,
        &[
            "Diagnostic partagé",
            "Cité éducative des Mésanges",
            "Camille Test",
            "Sommaire",
            "Feuille de route",
            "Rapprocher l'école et les familles",
            "Les acteurs rencontrés",
            "2 entretiens",
            "La carte de coopération",
            "Mesures du réseau",
            // 3 structures, 2 links at the latest observation: density 2/3.
            "66,67 %",
            "Thèmes de la grille d'analyse",
            "Freins à la coopération",
            "Postures professionnelles",
            "Conditions de réussite",
            "Convergences d'action",
            "Actions proposées",
            "Permanence commune au collège",
            "Prochaines étapes",
            "page 3 sur",
            GIVEN_QUOTE,
            "1 verbatim non exportable",
        ],
    );
    // The Sommaire gives each heading its page (LibreOffice computed them: « 1 » is what the
    // document holds before any layout).
    let entry = text.lines().find(|l| l.starts_with("Feuille de route.")).expect("the Sommaire lists the roadmap");
    assert!(entry.ends_with('3'), "the roadmap starts on page 3, after the cover and the Sommaire: {entry}");
    assert!(!text.contains("Zanzibar"), "a refused person's words reached the diagnostic");
    for name in ["Nadia", "Bruno"] {
        assert!(!text.contains(name), "a person's name reached the diagnostic");
    }
}

#[test]
fn the_evaluation_shows_indicators_actions_and_the_map_at_both_dates() {
    let s = Store::new();
    let t = territory(&s);
    // Two of the three structures signed the charter in May.
    let orgs: Vec<Value> =
        serde_json::from_str::<Value>(&s.ok(&["record", "list", "organisation", "--territory", &t, "--json"]))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["data"]["name"] != "Collège Paul Éluard")
            .map(|o| json!({"organisation_id": o["id"]}))
            .collect();
    put(&s, "charter", json!({"territory_id": t, "partners": orgs, "status": "adoptee", "adopted_on": "2026-05-12"}));
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("evaluation.docx");
    s.ok(&[
        "report",
        "evaluation",
        "--territory",
        &t,
        "--from",
        "2026-02-01",
        "--to",
        "2026-09-30",
        "--out",
        docx.to_str().unwrap(),
    ]);

    let text = read_as_pdf(&docx, "report-evaluation");
    assert_holds(
        &text,
        &[
            "Évaluation",
            "Cité éducative des Mésanges",
            "Du 1er février 2026 au 30 septembre 2026",
            "Indicateurs",
            "Familles reçues à la permanence",
            "24,5",
            // (24.5 − 10) / (30 − 10)
            "72,5 %",
            "Actions par statut",
            "Permanence commune au collège",
            "La coopération entre les deux dates",
            "Liens renforcés",
            "Liens nouveaux",
            "Centre social La Passerelle",
            "Adhésion à la charte de coopération",
            "Charte adoptée le 12 mai 2026 par 2 partenaires",
            "2 structures du réseau sur 3 ont signé la charte",
        ],
    );
    assert!(!text.contains("Zanzibar"), "a refused person's words reached the evaluation");
}

#[test]
fn a_report_never_replaces_another_file_and_bad_dates_name_the_field() {
    let s = Store::new();
    let t = territory(&s);
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.docx");
    std::fs::write(&notes, b"mes notes").unwrap();
    let out = s.run(&["report", "diagnostic", "--territory", &t, "--out", notes.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&notes).unwrap(), b"mes notes", "a file that is not a report was replaced");

    let docx = dir.path().join("d.docx");
    s.ok(&["report", "diagnostic", "--territory", &t, "--out", docx.to_str().unwrap()]);
    let again = s.run(&["report", "diagnostic", "--territory", &t, "--out", docx.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "an existing report is replaced only with --force");
    s.ok(&["report", "diagnostic", "--territory", &t, "--out", docx.to_str().unwrap(), "--force"]);

    let bad = s.run(&[
        "report",
        "evaluation",
        "--territory",
        &t,
        "--from",
        "2026-13-45",
        "--to",
        "2026-09-30",
        "--out",
        dir.path().join("e.docx").to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("date"), "{}", stderr(&bad));
    assert!(!stderr(&bad).contains("2026-13-45"), "the message echoes the value typed");
    assert!(!dir.path().join("e.docx").exists());
}

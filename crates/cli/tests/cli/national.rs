//! Headquarters on the command line: a folder of sealed bundles from three devices (one refused),
//! `national status --json` against what was sent, the tables as XLSX and CSV read back as a
//! spreadsheet user would.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

fn maillage(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("MAILLAGE_DB")
        .output()
        .expect("maillage runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert!(
        out.status.success(),
        "maillage {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn put(db: &Path, kind: &str, json: &str) -> String {
    ok(db, &["record", "put", kind, "--json", json]).trim().to_string()
}

struct Hq {
    dir: tempfile::TempDir,
    db: PathBuf,
    /// Territory ids: Orly (step 2), Sevran (step 1).
    orly: String,
    sevran: String,
}

impl Hq {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Three devices seal their bundles for headquarters into one folder; the third one's file is
/// damaged in transit. Headquarters imports the folder.
fn headquarters() -> (Hq, Output) {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let hq = p("siege.sqlite3");
    ok(&hq, &["init", "--facilitator", "Siège"]);
    ok(&hq, &["keys", "hq-init", "--out", p("cles").to_str().unwrap()]);
    let hq_pub = p("cles/hq.pub");
    let inbox = p("arrivees");
    std::fs::create_dir(&inbox).unwrap();

    let a = p("camille.sqlite3");
    ok(&a, &["init", "--facilitator", "Camille"]);
    let orly = put(&a, "territory", r#"{"name":"Orly","kind":"commune","departement_code":"94"}"#);
    put(&a, "roadmap", &format!(r#"{{"territory_id":"{orly}","stakes":"Coopérer","objectives":["Se connaître"]}}"#));
    for name in ["PMI", "CCAS", "Collège"] {
        put(&a, "organisation", &format!(r#"{{"territory_id":"{orly}","name":"{name}","category":"caf"}}"#));
    }
    put(
        &a,
        "person",
        &format!(
            r#"{{"territory_id":"{orly}","name":"Jeanne Martin","contact":"jeanne.martin@exemple.org","consent":{{"status":"given","date":"2026-02-01"}}}}"#
        ),
    );
    put(&a, "action", &format!(r#"{{"territory_id":"{orly}","title":"Café des parents","status":"en_cours"}}"#));
    ok(&a, &["export", "--out", inbox.join("01-camille.maillage").to_str().unwrap(), "--to", hq_pub.to_str().unwrap()]);

    let b = p("nadia.sqlite3");
    ok(&b, &["init", "--facilitator", "Nadia"]);
    let sevran = put(&b, "territory", r#"{"name":"Sevran","kind":"qpv","departement_code":"93"}"#);
    ok(&b, &["export", "--out", inbox.join("02-nadia.maillage").to_str().unwrap(), "--to", hq_pub.to_str().unwrap()]);

    let c = p("bao.sqlite3");
    ok(&c, &["init", "--facilitator", "Bao"]);
    put(&c, "territory", r#"{"name":"Stains","kind":"qpv"}"#);
    let damaged = inbox.join("03-bao.maillage");
    ok(&c, &["export", "--out", damaged.to_str().unwrap(), "--to", hq_pub.to_str().unwrap()]);
    let mut bytes = std::fs::read(&damaged).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::write(inbox.join("lisez-moi.txt"), "pas un paquet").unwrap();

    let import = maillage(&hq, &["import", inbox.to_str().unwrap(), "--identity", p("cles/hq.key").to_str().unwrap()]);
    (Hq { dir, db: hq, orly, sevran }, import)
}

#[test]
fn a_folder_of_bundles_is_imported_in_name_order_and_a_damaged_one_is_refused() {
    let (hq, import) = headquarters();
    let stdout = String::from_utf8_lossy(&import.stdout);
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(1), "one bundle was refused: {stdout}{stderr}");
    assert!(stderr.contains("03-bao.maillage"), "the refusal names the file: {stderr}");
    let first = stdout.find("01-camille.maillage").expect("imported");
    let second = stdout.find("02-nadia.maillage").expect("imported");
    assert!(first < second, "in name order: {stdout}");
    assert!(!stdout.contains("lisez-moi.txt") && !stderr.contains("lisez-moi.txt"), "only bundles are taken");

    // An empty folder is nothing to do, not an error.
    std::fs::create_dir(hq.path("vide")).unwrap();
    let out = ok(&hq.db, &["import", hq.path("vide").to_str().unwrap()]);
    assert!(out.contains("Aucun paquet"), "{out}");
}

#[test]
fn national_status_json_gives_each_territory_as_sent() {
    let (hq, _) = headquarters();
    let text = ok(&hq.db, &["national", "status", "--json"]);
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2, "one object per territory, the refused one absent: {text}");
    let orly = lines.iter().find(|t| t["territory_id"] == hq.orly.as_str()).unwrap();
    assert_eq!(orly["name"], "Orly");
    assert_eq!(orly["kind"], "commune");
    assert_eq!(orly["departement_code"], "94");
    assert_eq!(orly["facilitators"], serde_json::json!(["Camille"]));
    assert!(orly["last_bundle_at"].as_str().unwrap().starts_with("20"), "{orly}");
    assert_eq!(orly["step"], 2, "roadmap and three structures: lancement done");
    assert_eq!(orly["counts"]["kinds"]["organisation"], 3);
    assert_eq!(orly["counts"]["kinds"]["person"], 1);
    assert_eq!(orly["counts"]["actions_by_status"]["en_cours"], 1);
    assert_eq!(orly["open_conflicts"], 0);
    let sevran = lines.iter().find(|t| t["territory_id"] == hq.sevran.as_str()).unwrap();
    assert_eq!((sevran["step"].as_u64(), sevran["facilitators"][0].as_str()), (Some(1), Some("Nadia")));

    let human = ok(&hq.db, &["national", "status"]);
    assert!(human.contains("Orly") && human.contains("étape 2/4"), "{human}");
}

#[test]
fn national_export_writes_a_pseudonymised_workbook_and_csv_files() {
    let (hq, _) = headquarters();
    let xlsx = hq.path("tableaux.xlsx");
    let out = ok(&hq.db, &["national", "export", "--out", xlsx.to_str().unwrap()]);
    assert!(out.contains("pseudonymisés"), "{out}");
    assert_eq!(std::fs::metadata(&xlsx).unwrap().permissions().mode() & 0o777, 0o600);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(wb.sheet_names()[..3], ["Lisez-moi", "Territoires", "Structures"]);
    let persons: Vec<Vec<Data>> = wb.worksheet_range("Personnes").unwrap().rows().map(|r| r.to_vec()).collect();
    let headers: Vec<String> = persons[0].iter().map(|h| h.to_string()).collect();
    assert_eq!(headers[..4], ["Identifiant", "Territoire", "Territoire (identifiant)", "Pseudonyme"]);
    for sheet in wb.sheet_names() {
        for row in wb.worksheet_range(&sheet).unwrap().rows() {
            for cell in row {
                let text = cell.to_string();
                assert!(!text.contains("Jeanne") && !text.contains("exemple.org"), "{sheet}: {text}");
            }
        }
    }
    let territories: Vec<Vec<Data>> = wb.worksheet_range("Territoires").unwrap().rows().map(|r| r.to_vec()).collect();
    let step = territories[0].iter().position(|h| *h == "Étape atteinte").unwrap();
    assert!(territories[1..].iter().all(|r| matches!(r[step], Data::Float(_))), "a number, not text");

    // Not over an existing file without --force; with it, the earlier workbook is replaced.
    let again = maillage(&hq.db, &["national", "export", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    ok(&hq.db, &["national", "export", "--out", xlsx.to_str().unwrap(), "--force", "--identified"]);
    let mut wb: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let readme = wb.worksheet_range("Lisez-moi").unwrap();
    assert!(readme.rows().any(|r| r.iter().any(|c| *c == "IDENTIFIÉE")));
    // Never over the store.
    let store = maillage(&hq.db, &["national", "export", "--out", hq.db.to_str().unwrap(), "--force"]);
    assert_eq!(store.status.code(), Some(1));

    let dir = hq.path("csv");
    let report: Value = serde_json::from_str(&ok(
        &hq.db,
        &["national", "export", "--format", "csv", "--out", dir.to_str().unwrap(), "--json"],
    ))
    .unwrap();
    assert_eq!(report["format"], "csv");
    let bytes = std::fs::read(dir.join("structures.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(lines[0].starts_with("Identifiant;Territoire;"), "{}", lines[0]);
    assert_eq!(lines.iter().filter(|l| !l.is_empty()).count(), 4, "a header and three structures");
    let persons = String::from_utf8(std::fs::read(dir.join("personnes.csv")).unwrap()).unwrap();
    assert!(!persons.contains("Jeanne") && persons.contains("Personne "), "{persons}");
}

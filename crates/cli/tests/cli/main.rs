//! The command line as a user types it: real processes, a real store file, exit codes and
//! messages checked the way a script or a person would.
//! One test binary per crate: the exchange (bundle) tests are a module of it.

mod analysis;
mod committee;
mod encryption;
mod exchange;
mod first_day_cli;
mod grid;
mod national;
mod privacy;
mod report;
mod safety;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

struct Store {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Store {
    fn new() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("maillage.sqlite3");
        let s = Store { _dir: dir, path };
        s.ok(&["init", "--facilitator", "Camille Test"]);
        s
    }

    fn run(&self, args: &[&str]) -> Output {
        maillage(&self.path, args)
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(out.status.success(), "`maillage {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn stats(&self) -> Value {
        serde_json::from_str(&self.ok(&["stats", "--json"])).unwrap()
    }

    fn territory(&self) -> String {
        self.ok(&[
            "record",
            "put",
            "territory",
            "--json",
            r#"{"name":"Cité éducative d'Orly","kind":"cite_educative"}"#,
        ])
        .trim()
        .to_string()
    }
}

fn maillage(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("MAILLAGE_DB")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_is_idempotent_and_keeps_the_device_identity() {
    let s = Store::new();
    let first = s.ok(&["init", "--facilitator", "Camille Test"]);
    let second = s.ok(&["init", "--facilitator", "Camille Test"]);
    let device = |t: &str| t.lines().find(|l| l.starts_with("Appareil")).unwrap().to_string();
    assert_eq!(device(&first), device(&second));
    assert_eq!(s.stats()["interview_guide"], 1, "the shipped guide is installed once");
    assert_eq!(s.stats()["theme"], 17, "the shipped codebook is installed once");
}

#[test]
fn put_prints_the_id_alone_and_get_reads_it_back() {
    let s = Store::new();
    let territory = s.territory();
    assert_eq!(territory.len(), 36, "stdout holds the id alone: {territory:?}");
    let interview = s.ok(&[
        "record",
        "put",
        "interview",
        "--json",
        &json!({"territory_id": territory, "title": "Directrice de l'école", "date": "2026-11-22",
                "notes": "Les élèves du quartier"})
        .to_string(),
    ]);
    let got: Value = serde_json::from_str(&s.ok(&["record", "get", "interview", interview.trim(), "--json"])).unwrap();
    assert_eq!(got["data"]["title"], "Directrice de l'école");
    assert_eq!(got["kind"], "interview");
    assert_eq!(got["territory_id"], territory);
    let list: Value =
        serde_json::from_str(&s.ok(&["record", "list", "interview", "--territory", &territory, "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn put_with_an_id_replaces_the_record() {
    let s = Store::new();
    let t = s.territory();
    s.ok(&["record", "put", "territory", "--id", &t, "--json", r#"{"name":"Orly","kind":"commune"}"#]);
    let got: Value = serde_json::from_str(&s.ok(&["record", "get", "territory", &t, "--json"])).unwrap();
    assert_eq!(got["data"]["name"], "Orly");
    assert_eq!(s.stats()["territory"], 1);
}

#[test]
fn search_folds_accents_and_case() {
    let s = Store::new();
    let t = s.territory();
    s.ok(&[
        "record",
        "put",
        "interview",
        "--json",
        &json!({"territory_id": t, "title": "Rencontre", "date": "2026-11-22", "notes": "Les ÉLÈVES de sixième"})
            .to_string(),
    ]);
    let hits: Value = serde_json::from_str(&s.ok(&["search", "eleves", "--json"])).unwrap();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["kind"], "interview");
    let marked: Vec<&str> = hits[0]["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["hit"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["ÉLÈVES"]);
    let none: Value = serde_json::from_str(&s.ok(&["search", "eleves", "--kind", "action", "--json"])).unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0, "the kind filter applies");
}

#[test]
fn delete_leaves_nothing_to_get() {
    let s = Store::new();
    let t = s.territory();
    let org = s.ok(&[
        "record",
        "put",
        "organisation",
        "--json",
        &json!({"territory_id": t, "name": "Collège Jean-Moulin", "category": "education_nationale"}).to_string(),
    ]);
    s.ok(&["record", "delete", "organisation", org.trim()]);
    let out = s.run(&["record", "get", "organisation", org.trim()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("aucun"), "{}", stderr(&out));
    assert_eq!(s.stats()["organisation"], 0);
    let hits: Value = serde_json::from_str(&s.ok(&["search", "Moulin", "--json"])).unwrap();
    assert!(hits.as_array().unwrap().is_empty(), "a deleted record is not found any more");
}

#[test]
fn malformed_json_is_refused_and_writes_nothing() {
    let s = Store::new();
    let before = s.stats();
    let out = s.run(&["record", "put", "territory", "--json", "{\"name\": \"Orly\""]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("JSON"), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "no id printed for a refused write");
    assert_eq!(s.stats(), before);
}

#[test]
fn bad_values_are_refused_with_the_field_named() {
    let s = Store::new();
    let t = s.territory();
    let before = s.stats();
    let cases = [
        ("interview", json!({"territory_id": t, "title": "A", "date": "2026-02-30", "notes": ""}), "date"),
        ("interview", json!({"territory_id": t, "title": "  ", "date": "2026-02-03", "notes": ""}), "titre"),
        ("action", json!({"territory_id": t, "title": "X", "priority": {"impact": 9}}), "impact"),
        ("territory", json!({"name": "X", "kind": "planete"}), "cite_educative"),
        (
            "interview",
            json!({"territory_id": "0190e4e1-0000-7000-8000-000000000000", "title": "A", "date": "2026-02-03"}),
            "territoire",
        ),
    ];
    for (kind, data, expected) in cases {
        let out = s.run(&["record", "put", kind, "--json", &data.to_string()]);
        assert_eq!(out.status.code(), Some(1), "{kind} {data} should be refused");
        assert!(stderr(&out).contains(expected), "message for {data} should mention {expected}: {}", stderr(&out));
        assert!(!stderr(&out).contains("planete"), "a message never echoes the value typed: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
    assert_eq!(s.stats(), before, "refused writes change nothing");
}

#[test]
fn a_cooperation_link_intensity_above_three_is_refused() {
    let s = Store::new();
    let t = s.territory();
    let org = |name: &str| {
        s.ok(&[
            "record",
            "put",
            "organisation",
            "--json",
            &json!({"territory_id": t, "name": name, "category": "caf"}).to_string(),
        ])
        .trim()
        .to_string()
    };
    let (a, b) = (org("CAF"), org("CCAS"));
    let link = |intensity: u8| {
        s.run(&[
            "record",
            "put",
            "cooperation_link",
            "--json",
            &json!({"territory_id": t, "from_organisation_id": a, "to_organisation_id": b, "kind": "information",
                    "intensity": intensity, "observed_on": "2026-03-01"})
            .to_string(),
        ])
    };
    assert!(link(3).status.success());
    let out = link(4);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("intensité"), "{}", stderr(&out));
}

#[test]
fn an_unknown_kind_is_a_usage_error() {
    let s = Store::new();
    let out = s.run(&["record", "put", "interviews", "--json", "{}"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("interviews"));
}

#[test]
fn wrong_ids_are_refused() {
    let s = Store::new();
    let malformed = s.run(&["record", "get", "territory", "not-an-id"]);
    assert_eq!(malformed.status.code(), Some(2), "a malformed id is a usage error");
    let absent = s.run(&["record", "get", "territory", "0190e4e1-0000-7000-8000-000000000000"]);
    assert_eq!(absent.status.code(), Some(1));
    let t = s.territory();
    let wrong_kind = s.run(&["record", "get", "interview", &t]);
    assert_eq!(wrong_kind.status.code(), Some(1));
    assert!(stderr(&wrong_kind).contains("territoire"), "{}", stderr(&wrong_kind));
}

#[test]
fn an_unwritable_store_path_is_reported_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = maillage(&file.join("maillage.sqlite3"), &["init", "--facilitator", "X"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(stderr(&out).contains("a-file"), "the message names the path: {}", stderr(&out));
}

#[test]
fn writing_before_init_says_which_command_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = maillage(
        &dir.path().join("m.sqlite3"),
        &["record", "put", "territory", "--json", r#"{"name":"X","kind":"qpv"}"#],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("maillage init"), "{}", stderr(&out));
}

#[test]
fn demo_fills_every_kind_but_attachments_and_check_passes() {
    let s = Store::new();
    s.ok(&[
        "demo",
        "--territory",
        "Cité éducative de Valmont",
        "--interviews",
        "6",
        "--workshops",
        "3",
        "--actions",
        "4",
    ]);
    let stats = s.stats();
    assert_eq!(stats["interview"], 6);
    assert_eq!(stats["workshop"], 3);
    assert_eq!(stats["action"], 4);
    for kind in
        ["territory", "roadmap", "organisation", "person", "cooperation_link", "indicator", "measurement", "practice"]
    {
        assert!(stats[kind].as_u64().unwrap() > 0, "demo has no {kind}");
    }
    s.ok(&["check"]);
}

#[test]
fn the_same_demo_twice_replaces_instead_of_duplicating() {
    let s = Store::new();
    s.ok(&["demo", "--territory", "Valmont", "--seed", "4"]);
    let once = s.stats();
    s.ok(&["demo", "--territory", "Valmont", "--seed", "4"]);
    assert_eq!(s.stats(), once);
}

#[test]
fn dump_is_sorted_canonical_json_lines() {
    let s = Store::new();
    s.ok(&["demo", "--territory", "Valmont", "--interviews", "3"]);
    let dump = s.ok(&["dump", "--canonical"]);
    let ids: Vec<String> =
        dump.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_string()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "lines are in id order");
    assert_eq!(dump, s.ok(&["dump", "--canonical"]), "the same store dumps the same bytes");
    let total: u64 = s.stats().as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(ids.len() as u64, total, "every live record, once");
}

#[test]
fn backup_then_restore_brings_the_store_back_and_keeps_the_current_one_aside() {
    let s = Store::new();
    let t = s.territory();
    let backup = s._dir.path().join("sauvegarde.sqlite3");
    s.ok(&["backup", "--out", backup.to_str().unwrap()]);
    s.ok(&["record", "delete", "territory", &t]);
    assert_eq!(s.stats()["territory"], 0);
    let out = s.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(s.stats()["territory"], 1, "the backup's territory is back");
    let aside = out.lines().find_map(|l| l.split(" : ").nth(1).filter(|p| p.contains("avant-restauration"))).unwrap();
    assert!(Path::new(aside).exists(), "the replaced store is kept: {out}");
    s.ok(&["check"]);
}

#[test]
fn restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing() {
    let s = Store::new();
    s.territory();
    let bogus = s._dir.path().join("notes.sqlite3");
    std::fs::write(&bogus, "ceci n'est pas une base").unwrap();
    let out = s.run(&["restore", bogus.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("n'est pas"), "{}", stderr(&out));
    assert_eq!(s.stats()["territory"], 1);
}

#[test]
fn put_reads_json_from_stdin_with_a_dash() {
    let s = Store::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_maillage"))
        .args(["--db", s.path.to_str().unwrap(), "record", "put", "territory", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(br#"{"name":"Roubaix","kind":"commune"}"#).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(s.stats()["territory"], 1);
}

/// Acknowledged writes survive `kill -9` at any moment: a writer prints each id after its
/// commit; it is killed mid-stream; every printed id is in the store and `check` passes.
#[test]
fn acknowledged_writes_survive_kill_9() {
    let s = Store::new();
    let t = s.territory();
    let bin = env!("CARGO_BIN_EXE_maillage");
    let data =
        json!({"territory_id": t, "title": "Entretien", "date": "2026-11-22", "notes": "x".repeat(2000)}).to_string();
    for round in 0..3u64 {
        let script = format!(
            "while true; do '{bin}' --db '{}' record put interview --json '{}' || exit 1; done",
            s.path.display(),
            data
        );
        use std::os::unix::process::CommandExt;
        let mut child =
            Command::new("sh").arg("-c").arg(&script).stdout(Stdio::piped()).process_group(0).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            use std::io::BufRead;
            std::io::BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>()
        });
        std::thread::sleep(std::time::Duration::from_millis(300 + 170 * round));
        // Kill the shell and the writer it is running (its whole process group), mid-write.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
        let _ = child.wait();
        let acknowledged = reader.join().unwrap();
        assert!(!acknowledged.is_empty(), "the writer had time to commit something");
        for id in &acknowledged {
            s.ok(&["record", "get", "interview", id]);
        }
    }
    s.ok(&["check"]);
}

#[test]
fn a_file_attached_to_an_interview_is_kept_by_its_hash() {
    let s = Store::new();
    let t = s.territory();
    let interview = s.ok(&[
        "record",
        "put",
        "interview",
        "--json",
        &json!({"territory_id": t, "title": "Rencontre", "date": "2026-11-22"}).to_string(),
    ]);
    let photo = s._dir.path().join("paperboard.jpg");
    std::fs::write(&photo, b"\xff\xd8\xff photo du paperboard").unwrap();
    let id = s.ok(&["record", "attach", photo.to_str().unwrap(), "--territory", &t, "--record", interview.trim()]);
    let got: Value = serde_json::from_str(&s.ok(&["record", "get", "attachment", id.trim(), "--json"])).unwrap();
    assert_eq!(got["data"]["name"], "paperboard.jpg");
    assert_eq!(got["data"]["media_type"], "image/jpeg");
    assert_eq!(got["data"]["size"], 23);
    assert_eq!(got["data"]["record_id"], interview.trim());
    assert_eq!(got["data"]["sha256"].as_str().unwrap().len(), 64);
    let missing = s.run(&["record", "attach", "/nonexistent/file.pdf", "--territory", &t]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(s.stats()["attachment"], 1, "a missing file attaches nothing");
}

/// A whole session on the command line: the log beside the store says what happened (puts,
/// refusals, an export) and holds none of the text that was written, searched or refused.
#[test]
fn the_log_holds_ids_and_codes_never_record_text() {
    let s = Store::new();
    let t = s.territory();
    let secret = "Zéphyrine Quillebœuf";
    let id = s
        .ok(&[
            "record",
            "put",
            "person",
            "--json",
            &json!({"territory_id": t, "name": secret, "contact": "zq@example.org"}).to_string(),
        ])
        .trim()
        .to_string();
    s.ok(&["search", "Quillebœuf"]);
    let refused = s.run(&[
        "record",
        "put",
        "person",
        "--json",
        &json!({"territory_id": t, "name": secret, "consent": secret}).to_string(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let bundle = s.path.with_file_name("sortie.maillage");
    s.ok(&["export", "--out", bundle.to_str().unwrap()]);
    s.ok(&["record", "delete", "person", &id]);

    let dir = s.path.with_file_name("journaux");
    let mut log = String::new();
    for entry in std::fs::read_dir(&dir).expect("a log folder beside the store") {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    for expected in ["put", "refused", "export", "delete", &id] {
        assert!(log.contains(expected), "the log says {expected}: {log}");
    }
    for secret_part in ["Zéphyrine", "Quillebœuf", "zq@example.org", "sortie"] {
        assert!(!log.contains(secret_part), "the log holds record text ({secret_part}): {log}");
    }
}

/// A value typed on the command line is never repeated in the refusal, whatever the field: the
/// message names the field and what it expects.
#[test]
fn a_refusal_never_echoes_what_was_typed() {
    let s = Store::new();
    let t = s.territory();
    let token = "Jean Secretname a refusé";
    let cases = [
        ("person", json!({"territory_id": t, "name": "P", "consent": token})),
        ("person", json!({"territory_id": t, "name": "P", "consent": {"status": token}})),
        ("person", json!({"territory_id": t, "name": "P", "organisation_id": token})),
        ("person", json!({"territory_id": token, "name": "P"})),
        ("interview", json!({"territory_id": t, "title": "A", "date": token})),
        (
            "interview",
            json!({"territory_id": t, "title": "A", "date": "2026-11-22", "passages": [{"source": "notes", "text": {"x": token}}]}),
        ),
        ("workshop", json!({"territory_id": t, "title": "A", "date": "2026-11-22", "kind": token})),
        ("action", json!({"territory_id": t, "title": token, "priority": {"impact": token}})),
        ("territory", json!({"name": "X", "kind": "qpv", "departement_code": token})),
        ("measurement", json!({"territory_id": t, "indicator_id": t, "date": "2026-11-22", "value": token})),
    ];
    for (kind, data) in cases {
        let out = s.run(&["record", "put", kind, "--json", &data.to_string()]);
        assert_eq!(out.status.code(), Some(1), "{kind} {data} must be refused");
        let message = stderr(&out);
        assert!(!message.contains("Secretname"), "{kind}: the refusal echoes the value: {message}");
        assert!(message.contains("champ"), "{kind}: the refusal names the field: {message}");
    }

    // Every kind, every field of a valid record, each given values of the wrong type in turn.
    let t = t.as_str();
    let put = |db: &Path, extra: &[&str], kind: &str, data: &Value| -> Output {
        let mut args: Vec<&str> = extra.to_vec();
        let json = data.to_string();
        args.extend(["record", "put", kind, "--json", &json]);
        maillage(db, &args)
    };
    let created = |db: &Path, extra: &[&str], kind: &str, data: Value| -> String {
        let out = put(db, extra, kind, &data);
        assert!(out.status.success(), "{kind} {data}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let o1 = created(&s.path, &[], "organisation", json!({"territory_id": t, "name": "PMI", "category": "caf"}));
    let o2 = created(&s.path, &[], "organisation", json!({"territory_id": t, "name": "CCAS", "category": "caf"}));
    let ind = created(&s.path, &[], "indicator", json!({"territory_id": t, "name": "Partenaires présents"}));
    let ws = created(
        &s.path,
        &[],
        "workshop",
        json!({"territory_id": t, "kind": "copil", "title": "COPIL", "date": "2026-11-22"}),
    );
    let pr = created(&s.path, &[], "practice", json!({"title": "Référent unique", "status": "proposee"}));
    let file = s.path.with_file_name("compte-rendu.txt");
    std::fs::write(&file, "Compte rendu").unwrap();
    let att = s.ok(&["record", "attach", file.to_str().unwrap(), "--territory", t]);
    let att: Value = serde_json::from_str(&s.ok(&["record", "get", "attachment", att.trim()])).unwrap();
    let sha = att["data"]["sha256"].as_str().unwrap().to_string();
    let territory_kinds: Vec<(&str, Value)> = vec![
        (
            "territory",
            json!({"name": "Orly", "kind": "commune", "departement_code": "94", "communes": ["Orly"],
                             "programme": "Cité éducative", "notes": "Notes"}),
        ),
        ("roadmap", json!({"territory_id": t})),
        ("organisation", json!({"territory_id": t, "name": "PMI", "category": "caf", "notes": "n"})),
        ("person", json!({"territory_id": t, "name": "Mme Lefort", "organisation_id": o1, "contact": "c"})),
        (
            "cooperation_link",
            json!({"territory_id": t, "from_organisation_id": o1, "to_organisation_id": o2,
                                    "kind": "information", "intensity": 2, "observed_on": "2026-11-22"}),
        ),
        (
            "interview_guide",
            json!({"code": "g", "title": "Guide",
                                   "sections": [{"code": "s", "title": "S", "questions": [{"code": "q1", "text": "Q ?"}]}]}),
        ),
        (
            "interview",
            json!({"territory_id": t, "title": "Principale", "date": "2026-11-22", "organisation_ids": [o1]}),
        ),
        ("theme", json!({"code": "freins-cli", "label": "Freins"})),
        ("workshop", json!({"territory_id": t, "kind": "copil", "title": "COPIL", "date": "2026-11-22"})),
        ("action", json!({"territory_id": t, "title": "Petit-déjeuner des partenaires"})),
        ("indicator", json!({"territory_id": t, "name": "Partenaires présents", "target": 3})),
        ("measurement", json!({"territory_id": t, "indicator_id": ind, "date": "2026-11-22", "value": 3})),
        ("practice", json!({"title": "Référent unique", "territory_id": t})),
        ("attachment", json!({"territory_id": t, "name": "photo.jpg", "sha256": sha, "size": 12})),
        (
            "common_goal",
            json!({"territory_id": t, "goal": "Aucun élève sans solution", "indicator_ids": [ind],
                               "workshop_id": ws}),
        ),
        (
            "charter",
            json!({"territory_id": t, "title": "Charte", "status": "brouillon",
                           "partners": [{"organisation_id": o1, "interest": "Les familles"}]}),
        ),
    ];
    // Headquarters' own kinds are written in headquarters' workspace (an encrypted store).
    let bundle = s.path.with_file_name("pour-le-siege.maillage");
    s.ok(&["export", "--out", bundle.to_str().unwrap()]);
    let hq = s.path.with_file_name("siege.sqlite3");
    let pass = s.path.with_file_name("phrase");
    std::fs::write(&pass, "la phrase du siège national\n").unwrap();
    let hq_args = ["--passphrase-file", pass.to_str().unwrap()];
    let hq_ok = |args: &[&str]| {
        let out = maillage(&hq, &[&hq_args[..], args].concat());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    };
    hq_ok(&["init", "--facilitator", "Siège"]);
    hq_ok(&["workspace", "set", "siege"]);
    hq_ok(&["import", bundle.to_str().unwrap()]);
    let hq_kinds: Vec<(&str, Value)> = vec![
        (
            "practice_review",
            json!({"practice_id": pr, "reviewer": "Département", "relevance": 3, "originality": 2,
                                   "effectiveness": 4, "comment": "Pertinent", "reviewed_on": "2026-11-22"}),
        ),
        (
            "library_sheet",
            json!({"practice_id": pr, "decision": "retenue", "decided_on": "2026-11-22",
                                 "title": "Référent unique", "summary": "Un interlocuteur", "themes": ["Parcours"]}),
        ),
        (
            "national_meeting",
            json!({"meeting_kind": "copil_national", "held_on": "2026-11-22", "title": "COPIL",
                                    "participants": [{"territory_id": t, "who": "Cheffe de projet", "present": true}],
                                    "follow_ups": [{"text": "Envoyer", "territory_id": t}]}),
        ),
    ];
    let every: Vec<&str> = territory_kinds.iter().chain(&hq_kinds).map(|(k, _)| *k).collect();
    for kind in maillage_core::domain::Kind::ALL {
        assert!(every.contains(&kind.as_str()), "kind {kind} has no case here: add a valid record of it");
    }
    let cases =
        territory_kinds.iter().map(|c| (&s.path, &[][..], c)).chain(hq_kinds.iter().map(|c| (&hq, &hq_args[..], c)));
    for (db, extra, (kind, base)) in cases {
        created(db, extra, kind, base.clone()); // the base is valid
        for field in base.as_object().unwrap().keys() {
            let mut refusals = 0;
            for bad in [json!(token), json!({"x": token}), json!([token]), json!(12.5)] {
                let mut data = base.clone();
                data[field] = bad;
                let out = put(db, extra, kind, &data);
                if out.status.success() {
                    continue;
                }
                refusals += 1;
                assert_eq!(out.status.code(), Some(1), "{kind} {field}");
                let message = stderr(&out);
                assert!(!message.contains("Secretname"), "{kind} {field}: the refusal echoes the value: {message}");
                assert!(
                    message.contains("champ") || message.contains("empreinte"),
                    "{kind} {field}: the refusal names the field in French: {message}"
                );
            }
            assert!(refusals > 0, "{kind} {field}: a value of the wrong type is refused");
        }
    }
}

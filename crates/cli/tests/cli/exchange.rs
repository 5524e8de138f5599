//! The exchange commands of `maillage`, run as a user would: keys, export, verify, import,
//! conflicts. Exit codes, stdout and stderr are part of the contract.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn maillage(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage")).arg("--db").arg(db).args(args).output().expect("maillage runs")
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

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        Setup { dir: tempfile::tempdir().unwrap() }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn store(&self, name: &str, facilitator: &str) -> PathBuf {
        let db = self.path(&format!("{name}.sqlite3"));
        ok(&db, &["init", "--facilitator", facilitator]);
        db
    }
}

fn territory(db: &Path) -> String {
    ok(db, &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"qpv"}"#]).trim().to_string()
}

fn organisation(db: &Path, territory: &str, id: Option<&str>, name: &str) -> String {
    let json = format!(r#"{{"territory_id":"{territory}","name":"{name}","category":"centre_social"}}"#);
    let mut args = vec!["record", "put", "organisation", "--json", json.as_str()];
    if let Some(id) = id {
        args.extend(["--id", id]);
    }
    ok(db, &args).trim().to_string()
}

#[test]
fn keys_show_prints_the_device_and_its_fingerprint() {
    let s = Setup::new();
    let db = s.store("a", "Camille");
    let json: Value = serde_json::from_str(&ok(&db, &["keys", "show", "--json"])).unwrap();
    let me = &json["this_device"];
    assert_eq!(me["facilitator"], "Camille");
    assert_eq!(me["public_key"].as_str().unwrap().len(), 64);
    assert_eq!(me["fingerprint"].as_str().unwrap().split('-').count(), 8);
    let text = ok(&db, &["keys", "show"]);
    assert!(text.contains(me["fingerprint"].as_str().unwrap()), "{text}");
}

#[test]
fn hq_init_writes_a_secret_key_only_its_owner_reads_and_refuses_to_overwrite_it() {
    let s = Setup::new();
    let db = s.path("unused.sqlite3");
    ok(&db, &["keys", "hq-init", "--out", s.path("siege").to_str().unwrap()]);
    assert!(!db.exists(), "hq-init needs no store and creates none");
    let secret = s.path("siege/hq.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert!(std::fs::read_to_string(s.path("siege/hq.pub")).unwrap().starts_with("age1"));
    let again = maillage(&db, &["keys", "hq-init", "--out", s.path("siege").to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("existe déjà"));
}

#[test]
fn a_sealed_export_goes_to_headquarters_and_imports_once() {
    let s = Setup::new();
    let a = s.store("a", "Camille");
    let hq = s.store("hq", "Siège");
    let t = territory(&a);
    organisation(&a, &t, None, "Centre social");
    ok(&hq, &["keys", "hq-init", "--out", s.path("siege").to_str().unwrap()]);
    let bundle = s.path("orly.maillage");
    let summary =
        ok(&a, &["export", "--out", bundle.to_str().unwrap(), "--to", s.path("siege/hq.pub").to_str().unwrap()]);
    assert!(summary.contains("scellé pour 1 clé"), "{summary}");
    assert!(summary.contains("organisation"), "{summary}");

    // Without the key: refused, one line on stderr, exit 1.
    let refused = maillage(&hq, &["import", bundle.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("orly.maillage") && stderr.contains("--identity"), "{stderr}");

    let key = s.path("siege/hq.key");
    let verify = ok(&hq, &["verify", bundle.to_str().unwrap(), "--identity", key.to_str().unwrap()]);
    assert!(verify.contains("vérifications sont passées"), "{verify}");
    let dry: Value = serde_json::from_str(&ok(
        &hq,
        &["import", bundle.to_str().unwrap(), "--identity", key.to_str().unwrap(), "--dry-run", "--json"],
    ))
    .unwrap();
    assert_eq!(dry[0]["dry_run"], true);
    assert_eq!(dry[0]["kinds"]["organisation"]["added"], 1);
    assert!(ok(&hq, &["stats", "--json"]).contains("\"organisation\":0"), "a dry run writes nothing");

    let first = ok(&hq, &["import", bundle.to_str().unwrap(), "--identity", key.to_str().unwrap()]);
    assert!(first.contains("2 ajouté(s)"), "{first}");
    let second = ok(&hq, &["import", bundle.to_str().unwrap(), "--identity", key.to_str().unwrap()]);
    assert!(second.contains("déjà importé, rien n'a changé"), "{second}");
    assert_eq!(ok(&a, &["dump", "--canonical"]), ok(&hq, &["dump", "--canonical"]));
}

#[test]
fn one_refused_file_does_not_stop_the_others() {
    let s = Setup::new();
    let a = s.store("a", "Camille");
    let b = s.store("b", "Bao");
    let t = territory(&a);
    organisation(&a, &t, None, "Mairie");
    let good = s.path("good.maillage");
    ok(&a, &["export", "--out", good.to_str().unwrap()]);
    let bad = s.path("bad.maillage");
    let mut bytes = std::fs::read(&good).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&bad, bytes).unwrap();
    let out = maillage(&b, &["import", bad.to_str().unwrap(), good.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "a refused file makes the exit code 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("bad.maillage") && stderr.contains("paquet refusé"), "{stderr}");
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(reports[0]["refused"]["code"], "bundle_damaged");
    assert_eq!(reports[1]["totals"]["added"], 2, "the good file still counts");
}

#[test]
fn keys_trust_registers_a_device_before_its_first_bundle() {
    let s = Setup::new();
    let a = s.store("a", "Camille");
    let hq = s.store("hq", "Siège");
    let key_file = s.path("camille.json");
    std::fs::write(&key_file, ok(&a, &["keys", "show", "--json"])).unwrap();
    let trusted = ok(&hq, &["keys", "trust", key_file.to_str().unwrap()]);
    assert!(trusted.contains("enregistré"), "{trusted}");
    assert!(ok(&hq, &["keys", "trust", key_file.to_str().unwrap()]).contains("déjà connu"));
    territory(&a);
    let bundle = s.path("a.maillage");
    ok(&a, &["export", "--out", bundle.to_str().unwrap()]);
    let report: Value = serde_json::from_str(&ok(&hq, &["import", bundle.to_str().unwrap(), "--json"])).unwrap();
    assert_eq!(report[0]["key_status"], "registered");
}

#[test]
fn a_conflict_is_listed_and_resolved_from_the_command_line() {
    let s = Setup::new();
    let a = s.store("a", "Camille");
    let b = s.store("b", "Bao");
    let t = territory(&a);
    let org = organisation(&a, &t, None, "Centre social");
    let first = s.path("a1.maillage");
    ok(&a, &["export", "--out", first.to_str().unwrap()]);
    ok(&b, &["import", first.to_str().unwrap()]);
    organisation(&a, &t, Some(&org), "Centre social des Aviateurs");
    organisation(&b, &t, Some(&org), "Centre social (Orly)");
    let from_b = s.path("b1.maillage");
    ok(&b, &["export", "--out", from_b.to_str().unwrap(), "--since-last"]);
    let report = ok(&a, &["import", from_b.to_str().unwrap()]);
    assert!(report.contains("1 en conflit"), "{report}");

    let list: Value = serde_json::from_str(&ok(&a, &["conflicts", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(list[0]["fields"], serde_json::json!(["name"]));
    let text = ok(&a, &["conflicts"]);
    assert!(text.contains(&id) && text.contains("--keep"), "{text}");

    let resolved = ok(&a, &["conflicts", "resolve", &id, "--keep", "loser"]);
    assert!(resolved.contains("résolu"), "{resolved}");
    assert!(ok(&a, &["conflicts"]).contains("Aucun conflit"));
    let again = maillage(&a, &["conflicts", "resolve", &id, "--keep", "winner"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("déjà résolu"));
    let unknown = maillage(&a, &["conflicts", "resolve", "ffffffffffff", "--keep", "winner"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("maillage conflicts"));
}

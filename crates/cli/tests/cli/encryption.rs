//! Encryption at rest from the command line: `init` with a passphrase, every command opening
//! the store with `--passphrase-file` or `MAILLAGE_PASSPHRASE_FILE`, a wrong passphrase refused
//! with exit 1 and nothing touched, `encryption enable|status|change-passphrase|recover`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn run(db: &Path, args: &[&str], env: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_maillage"));
    cmd.arg("--db").arg(db).args(args).env_remove("MAILLAGE_DB").env_remove("MAILLAGE_PASSPHRASE_FILE");
    if let Some(file) = env {
        cmd.env("MAILLAGE_PASSPHRASE_FILE", file);
    }
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args, None);
    assert!(out.status.success(), "`maillage {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn secret(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{text}\n")).unwrap();
    p
}

fn files_of(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.path(), std::fs::read(e.path()).unwrap()))
        .collect()
}

fn holds(file: &Path, text: &str) -> bool {
    std::fs::read(file).is_ok_and(|b| b.windows(text.len()).any(|w| w == text.as_bytes()))
}

#[test]
fn an_encrypted_store_opens_with_its_passphrase_file_and_a_wrong_one_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("maillage.sqlite3");
    let right = secret(dir.path(), "phrase", "une phrase de passe solide");
    let wrong = secret(dir.path(), "autre", "une phrase de passe fausse");
    let r = right.to_str().unwrap();
    let init = ok(&db, &["--passphrase-file", r, "init", "--facilitator", "Camille Lefort"]);
    let code =
        init.lines().map(str::trim).find(|l| l.len() == 32 && l.matches('-').count() == 6).expect(&init).to_string();
    ok(&db, &["--passphrase-file", r, "demo", "--territory", "Valmont"]);

    // No passphrase: a clear refusal. A wrong one: « phrase de passe incorrecte », exit 1, nothing touched.
    let none = run(&db, &["stats"], None);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("--passphrase-file"));
    let before = files_of(dir.path());
    for out in
        [run(&db, &["--passphrase-file", wrong.to_str().unwrap(), "stats"], None), run(&db, &["stats"], Some(&wrong))]
    {
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "maillage: phrase de passe incorrecte");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(files_of(dir.path()), before);

    // The right one, by flag or by environment.
    let stats: Value = serde_json::from_str(&ok(&db, &["--passphrase-file", r, "stats", "--json"])).unwrap();
    assert_eq!(stats["territory"], 1);
    let env = run(&db, &["search", "Valmont", "--json"], Some(&right));
    assert!(env.status.success() && !env.stdout.is_empty());
    let status: Value =
        serde_json::from_str(&ok(&db, &["--passphrase-file", r, "encryption", "status", "--json"])).unwrap();
    assert_eq!(status["encrypted"], true);
    for text in ["Valmont", "Camille Lefort", code.as_str(), "une phrase de passe solide"] {
        assert!(!holds(&db, text) && !holds(&dir.path().join("maillage.sqlite3.cle"), text), "« {text} » in the bytes");
    }

    // Change the passphrase, then forget it: the recovery code sets a new one.
    let new = secret(dir.path(), "nouvelle", "la nouvelle phrase de passe");
    ok(
        &db,
        &["--passphrase-file", r, "encryption", "change-passphrase", "--new-passphrase-file", new.to_str().unwrap()],
    );
    assert_eq!(run(&db, &["stats"], Some(&right)).status.code(), Some(1));
    ok(&db, &["--passphrase-file", new.to_str().unwrap(), "stats"]);
    let code_file = secret(dir.path(), "code", &code.to_lowercase());
    let third = secret(dir.path(), "troisieme", "une troisième phrase de passe");
    let wrong_code = secret(dir.path(), "faux-code", &"7".repeat(26));
    let refused = run(
        &db,
        &[
            "encryption",
            "recover",
            "--recovery-code-file",
            wrong_code.to_str().unwrap(),
            "--new-passphrase-file",
            third.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("code de secours incorrect"));
    ok(
        &db,
        &[
            "encryption",
            "recover",
            "--recovery-code-file",
            code_file.to_str().unwrap(),
            "--new-passphrase-file",
            third.to_str().unwrap(),
        ],
    );
    let stats: Value =
        serde_json::from_str(&ok(&db, &["--passphrase-file", third.to_str().unwrap(), "stats", "--json"])).unwrap();
    assert_eq!(stats["territory"], 1);
}

#[test]
fn encryption_is_turned_on_for_an_existing_store_without_losing_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("maillage.sqlite3");
    ok(&db, &["init", "--facilitator", "Camille"]);
    ok(&db, &["demo", "--territory", "Valmont", "--seed", "3"]);
    let dump = ok(&db, &["dump", "--canonical"]);
    let short = secret(dir.path(), "courte", "court");
    let refused = run(&db, &["--passphrase-file", short.to_str().unwrap(), "encryption", "enable"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("au moins 10 caractères"));
    let p = secret(dir.path(), "phrase", "une phrase de passe solide");
    let p = p.to_str().unwrap();
    let shown = ok(&db, &["--passphrase-file", p, "encryption", "enable"]);
    assert!(shown.contains("Code de secours"), "{shown}");
    assert_eq!(ok(&db, &["--passphrase-file", p, "dump", "--canonical"]), dump);
    assert!(!holds(&db, "Valmont"));
    let again = run(&db, &["--passphrase-file", p, "encryption", "enable"], None);
    assert_eq!(again.status.code(), Some(1));
    ok(&db, &["--passphrase-file", p, "encryption", "idle-lock", "5"]);
    assert_eq!(run(&db, &["--passphrase-file", p, "encryption", "idle-lock", "0"], None).status.code(), Some(1));
}

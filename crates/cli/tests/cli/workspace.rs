//! Headquarters' workspace on the command line: `workspace set siege` makes the keys beside the
//! store, `import` opens sealed bundles with them without `--identity`, territories are read-only
//! there, and `national synthesis` reads the same core call as the application.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use serde_json::Value;

use crate::{maillage, stderr};

fn ok(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert!(out.status.success(), "maillage {args:?} failed: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn headquarters_imports_sealed_bundles_with_the_key_beside_its_store() {
    let dir = tempfile::tempdir().unwrap();
    let hq = dir.path().join("siege/maillage.sqlite3");
    std::fs::create_dir(dir.path().join("siege")).unwrap();
    // Headquarters' workspace requires an encrypted store: created with a passphrase.
    let pass = dir.path().join("phrase-du-siege");
    std::fs::write(&pass, "la phrase du siège national\n").unwrap();
    let pf = pass.to_str().unwrap();
    let init = ok(&hq, &["--passphrase-file", pf, "init", "--facilitator", "Siège"]);
    assert!(init.contains("Code de secours"), "{init}");
    let locked = maillage(&hq, &["workspace", "show"]);
    assert!(!locked.status.success() && String::from_utf8_lossy(&locked.stderr).contains("--passphrase-file"));
    let shown: Value =
        serde_json::from_str(&ok(&hq, &["--passphrase-file", pf, "workspace", "show", "--json"])).unwrap();
    assert!(shown["mode"].is_null(), "{shown}");
    let set: Value =
        serde_json::from_str(&ok(&hq, &["--passphrase-file", pf, "workspace", "set", "siege", "--json"])).unwrap();
    assert_eq!(set["mode"], "siege");
    let recipient = set["hq"]["recipient"].as_str().unwrap().to_string();
    let key = dir.path().join("siege/hq.key");
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let text = ok(&hq, &["--passphrase-file", pf, "workspace", "show"]);
    assert!(text.contains("siège national") && text.contains(&recipient) && text.contains("AUCUNE COPIE"), "{text}");

    let a = dir.path().join("camille.sqlite3");
    ok(&a, &["init", "--facilitator", "Camille"]);
    let orly = ok(&a, &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"commune"}"#]);
    let orly = orly.trim();
    let bundle = dir.path().join("orly.maillage");
    ok(&a, &["export", "--out", bundle.to_str().unwrap(), "--to", &recipient]);

    let imported = ok(&hq, &["--passphrase-file", pf, "import", bundle.to_str().unwrap()]);
    assert!(imported.contains("1 ajouté"), "{imported}");
    let synthesis: Value =
        serde_json::from_str(&ok(&hq, &["--passphrase-file", pf, "national", "synthesis", "--json"])).unwrap();
    assert_eq!(synthesis["territories"][0]["name"], "Orly");
    assert!(ok(&hq, &["--passphrase-file", pf, "national", "synthesis"]).contains("Territoires (1) : Orly"));

    // Read-only at headquarters, with a French reason.
    let data = format!(r#"{{"territory_id":"{orly}","name":"PMI","category":"caf"}}"#);
    let refused = maillage(&hq, &["--passphrase-file", pf, "record", "put", "organisation", "--json", &data]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("au siège"), "{}", stderr(&refused));

    let copy = dir.path().join("copie.key");
    ok(&hq, &["--passphrase-file", pf, "workspace", "save-secret-copy", "--out", copy.to_str().unwrap()]);
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&key).unwrap());
    let again =
        maillage(&hq, &["--passphrase-file", pf, "workspace", "save-secret-copy", "--out", copy.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(ok(&hq, &["--passphrase-file", pf, "workspace", "show"]).contains("copie enregistrée"));

    // Back to a territory's workspace: the key stays, but is no longer used for imports.
    ok(&hq, &["--passphrase-file", pf, "workspace", "set", "territoire"]);
    assert!(key.exists());
    let second = dir.path().join("orly-2.maillage");
    ok(&a, &["record", "put", "territory", "--json", r#"{"name":"Bondy","kind":"qpv"}"#]);
    ok(&a, &["export", "--since-last", "--out", second.to_str().unwrap(), "--to", &recipient]);
    let sealed = maillage(&hq, &["--passphrase-file", pf, "import", second.to_str().unwrap()]);
    assert_eq!(sealed.status.code(), Some(1), "{}", stderr(&sealed));
}

//! The selection committee on the command line: a proposed practice arrives by its bundle at
//! headquarters, is reviewed three times, decided on, published under the library's themes.

use std::path::Path;

use serde_json::{json, Value};

use crate::{maillage, stderr};

fn ok(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert!(out.status.success(), "maillage {args:?} failed: {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn headquarters_reviews_decides_and_publishes_a_proposed_practice() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("camille.sqlite3");
    ok(&a, &["init", "--facilitator", "Camille"]);
    let t = ok(
        &a,
        &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"commune","departement_code":"94"}"#],
    );
    let practice = json!({"territory_id": t.trim(), "title": "Petit-déjeuner des partenaires", "status": "proposee"});
    let p = ok(&a, &["record", "put", "practice", "--json", &practice.to_string()]).trim().to_string();
    let bundle = dir.path().join("orly.maillage");
    ok(&a, &["export", "--out", bundle.to_str().unwrap()]);

    let hq = dir.path().join("siege.sqlite3");
    let pass = dir.path().join("phrase");
    std::fs::write(&pass, "la phrase du siège national\n").unwrap();
    let pf = pass.to_str().unwrap();
    ok(&hq, &["--passphrase-file", pf, "init", "--facilitator", "Siège"]);
    let outside = maillage(&hq, &["--passphrase-file", pf, "practice", "queue"]);
    assert!(outside.status.success(), "the queue reads anywhere");
    ok(&hq, &["--passphrase-file", pf, "workspace", "set", "siege"]);
    ok(&hq, &["--passphrase-file", pf, "import", bundle.to_str().unwrap()]);

    let hq_ok = |args: &[&str]| {
        let mut all = vec!["--passphrase-file", pf];
        all.extend_from_slice(args);
        ok(&hq, &all)
    };
    for (who, r, o, e) in
        [("Département", "4", "3", "4"), ("Association", "3", "2", "4"), ("Préfecture", "4", "4", "3")]
    {
        hq_ok(&[
            "practice",
            "review",
            &p,
            "--reviewer",
            who,
            "--relevance",
            r,
            "--originality",
            o,
            "--effectiveness",
            e,
        ]);
    }
    let bad = maillage(
        &hq,
        &[
            "--passphrase-file",
            pf,
            "practice",
            "review",
            &p,
            "--reviewer",
            "X",
            "--relevance",
            "9",
            "--originality",
            "1",
            "--effectiveness",
            "1",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("pertinence"), "{}", stderr(&bad));
    hq_ok(&["practice", "decide", &p, "--retain", "--reason", "Transposable"]);
    let published = hq_ok(&["practice", "publish", &p, "--theme", "Partenariats entre acteurs"]);
    assert!(published.starts_with("Publiée le "), "{published}");
    let queue: Value = serde_json::from_str(&hq_ok(&["practice", "queue", "--json"])).unwrap();
    assert_eq!(queue[0]["reviews"].as_array().unwrap().len(), 3);
    assert_eq!(queue[0]["decision"], "retenue");
    assert_eq!(queue[0]["departement_code"], "94");
    assert!(queue[0]["published_on"].is_string());
    assert!(hq_ok(&["practice", "themes"]).lines().any(|l| l == "Violences conjugales"));
}

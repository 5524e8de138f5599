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

/// What headquarters sends back, on the command line: the library bundle signed with
/// headquarters' key, `keys trust hq.pub` on the facilitator's device (hq.pub read by the `age`
/// tool too), the import, `library list`, `practice adopt`; a library from another key refused.
#[test]
fn the_library_goes_back_to_the_facilitator_and_inspires_an_action() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("camille.sqlite3");
    ok(&a, &["init", "--facilitator", "Camille"]);
    let t = ok(
        &a,
        &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"commune","departement_code":"94"}"#],
    );
    let t = t.trim();
    let practice = json!({"territory_id": t, "title": "Petit-déjeuner des partenaires", "objectives": "Se connaître",
                          "means": "Un café par mois", "status": "proposee"});
    let p = ok(&a, &["record", "put", "practice", "--json", &practice.to_string()]).trim().to_string();
    let up = dir.path().join("orly.maillage");
    ok(&a, &["export", "--out", up.to_str().unwrap()]);

    let pass = dir.path().join("phrase");
    std::fs::write(&pass, "la phrase du siège national\n").unwrap();
    let pf = pass.to_str().unwrap().to_string();
    let hq_at = |db: &Path| {
        let db = db.to_path_buf();
        let pf = pf.clone();
        move |args: &[&str]| {
            let mut all = vec!["--passphrase-file", pf.as_str()];
            all.extend_from_slice(args);
            ok(&db, &all)
        }
    };
    std::fs::create_dir(dir.path().join("siege")).unwrap();
    let hq = dir.path().join("siege/siege.sqlite3");
    let hq_ok = hq_at(&hq);
    hq_ok(&["init", "--facilitator", "Siège"]);
    hq_ok(&["workspace", "set", "siege"]);
    hq_ok(&["import", up.to_str().unwrap()]);
    hq_ok(&["practice", "decide", &p, "--retain", "--reason", "Transposable"]);
    hq_ok(&["practice", "publish", &p, "--theme", "Partenariats entre acteurs"]);
    let library = dir.path().join("bibliotheque.maillage");
    let published = hq_ok(&["library", "publish", "--out", library.to_str().unwrap()]);
    assert!(published.contains("1 pratique(s) publiée(s)"), "{published}");
    let hq_pub = dir.path().join("siege/hq.pub");

    // `age` reads hq.pub as a recipients file (the signing line is a comment for it), and a
    // bundle sealed by Maillage for hq.pub opens with hq.key.
    let sealed = dir.path().join("scelle.maillage");
    ok(&a, &["export", "--out", sealed.to_str().unwrap(), "--to", hq_pub.to_str().unwrap()]);
    let opened = std::process::Command::new("age")
        .args(["-d", "-i", dir.path().join("siege/hq.key").to_str().unwrap(), sealed.to_str().unwrap()])
        .output()
        .expect("the age tool (scripts/install-deps.sh e2e installs it)");
    assert!(opened.status.success(), "{}", String::from_utf8_lossy(&opened.stderr));
    let resealed = std::process::Command::new("age")
        .args(["-R", hq_pub.to_str().unwrap(), "-o", dir.path().join("x.age").to_str().unwrap(), up.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(resealed.status.success(), "{}", String::from_utf8_lossy(&resealed.stderr));

    // Before trusting headquarters, the import is refused; then trusted, with its fingerprint.
    let refused = maillage(&a, &["import", library.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("pas encore reconnu la clé du siège"), "{}", stderr(&refused));
    let trusted = ok(&a, &["keys", "trust", hq_pub.to_str().unwrap()]);
    assert!(trusted.contains("Clé du siège reconnue") && trusted.contains("Empreinte"), "{trusted}");
    let imported = ok(&a, &["import", library.to_str().unwrap()]);
    assert!(imported.contains("bibliothèque du siège"), "{imported}");
    let list: Value = serde_json::from_str(&ok(&a, &["library", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["origin"], "Commune · 94");
    let sheet = list[0]["sheet_id"].as_str().unwrap();
    let themed = ok(&a, &["library", "list", "--theme", "Parents"]);
    assert!(themed.trim().is_empty(), "{themed}");
    let action = ok(&a, &["practice", "adopt", sheet, "--territory", t]).trim().to_string();
    let got: Value = serde_json::from_str(&ok(&a, &["record", "get", "action", &action])).unwrap();
    assert_eq!(got["data"]["inspired_by"], sheet);
    assert_eq!(got["data"]["resources"], "Un café par mois");

    // A library bundle from another headquarters key is refused, with its reason.
    std::fs::create_dir(dir.path().join("autre")).unwrap();
    let other = dir.path().join("autre/autre.sqlite3");
    let other_ok = hq_at(&other);
    other_ok(&["init", "--facilitator", "Autre"]);
    other_ok(&["workspace", "set", "siege"]);
    let fake = dir.path().join("faux.maillage");
    other_ok(&["library", "publish", "--out", fake.to_str().unwrap()]);
    let refused = maillage(&a, &["import", fake.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("pas signé par la clé du siège reconnue"), "{}", stderr(&refused));
}

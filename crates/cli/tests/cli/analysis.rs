//! `maillage analysis …` and `maillage export network | qdpx` as a script uses them: the JSON's
//! field names, the readable output, the files written, and refusals (exit 1, the value typed
//! never echoed; a malformed id is a usage error, exit 2).

use std::process::Command;

use serde_json::Value;

use super::{stderr, Store};

fn put(s: &Store, kind: &str, json: String) -> String {
    s.ok(&["record", "put", kind, "--json", &json]).trim().to_string()
}

/// A territory with three structures: A—B from January (1, then 3 in March), B—C from April;
/// a person whose consent is pending says a verbatim (never to leave).
fn territory(s: &Store) -> (String, [String; 3]) {
    let t = s.territory();
    let org = |name: &str, cat: &str| {
        put(s, "organisation", format!(r#"{{"territory_id":"{t}","name":"{name}","category":"{cat}"}}"#))
    };
    let (a, b, c) = (org("Collège", "education_nationale"), org("CAF", "caf"), org("Centre social", "centre_social"));
    let link = |x: &str, y: &str, i: u8, on: &str| {
        put(
            s,
            "cooperation_link",
            format!(
                r#"{{"territory_id":"{t}","from_organisation_id":"{x}","to_organisation_id":"{y}","kind":"information","intensity":{i},"observed_on":"{on}"}}"#
            ),
        )
    };
    link(&a, &b, 1, "2026-01-10");
    link(&b, &a, 3, "2026-03-10");
    link(&b, &c, 2, "2026-04-10");
    let p = put(s, "person", format!(r#"{{"territory_id":"{t}","name":"Dora Attente","organisation_id":"{b}"}}"#));
    let themes: Value = serde_json::from_str(&s.ok(&["record", "list", "theme", "--json"])).unwrap();
    let freins = themes.as_array().unwrap().iter().find(|r| r["data"]["code"] == "freins").unwrap()["id"].clone();
    put(
        s,
        "interview",
        format!(
            r#"{{"territory_id":"{t}","title":"E","date":"2026-02-01","person_ids":["{p}"],"consent":{{"status":"given","date":"2026-02-01"}},
                "passages":[{{"source":"notes","text":"SECRETDORA ne doit pas sortir","theme_ids":[{freins}],"quote":true,"person_id":"{p}"}}]}}"#
        ),
    );
    (t, [a, b, c])
}

fn json(s: &Store, args: &[&str]) -> Value {
    serde_json::from_str(&s.ok(args)).unwrap()
}

#[test]
fn analysis_network_prints_the_measures_under_the_issue_s_names() {
    let s = Store::new();
    let (t, [_, b, _]) = territory(&s);
    let n = json(&s, &["analysis", "network", "--territory", &t, "--at", "2026-05-01", "--json"]);
    assert_eq!(n["actors"], 3);
    assert_eq!(n["links"], 2);
    assert_eq!(n["links_by_intensity"], serde_json::json!({"1": 0, "2": 1, "3": 1}));
    assert!((n["density"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert!((n["mean_degree"].as_f64().unwrap() - 4.0 / 3.0).abs() < 1e-9);
    assert!((n["degree_centralisation"].as_f64().unwrap() - 1.0).abs() < 1e-9, "a path of three is a star");
    assert_eq!(n["betweenness"][0]["organisation_id"], Value::String(b.clone()));
    assert_eq!(n["betweenness"][0]["name"], "CAF");
    assert_eq!(n["betweenness"][0]["value"], 1.0);
    assert_eq!(n["isolated"], serde_json::json!([]));
    assert_eq!(n["components"], 1);
    assert_eq!(n["cross_category_share"], 1.0);
    assert_eq!(n["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(n["nodes"][0]["category"], "caf");
    let edge = &n["edges"][0];
    for field in ["link_id", "from_organisation_id", "to_organisation_id", "kind", "intensity", "observed_on"] {
        assert!(edge.get(field).is_some(), "edges[].{field}");
    }

    let feb = json(&s, &["analysis", "network", "--territory", &t, "--at", "2026-02-01", "--json"]);
    assert_eq!((feb["links"].as_u64(), feb["components"].as_u64()), (Some(1), Some(2)));
    let readable = s.ok(&["analysis", "network", "--territory", &t, "--at", "2026-02-01"]);
    assert!(readable.contains("Acteurs : 3") && readable.contains("Liens : 1"), "{readable}");
}

#[test]
fn analysis_compare_gives_both_dates_and_the_changes() {
    let s = Store::new();
    let (t, _) = territory(&s);
    let c =
        json(&s, &["analysis", "compare", "--territory", &t, "--from", "2026-02-01", "--to", "2026-05-01", "--json"]);
    for field in [
        "from",
        "to",
        "measures",
        "new_links",
        "lost_links",
        "strengthened",
        "weakened",
        "joined",
        "network_from",
        "network_to",
    ] {
        assert!(c.get(field).is_some(), "{field}");
    }
    let links = c["measures"].as_array().unwrap().iter().find(|m| m["measure"] == "links").unwrap();
    assert_eq!(
        (links["from"].as_f64(), links["to"].as_f64(), links["change"].as_f64()),
        (Some(1.0), Some(2.0), Some(1.0))
    );
    assert_eq!(c["new_links"].as_array().unwrap().len(), 1);
    assert_eq!(c["strengthened"][0]["intensity_before"], 1);
    assert_eq!(c["strengthened"][0]["intensity_after"], 3);
    assert_eq!(c["joined"][0]["name"], "Centre social");

    let readable = s.ok(&["analysis", "compare", "--territory", &t, "--from", "2026-02-01", "--to", "2026-05-01"]);
    assert!(readable.contains("Nouveaux liens (1)"), "{readable}");
    assert!(readable.contains("Liens renforcés (1)"), "{readable}");
    assert!(readable.contains("Collège — CAF (1 → 3)") || readable.contains("CAF — Collège (1 → 3)"), "{readable}");
    assert!(readable.contains("Densité"));
}

#[test]
fn analysis_themes_json_never_holds_a_verbatim_without_consent() {
    let s = Store::new();
    let (t, _) = territory(&s);
    let out = s.ok(&["analysis", "themes", "--territory", &t, "--json"]);
    assert!(!out.contains("SECRETDORA") && !out.contains("Dora"), "a pending consent keeps the verbatim in");
    let v: Value = serde_json::from_str(&out).unwrap();
    for field in [
        "territory_id",
        "categories",
        "rows",
        "co_occurrence",
        "pairs",
        "verbatims",
        "withheld_quotes",
        "withheld_message",
    ] {
        assert!(v.get(field).is_some(), "{field}");
    }
    assert_eq!(v["withheld_quotes"], 1);
    let freins = v["verbatims"].as_array().unwrap().iter().find(|t| t["code"] == "freins").unwrap();
    assert_eq!((freins["verbatims"].as_array().unwrap().len(), freins["withheld"].as_u64()), (0, Some(1)));
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["code"] == "freins").unwrap();
    assert_eq!(row["by_category"]["caf"], 1, "the passage counts for the person's structure's category");
    assert!(s.ok(&["analysis", "themes"]).contains("Freins"), "every territory: the readable grid");
}

#[test]
fn export_network_and_qdpx_write_files_other_tools_open() {
    let s = Store::new();
    let (t, [a, b, c]) = territory(&s);
    let dir = s.path.parent().unwrap();
    for format in ["gexf", "graphml"] {
        let file = dir.join(format!("reseau.{format}"));
        let said = s.ok(&[
            "export",
            "network",
            "--territory",
            &t,
            "--at",
            "2026-05-01",
            "--format",
            format,
            "--out",
            file.to_str().unwrap(),
        ]);
        assert!(said.contains("3 structures, 2 liens"), "{said}");
        let lint = Command::new("xmllint").arg("--noout").arg(&file).output().expect("xmllint (libxml2-utils)");
        assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stderr));
        let text = std::fs::read_to_string(&file).unwrap();
        for id in [&a, &b, &c] {
            assert!(text.contains(id.as_str()), "{format} holds every organisation");
        }
        let again =
            s.run(&["export", "network", "--territory", &t, "--format", format, "--out", file.to_str().unwrap()]);
        assert_eq!(again.status.code(), Some(1), "an existing file only with --force");
        s.ok(&["export", "network", "--territory", &t, "--format", format, "--out", file.to_str().unwrap(), "--force"]);
    }
    let qdpx = dir.join("entretiens.qdpx");
    let said = s.ok(&["export", "qdpx", "--territory", &t, "--out", qdpx.to_str().unwrap()]);
    assert!(said.contains("1 passages non exportés"), "{said}");
    let bytes = std::fs::read(&qdpx).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
    assert!(!String::from_utf8_lossy(&bytes).contains("SECRETDORA"));

    // `export --out` still writes a bundle.
    let bundle = dir.join("b.maillage");
    s.ok(&["export", "--out", bundle.to_str().unwrap()]);
    assert!(bundle.exists());
}

#[test]
fn bad_dates_and_unknown_territories_exit_1_without_echoing_what_was_typed() {
    let s = Store::new();
    let (t, _) = territory(&s);
    let dir = s.path.parent().unwrap();
    let (gexf, qdpx) = (dir.join("x.gexf"), dir.join("x.qdpx"));
    let (gexf, qdpx) = (gexf.to_str().unwrap(), qdpx.to_str().unwrap());
    for args in [
        vec!["analysis", "network", "--territory", &t, "--at", "2026-02-31"],
        vec!["analysis", "network", "--territory", &t, "--at", "ZZBADDATE"],
        vec!["analysis", "compare", "--territory", &t, "--from", "ZZBADDATE", "--to", "2026-01-01"],
        vec!["analysis", "compare", "--territory", &t, "--from", "2026-06-01", "--to", "2026-01-01"],
        vec!["export", "network", "--territory", &t, "--at", "ZZBADDATE", "--format", "gexf", "--out", gexf],
    ] {
        let out = s.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("AAAA-MM-JJ") || err.contains("précède"), "{err}");
        assert!(!err.contains("ZZBADDATE") && !err.contains("2026-02-31") && !err.contains("panicked"), "{err}");
    }
    let unknown = "0192c3a4-0000-7000-8000-000000000000";
    for args in [
        vec!["analysis", "network", "--territory", unknown],
        vec!["analysis", "themes", "--territory", unknown, "--json"],
        vec!["analysis", "compare", "--territory", unknown, "--from", "2026-01-01", "--to", "2026-02-01"],
        vec!["export", "qdpx", "--territory", unknown, "--out", qdpx],
    ] {
        let out = s.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("aucun territoire") && !stderr(&out).contains(unknown), "{}", stderr(&out));
    }
    assert!(!dir.join("x.qdpx").exists() && !dir.join("x.gexf").exists(), "nothing written");
    assert_eq!(s.run(&["analysis", "network", "--territory", "pas-un-id"]).status.code(), Some(2), "usage");
    assert_eq!(
        s.run(&["export", "network", "--territory", &t, "--format", "pdf", "--out", "x"]).status.code(),
        Some(2)
    );
}

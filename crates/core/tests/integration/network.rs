//! The cooperation network through the api: the latest observation of each pair on or before a
//! date, two dates compared on a territory whose changes are known, refusals, and the files
//! Gephi opens (checked by an independent XML parser, `xmllint`).

use std::path::Path;
use std::process::Command;

use maillage_core::api::{Api, ErrorCode, NetworkFormat};
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

fn api() -> (tempfile::TempDir, Api) {
    let dir = tempfile::tempdir().unwrap();
    let api = Api::create(&dir.path().join("s.sqlite3")).unwrap();
    api.init("Camille").unwrap();
    (dir, api)
}

fn territory(api: &Api) -> RecordId {
    api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id
}

fn org(api: &Api, t: RecordId, name: &str, category: &str) -> RecordId {
    api.put(Kind::Organisation, None, json!({"territory_id": t, "name": name, "category": category})).unwrap().id
}

fn link(api: &Api, t: RecordId, from: RecordId, to: RecordId, intensity: u8, on: &str) {
    api.put(
        Kind::CooperationLink,
        None,
        json!({"territory_id": t, "from_organisation_id": from, "to_organisation_id": to,
               "kind": "information", "intensity": intensity, "observed_on": on}),
    )
    .unwrap();
}

/// `xmllint --noout` (and a schema when given) accepts `file`.
pub(crate) fn xmllint(file: &Path, schema: Option<&Path>) {
    let mut cmd = Command::new("xmllint");
    cmd.arg("--noout");
    if let Some(xsd) = schema {
        cmd.arg("--schema").arg(xsd);
    }
    let out = cmd.arg(file).output().expect("xmllint (Debian libxml2-utils: scripts/install-deps.sh e2e)");
    assert!(out.status.success(), "xmllint refuses {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_latest_observation_of_a_pair_holds_whatever_its_direction_and_zero_removes_the_link() {
    let (_d, api) = api();
    let t = territory(&api);
    let a = org(&api, t, "Collège", "education_nationale");
    let b = org(&api, t, "CAF", "caf");
    let c = org(&api, t, "École", "education_nationale");
    link(&api, t, a, b, 1, "2026-01-10");
    link(&api, t, b, a, 3, "2026-03-01");
    link(&api, t, a, c, 2, "2026-01-15");
    link(&api, t, c, a, 0, "2026-05-01");

    let before = api.analysis_network(t, Some("2026-01-01")).unwrap();
    assert_eq!((before.measures.actors, before.measures.links, before.measures.components), (3, 0, 3));
    assert_eq!(before.measures.isolated.len(), 3);

    let feb = api.analysis_network(t, Some("2026-02-01")).unwrap();
    assert_eq!(feb.measures.links, 2);
    let ab = feb.edges.iter().find(|e| [e.from_organisation_id, e.to_organisation_id].contains(&b)).unwrap();
    assert_eq!(ab.intensity, 1);

    let april = api.analysis_network(t, Some("2026-04-30")).unwrap();
    assert_eq!(april.measures.links, 2, "A–B counted once although observed both ways");
    let ab = april.edges.iter().find(|e| [e.from_organisation_id, e.to_organisation_id].contains(&b)).unwrap();
    assert_eq!((ab.intensity, ab.observed_on.as_str()), (3, "2026-03-01"), "the later observation, reversed, holds");
    assert_eq!(april.measures.links_by_intensity["3"], 1);
    assert_eq!(april.measures.links_by_intensity["2"], 1);
    assert!((april.measures.cross_category_share - 0.5).abs() < 1e-9, "A–B crosses, A–C does not");

    let june = api.analysis_network(t, Some("2026-06-01")).unwrap();
    assert_eq!(june.measures.links, 1, "intensity 0 on 2026-05-01 removed A–C");
    assert_eq!(june.measures.isolated, [c]);
    assert_eq!(june.measures.components, 2);

    let all = api.analysis_network(t, None).unwrap();
    assert_eq!(all.edges, june.edges, "no date: every observation");
    assert_eq!(all.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["CAF", "Collège", "École"]);

    // A deleted organisation leaves the map with its links.
    api.delete(Kind::Organisation, b).unwrap();
    let after = api.analysis_network(t, None).unwrap();
    assert_eq!((after.measures.actors, after.measures.links), (2, 0));
}

#[test]
fn two_dates_compared_give_the_known_changes() {
    let (_d, api) = api();
    let t = territory(&api);
    let [a, b, c, d, e] =
        [("A", "education_nationale"), ("B", "caf"), ("C", "centre_social"), ("D", "elus"), ("E", "commune_ccas")]
            .map(|(n, cat)| org(&api, t, n, cat));
    link(&api, t, a, b, 1, "2026-01-05");
    link(&api, t, a, b, 3, "2026-03-01"); // strengthened
    link(&api, t, a, c, 2, "2026-01-06");
    link(&api, t, c, a, 1, "2026-04-01"); // weakened
    link(&api, t, b, c, 2, "2026-01-07");
    link(&api, t, b, c, 0, "2026-05-01"); // lost
    link(&api, t, c, d, 1, "2026-02-01"); // new: D joins
    link(&api, t, d, e, 2, "2026-07-15"); // after the second date

    let cmp = api.analysis_compare(t, "2026-01-31", "2026-06-30").unwrap();
    let pair = |l: &maillage_core::api::LinkChange| {
        let mut p = [l.from_name.as_str(), l.to_name.as_str()];
        p.sort();
        (p[0].to_string(), p[1].to_string(), l.intensity_before, l.intensity_after)
    };
    let s = |x: &str| x.to_string();
    assert_eq!(cmp.new_links.iter().map(pair).collect::<Vec<_>>(), [(s("C"), s("D"), 0, 1)]);
    assert_eq!(cmp.lost_links.iter().map(pair).collect::<Vec<_>>(), [(s("B"), s("C"), 2, 0)]);
    assert_eq!(cmp.strengthened.iter().map(pair).collect::<Vec<_>>(), [(s("A"), s("B"), 1, 3)]);
    assert_eq!(cmp.weakened.iter().map(pair).collect::<Vec<_>>(), [(s("A"), s("C"), 2, 1)]);
    assert_eq!(cmp.joined.iter().map(|n| n.organisation_id).collect::<Vec<_>>(), [d], "E stays alone, D joined");

    let m = |name: &str| cmp.measures.iter().find(|m| m.measure == name).unwrap().clone();
    assert_eq!((m("links").from, m("links").to, m("links").change), (3.0, 3.0, 0.0));
    assert_eq!((m("isolated").from, m("isolated").to), (2.0, 1.0));
    assert_eq!((m("components").from, m("components").to, m("components").change), (3.0, 2.0, -1.0));
    assert!((m("density").from - 0.3).abs() < 1e-9, "2·3 / (5·4)");
    assert_eq!((m("links_3").from, m("links_3").to), (0.0, 1.0));
    assert_eq!(m("actors").from, 5.0);
    assert_eq!(cmp.network_from.at.as_deref(), Some("2026-01-31"));
    assert_eq!(cmp.network_to.edges.len(), 3);
    let _ = e;
}

#[test]
fn bad_dates_and_unknown_territories_are_refused_without_echoing_them() {
    let (_d, api) = api();
    let t = territory(&api);
    let e = api.analysis_network(t, Some("2026-13-45")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("at")));
    assert!(!e.message.contains("2026-13-45"), "{}", e.message);
    let e = api.analysis_network(t, Some("<script>")).unwrap_err();
    assert!(!e.message.contains("<script>"));
    let e = api.analysis_compare(t, "2026-06-01", "2026-01-01").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("to"), "the second date before the first");
    let e = api.analysis_compare(t, "2026-01-01", "demain").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("to"));

    let stranger = RecordId::new();
    let e = api.analysis_network(stranger, None).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::NotFound, Some("territory_id")));
    assert!(!e.message.contains(&stranger.to_string()));
    let an_organisation = org(&api, t, "CAF", "caf");
    assert_eq!(api.analysis_themes(Some(an_organisation)).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(api.analysis_indicators(stranger).unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(api.analysis_compare(stranger, "2026-01-01", "2026-02-01").unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn gexf_and_graphml_hold_the_nodes_and_links_and_parse_as_xml() {
    let (dir, api) = api();
    let t = territory(&api);
    let a = org(&api, t, "Parents & <habitants> \"du quartier\"", "parents_habitants");
    let b = org(&api, t, "CAF", "caf");
    let c = org(&api, t, "Mairie", "elus");
    link(&api, t, a, b, 2, "2026-01-10");
    link(&api, t, b, c, 0, "2026-01-10");

    for (format, name) in [(NetworkFormat::Gexf, "reseau.gexf"), (NetworkFormat::Graphml, "reseau.graphml")] {
        let out = dir.path().join(name);
        let report = api.export_network(t, Some("2026-12-31"), format, &out, false).unwrap();
        assert_eq!((report.nodes, report.edges), (3, 1));
        xmllint(&out, None);
        let text = std::fs::read_to_string(&out).unwrap();
        for id in [a, b, c] {
            assert!(text.contains(&format!("id=\"{id}\"")), "{name} names every organisation");
        }
        assert!(text.contains("Parents &amp; &lt;habitants&gt; &quot;du quartier&quot;"), "{name} escapes names");
        assert!(text.contains("parents_habitants") && text.contains("2026-01-10") && text.contains("information"));
        assert_eq!(text.matches("<edge ").count(), 1, "{name}: the 0-intensity pair is no link");
        assert!(text.contains(&format!("source=\"{}\"", a.min(b))));

        // Written again only when asked; never over the store.
        let e = api.export_network(t, None, format, &out, false).unwrap_err();
        assert_eq!(e.code, ErrorCode::AlreadyExists);
        api.export_network(t, None, format, &out, true).unwrap();
        let e = api.export_network(t, None, format, &dir.path().join("s.sqlite3"), true).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("out"));
    }
    let other = dir.path().join("notes.gexf");
    std::fs::write(&other, "mes notes").unwrap();
    assert!(api.export_network(t, None, NetworkFormat::Gexf, &other, true).is_err(), "not a network file");
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "mes notes");
}

#[test]
fn an_evaluation_period_sees_the_indicators_as_they_stood_on_its_last_day() {
    let dir = tempfile::tempdir().unwrap();
    let api = crate::fresh(dir.path(), "s.sqlite3");
    let t = territory(&api);
    let i = api
        .put(
            Kind::Indicator,
            None,
            serde_json::json!({"territory_id": t, "name": "Familles reçues", "baseline": 10, "target": 30}),
        )
        .unwrap()
        .id;
    for (day, value) in [("2026-03-01", 15.0), ("2026-09-01", 24.5)] {
        api.put(
            Kind::Measurement,
            None,
            serde_json::json!({"territory_id": t, "indicator_id": i, "date": day, "value": value}),
        )
        .unwrap();
    }
    let now = api.analysis_indicators(t).unwrap();
    assert_eq!((now.indicators[0].latest_value, now.indicators[0].progress), (Some(24.5), Some(0.725)));
    let then = api.analysis_indicators_until(t, Some("2026-06-30")).unwrap();
    let i = &then.indicators[0];
    assert_eq!((i.latest_value, i.latest_date.as_deref(), i.progress), (Some(15.0), Some("2026-03-01"), Some(0.25)));
    assert_eq!(i.measurements.len(), 1);
}

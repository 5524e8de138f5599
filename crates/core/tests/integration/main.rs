//! Integration tests of maillage-core through its public api, on real store files.
//! One test binary per crate: the exchange (bundle) tests are a module of it.

mod analysis;
mod committee;
mod defects;
mod encryption;
mod exchange;
mod first_day;
mod grid;
mod headquarters;
mod library;
mod national;
mod network;
mod privacy;
mod privacy_retention;
mod qdpx;
mod safety;
mod shape;

use std::path::{Path, PathBuf};

use maillage_core::api::{Api, DemoRequest, SearchRequest};
use maillage_core::domain::{DeviceId, Kind, Record, RecordId, Version};
use maillage_core::store::records::{self, RecordRow};
use maillage_core::store::schema;
use maillage_core::store::Store;
use proptest::prelude::*;
use serde_json::{json, Value};

fn fresh(dir: &Path, name: &str) -> Api {
    let api = Api::create(&dir.join(name)).unwrap();
    api.init("Camille").unwrap();
    api
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/stores").join(name)
}

fn dump(api: &Api) -> String {
    let mut out = Vec::new();
    api.dump_canonical(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_store_migrated_step_by_step_has_the_schema_of_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let fresh_schema = Store::create(&dir.path().join("fresh.sqlite3")).unwrap().read(schema::describe).unwrap();
    for applied in 0..=schema::MIGRATIONS.len() {
        let path = dir.path().join(format!("old-{applied}.sqlite3"));
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            for (i, (_, sql)) in schema::MIGRATIONS.iter().take(applied).enumerate() {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", i as i64 + 1).unwrap();
            }
        }
        let migrated = Store::create(&path).unwrap().read(schema::describe).unwrap();
        assert_eq!(
            migrated, fresh_schema,
            "a store with {applied} migration(s) applied, once upgraded, differs from a fresh one"
        );
    }
}

#[test]
fn a_store_written_by_the_first_release_opens_upgraded_with_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite3");
    std::fs::copy(fixture("schema-v1.sqlite3"), &path).unwrap();
    let api = Api::open(&path).unwrap();
    let fresh_schema = Store::create(&dir.path().join("fresh.sqlite3")).unwrap().read(schema::describe).unwrap();
    assert_eq!(api.store().read(schema::describe).unwrap(), fresh_schema);
    let expected = std::fs::read_to_string(fixture("schema-v1.dump.jsonl")).unwrap();
    assert_eq!(dump(&api), expected, "the upgrade keeps every record as it was");
    assert!(api.check().unwrap().ok);
}

/// The same records reached two stores by different paths (other order, a record created then
/// deleted in one of them): the canonical dumps are byte-identical.
#[test]
fn canonical_dump_depends_on_the_records_not_on_history() {
    let dir = tempfile::tempdir().unwrap();
    let source = fresh(dir.path(), "source.sqlite3");
    source
        .demo(&DemoRequest { territory: "Valmont".into(), interviews: 4, workshops: 2, actions: 2, seed: 9 })
        .unwrap();
    let mut all: Vec<Record> = Vec::new();
    source
        .store()
        .read(|c| {
            records::for_each(c, false, |r| {
                all.push(r);
                Ok(())
            })
        })
        .unwrap();

    let write_all = |api: &Api, order: &[Record]| {
        api.store()
            .write(|tx| {
                for r in order {
                    let title = maillage_core::domain::kinds::title_of(r);
                    records::upsert(tx, &RecordRow { record: r, title: &title, date: None })?;
                }
                Ok(())
            })
            .unwrap();
    };
    let a = Api::create(&dir.path().join("a.sqlite3")).unwrap();
    let b = Api::create(&dir.path().join("b.sqlite3")).unwrap();
    write_all(&a, &all);
    let mut reversed = all.clone();
    reversed.reverse();
    b.init("Autre animatrice").unwrap();
    let extra = b.put(Kind::Territory, None, json!({"name": "Brouillon", "kind": "rural"})).unwrap();
    write_all(&b, &reversed);
    b.delete(Kind::Territory, extra.id).unwrap();
    assert_eq!(dump(&a), dump(&b));
    assert_eq!(dump(&a), dump(&source));
}

#[test]
fn every_edit_gets_a_higher_version_and_keeps_its_creation() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
    let mut last = t.clone();
    for i in 0..50 {
        let next =
            api.put(Kind::Territory, Some(t.id), json!({"name": format!("Orly {i}"), "kind": "commune"})).unwrap();
        assert!(next.version > last.version, "edit {i} must outrank the version it replaces");
        assert_eq!(next.created_at, t.created_at);
        last = next;
    }
}

#[test]
fn an_edit_outranks_a_version_from_a_clock_far_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
    let future = Record {
        version: Version { ms: 4_102_444_800_000, counter: 0, device: DeviceId(uuid::Uuid::from_u128(42)) }, // 2100
        ..t.clone()
    };
    api.store()
        .write(|tx| records::upsert(tx, &RecordRow { record: &future, title: "Orly", date: None }).map(|_| ()))
        .unwrap();
    let edited = api.put(Kind::Territory, Some(t.id), json!({"name": "Orly-Ville", "kind": "commune"})).unwrap();
    assert!(edited.version > future.version);
    let other = api.put(Kind::Territory, None, json!({"name": "Choisy", "kind": "commune"})).unwrap();
    assert!(other.version.ms < future.version.ms, "the local clock did not jump to 2100");
}

#[test]
fn a_title_match_ranks_above_a_mention_in_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    api.put(
        Kind::Action,
        None,
        json!({"territory_id": t, "title": "Atelier", "objective": "Parler de la parentalité au collège"}),
    )
    .unwrap();
    let titled =
        api.put(Kind::Action, None, json!({"territory_id": t, "title": "Café des parents et parentalité"})).unwrap();
    let hits = api
        .search(&SearchRequest { query: "parentalite".into(), kind: Some(Kind::Action), ..Default::default() })
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].id, titled.id);
    let in_territory = api
        .search(&SearchRequest {
            query: "parentalite".into(),
            territory_id: Some(RecordId::new()),
            ..Default::default()
        })
        .unwrap();
    assert!(in_territory.is_empty(), "the territory filter applies");
}

#[test]
fn a_search_typed_with_operators_or_quotes_does_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    for q in ["\"", "NEAR(", "a OR", "*", "l'école -", "title:x", ""] {
        api.search(&SearchRequest { query: q.into(), ..Default::default() }).unwrap();
    }
}

#[test]
fn a_workshop_decision_becomes_an_action_once() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    let w = api
        .put(
            Kind::Workshop,
            None,
            json!({"territory_id": t, "kind": "copil", "title": "COPIL", "date": "2026-03-02",
            "decisions": [{"text": "Organiser une rencontre parents-école"}]}),
        )
        .unwrap();
    let action = api.decision_to_action(w.id, 0).unwrap();
    assert_eq!(action.data["title"], "Organiser une rencontre parents-école");
    assert_eq!(action.data["source_workshop_id"], json!(w.id));
    let workshop = api.get(Kind::Workshop, w.id).unwrap();
    assert_eq!(workshop.data["decisions"][0]["action_id"], json!(action.id));
    let again = api.decision_to_action(w.id, 0).unwrap();
    assert_eq!(again.id, action.id, "the same decision does not make a second action");
    assert_eq!(api.stats(Some(t)).unwrap()[&Kind::Action], 1);
    assert!(api.decision_to_action(w.id, 5).is_err());
}

#[test]
fn the_territory_overview_counts_each_step_of_the_method() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let demo = api
        .demo(&DemoRequest { territory: "Valmont".into(), interviews: 5, workshops: 2, actions: 3, seed: 1 })
        .unwrap();
    let overview = api.territory_overview(demo.territory_id).unwrap();
    let steps: Vec<&str> = overview.steps.iter().map(|s| s.step.as_str()).collect();
    assert_eq!(steps, ["lancement", "etat_des_lieux", "experimentations", "evaluation"]);
    assert_eq!(overview.steps[1].counts["interview"], 5);
    assert_eq!(overview.steps[2].counts["action"], 3);
    assert!(overview.steps[1].last_activity.is_some());
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite3");
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    let writer = std::thread::spawn(move || {
        let other = Api::open(&path).unwrap(); // like the desktop app, in its own connection
        for i in 0..200 {
            other.put(Kind::Action, None, json!({"territory_id": t, "title": format!("Action {i}")})).unwrap();
        }
    });
    let out = dir.path().join("backup.sqlite3");
    api.backup(&out, false).unwrap();
    writer.join().unwrap();
    let copy = Api::open(&out).unwrap();
    assert!(copy.check().unwrap().ok);
    assert_eq!(copy.stats(None).unwrap()[&Kind::Territory], 1);
}

#[test]
fn an_attachment_needs_its_content_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    let err = api
        .put(
            Kind::Attachment,
            None,
            json!({"territory_id": t, "name": "paperboard.jpg", "sha256": "a".repeat(64), "size": 3}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("sha256"));
}

fn text() -> impl Strategy<Value = String> {
    // Words with accents, quotes, emoji and line breaks: what facilitators actually type.
    proptest::collection::vec(
        prop_oneof![
            Just("élèves".to_string()),
            Just("« verbatim »".to_string()),
            Just("l'école".to_string()),
            Just("\n".to_string()),
            Just("😀".to_string()),
            "[a-zA-Z0-9 ,.;:!?-]{1,12}",
        ],
        1..12,
    )
    .prop_map(|w| w.join(" "))
    .prop_filter("a title has words", |s| !s.trim().is_empty())
}

fn day() -> impl Strategy<Value = String> {
    (1990i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A record survives put → dump → parse unchanged.
    #[test]
    fn a_record_survives_put_dump_parse(title in text(), notes in text(), date in day(), impact in 1u8..=5, rank in 0u32..1000, baseline in -1e6f64..1e6) {
        let dir = tempfile::tempdir().unwrap();
        let api = fresh(dir.path(), "s.sqlite3");
        let t = api.put(Kind::Territory, None, json!({"name": title.clone(), "kind": "qpv", "communes": [notes.clone()]})).unwrap();
        let written = vec![
            t.clone(),
            api.put(Kind::Interview, None, json!({"territory_id": t.id, "title": title.clone(), "date": date.clone(), "notes": notes.clone(),
                "answers": {"presentation.structure": notes.clone()}})).unwrap(),
            api.put(Kind::Action, None, json!({"territory_id": t.id, "title": title.clone(), "objective": notes.clone(),
                "priority": {"impact": impact, "rank": rank}, "start_date": date.clone()})).unwrap(),
            api.put(Kind::Indicator, None, json!({"territory_id": t.id, "name": title.clone(), "baseline": baseline})).unwrap(),
        ];
        let dumped: Vec<Record> = dump(&api).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        for record in &written {
            let found = dumped.iter().find(|r| r.id == record.id).expect("every record is dumped");
            prop_assert_eq!(found, record);
            prop_assert_eq!(&api.get(record.kind, record.id).unwrap(), record);
        }
        let interview: &Value = &written[1].data;
        prop_assert_eq!(interview["notes"].as_str().unwrap(), notes.as_str());
    }
}

/// Regression: serde_json parsed `-918008.6230934884` back as `…885` until `float_roundtrip` was
/// turned on; a measured value must come back exactly as it was written.
#[test]
fn a_decimal_value_comes_back_exactly_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let api = fresh(dir.path(), "s.sqlite3");
    let t = api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    let written = api
        .put(Kind::Indicator, None, json!({"territory_id": t, "name": "Taux", "baseline": -918008.6230934884}))
        .unwrap();
    let dumped: Vec<Record> = dump(&api).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let read = dumped.iter().find(|r| r.id == written.id).unwrap();
    assert_eq!(read.data["baseline"].as_f64(), Some(-918008.6230934884));
}

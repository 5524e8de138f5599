//! Consent that governs what leaves (both versions of the national tables, the interview
//! screen's count, a withdrawal that travels), retention and the purge that travels (aggregates
//! kept), the data protection officer's report, and the window's privacy commands.

use std::path::Path;

use maillage_core::api::dispatch::dispatch;
use maillage_core::api::{DemoRequest, ErrorCode, NationalExportRequest, TableFormat};
use maillage_core::domain::{Kind, RecordId};
use serde_json::{json, Value};

use crate::exchange::Device;
use crate::privacy::{found_in, wal};

fn put(d: &Device, kind: Kind, data: Value) -> RecordId {
    d.api.put(kind, None, data).unwrap().id
}

/// The passages' table of a CSV export, as text.
fn passages_table(d: &Device, identified: bool) -> String {
    let dir = d.dir.path().join(format!("tables-{}", RecordId::new()));
    d.api
        .national_export(&NationalExportRequest {
            out: dir.clone(),
            format: TableFormat::Csv,
            identified,
            force: false,
        })
        .unwrap();
    String::from_utf8(std::fs::read(dir.join("passages_codes.csv")).unwrap()).unwrap()
}

#[test]
fn consent_decides_what_leaves_in_every_export_and_a_withdrawal_travels() {
    let mut a = Device::new("Camille");
    let hq = Device::new("Siège");
    let t = a.territory("Orly");
    let given = json!({"status": "given", "date": "2026-02-01"});
    let jeanne = put(&a, Kind::Person, json!({"territory_id": t, "name": "Jeanne Martin", "consent": given}));
    let lise = put(&a, Kind::Person, json!({"territory_id": t, "name": "Lise Bernard"}));
    let paul = put(
        &a,
        Kind::Person,
        json!({"territory_id": t, "name": "Paul Durand", "consent": {"status": "refused", "date": "2026-02-01"}}),
    );
    let theme = maillage_core::defaults::theme_id("conditions");
    let both = put(
        &a,
        Kind::Interview,
        json!({"territory_id": t, "title": "À deux", "date": "2026-02-03", "person_ids": [jeanne, lise], "consent": given,
               "passages": [
                   {"source": "q1", "text": "VERBATIM-JEANNE", "theme_ids": [theme], "quote": true, "person_id": jeanne},
                   {"source": "q1", "text": "VERBATIM-LISE", "theme_ids": [theme], "quote": true, "person_id": lise},
                   {"source": "q1", "text": "PASSAGE-A-DEUX", "theme_ids": [theme]}]}),
    );
    let alone = put(
        &a,
        Kind::Interview,
        json!({"territory_id": t, "title": "Paul", "date": "2026-02-04", "person_ids": [paul], "consent": given,
               "passages": [{"source": "notes", "text": "VERBATIM-PAUL", "quote": true}]}),
    );
    // A passage is attributed to a person of its interview, or to none.
    let stranger = a.api.put(
        Kind::Interview,
        Some(alone),
        json!({"territory_id": t, "title": "Paul", "date": "2026-02-04", "person_ids": [paul],
               "passages": [{"source": "notes", "text": "x", "person_id": jeanne}]}),
    );
    assert_eq!(stranger.unwrap_err().field.as_deref(), Some("passages.person_id"));

    let view = a.api.interview_consent(both).unwrap();
    assert_eq!(
        view.messages,
        [
            "1 verbatim non exportable : consentement non recueilli",
            "1 passage codé non exportable : consentement non recueilli"
        ]
    );
    assert_eq!(view.passages.iter().map(|p| p.exportable).collect::<Vec<_>>(), [true, false, false]);
    assert_eq!(view.passages[2].person_ids, [jeanne, lise], "a passage that names nobody holds both voices");
    let refused = a.api.interview_consent(alone).unwrap();
    assert_eq!(refused.messages, ["1 verbatim non exportable : consentement refusé"]);

    hq.import(&a.export(false));
    for identified in [false, true] {
        let table = passages_table(&hq, identified);
        assert!(table.contains("VERBATIM-JEANNE"), "identified: {identified}");
        for held in ["VERBATIM-LISE", "PASSAGE-A-DEUX", "VERBATIM-PAUL"] {
            assert!(!table.contains(held), "{held} left an export (identified: {identified})");
        }
        assert_eq!(table.lines().count(), 2, "a header and Jeanne's verbatim only: {table}");
    }

    // Withdrawn on the device, with its day: an ordinary edit that reaches headquarters.
    let withdrawn = a.api.withdraw_consent(jeanne, Some("2026-05-01")).unwrap();
    assert_eq!(withdrawn.data["consent"], json!({"status": "withdrawn", "date": "2026-05-01", "how": ""}));
    let bad = a.api.withdraw_consent(jeanne, Some("01/05/2026")).unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("consent.date"));
    assert!(!bad.message.contains("01/05/2026"));
    let report = hq.import(&a.export(true));
    assert_eq!(report.totals.updated, 1);
    for identified in [false, true] {
        assert!(!passages_table(&hq, identified).contains("VERBATIM-JEANNE"), "withdrawn everywhere");
    }
    assert_eq!(
        a.api.interview_consent(both).unwrap().messages[0],
        "2 verbatims non exportables : consentement retiré (1), consentement non recueilli (1)"
    );
}

#[test]
fn a_purge_keeps_the_aggregates_removes_the_persons_and_travels() {
    let mut a = Device::new("Camille");
    let b = Device::new("Nadia");
    let demo = a
        .api
        .demo(&DemoRequest { territory: "Valmont".into(), interviews: 8, workshops: 3, actions: 4, seed: 7 })
        .unwrap();
    let t = demo.territory_id;
    let other = a.territory("Orly");
    let mut data = a.api.get(Kind::Territory, t).unwrap().data;
    data["end_date"] = json!("2020-06-30");
    a.api.put(Kind::Territory, Some(t), data).unwrap();
    b.import(&a.export(false));

    let due = a.api.territories_due().unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].territory_id, due[0].retention_until.as_deref()), (t, Some("2022-06-30")));
    assert!(due[0].personal_records > 0);
    let err = a.api.purge_territory(other, false).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Invalid, Some("territory_id")));

    let contacts: Vec<String> = a
        .api
        .list(Kind::Person, Some(t))
        .unwrap()
        .iter()
        .map(|p| p.data["contact"].as_str().unwrap().to_string())
        .collect();
    assert!(!contacts.is_empty());
    let grid = serde_json::to_value(a.api.theme_grid(Some(t)).unwrap()).unwrap();
    let links = a.api.list(Kind::CooperationLink, Some(t)).unwrap().len();
    let actions = a.api.list(Kind::Action, Some(t)).unwrap().len();

    let report = a.api.purge_territory(t, false).unwrap();
    assert_eq!(report.persons_erased as usize, contacts.len());
    assert!(report.records_stripped > 0, "{report:?}");
    assert!(a.api.territories_due().unwrap().is_empty(), "nothing left to purge");
    let territory = a.api.get(Kind::Territory, t).unwrap().data;
    assert_eq!(territory["purged_on"], json!(report.purged_on));
    let bundle = a.export(true);
    let r = b.import(&bundle);
    assert_eq!(r.erasures_received as usize, contacts.len());

    for (d, label) in [(&a, "A"), (&b, "B")] {
        assert!(d.api.list(Kind::Person, Some(t)).unwrap().is_empty(), "{label}: persons erased");
        assert_eq!(serde_json::to_value(d.api.theme_grid(Some(t)).unwrap()).unwrap(), grid, "{label}: themes kept");
        assert_eq!(d.api.list(Kind::CooperationLink, Some(t)).unwrap().len(), links, "{label}: links kept");
        assert_eq!(d.api.list(Kind::Action, Some(t)).unwrap().len(), actions, "{label}: actions kept");
        for iv in d.api.list(Kind::Interview, Some(t)).unwrap() {
            assert!(iv.data["notes"].as_str().unwrap().is_empty() && iv.data["answers"] == json!({}), "{label}");
            assert!(iv.data["passages"].as_array().unwrap().iter().all(|p| p["text"] == "[texte purgé]"));
        }
        let report = d.api.privacy_report().unwrap();
        let row = report.territories.iter().find(|x| x.retention.territory_id == t).unwrap();
        assert_eq!(row.retention.personal_records, 0, "{label}: {row:?}");
        let db = d.db();
        let backup = d.dir.path().join("apres-purge.sqlite3");
        d.api.backup(&backup, false).unwrap();
        for path in [db.clone(), wal(&db), backup] {
            let bytes = std::fs::read(&path).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(contacts.iter().all(|c| !text.contains(c.as_str())), "{label}: {} holds a contact", path.display());
        }
    }
    assert_eq!(a.dump(), b.dump(), "the purge travelled whole");
}

#[test]
fn the_data_protection_report_counts_and_never_names() {
    let a = Device::new("Camille");
    let t = a.territory("Orly");
    let mut data = a.api.get(Kind::Territory, t).unwrap().data;
    data["end_date"] = json!("2026-12-31");
    a.api.put(Kind::Territory, Some(t), data).unwrap();
    let names = ["Jeanne Martin", "Lise Bernard", "Paul Durand"];
    let states = [
        json!({"status": "given", "date": "2026-01-01"}),
        json!({"status": "pending"}),
        json!({"status": "withdrawn", "date": "2026-03-01"}),
    ];
    let ids: Vec<RecordId> = names
        .iter()
        .zip(&states)
        .map(|(n, c)| put(&a, Kind::Person, json!({"territory_id": t, "name": n, "consent": c})))
        .collect();
    put(&a, Kind::Interview, json!({"territory_id": t, "title": "E", "date": "2026-02-03", "notes": "N"}));
    a.api.erase_person(ids[2]).unwrap();
    assert_eq!(a.api.set_retention_years(0).unwrap_err().field.as_deref(), Some("years"));
    assert_eq!(a.api.set_retention_years(3).unwrap().years, 3);

    let report = a.api.privacy_report().unwrap();
    assert_eq!((report.persons.given, report.persons.pending, report.persons.withdrawn), (1, 1, 0));
    let row = &report.territories[0];
    assert_eq!(row.retention.retention_until.as_deref(), Some("2029-12-31"));
    assert!(!row.retention.due);
    assert_eq!(row.personal_by_kind.get(&Kind::Person), Some(&2));
    assert_eq!(row.personal_by_kind.get(&Kind::Interview), Some(&1));
    assert!(row.oldest_personal_at.is_some() && report.oldest_personal_at.is_some());
    assert_eq!(report.erasures.len(), 1);
    assert_eq!((report.erasures[0].person_id, report.erasures[0].erased_here), (ids[2], true));
    let text = serde_json::to_string(&report).unwrap();
    assert!(names.iter().all(|n| !text.contains(n)), "the report names nobody");
}

#[test]
fn the_window_s_privacy_commands_take_its_arguments() {
    let a = Device::new("Camille");
    let t = a.territory("Orly");
    let p = put(&a, Kind::Person, json!({"territory_id": t, "name": "Jeanne Martin"}));
    let i = put(
        &a,
        Kind::Interview,
        json!({"territory_id": t, "title": "E", "date": "2026-02-03", "person_ids": [p],
               "passages": [{"source": "notes", "text": "x", "quote": true}]}),
    );
    let call = |command: &str, args: Value| dispatch(&a.api, command, args, &mut |_| {});
    let view = call("interview_consent", json!({"interviewId": i})).unwrap();
    assert_eq!(view["withheld_quotes"], 1);
    let person = call("withdraw_consent", json!({"personId": p, "date": "2026-04-01"})).unwrap();
    assert_eq!(person["data"]["consent"]["status"], "withdrawn");
    assert_eq!(call("set_retention", json!({"years": 4})).unwrap()["years"], 4);
    assert_eq!(call("retention", Value::Null).unwrap()["years"], 4);
    assert_eq!(call("territories_due", Value::Null).unwrap(), json!([]));
    let err = call("purge_territory", json!({"territoryId": t})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("territory_id"));
    let erased = call("erase_person", json!({"personId": p})).unwrap();
    assert_eq!(erased["passages_removed"], 1);
    assert_eq!(call("backups_holding_erased", Value::Null).unwrap(), json!([]));
    assert_eq!(call("delete_old_backups", Value::Null).unwrap(), json!([]));
    let report = call("privacy_report", Value::Null).unwrap();
    assert_eq!(report["erasures"][0]["person_id"], json!(p));
    let purged = call("purge_territory", json!({"territoryId": t, "force": true})).unwrap();
    assert_eq!(purged["persons_erased"], 0);
    assert!(found_in(Path::new(&a.db()), &["jeanne".into()]).is_empty());
}

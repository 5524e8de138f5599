//! Erasure that travels (issue 11): a person who appears in interviews (their passages, their
//! name in notes), in a cooperation link's notes, in a workshop, with a signed consent form and in
//! conflicting versions on two devices and at headquarters, erased on one device. Bundles are then
//! exchanged in every order, older ones replayed afterwards: on every store the person never comes
//! back, every store holds the same records, and a byte scan of the store, its WAL and a fresh
//! backup (the search index's own tables included) finds their name nowhere.

use std::path::{Path, PathBuf};

use maillage_core::api::{Api, AttachRequest, SearchRequest, WorkspaceMode};
use maillage_core::domain::{Kind, RecordId};
use serde_json::{json, Value};

use crate::exchange::{unpack, Device};

/// A word of 14 letters that nothing else contains (distinct seeds from the defects' tokens).
fn word(n: u32) -> String {
    let mut seed = u64::from(n).wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x9E37_79B9_7F4A_7C15;
    (0..14)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (b'a' + (seed % 26) as u8) as char
        })
        .collect()
}

fn capitalised(w: &str) -> String {
    w[..1].to_uppercase() + &w[1..]
}

/// The words of `tokens` found in a file's bytes, case folded. The search index keeps words
/// prefix-compressed: the last 9 letters of a word are what it stores whatever its neighbours.
pub(crate) fn found_in(path: &Path, tokens: &[String]) -> Vec<String> {
    let Ok(bytes) = std::fs::read(path) else { return Vec::new() };
    let lower: Vec<u8> = bytes.iter().map(|b| b.to_ascii_lowercase()).collect();
    tokens
        .iter()
        .filter(|t| {
            let tail = &t.as_bytes()[t.len().saturating_sub(9)..];
            lower.windows(tail.len()).any(|w| w == tail)
        })
        .cloned()
        .collect()
}

pub(crate) fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

fn put(d: &Device, kind: Kind, data: Value) -> RecordId {
    d.api.put(kind, None, data).unwrap().id
}

struct World {
    a: Device,
    b: Device,
    hq: Device,
    territory: RecordId,
    person: RecordId,
    other: RecordId,
    first: RecordId,
    crossed: RecordId,
    workshop: RecordId,
    name: String,
    /// Every word of the person's name, contact, role, consent form and passages.
    tokens: Vec<String>,
    /// Bundles made before the erasure.
    first_a: Vec<u8>,
    old_a: Vec<u8>,
    old_b: Vec<u8>,
}

fn world() -> World {
    let mut a = Device::new("Camille");
    let mut b = Device::new("Nadia");
    let hq = Device::new("Siège");
    hq.api.encrypt("la phrase du siège national").unwrap();
    hq.api.set_workspace(WorkspaceMode::Siege).unwrap();
    let name = format!("{} {}", capitalised(&word(1)), capitalised(&word(2)));
    let tokens: Vec<String> = [1, 2, 3, 4, 5, 6, 7, 8].into_iter().map(word).collect();
    let t = a.territory("Orly");
    let pmi = a.organisation(t, "PMI");
    let college = a.organisation(t, "Collège");
    let person = put(
        &a,
        Kind::Person,
        json!({"territory_id": t, "name": name, "contact": format!("{}.{}@exemple.org", word(3), word(4)),
               "role": format!("Référente {}", word(5)), "consent": {"status": "given", "date": "2026-02-01"}}),
    );
    let other = put(
        &a,
        Kind::Person,
        json!({"territory_id": t, "name": "Paul Durand", "consent": {"status": "given", "date": "2026-02-01"}}),
    );
    let form = a.dir.path().join("consentement.txt");
    std::fs::write(&form, format!("formulaire signé {}", word(6))).unwrap();
    a.api
        .attach_file(&AttachRequest {
            territory_id: t,
            record_id: Some(person),
            path: form.display().to_string(),
            description: format!("signé par {name}"),
        })
        .unwrap();
    let theme = maillage_core::defaults::theme_id("conditions");
    let consent = json!({"status": "given", "date": "2026-02-03"});
    let first = put(
        &a,
        Kind::Interview,
        json!({"territory_id": t, "title": format!("Entretien avec {name}"), "date": "2026-02-03",
               "person_ids": [person], "notes": format!("Rencontre avec {name}."), "consent": consent,
               "passages": [{"source": "q1", "text": format!("Ses mots {}", word(7)), "theme_ids": [theme], "quote": true}]}),
    );
    let crossed = put(
        &a,
        Kind::Interview,
        json!({"territory_id": t, "title": "Entretien croisé", "date": "2026-02-04", "person_ids": [person, other],
               "consent": consent, "passages": [
                   {"source": "q1", "text": format!("À deux {}", word(8)), "theme_ids": [theme]},
                   {"source": "q1", "text": "Paul seul", "theme_ids": [theme], "quote": true, "person_id": other}]}),
    );
    put(
        &a,
        Kind::CooperationLink,
        json!({"territory_id": t, "from_organisation_id": pmi, "to_organisation_id": college, "kind": "information",
               "intensity": 2, "observed_on": "2026-02-03", "source_id": first, "notes": format!("Signalé par {name}")}),
    );
    let workshop = put(
        &a,
        Kind::Workshop,
        json!({"territory_id": t, "kind": "copil", "title": "COPIL", "date": "2026-03-01",
               "participants": [{"person_id": person, "name": name}, {"person_id": other}]}),
    );
    let first_a = a.export(false);
    b.import(&first_a);
    hq.import(&first_a);
    // Both devices change the first interview's notes at once, each naming her: a conflict on
    // each device and at headquarters.
    for (d, who) in [(&a, "Camille"), (&b, "Nadia")] {
        let mut data = d.api.get(Kind::Interview, first).unwrap().data;
        data["notes"] = json!(format!("Rencontre avec {name}, notée par {who}"));
        d.api.put(Kind::Interview, Some(first), data).unwrap();
    }
    let (a2, b1) = (a.export(true), b.export(false));
    a.import(&b1);
    b.import(&a2);
    hq.import(&a2);
    hq.import(&b1);
    for d in [&a, &b, &hq] {
        assert!(!d.open_conflicts().is_empty(), "the concurrent edits are kept for review");
    }
    let (old_a, old_b) = (a.export(false), b.export(false));
    World {
        a,
        b,
        hq,
        territory: t,
        person,
        other,
        first,
        crossed,
        workshop,
        name,
        tokens: [tokens, vec![word(1), word(2)]].concat(),
        first_a,
        old_a,
        old_b,
    }
}

/// Nothing of the person on this store: not their record, attachment, passages or name — not in
/// the records, the search, the store's bytes, its WAL or a backup made now.
fn assert_gone(api: &Api, w: &World, label: &str) {
    assert!(api.get(Kind::Person, w.person).is_err(), "{label}: the person is back");
    let check = api.check().unwrap();
    assert!(check.ok && check.warnings.is_empty(), "{label}: {check:?}");
    let attachments = api.list(Kind::Attachment, Some(w.territory)).unwrap();
    assert!(attachments.iter().all(|r| r.data["record_id"] != json!(w.person)), "{label}: the consent form is back");
    let crossed = api.get(Kind::Interview, w.crossed).unwrap().data;
    assert_eq!(crossed["person_ids"], json!([w.other]), "{label}");
    assert_eq!(crossed["passages"].as_array().unwrap().len(), 1, "{label}: only the other person's passage stays");
    assert!(api.get(Kind::Interview, w.first).unwrap().data["passages"].as_array().unwrap().is_empty(), "{label}");
    for t in &w.tokens {
        let hits = api.search(&SearchRequest { query: t.clone(), ..Default::default() }).unwrap();
        assert!(hits.is_empty(), "{label}: search still finds a word of hers");
    }
    let db = api.store_path().to_path_buf();
    let backup = db.with_file_name(format!("apres-{}.sqlite3", RecordId::new()));
    api.backup(&backup, false).unwrap();
    for path in [db.clone(), wal(&db), backup.clone()] {
        let found = found_in(&path, &w.tokens);
        assert!(found.is_empty(), "{label}: {} still holds {} of her words", path.display(), found.len());
    }
    std::fs::remove_file(backup).unwrap();
}

fn orders<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in orders(&rest) {
            tail.insert(0, first.clone());
            out.push(tail);
        }
    }
    out
}

#[test]
fn an_erased_person_is_gone_from_every_store_in_every_order_and_never_comes_back() {
    let mut w = world();
    let held: Vec<String> = [found_in(&w.a.db(), &w.tokens), found_in(&wal(&w.a.db()), &w.tokens)].concat();
    assert!(!held.is_empty(), "her words are in the bytes before (the scan can see them)");
    let secure: i64 = w.a.api.store().read(|c| Ok(c.query_row("PRAGMA secure_delete", [], |r| r.get(0))?)).unwrap();
    assert_eq!(secure, 1, "freed space is zeroed");
    let before = w.a.api.backup_now().unwrap();
    let report = w.a.api.erase_person(w.person).unwrap();
    assert_eq!((report.records_removed, report.passages_removed), (2, 2), "{report:?}");
    assert_eq!(report.old_backups, 1, "the backup made before still holds her");
    assert!(!report.message.contains(&w.name), "{}", report.message);
    let pseudonym = maillage_core::privacy::pseudonym_for(w.person);
    let first = w.a.api.get(Kind::Interview, w.first).unwrap().data;
    assert!(first["notes"].as_str().unwrap().contains(&pseudonym), "her name became her pseudonym: {first}");
    let workshop = w.a.api.get(Kind::Workshop, w.workshop).unwrap().data;
    assert_eq!(
        workshop["participants"][0],
        json!({"attendance": "present", "name": pseudonym,
        "organisation_id": null, "person_id": null}),
        "her attendance is kept, not her name"
    );
    assert!(!w.a.open_conflicts().is_empty(), "the versions kept for review stay, without her");
    let link = &w.a.api.list(Kind::CooperationLink, Some(w.territory)).unwrap()[0];
    assert_eq!(link.data["notes"], json!(format!("Signalé par {pseudonym}")));
    assert_gone(&w.a.api, &w, "the device that erased");
    assert_eq!(std::fs::metadata(wal(&w.a.db())).map(|m| m.len()).unwrap_or(0), 0, "the WAL is emptied");

    // The erasure travels: an id and a day, no name.
    let new_a = w.a.export(false);
    let entries = unpack(&new_a);
    let (_, erasures) = entries.iter().find(|(n, _)| n == "erasures.jsonl").expect("the bundle carries the erasure");
    assert_eq!(
        String::from_utf8(erasures.clone()).unwrap(),
        format!("{}\n", json!({"erased_on": report.erased_on, "person_id": w.person}))
    );
    let carried: String = entries.iter().map(|(_, b)| String::from_utf8_lossy(b).to_lowercase()).collect();
    assert!(w.tokens.iter().all(|t| !carried.contains(t.as_str())), "the bundle carries none of her words");

    // Stores that held her: the other device and headquarters.
    let dry = w.b.api.import_bundle_bytes("x", &new_a, None, true, &Default::default()).unwrap();
    assert_eq!((dry.erasures_received, dry.dry_run), (1, true));
    assert!(w.b.api.get(Kind::Person, w.person).is_ok(), "a dry run erases nothing");
    let r = w.b.import(&new_a);
    assert_eq!(r.erasures_received, 1);
    assert!(r.message.contains("effacée"), "{}", r.message);
    let replay = w.b.import(&w.old_a);
    assert!(replay.erased_left_out > 0, "the replayed bundle's person and passages are left out: {replay:?}");
    w.hq.import(&new_a);
    // The device that erased receives the other device's older bundle, which still holds her.
    let replayed = w.a.import(&w.old_b);
    assert!(replayed.erased_left_out >= 2, "{replayed:?}");
    // …and the other device's bundle made after it received the erasure.
    w.a.import(&w.b.export(true));
    let expected = w.a.dump();
    let conflicts = w.a.open_conflicts();
    for (d, label) in [(&w.a, "A"), (&w.b, "B"), (&w.hq, "siège")] {
        assert_gone(&d.api, &w, label);
        assert_eq!(d.dump(), expected, "{label} holds the same records");
        assert_eq!(d.open_conflicts(), conflicts, "{label} has the same conflicts");
    }

    // Fresh stores receiving the bundles in every order, the oldest replayed afterwards.
    let bundles = [("ancien A", w.old_a.clone()), ("ancien B", w.old_b.clone()), ("effacement", new_a.clone())];
    for order in orders(&bundles) {
        let fresh = Device::new("Autre");
        for (_, bytes) in &order {
            fresh.import(bytes);
        }
        fresh.import(&w.first_a);
        let label: Vec<&str> = order.iter().map(|(l, _)| *l).collect();
        let label = label.join(" → ");
        assert_gone(&fresh.api, &w, &label);
        assert_eq!(fresh.dump(), expected, "{label}: the same records as every other store");
        assert_eq!(fresh.open_conflicts(), conflicts, "{label}: the same conflicts");
    }

    // The backup made before: listed with its date, deleted with one call.
    let old = w.a.api.backups_holding_erased().unwrap();
    assert_eq!(old.iter().map(|b| b.path.as_str()).collect::<Vec<_>>(), [before.path.as_str()]);
    assert!(!old[0].made_at.is_empty());
    let fresh_backup = w.a.api.backup_now().unwrap();
    assert_eq!(w.a.api.delete_old_backups().unwrap().len(), 1);
    assert!(!Path::new(&before.path).exists());
    assert!(Path::new(&fresh_backup.path).exists(), "a backup made after the erasure is kept");
    assert!(w.a.api.backups_holding_erased().unwrap().is_empty());
}

#[test]
fn a_restored_backup_made_before_an_erasure_does_not_bring_the_person_back() {
    let w = world();
    let before = w.b.api.backup_now().unwrap();
    w.a.api.erase_person(w.person).unwrap();
    let mut a = w.a;
    w.b.import(&a.export(false));
    w.b.api.restore(Path::new(&before.path)).unwrap();
    assert!(w.b.api.get(Kind::Person, w.person).is_err(), "the erasure is made again on the restored store");
    assert_eq!(w.b.api.erasures().unwrap().len(), 1);
    let crossed = w.b.api.get(Kind::Interview, w.crossed).unwrap().data;
    assert_eq!(crossed["passages"].as_array().unwrap().len(), 1);
    let found = found_in(&w.b.db(), &w.tokens[..2]);
    assert!(found.is_empty(), "her name is not in the restored store");
}

#[test]
fn an_erasure_refuses_what_is_not_a_person_and_says_nothing_of_her() {
    let w = world();
    let err = w.a.api.erase_person(w.first).unwrap_err();
    assert_eq!(err.code, maillage_core::api::ErrorCode::Invalid);
    let err = w.a.api.erase_person(RecordId::new()).unwrap_err();
    assert_eq!(err.code, maillage_core::api::ErrorCode::NotFound);
    w.a.api.erase_person(w.person).unwrap();
    let again = w.a.api.erase_person(w.person).unwrap_err();
    assert_eq!(again.code, maillage_core::api::ErrorCode::NotFound, "erased once for all");
    assert!(!again.message.contains(&w.name));
    // Headquarters reads territories without changing them, but erases and purges: the data
    // protection rules bind every copy.
    let edit = w.hq.api.put(Kind::Territory, Some(w.territory), json!({"name": "X", "kind": "qpv"}));
    assert_eq!(edit.unwrap_err().code, maillage_core::api::ErrorCode::HqReadOnly);
    w.hq.api.erase_person(w.other).unwrap();
    let purged = w.hq.api.purge_territory(w.territory, true).unwrap();
    assert!(purged.records_stripped > 0 && purged.persons_erased == 1, "{purged:?}");
}

#[test]
fn a_bundle_s_erasures_are_checked_like_the_rest_of_it() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let p = put(&a, Kind::Person, json!({"territory_id": t, "name": "Jeanne Martin"}));
    a.api.erase_person(p).unwrap();
    let good = unpack(&a.export(false));
    let key = a.signing_key();
    let line = |v: Value| format!("{v}\n").into_bytes();
    let forged: [(&str, Vec<u8>); 4] = [
        ("a name", line(json!({"person_id": p, "erased_on": "2026-11-22", "name": "Jeanne Martin"}))),
        ("no day", line(json!({"person_id": p, "erased_on": "hier"}))),
        (
            "twice",
            [
                line(json!({"person_id": p, "erased_on": "2026-11-22"})),
                line(json!({"person_id": p, "erased_on": "2026-11-23"})),
            ]
            .concat(),
        ),
        ("a territory", line(json!({"person_id": t, "erased_on": "2026-11-22"}))),
    ];
    let other = Device::new("Nadia");
    let before = other.snapshot();
    for (what, bytes) in forged {
        let mut entries = good.clone();
        crate::exchange::set_entry(&mut entries, "erasures.jsonl", |d| *d = bytes);
        crate::exchange::resign(&mut entries, &key, |_| {});
        let err = other.try_import(&crate::exchange::pack(&entries)).unwrap_err();
        assert_eq!(err.code, maillage_core::api::ErrorCode::BundleRecords, "{what}: {err:?}");
        assert!(!err.message.contains("Jeanne"), "{what}: {}", err.message);
        assert_eq!(other.snapshot(), before, "{what}: nothing written");
    }
    // A marker naming a record this store holds as another kind is refused too.
    let mut entries = good.clone();
    let org = other.organisation(other.territory("Sevran"), "PMI");
    let before = other.snapshot();
    crate::exchange::set_entry(&mut entries, "erasures.jsonl", |d| {
        *d = line(json!({"person_id": org, "erased_on": "2026-11-22"}))
    });
    crate::exchange::resign(&mut entries, &key, |_| {});
    let err = other.try_import(&crate::exchange::pack(&entries)).unwrap_err();
    assert_eq!(err.code, maillage_core::api::ErrorCode::BundleRecords);
    assert_eq!(other.snapshot(), before);
    other.import(&crate::exchange::pack(&good));
    assert_eq!(other.api.erasures().unwrap().len(), 1);
}

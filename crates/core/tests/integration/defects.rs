//! The defects found by trying Maillage as an attacker would (issue « Nothing lost, nothing
//! leaked »): versions that cannot be outranked, personal data left in the bytes, values echoed
//! in messages, bundles that carry what a local write refuses.

use std::collections::BTreeMap;

use maillage_core::api::{Api, BundleCheck, DemoRequest, ErrorCode, Keep};
use maillage_core::domain::{kinds, Kind, Record, RecordId};
use serde_json::{json, Value};

use crate::exchange::{assert_refused, hostile_setup, pack, resign, set_entry, unpack, Device};

// ---------------------------------------------------------------- helpers

/// With `MAILLAGE_WRITE_CORPUS=1`, keeps a crafted bundle in the fuzzer's corpus
/// (`fuzz/corpus/bundle_reader/`), where `the_fuzz_corpus_is_read_without_a_panic` reads it.
fn keep_in_corpus(name: &str, bytes: &[u8]) {
    if std::env::var_os("MAILLAGE_WRITE_CORPUS").is_some() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/bundle_reader");
        std::fs::write(dir.join(format!("{name}.maillage")), bytes).unwrap();
    }
}

/// Rewrites the lines of `entry` with `f` (each line a JSON record) and re-signs the bundle with
/// the source device's own key: only the checks after the signature can refuse it.
fn forge(
    entries: &[(String, Vec<u8>)],
    key: &ed25519_dalek::SigningKey,
    entry: &str,
    mut f: impl FnMut(&mut Value),
) -> Vec<u8> {
    let mut e = entries.to_vec();
    set_entry(&mut e, entry, |d| {
        let text = String::from_utf8(d.clone()).unwrap();
        let mut out = String::new();
        for line in text.lines() {
            let mut v: Value = serde_json::from_str(line).unwrap();
            f(&mut v);
            out.push_str(&maillage_core::canonical::to_string(&v));
            out.push('\n');
        }
        *d = out.into_bytes();
    });
    resign(&mut e, key, |_| {});
    pack(&e)
}

fn demo_device(name: &str) -> Device {
    let d = Device::new(name);
    d.api.demo(&DemoRequest { territory: "Valmont".into(), interviews: 2, workshops: 1, actions: 2, seed: 7 }).unwrap();
    d
}

/// One live record of every kind the store holds (the demo's, the shipped guide and a shipped
/// theme).
fn one_of_each(api: &Api) -> BTreeMap<Kind, Record> {
    let mut out = BTreeMap::new();
    for kind in Kind::ALL {
        if let Some(r) = api.list(kind, None).unwrap().into_iter().next() {
            out.insert(kind, r);
        }
    }
    out
}

/// Writes, in the demo's territory, a record of each territory kind the demo does not write (a
/// common goal, a charter, an attachment), every text field filled; returns one of each kind
/// the store then holds.
fn with_every_territory_kind(d: &Device) -> BTreeMap<Kind, Record> {
    let api = &d.api;
    let first = |kind: Kind| api.list(kind, None).unwrap().remove(0).id;
    let (t, org, workshop, indicator) =
        (first(Kind::Territory), first(Kind::Organisation), first(Kind::Workshop), first(Kind::Indicator));
    let have = one_of_each(api);
    if !have.contains_key(&Kind::CommonGoal) {
        api.put(
            Kind::CommonGoal,
            None,
            json!({"territory_id": t, "goal": "Aucun élève sans solution", "scenario": "Un référent par collège",
                   "indicator_ids": [indicator], "workshop_id": workshop, "agreed_on": "2026-11-22"}),
        )
        .unwrap();
    }
    if !have.contains_key(&Kind::Charter) {
        api.put(
            Kind::Charter,
            None,
            json!({"territory_id": t, "title": "Charte de Valmont", "values": "Confiance", "rules": "Se réunir",
                   "objectives": "Coopérer", "status": "adoptee", "adopted_on": "2026-11-22", "workshop_id": workshop,
                   "partners": [{"organisation_id": org, "interest": "Les familles", "commitments": "Venir",
                                 "representative": "La directrice"}]}),
        )
        .unwrap();
    }
    if !have.contains_key(&Kind::Attachment) {
        let file = d.dir.path().join("compte-rendu.txt");
        std::fs::write(&file, "Compte rendu du COPIL").unwrap();
        api.attach_file(&maillage_core::api::AttachRequest {
            path: file.display().to_string(),
            territory_id: t,
            record_id: Some(workshop),
            description: "Compte rendu signé".into(),
        })
        .unwrap();
    }
    one_of_each(api)
}

/// Writes headquarters' own kinds (a committee review, a library sheet, a national meeting),
/// every text field filled, in `api` — a store in headquarters' workspace that holds `practice`
/// and `territory` — and returns one of each.
fn with_headquarters_kinds(api: &Api, practice: RecordId, territory: RecordId) -> BTreeMap<Kind, Record> {
    let mut out = BTreeMap::new();
    let review = api
        .put(
            Kind::PracticeReview,
            None,
            json!({"practice_id": practice, "reviewer": "Département", "relevance": 3, "originality": 2,
                   "effectiveness": 4, "comment": "Pertinent", "reviewed_on": "2026-11-22"}),
        )
        .unwrap();
    out.insert(Kind::PracticeReview, review);
    let sheet = api
        .put(
            Kind::LibrarySheet,
            None,
            json!({"practice_id": practice, "decision": "retenue", "reasons": "Utile", "decided_on": "2026-11-22",
                   "title": "Référent unique", "summary": "Un interlocuteur", "objectives": "Simplifier",
                   "means": "Une demi-journée", "keys_to_success": "La direction", "expected_results": "Moins d'abandons",
                   "difficulties": "Le temps", "themes": ["Parcours"], "actor_categories": [],
                   "departement_code": "93", "published_on": "2026-11-23"}),
        )
        .unwrap();
    out.insert(Kind::LibrarySheet, sheet);
    let meeting = api
        .put(
            Kind::NationalMeeting,
            None,
            json!({"meeting_kind": "copil_national", "held_on": "2026-11-22", "title": "COPIL national",
                   "agenda": "Bilan", "notes": "Échanges",
                   "participants": [{"territory_id": territory, "who": "Cheffe de projet", "present": true}],
                   "decisions": [{"text": "Étendre le référent", "territory_ids": [territory]}],
                   "follow_ups": [{"text": "Envoyer la fiche", "territory_id": territory, "due_on": "2026-12-15",
                                   "done": false}]}),
        )
        .unwrap();
    out.insert(Kind::NationalMeeting, meeting);
    out
}

/// A store in headquarters' workspace, as the application makes one: encrypted, then switched.
fn siege_store(name: &str) -> Device {
    let d = Device::new(name);
    d.api.encrypt("la phrase du siège national").unwrap();
    d.api.set_workspace(maillage_core::api::WorkspaceMode::Siege).unwrap();
    d
}

/// Puts a plain (unencrypted) store in headquarters' workspace by hand, so that a scan of its
/// raw bytes can see what it writes: the application only chooses headquarters' workspace on an
/// encrypted store, whose bytes show nothing in clear, but what the bytes keep after a deletion
/// (freed cells, the search index, the WAL) is SQLite's, encrypted or not.
fn siege_by_hand(d: &Device) {
    let mode = serde_json::to_string(&maillage_core::api::WorkspaceMode::Siege).unwrap();
    let conn = rusqlite::Connection::open(d.db()).unwrap();
    conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('workspace', ?1)", [mode]).unwrap();
}

fn assert_every_kind(samples: &BTreeMap<Kind, Record>) {
    let missing: Vec<Kind> = Kind::ALL.into_iter().filter(|k| !samples.contains_key(k)).collect();
    assert!(missing.is_empty(), "every kind of Kind::ALL is exercised; missing: {missing:?}");
}

/// Every string leaf of `data` with its path.
fn string_leaves(data: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match data {
        Value::String(_) => out.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                string_leaves(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(PathStep::Key(k.clone()));
                string_leaves(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Every leaf of `data` (strings, numbers, booleans, nulls) with its path.
fn all_leaves(data: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match data {
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                all_leaves(item, path, out);
                path.pop();
            }
        }
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                path.push(PathStep::Key(k.clone()));
                all_leaves(v, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'a>(data: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    let mut v = data;
    for step in path {
        v = match step {
            PathStep::Key(k) => &mut v[k.as_str()],
            PathStep::Index(i) => &mut v[*i],
        };
    }
    v
}

/// The data of `record` with a unique token in every text field that accepts free text (a
/// field that refuses a token — an id, a date, a code of a closed list — keeps its value).
fn with_tokens(record: &Record, counter: &mut u32, tokens: &mut Vec<String>) -> Value {
    let mut data = record.data.clone();
    let mut leaves = Vec::new();
    string_leaves(&record.data, &mut Vec::new(), &mut leaves);
    for path in leaves {
        *counter += 1;
        let token = token_for(*counter);
        let mut candidate = data.clone();
        *at(&mut candidate, &path) = Value::String(format!("Texte {token} fin"));
        if kinds::validate(record.kind, candidate.clone()).is_ok() {
            data = candidate;
            tokens.push(token);
        }
    }
    data
}

/// A unique word of 14 pseudo-random letters: no two share a long prefix.
fn token_for(n: u32) -> String {
    let mut seed = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    (0..14)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (b'a' + (seed % 26) as u8) as char
        })
        .collect()
}

/// Occurrences of any token in a file's raw bytes, case folded (the search index folds case).
/// The index keeps words prefix-compressed: the last 9 letters of a token are what it stores
/// whatever its neighbours, so those are looked for.
fn tokens_in(path: &std::path::Path, tokens: &[String]) -> Vec<String> {
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

// ---------------------------------------------------------------- 1. versions

/// A crafted, validly signed bundle from a new device carries a version whose counter is at its
/// maximum, an hour ahead, from a device id above every other: edits, deletions and resolutions
/// made here afterwards still outrank it, and this store's bundles still import elsewhere.
#[test]
fn a_version_at_the_counter_maximum_is_still_outranked_and_exports_keep_importing() {
    let mut attacker = Device::new("Nouvel appareil");
    let t = attacker.territory("Orly");
    let org = attacker.organisation(t, "PMI");
    let other = attacker.organisation(t, "CCAS");
    let entries = unpack(&attacker.export(false));
    let ahead = maillage_core::domain::clock::wall_ms() + 3_600_000;
    let crafted = format!("{ahead:016x}.ffffffff.ffffffff-ffff-ffff-ffff-ffffffffffff");
    let bytes = forge(&entries, &attacker.signing_key(), "records/organisation.jsonl", |v| {
        v["version"] = json!(crafted);
    });
    keep_in_corpus("hostile-counter-at-its-maximum", &bytes);
    let mut store = Device::new("Camille");
    store.import(&bytes);

    // An edit, a deletion: each strictly above the crafted version.
    let edited = store.rename(t, org, "PMI des Aviateurs").unwrap();
    assert!(edited.version.to_string() > crafted, "{} must outrank {crafted}", edited.version);
    store.api.delete(Kind::Organisation, other).unwrap();

    // A conflict with the crafted version, resolved here.
    let bao = Device::new("Bao");
    bao.import(&bytes);
    bao.rename(t, org, "PMI Bao").unwrap();
    let mut bao = bao;
    store.import(&bao.export(false));
    let conflicts = store.api.conflicts(false).unwrap();
    assert!(!conflicts.is_empty(), "Bao's edit of the crafted version is a conflict here (else nothing is resolved)");
    for c in conflicts {
        let settled = store.api.resolve_conflict(&c.id, Keep::Loser).unwrap();
        assert!(settled.resolved_at.is_some());
    }

    // Every bundle of this store imports into a fresh one.
    let fresh = Device::new("Siège");
    fresh.import(&store.export(false));
    assert_eq!(fresh.dump(), store.dump());
}

#[test]
fn a_version_more_than_a_year_ahead_is_refused_at_import() {
    let h = hostile_setup();
    let far = format!("{:016x}.ffffffff.ffffffff-ffff-ffff-ffff-ffffffffffff", 4_102_444_800_000u64); // 2100
    let bytes = forge(&h.entries, &h.source.signing_key(), "records/organisation.jsonl", |v| v["version"] = json!(far));
    keep_in_corpus("hostile-version-in-2100", &bytes);
    assert_refused(&h.store, &bytes, Some(BundleCheck::Records), "futur", "version in 2100");
}

// ---------------------------------------------------------------- 4. deleted means gone

/// Unique tokens in every text field of every kind; deleted or edited; then neither the store,
/// nor its WAL, nor a backup made afterwards holds any of them, search index included.
#[test]
fn deleted_and_edited_text_is_gone_from_the_bytes() {
    let mut d = demo_device("Camille");
    let mut b = Device::new("Bao");
    b.import(&d.export(false));
    // Headquarters' own kinds are written in headquarters' workspace only: this store is put
    // there (by hand, see `siege_by_hand`); the demo's territory stays writable there.
    siege_by_hand(&d);
    let mut samples = with_every_territory_kind(&d);
    samples.extend(with_headquarters_kinds(&d.api, samples[&Kind::Practice].id, samples[&Kind::Territory].id));
    assert_every_kind(&samples);
    let mut counter = 0;
    let mut tokens = Vec::new();
    for (kind, record) in &samples {
        let data = with_tokens(record, &mut counter, &mut tokens);
        d.api.put(*kind, Some(record.id), data).unwrap();
    }
    let territory = samples[&Kind::Territory].id;
    let file = d.dir.path().join(format!("{}.txt", token_for(8888)));
    // The attachment's content too: a deleted consent form is gone from the bytes.
    std::fs::write(&file, format!("formulaire de consentement signé {}", token_for(8886))).unwrap();
    tokens.push(token_for(8886));
    let attachment = d
        .api
        .attach_file(&maillage_core::api::AttachRequest {
            path: file.display().to_string(),
            territory_id: territory,
            record_id: None,
            description: format!("Signé par {}", token_for(8887)),
        })
        .unwrap();
    tokens.extend([token_for(8888), token_for(8887)]);
    for kind in Kind::ALL {
        let data = &d.api.get(kind, samples[&kind].id).unwrap().data;
        assert!(
            tokens.iter().any(|t| data.to_string().contains(t.as_str())),
            "{kind}: at least one text field carries a token"
        );
    }
    assert!(tokens.len() > 60, "every kind's text fields carry a token ({} found)", tokens.len());

    // A concurrent edit of the person on another device: kept here for review, whole.
    let person = samples[&Kind::Person].id;
    let mut other = b.api.get(Kind::Person, person).unwrap().data;
    other["name"] = json!(format!("Conflit {}", token_for(9999)));
    other["contact"] = json!(format!("{}@example.org", token_for(9998)));
    tokens.extend([token_for(9999), token_for(9998)]);
    b.api.put(Kind::Person, Some(person), other).unwrap();
    d.import(&b.export(true));
    assert!(!d.api.conflicts(false).unwrap().is_empty(), "the concurrent edit is kept for review");
    let wal = |p: &std::path::Path| std::path::PathBuf::from(format!("{}-wal", p.display()));
    let before: Vec<String> = [tokens_in(&d.db(), &tokens), tokens_in(&wal(&d.db()), &tokens)].concat();
    assert!(!before.is_empty(), "the tokens are in the bytes before (the scan can see them)");

    // Deleted, or edited back to text without them.
    for (kind, record) in &samples {
        match kind {
            Kind::Territory | Kind::InterviewGuide | Kind::Theme => {
                d.api.put(*kind, Some(record.id), record.data.clone()).unwrap();
            }
            _ => d.api.delete(*kind, record.id).unwrap(),
        }
    }
    d.api.delete(Kind::Attachment, attachment.id).unwrap();
    assert!(d.api.conflicts(true).unwrap().is_empty(), "the person's kept versions went with the deletion");
    let backup = d.dir.path().join("apres.sqlite3");
    d.api.backup(&backup, false).unwrap();
    let carried: String =
        unpack(&d.export(false)).iter().map(|(_, b)| String::from_utf8_lossy(b).to_lowercase()).collect();

    if std::env::var_os("MAILLAGE_KEEP_TEST_STORE").is_some() {
        std::fs::copy(d.db(), "/tmp/defects-store.sqlite3").unwrap();
        std::fs::write("/tmp/defects-tokens.txt", tokens.join("\n")).unwrap();
    }
    for path in [d.db(), wal(&d.db()), backup] {
        let found = tokens_in(&path, &tokens);
        assert!(found.is_empty(), "{} still holds {} token(s), e.g. {:?}", path.display(), found.len(), found.first());
    }
    let leaked: Vec<&String> = tokens.iter().filter(|t| carried.contains(t.as_str())).collect();
    assert!(leaked.is_empty(), "the next bundle carries deleted text: {leaked:?}");
    // The file removed from the blobs too is not required (other records may share it), but
    // the search finds nothing of it.
    for t in &tokens {
        let hits = d.api.search(&maillage_core::api::SearchRequest { query: t.clone(), ..Default::default() }).unwrap();
        assert!(hits.is_empty(), "search still finds {t}");
    }
}

// ---------------------------------------------------------------- 6. no value echoed

/// A unique token put into every field of every kind with a wrong type or value: the refusal
/// names the field and never contains the token, through the api (the desktop's commands are
/// one-line calls of it) and through a validly signed bundle.
#[test]
fn no_refusal_echoes_the_value_it_refused() {
    let mut d = demo_device("Camille");
    let mut samples = with_every_territory_kind(&d);
    // Headquarters' own kinds, in headquarters' workspace (encrypted, as the application makes
    // it), which holds the demo's practice and territory by their bundle.
    let hq = siege_store("Siège national");
    hq.import(&d.export(false));
    let hq_samples = with_headquarters_kinds(&hq.api, samples[&Kind::Practice].id, samples[&Kind::Territory].id);
    samples.extend(hq_samples.clone());
    assert_every_kind(&samples);
    let token = "Jean Secretname a refusé";
    let mut tried: BTreeMap<Kind, usize> = BTreeMap::new();
    for (kind, record) in &samples {
        let api = if hq_samples.contains_key(kind) { &hq.api } else { &d.api };
        let mut leaves = Vec::new();
        all_leaves(&record.data, &mut Vec::new(), &mut leaves);
        for path in leaves {
            for bad in [json!(token), json!([token]), json!({"x": token}), json!(12.5)] {
                let mut data = record.data.clone();
                *at(&mut data, &path) = bad;
                if let Err(e) = api.put(*kind, Some(record.id), data.clone()) {
                    *tried.entry(*kind).or_default() += 1;
                    assert!(!e.message.contains("Secretname"), "{kind} {path:?}: {}", e.message);
                    assert!(
                        e.field.as_deref().is_some_and(|f| !f.is_empty() && !f.contains("Secretname")),
                        "{kind} {path:?}: the field is named: {e:?}"
                    );
                    // French, naming what is expected (« attend du texte », « n'accepte que ces
                    // valeurs : … »).
                    assert!(e.message.contains("champ"), "{kind} {path:?}: in French: {}", e.message);
                    assert!(
                        ["attend", "n'accepte que", "doit"].iter().any(|w| e.message.contains(w)),
                        "{kind} {path:?}: the refusal says what is expected: {}",
                        e.message
                    );
                }
            }
        }
    }
    for kind in Kind::ALL {
        assert!(tried.get(&kind).is_some_and(|n| *n >= 3), "{kind}: refusals exercised: {tried:?}");
    }

    // Through a bundle re-signed by the device's own key: every field of every line it carries…
    let entries = unpack(&d.export(false));
    let key = d.signing_key();
    let store = Device::new("Siège");
    let dry = |bytes: &[u8]| store.api.import_bundle_bytes("t.maillage", bytes, None, true, &Default::default());
    let mut refused = 0;
    for (name, content) in entries.iter().filter(|(n, _)| n.starts_with("records/")) {
        let fields: std::collections::BTreeSet<String> = String::from_utf8_lossy(content)
            .lines()
            .flat_map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["data"].as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default()
            })
            .collect();
        for field in fields {
            let bytes = forge(&entries, &key, name, |v| {
                if v["data"].get(&field).is_some() {
                    v["data"][&field] = json!({"valeur": token});
                }
            });
            if let Err(e) = dry(&bytes) {
                refused += 1;
                assert!(!e.message.contains("Secretname"), "{name} {field}: {}", e.message);
            }
        }
        let bytes = forge(&entries, &key, name, |v| v["created_at"] = json!(token));
        let e = dry(&bytes).expect_err("a created_at that is not a time is refused");
        assert!(!e.message.contains("Secretname") && e.message.contains("date de création"), "{}", e.message);
    }
    assert!(refused > 50, "bundle refusals exercised: {refused}");

    // …and a line of every kind of `Kind::ALL` (headquarters' own and the shipped defaults'
    // kinds too, under an ordinary version), each of its fields given a wrong type in turn: the
    // reader refuses it naming the field, never with the value.
    let version = format!(
        "{:016x}.00000000.{}",
        maillage_core::domain::clock::wall_ms(),
        samples[&Kind::Territory].version.device
    );
    for (kind, record) in &samples {
        let entry = format!("records/{}.jsonl", kind.as_str());
        let mut line = serde_json::to_value(record).unwrap();
        line["version"] = json!(version);
        let keys: Vec<String> = record.data.as_object().unwrap().keys().cloned().collect();
        assert!(!keys.is_empty(), "{kind}");
        for field in keys {
            // The first of these that the field's type cannot take (a map of texts takes the first).
            let wrong = [json!({"valeur": token}), json!({"valeur": [[token]]}), json!([[token]])];
            let mut refusals = 0;
            for value in wrong {
                let mut bad = line.clone();
                bad["data"][&field] = value;
                let mut e = entries.clone();
                e.retain(|(n, _)| *n != entry);
                e.push((entry.clone(), format!("{}\n", maillage_core::canonical::to_string(&bad)).into_bytes()));
                resign(&mut e, &key, |m| m["counts"][kind.as_str()] = json!({"live": 1, "deleted": 0}));
                let bytes = pack(&e);
                // The reader's own refusal; a line it lets through may be refused by the import
                // for another reason (headquarters' kinds never come in a device's bundle).
                let Err(err) = maillage_core::bundle::open(&bytes, None, &Default::default()) else {
                    if let Err(err) = dry(&bytes) {
                        assert!(!err.message.contains("Secretname"), "{kind} {field}: {}", err.message);
                    }
                    continue;
                };
                refusals += 1;
                assert!(!err.message.contains("Secretname"), "{kind} {field}: {}", err.message);
                let sha = *kind == Kind::Attachment && field == "sha256";
                assert!(
                    err.message.contains("champ") || sha,
                    "{kind} {field}: names the field in French: {}",
                    err.message
                );
            }
            assert!(refusals > 0, "{kind} {field}: the reader refuses a wrong type");
        }
    }
}

// ---------------------------------------------------------------- 7. import = local write rules

#[test]
fn a_bundle_is_held_to_the_rules_of_a_local_write() {
    let mut src = demo_device("Camille");
    let store = Device::new("Siège");
    store.import(&src.export(false));
    let person = src.api.list(Kind::Person, None).unwrap().remove(0);
    let org = src.api.list(Kind::Organisation, None).unwrap().remove(0);
    let territory = src.api.list(Kind::Territory, None).unwrap().remove(0);
    // Something new to carry, so that the bundle is not already imported.
    src.organisation(territory.id, "Nouvelle structure");
    let entries = unpack(&src.export(false));
    let key = src.signing_key();
    let orgs = "records/organisation.jsonl";

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "territory_id of a person",
            forge(&entries, &key, orgs, |v| {
                v["territory_id"] = json!(person.id);
                v["data"]["territory_id"] = json!(person.id);
            }),
            "pas un territoire",
        ),
        (
            "reference to a record of another kind",
            forge(&entries, &key, "records/person.jsonl", |v| {
                if v["deleted"] == json!(false) {
                    v["data"]["organisation_id"] = json!(territory.id);
                }
            }),
            "organisation_id",
        ),
        (
            "reference to a record that exists nowhere",
            forge(&entries, &key, "records/person.jsonl", |v| {
                if v["deleted"] == json!(false) {
                    v["data"]["organisation_id"] = json!(RecordId::new());
                }
            }),
            "absent",
        ),
        (
            "a 5 MB created_by",
            {
                // Incompressible, on one line: the size limits must not be what refuses it.
                let mut first = true;
                let mut seed = 12345u64;
                let long: String = (0..(5 << 20))
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        (b'a' + (seed >> 59) as u8 % 26) as char
                    })
                    .collect();
                forge(&entries, &key, orgs, |v| {
                    if std::mem::take(&mut first) {
                        v["created_by"] = json!(long.clone())
                    }
                })
            },
            "created_by",
        ),
        (
            "created_at « hier soir »",
            forge(&entries, &key, orgs, |v| v["created_at"] = json!("hier soir")),
            "date de création",
        ),
        (
            "a NUL inside a name",
            forge(&entries, &key, orgs, |v| v["data"]["name"] = json!("Mai\u{0}rie")),
            "caractère invisible",
        ),
        (
            "the reserved version on a new record",
            forge(&entries, &key, orgs, |v| {
                v["version"] = json!("0000000000000000.00000000.00000000-0000-0000-0000-000000000000")
            }),
            "réservée",
        ),
    ];
    let _ = org;
    for (what, bytes, words) in cases {
        keep_in_corpus(&format!("hostile-{}", what.replace(' ', "-").replace(['«', '»'], "")), &bytes);
        assert_refused(&store, &bytes, Some(BundleCheck::Records), words, what);
    }

    // A shipped theme whose label was changed, under the reserved version.
    let theme = store.api.list(Kind::Theme, None).unwrap().remove(0);
    let mut line = serde_json::to_value(&theme).unwrap();
    line["data"]["label"] = json!("Thème détourné");
    let mut e = entries.clone();
    e.push(("records/theme.jsonl".into(), format!("{}\n", maillage_core::canonical::to_string(&line)).into_bytes()));
    resign(&mut e, &key, |m| {
        m["counts"]["theme"] = json!({"live": 1, "deleted": 0});
    });
    keep_in_corpus("hostile-a-shipped-theme-replaced", &pack(&e));
    assert_refused(&store, &pack(&e), Some(BundleCheck::Records), "réservée", "a shipped theme replaced");

    // A record in a territory that the same bundle deletes.
    let mut e = entries.clone();
    let tomb = {
        let mut t = serde_json::to_value(&territory).unwrap();
        t["deleted"] = json!(true);
        t["data"] = json!({});
        t["version"] =
            json!(format!("{:016x}.00000000.{}", maillage_core::domain::clock::wall_ms(), territory.version.device));
        t
    };
    set_entry(&mut e, "records/territory.jsonl", |d| {
        *d = format!("{}\n", maillage_core::canonical::to_string(&tomb)).into_bytes();
    });
    resign(&mut e, &key, |m| m["counts"]["territory"] = json!({"live": 0, "deleted": 1}));
    assert_refused(&store, &pack(&e), Some(BundleCheck::Records), "supprime", "a territory deleted under its records");
}

/// The manifest is held to the envelope rules of a record: the facilitator (kept in the
/// device-key table and the import history) like `created_by`, the creation time in RFC 3339,
/// territory names without control characters, a coverage the reader knows. Each crafted
/// manifest is validly re-signed, so only these rules can refuse it; the refusal names the field
/// and never the value, and the store is left as it was.
#[test]
fn a_manifest_is_held_to_the_envelope_rules() {
    let h = hostile_setup();
    let key = h.source.signing_key();
    let mut seed = 424242u64;
    // Incompressible, so that no size limit is what refuses it.
    let long: String = (0..(5 << 20))
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (b'a' + (seed >> 59) as u8 % 26) as char
        })
        .collect();
    let bad_name = "Or\u{0}ly Secretname";
    let cases: Vec<(&str, Value, &str, String)> = vec![
        ("a 5 MB facilitator", json!(long.clone()), "facilitator", long[1000..1040].to_string()),
        ("a NUL in a territory name", json!(bad_name), "territories[0].name", "Secretname".into()),
        ("created_at hier soir", json!("hier soir"), "created_at", "hier soir".into()),
        ("an unknown coverage", json!("tout-Secretname"), "covers.mode", "Secretname".into()),
    ];
    for (what, value, field, echo) in cases {
        let mut e = h.entries.clone();
        resign(&mut e, &key, |m| match field {
            "territories[0].name" => m["territories"][0]["name"] = value.clone(),
            "covers.mode" => m["covers"]["mode"] = value.clone(),
            _ => m[field] = value.clone(),
        });
        let bytes = pack(&e);
        keep_in_corpus(&format!("hostile-manifest-{}", what.replace(' ', "-")), &bytes);
        assert_refused(&h.store, &bytes, Some(BundleCheck::Manifest), &format!("champ « {field} »"), what);
        let err = h.store.try_import(&bytes).unwrap_err();
        assert!(!err.message.contains(&echo), "{what}: the refusal echoes the value: {}", err.message);
        assert!(err.message.len() < 400, "{what}: {}", err.message);
        // The dry run (the window's « vérifier ») refuses it the same way.
        let dry = h.store.api.import_bundle_bytes("t", &bytes, None, true, &Default::default());
        assert!(dry.is_err(), "{what}: the dry run refuses it too");
    }
    // A local write holds the facilitator's name to the same rule: no device writes a
    // manifest that every importer would refuse.
    let dir = tempfile::tempdir().unwrap();
    let api = Api::create(&dir.path().join("s.sqlite3")).unwrap();
    let e = api.init("Ca\u{1b}[31mmille").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("facilitator"), "{e:?}");
    assert!(e.message.contains("caractère invisible"), "{}", e.message);

    // The coverages this reader knows, « library » (headquarters' library bundle) included,
    // pass this rule (what a library bundle must be otherwise is the import's to check).
    for mode in ["full", "since"] {
        let mut e = h.entries.clone();
        resign(&mut e, &key, |m| m["covers"]["mode"] = json!(mode));
        h.store.api.import_bundle_bytes("t", &pack(&e), None, true, &Default::default()).unwrap();
    }
}

#[test]
fn check_reports_a_reference_of_the_wrong_kind_as_an_error() {
    let d = demo_device("Camille");
    let person = d.api.list(Kind::Person, None).unwrap().remove(0);
    let territory = d.api.list(Kind::Territory, None).unwrap().remove(0);
    assert!(d.api.check().unwrap().ok);
    // Only a hand edit of the file can do this: a local write and an import both refuse it.
    let conn = rusqlite::Connection::open(d.db()).unwrap();
    let mut data = person.data.clone();
    data["organisation_id"] = json!(territory.id);
    conn.execute(
        "UPDATE record SET data = ?1 WHERE id = ?2",
        [maillage_core::canonical::to_string(&data), person.id.to_string()],
    )
    .unwrap();
    let report = d.api.check().unwrap();
    assert!(!report.ok, "{report:?}");
    assert!(report.problems.iter().any(|p| p.contains("organisation_id")), "{report:?}");
    let _ = ErrorCode::Invalid;
}

/// A territory deleted on one device while another added a record to it: a third store that
/// receives the record first and the deletion afterwards holds a live record in a deleted
/// territory, shown nowhere — `check` reports it as a problem. A reference to a deleted record
/// stays a remark: deleting a record here leaves the records that point to it as they are.
#[test]
fn check_reports_a_live_record_in_a_deleted_territory_as_an_error() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let first = a.export(false);
    let mut b = Device::new("Bao");
    let c = Device::new("Siège");
    b.import(&first);
    c.import(&first);
    let org = b.organisation(t, "Structure ajoutée par Bao");
    c.import(&b.export(false));
    a.api.delete(Kind::Territory, t).unwrap();
    c.import(&a.export(false));
    assert!(c.api.get(Kind::Territory, t).is_err(), "the deletion reached the third store");
    assert!(c.api.get(Kind::Organisation, org).is_ok(), "Bao's record is live there, in a deleted territory");
    let report = c.api.check().unwrap();
    assert!(!report.ok, "{report:?}");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains(&org.to_string()) && p.contains("territoire") && p.contains("supprimé")),
        "{report:?}"
    );
    assert!(report.problems.iter().all(|p| !p.contains("Structure ajoutée")), "no record text: {report:?}");

    // A local deletion of a record that others point to: a remark, not a problem.
    let d = Device::new("Dominique");
    let t = d.territory("Sevran");
    let pmi = d.organisation(t, "PMI");
    d.api.put(Kind::Person, None, json!({"territory_id": t, "name": "Mme Lefort", "organisation_id": pmi})).unwrap();
    d.api.delete(Kind::Organisation, pmi).unwrap();
    let report = d.api.check().unwrap();
    assert!(report.ok, "{report:?}");
    assert!(report.warnings.iter().any(|w| w.contains("organisation_id") && w.contains("supprimé")), "{report:?}");
}

// ---------------------------------------------------------------- 5. no lock while exporting

/// An export reads a snapshot and writes its file with no lock held: an autosave made while
/// the export is still running goes through at once, and the next "since last" export carries it.
#[test]
fn a_write_goes_through_while_an_export_runs() {
    use maillage_core::api::{ExportRequest, ExportStage};
    use std::sync::mpsc::channel;
    use std::time::Duration;

    let d = demo_device("Camille");
    let territory = d.api.list(Kind::Territory, None).unwrap().remove(0);
    let api = &d.api;
    let (started_tx, started_rx) = channel::<()>();
    let (go_tx, go_rx) = channel::<()>();
    std::thread::scope(|s| {
        let out = d.dir.path().join("long.maillage");
        let exporter = s.spawn(move || {
            let mut first = true;
            let request = ExportRequest { out, include_demo: true, ..Default::default() };
            api.export_bundle_with_progress(&request, &mut |p| {
                if first && p.stage == ExportStage::Reading {
                    first = false;
                    started_tx.send(()).unwrap();
                    // The export stays in the middle of its reading until the write is done.
                    let _ = go_rx.recv_timeout(Duration::from_secs(60));
                }
            })
        });
        started_rx.recv().unwrap();
        let (done_tx, done_rx) = channel();
        let mut data = territory.data.clone();
        data["notes"] = json!("Écrit pendant l'export");
        s.spawn(move || done_tx.send(api.put(Kind::Territory, Some(territory.id), data).map(|_| ())));
        // A guard against a deadlock, not a measure of time: the old export held the write lock
        // until it was done, so this never came.
        let written = done_rx.recv_timeout(Duration::from_secs(30)).expect("the autosave waited for the export");
        written.unwrap();
        go_tx.send(()).unwrap();
        exporter.join().unwrap().unwrap();
    });
    let next = d.dir.path().join("next.maillage");
    let report = d
        .api
        .export_bundle(&ExportRequest { out: next.clone(), since_last: true, include_demo: true, ..Default::default() })
        .unwrap();
    assert_eq!(report.covers, "since");
    let carried: String =
        unpack(&std::fs::read(next).unwrap()).iter().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).collect();
    assert!(carried.contains("Écrit pendant l'export"), "the edit made during the export travels in the next one");
}

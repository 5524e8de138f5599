//! Hand-off bundles between stores: round trips, order independence, idempotence, deletions,
//! conflicts, a property test of several devices exchanging at random, and a corpus of hostile
//! bundles that must all be refused with the store left exactly as it was.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use maillage_core::api::{Api, BundleCheck, BundleLimits, ErrorCode, ExportRequest, ImportReport, Keep, KeyStatus};
use maillage_core::domain::{Kind, RecordId};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

pub(crate) struct Device {
    pub(crate) api: Api,
    pub(crate) dir: tempfile::TempDir,
    exports: u32,
}

impl Device {
    pub(crate) fn new(name: &str) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::create(&dir.path().join("store.sqlite3")).unwrap();
        api.init(name).unwrap();
        Device { api, dir, exports: 0 }
    }

    pub(crate) fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("store.sqlite3")
    }

    /// Exports and returns the bundle's bytes.
    pub(crate) fn export(&mut self, since_last: bool) -> Vec<u8> {
        self.export_to(since_last, vec![])
    }

    pub(crate) fn export_to(&mut self, since_last: bool, to: Vec<String>) -> Vec<u8> {
        self.exports += 1;
        let path = self.dir.path().join(format!("export-{}.maillage", self.exports));
        self.api
            .export_bundle(&ExportRequest {
                out: path.clone(),
                since_last,
                to,
                include_demo: true,
                ..Default::default()
            })
            .unwrap();
        std::fs::read(path).unwrap()
    }

    pub(crate) fn import(&self, bytes: &[u8]) -> ImportReport {
        self.api.import_bundle_bytes("test.maillage", bytes, None, false, &BundleLimits::default()).unwrap()
    }

    pub(crate) fn try_import(&self, bytes: &[u8]) -> Result<ImportReport, maillage_core::ApiError> {
        self.api.import_bundle_bytes("test.maillage", bytes, None, false, &BundleLimits::default())
    }

    pub(crate) fn dump(&self) -> String {
        let mut out = Vec::new();
        self.api.dump_canonical(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    pub(crate) fn open_conflicts(&self) -> BTreeSet<String> {
        self.api.conflicts(false).unwrap().into_iter().map(|c| c.id).collect()
    }

    /// Everything an import may touch: records (tombstones too), every exchange table, the clock.
    pub(crate) fn snapshot(&self) -> String {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let mut out = self.dump();
        out.push_str(&format!("{:?}\n", self.api.stats(None).unwrap()));
        for sql in [
            "SELECT COUNT(*) || '/' || COALESCE(SUM(deleted), 0) FROM record",
            "SELECT COUNT(*) FROM record_fts_docsize",
            "SELECT group_concat(device_id || public_key, ',') FROM device_key",
            "SELECT group_concat(bundle_id, ',') FROM imported_bundle",
            "SELECT group_concat(id || status || COALESCE(resolution, ''), ',') FROM conflict",
            "SELECT COUNT(*) FROM record_lineage",
            "SELECT COUNT(*) FROM blob",
            "SELECT clock_ms || '.' || clock_counter FROM device",
            "SELECT COUNT(*) FROM merge_in_progress",
        ] {
            let v: rusqlite::types::Value = conn.query_row(sql, [], |r| r.get(0)).unwrap();
            out.push_str(&format!("{sql} = {v:?}\n"));
        }
        out
    }

    pub(crate) fn signing_key(&self) -> ed25519_dalek::SigningKey {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let key: Vec<u8> = conn.query_row("SELECT signing_key FROM device", [], |r| r.get(0)).unwrap();
        ed25519_dalek::SigningKey::from_bytes(&key.try_into().unwrap())
    }

    pub(crate) fn territory(&self, name: &str) -> RecordId {
        self.api.put(Kind::Territory, None, json!({"name": name, "kind": "qpv"})).unwrap().id
    }

    pub(crate) fn organisation(&self, territory: RecordId, name: &str) -> RecordId {
        self.api
            .put(
                Kind::Organisation,
                None,
                json!({"territory_id": territory, "name": name, "category": "autre_association"}),
            )
            .unwrap()
            .id
    }

    pub(crate) fn rename(
        &self,
        territory: RecordId,
        id: RecordId,
        name: &str,
    ) -> Result<maillage_core::Record, maillage_core::ApiError> {
        self.api.put(
            Kind::Organisation,
            Some(id),
            json!({"territory_id": territory, "name": name, "category": "autre_association"}),
        )
    }
}

/// The entries of a plain bundle, in archive order.
pub(crate) fn unpack(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let decoder = zstd::stream::read::Decoder::new(bytes).unwrap();
    let mut archive = tar::Archive::new(decoder);
    let mut out = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = String::from_utf8(entry.path_bytes().into_owned()).unwrap();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        out.push((name, data));
    }
    out
}

/// A plain bundle from raw entries, names written as given (no sanitising: hostile names too).
pub(crate) fn pack(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        {
            let raw = header.as_old_mut();
            raw.name = [0; 100];
            raw.name[..name.len()].copy_from_slice(name.as_bytes());
        }
        header.set_cksum();
        tar.append(&header, data.as_slice()).unwrap();
    }
    zstd::encode_all(tar.into_inner().unwrap().as_slice(), 3).unwrap()
}

pub(crate) fn manifest_of(entries: &[(String, Vec<u8>)]) -> Value {
    serde_json::from_slice(&entries.iter().find(|(n, _)| n == "manifest.json").unwrap().1).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    maillage_core::bundle::sha256_hex(bytes)
}

/// Re-signs a changed manifest with `key` and refreshes the listed digest of every entry, so that
/// only the check under test can fail.
pub(crate) fn resign(
    entries: &mut [(String, Vec<u8>)],
    key: &ed25519_dalek::SigningKey,
    edit: impl FnOnce(&mut Value),
) {
    use ed25519_dalek::Signer;
    let mut manifest = manifest_of(entries);
    let digests: Vec<Value> = entries
        .iter()
        .filter(|(n, _)| n != "manifest.json" && n != "manifest.sig")
        .map(|(n, d)| json!({"name": n, "size": d.len(), "sha256": sha256_hex(d)}))
        .collect();
    manifest["entries"] = Value::Array(digests);
    edit(&mut manifest);
    let bytes = maillage_core::canonical::to_string(&manifest).into_bytes();
    let sig = maillage_core::bundle::hex(&key.sign(&bytes).to_bytes()).into_bytes();
    for (n, d) in entries.iter_mut() {
        if n == "manifest.json" {
            *d = bytes.clone();
        } else if n == "manifest.sig" {
            *d = sig.clone();
        }
    }
}

pub(crate) fn set_entry(entries: &mut [(String, Vec<u8>)], name: &str, f: impl FnOnce(&mut Vec<u8>)) {
    f(&mut entries.iter_mut().find(|(n, _)| n == name).unwrap().1);
}

// ---------------------------------------------------------------- exchanges

#[test]
fn a_round_trip_between_two_stores_gives_the_same_records() {
    let mut a = Device::new("Camille");
    a.api
        .demo(&maillage_core::api::DemoRequest {
            territory: "Valmont".into(),
            interviews: 3,
            workshops: 1,
            actions: 2,
            seed: 1,
        })
        .unwrap();
    let mut b = Device::new("Bao");
    let report = b.import(&a.export(false));
    assert_eq!(report.key_status, KeyStatus::New);
    assert!(report.totals.added > 10, "{report:?}");
    assert_eq!(a.dump(), b.dump(), "B holds exactly A's records after the import");

    // B edits one of A's records and sends back only what changed.
    let org = a.api.list(Kind::Organisation, None).unwrap().remove(0);
    let mut data = org.data.clone();
    data["notes"] = json!("Rencontrée au COPIL");
    b.api.put(Kind::Organisation, Some(org.id), data).unwrap();
    let back = b.export(true);
    let report = a.import(&back);
    assert_eq!(report.totals.updated, 1, "{report:?}");
    assert_eq!(report.totals.in_conflict, 0, "B edited knowing A's version: no conflict");
    assert_eq!(a.dump(), b.dump());
}

#[test]
fn importing_the_same_bundle_again_changes_nothing() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    a.organisation(t, "Collège Jean Moulin");
    let b = Device::new("Bao");
    let bundle = a.export(false);
    b.import(&bundle);
    let before = b.snapshot();
    let again = b.import(&bundle);
    assert!(again.already_imported);
    assert_eq!(again.message, "déjà importé, rien n'a changé");
    assert_eq!(b.snapshot(), before, "a second import must not change a byte");
    // Another bundle with the same records: imported, but every record unchanged.
    let same = b.import(&a.export(false));
    assert!(!same.already_imported);
    assert_eq!(same.totals.changed(), 0, "{same:?}");
}

#[test]
fn a_deletion_travels_and_an_old_bundle_does_not_bring_the_record_back() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let org = a.organisation(t, "CCAS");
    let old = a.export(false);
    let b = Device::new("Bao");
    b.import(&old);
    a.api.delete(Kind::Organisation, org).unwrap();
    let deletion = a.export(true);
    let report = b.import(&deletion);
    assert_eq!(report.totals.deleted, 1, "{report:?}");
    assert!(b.api.get(Kind::Organisation, org).is_err(), "the deletion reached B");

    // A third store receives the deletion first, then the old bundle.
    let c = Device::new("Chloé");
    c.import(&deletion);
    let replay = c.import(&old);
    assert!(c.api.get(Kind::Organisation, org).is_err(), "an old bundle must not resurrect a deleted record");
    assert_eq!(replay.totals.in_conflict, 0, "A deleted knowing the live version: not a conflict");
    assert_eq!(c.dump(), b.dump());
    // B replays the old bundle: already imported, nothing changes.
    assert!(b.import(&old).already_imported);
}

#[test]
fn concurrent_edits_keep_the_loser_and_a_resolution_travels() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let org = a.organisation(t, "Centre social");
    let mut b = Device::new("Bao");
    b.import(&a.export(false));
    a.rename(t, org, "Centre social des Aviateurs").unwrap();
    b.rename(t, org, "Centre social (Orly)").unwrap();
    let from_a = a.export(true);
    let from_b = b.export(true);
    let ra = b.import(&from_a);
    let rb = a.import(&from_b);
    assert_eq!((ra.totals.in_conflict, rb.totals.in_conflict), (1, 1), "each store keeps the version that lost");
    assert_eq!(ra.totals.updated + rb.totals.updated, 1, "exactly one side changed its winner");
    assert_eq!(a.dump(), b.dump(), "both stores hold the same winner");
    assert_eq!(a.open_conflicts(), b.open_conflicts(), "both keep the same loser");
    let conflict = a.api.conflicts(false).unwrap().remove(0);
    assert_eq!(conflict.fields, vec!["name".to_string()]);

    // A keeps the losing version; B receives the choice and closes the same conflict.
    let kept_name = conflict.loser.data["name"].clone();
    a.api.resolve_conflict(&conflict.id, Keep::Loser).unwrap();
    assert_eq!(a.api.get(Kind::Organisation, org).unwrap().data["name"], kept_name);
    assert!(a.open_conflicts().is_empty());
    b.import(&a.export(true));
    assert!(b.open_conflicts().is_empty(), "the resolution travelled");
    assert_eq!(a.dump(), b.dump());
    let err = a.api.resolve_conflict(&conflict.id, Keep::Winner).unwrap_err();
    assert_eq!(err.code, ErrorCode::ConflictAlreadyResolved);
}

#[test]
fn an_edit_that_loses_to_a_concurrent_deletion_is_erased_with_the_record() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let org = a.organisation(t, "PMI");
    let mut b = Device::new("Bao");
    b.import(&a.export(false));
    b.rename(t, org, "PMI des Aviateurs").unwrap();
    // Later on A's clock (not in the same millisecond, where device ids would decide): the deletion wins.
    std::thread::sleep(std::time::Duration::from_millis(3));
    a.api.delete(Kind::Organisation, org).unwrap();
    a.import(&b.export(true));
    b.import(&a.export(true));
    assert!(a.api.get(Kind::Organisation, org).is_err());
    assert_eq!(a.dump(), b.dump());
    // Deleted means gone: the concurrent edit is not kept for review, on either store, and
    // does not travel in later bundles.
    assert!(a.api.conflicts(true).unwrap().is_empty());
    assert!(b.api.conflicts(true).unwrap().is_empty());
    let later = a.export(false);
    let carried: String = unpack(&later).iter().map(|(_, d)| String::from_utf8_lossy(d).into_owned()).collect();
    assert!(!carried.contains("Aviateurs"), "the erased edit must not travel");
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for i in 0..=p.len() {
            let mut q = p.clone();
            q.insert(i, n - 1);
            out.push(q);
        }
    }
    out
}

#[test]
fn three_stores_importing_the_same_bundles_in_every_order_print_identical_dumps() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    let shared = a.organisation(t, "Mairie");
    let base = a.export(false);
    let mut b = Device::new("Bao");
    let mut c = Device::new("Chloé");
    b.import(&base);
    c.import(&base);
    // Concurrent edits, a deletion, new records.
    a.rename(t, shared, "Mairie d'Orly").unwrap();
    b.rename(t, shared, "Hôtel de ville").unwrap();
    let gone = b.organisation(t, "Association X");
    b.api.delete(Kind::Organisation, gone).unwrap();
    c.rename(t, shared, "Mairie (service jeunesse)").unwrap();
    c.organisation(t, "Collège Romain Rolland");
    let bundles = [base.clone(), a.export(true), b.export(true), c.export(true)];

    let mut dumps = BTreeSet::new();
    let mut conflicts = BTreeSet::new();
    for order in permutations(bundles.len()) {
        let hq = Device::new("Siège");
        for i in order {
            hq.import(&bundles[i]);
        }
        dumps.insert(hq.dump());
        conflicts.insert(hq.open_conflicts());
    }
    assert_eq!(dumps.len(), 1, "every order must give byte-identical dumps");
    assert_eq!(conflicts.len(), 1, "every order must keep the same conflicts");
    assert_eq!(conflicts.into_iter().next().unwrap().len(), 2, "two of the three concurrent renames lost");
}

#[test]
fn since_last_carries_only_the_changes_and_their_territories() {
    let mut a = Device::new("Camille");
    let t = a.territory("Orly");
    for i in 0..5 {
        a.organisation(t, &format!("Structure {i}"));
    }
    a.export(false);
    let new = a.organisation(t, "Nouvelle structure");
    let bundle = a.export(true);
    let entries = unpack(&bundle);
    let manifest = manifest_of(&entries);
    assert_eq!(manifest["covers"]["mode"], "since");
    assert_eq!(manifest["counts"]["organisation"]["live"], 1);
    assert_eq!(manifest["counts"]["territory"]["live"], 1, "the territory travels with its records");
    // A store that never saw the first bundle can still import the second one.
    let b = Device::new("Bao");
    b.import(&bundle);
    assert!(b.api.get(Kind::Organisation, new).is_ok());
}

#[test]
fn the_bundle_lines_are_the_canonical_record_lines_and_small() {
    let mut a = Device::new("Camille");
    a.api
        .demo(&maillage_core::api::DemoRequest {
            territory: "Valmont".into(),
            interviews: 12,
            workshops: 4,
            actions: 8,
            seed: 3,
        })
        .unwrap();
    let bytes = a.export(false);
    let entries = unpack(&bytes);
    let mut carried = 0usize;
    let mut lines = BTreeSet::new();
    for (name, data) in &entries {
        if name.starts_with("records/") {
            carried += data.len();
            for line in String::from_utf8(data.clone()).unwrap().lines() {
                lines.insert(line.to_string());
            }
        }
    }
    let shipped = format!("\"version\":\"{}\"", maillage_core::domain::Version::SHIPPED);
    let dump: BTreeSet<String> = a.dump().lines().filter(|l| !l.contains(&shipped)).map(str::to_string).collect();
    assert_eq!(lines, dump, "records travel as `dump --canonical` prints them (shipped defaults stay home)");
    let ratio = bytes.len() as f64 / carried as f64;
    assert!(ratio <= 0.35, "bundle is {ratio:.2} of its JSON lines");
}

// ---------------------------------------------------------------- hostile bundles

pub(crate) struct Hostile {
    pub(crate) store: Device,
    pub(crate) source: Device,
    pub(crate) good: Vec<u8>,
    pub(crate) entries: Vec<(String, Vec<u8>)>,
}

pub(crate) fn hostile_setup() -> Hostile {
    let mut source = Device::new("Camille");
    let t = source.territory("Orly");
    for i in 0..20 {
        source.organisation(t, &format!("Structure {i}"));
    }
    let store = Device::new("Siège");
    store.import(&source.export(false)); // the device's key is now known here
    source.organisation(t, "Après le premier envoi");
    let good = source.export(true);
    let entries = unpack(&good);
    Hostile { store, source, good, entries }
}

/// `bytes` must be refused by `check`, with a message containing `words`, and change nothing.
pub(crate) fn assert_refused(store: &Device, bytes: &[u8], check: Option<BundleCheck>, words: &str, what: &str) {
    let before = store.snapshot();
    let err = store.try_import(bytes).expect_err(&format!("{what}: must be refused"));
    assert!(err.message.contains(words), "{what}: message should say « {words} »: {}", err.message);
    if let Some(check) = check {
        let label = maillage_core::bundle::Refusal::new(check, "").to_string();
        let label = label.trim_end_matches(" : ");
        assert!(err.message.starts_with(label), "{what}: expected check {check:?}, got {}", err.message);
    }
    assert_eq!(store.snapshot(), before, "{what}: the store must be exactly as it was");
}

#[test]
fn the_unaltered_hostile_base_imports() {
    let h = hostile_setup();
    let r = h.store.api.import_bundle_bytes("ok", &h.good, None, true, &BundleLimits::default()).unwrap();
    assert_eq!(r.totals.added, 1);
    assert_eq!(r.key_status, KeyStatus::Known);
    h.store.import(&pack(&h.entries)); // repacked by the test's own writer: still valid
}

#[test]
fn truncated_bundles_are_refused_at_every_offset() {
    let h = hostile_setup();
    let len = h.good.len();
    let mut offsets: BTreeSet<usize> = (0..len).step_by((len / 60).max(1)).collect();
    offsets.extend([1, 4, 5, 100, len / 2, len - 20, len - 4, len - 1]);
    for cut in offsets {
        assert_refused(&h.store, &h.good[..cut], None, "", &format!("cut at {cut}/{len}"));
    }
}

#[test]
fn flipped_bits_are_refused_or_harmless() {
    let h = hostile_setup();
    let original = h.store.api.import_bundle_bytes("ok", &h.good, None, true, &BundleLimits::default()).unwrap();
    let len = h.good.len();
    let mut refused = 0;
    for (i, pos) in (0..len).step_by((len / 80).max(1)).enumerate() {
        let mut bytes = h.good.clone();
        bytes[pos] ^= 1 << (i % 8);
        match h.store.api.import_bundle_bytes("x", &bytes, None, true, &BundleLimits::default()) {
            // A flip in a spare bit of a header can leave the content intact: then it must read
            // exactly as the original.
            Ok(r) => assert_eq!(
                (r.bundle_id.clone(), r.totals),
                (original.bundle_id.clone(), original.totals),
                "flip at {pos}"
            ),
            Err(_) => {
                refused += 1;
                assert_refused(&h.store, &bytes, None, "", &format!("bit flip at {pos}"));
            }
        }
    }
    assert!(refused > 60, "almost every flip must be caught ({refused})");
}

#[test]
fn a_forged_or_missing_signature_is_refused() {
    let h = hostile_setup();
    // Manifest changed after signing.
    let mut e = h.entries.clone();
    set_entry(&mut e, "manifest.json", |m| {
        let mut v: Value = serde_json::from_slice(m).unwrap();
        v["facilitator"] = json!("Quelqu'un d'autre");
        *m = maillage_core::canonical::to_string(&v).into_bytes();
    });
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Signature), "signature ne correspond pas", "forged manifest");
    // Signed by another key while claiming the device's key.
    let mut e = h.entries.clone();
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    resign(&mut e, &stranger, |_| {});
    assert_refused(
        &h.store,
        &pack(&e),
        Some(BundleCheck::Signature),
        "signature ne correspond pas",
        "signed by a stranger",
    );
    // No signature.
    let e: Vec<_> = h.entries.iter().filter(|(n, _)| n != "manifest.sig").cloned().collect();
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Signature), "signature est absente", "missing signature");
}

#[test]
fn another_key_for_a_known_device_is_refused() {
    let h = hostile_setup();
    let mut e = h.entries.clone();
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let key = maillage_core::bundle::hex(&stranger.verifying_key().to_bytes());
    resign(&mut e, &stranger, |m| m["device_key"] = json!(key));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::DeviceKey), "autre clé", "same device, other key");
    let err = h.store.try_import(&pack(&e)).unwrap_err();
    assert_eq!(err.code, ErrorCode::BundleDeviceKey);
}

#[test]
fn entries_that_do_not_match_the_manifest_are_refused() {
    let h = hostile_setup();
    // Content changed, manifest untouched.
    let mut e = h.entries.clone();
    set_entry(&mut e, "records/organisation.jsonl", |d| {
        let last = d.len() - 2;
        d[last] ^= 1; // the closing brace of the last line
    });
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::EntryHash), "empreinte", "entry hash mismatch");
    // An entry missing.
    let e: Vec<_> = h.entries.iter().filter(|(n, _)| n != "records/organisation.jsonl").cloned().collect();
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::EntryList), "manque", "missing entry");
    // An entry not listed.
    let mut e = h.entries.clone();
    e.push(("lineage.jsonl".into(), b"{}\n".to_vec()));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::EntryList), "n'est pas annoncée", "extra entry");
    // The same entry twice.
    let mut e = h.entries.clone();
    let dup = e.iter().find(|(n, _)| n == "records/organisation.jsonl").unwrap().clone();
    e.push(dup);
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::DuplicateEntry), "deux fois", "duplicate entry");
}

#[test]
fn names_that_leave_the_bundle_are_refused() {
    let h = hostile_setup();
    for name in ["../../etc/cron.d/evil", "/etc/passwd", "records/../../x.jsonl", "..\\evil"] {
        let mut e = h.entries.clone();
        e.push((name.to_string(), b"x".to_vec()));
        assert_refused(&h.store, &pack(&e), Some(BundleCheck::EntryName), "sort du paquet", name);
    }
    let mut e = h.entries.clone();
    e.push(("notes.txt".into(), b"x".to_vec()));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::EntryName), "n'est pas de celles", "unknown entry");
}

#[test]
fn a_decompression_bomb_is_stopped_early() {
    let h = hostile_setup();
    // 300 MB of zeros in a listed-looking entry compress to a few hundred kB.
    let size = 300u64 << 20;
    let mut tar_header = tar::Header::new_gnu();
    tar_header.set_size(size);
    tar_header.set_mode(0o644);
    tar_header.set_entry_type(tar::EntryType::Regular);
    tar_header.set_path("records/interview.jsonl").unwrap();
    tar_header.set_cksum();
    let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    {
        use std::io::Write;
        encoder.write_all(tar_header.as_bytes()).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(size >> 20) {
            encoder.write_all(&zeros).unwrap();
        }
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    assert_refused(&h.store, &bomb, Some(BundleCheck::Size), "bombe de décompression", "zstd bomb");
    // An entry that announces more than the per-entry limit is refused from its header.
    let small = BundleLimits { max_entry: 1 << 20, ..BundleLimits::default() };
    let err = h
        .store
        .api
        .import_bundle_bytes("x", &h.good, None, false, &BundleLimits { max_entry: 16, ..small })
        .unwrap_err();
    assert!(err.message.contains("limite"), "{}", err.message);
}

#[test]
fn a_bundle_from_a_newer_maillage_asks_for_an_update() {
    let h = hostile_setup();
    let key = h.source.signing_key();
    let mut e = h.entries.clone();
    resign(&mut e, &key, |m| m["schema_version"] = json!(99));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Version), "mettez à jour Maillage", "newer schema");
    let mut e = h.entries.clone();
    resign(&mut e, &key, |m| m["format"] = json!(2));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Version), "mettez à jour Maillage", "newer format");
    let mut e = h.entries.clone();
    resign(&mut e, &key, |m| m["format"] = json!(0));
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Version), "format ancien", "older format");
}

#[test]
fn a_signed_bundle_with_an_invalid_record_is_refused() {
    let h = hostile_setup();
    let key = h.source.signing_key();
    let mut e = h.entries.clone();
    set_entry(&mut e, "records/organisation.jsonl", |d| {
        let text = String::from_utf8(d.clone()).unwrap().replacen("autre_association", "planete", 1);
        *d = text.into_bytes();
    });
    resign(&mut e, &key, |_| {});
    assert_refused(&h.store, &pack(&e), Some(BundleCheck::Records), "catégorie", "invalid record");
    let err = h.store.try_import(&pack(&e)).unwrap_err();
    assert!(!err.message.contains("planete"), "a refusal never echoes a value: {}", err.message);
}

#[test]
fn sealed_bundles_need_the_right_headquarters_key() {
    let mut h = hostile_setup();
    let keys = tempfile::tempdir().unwrap();
    let hq1 = Api::hq_init(&keys.path().join("hq1")).unwrap();
    let hq2 = Api::hq_init(&keys.path().join("hq2")).unwrap();
    let sealed = h.source.export_to(false, vec![hq1.public_key.clone()]);
    assert!(!sealed.windows(4).any(|w| w == [0x28, 0xb5, 0x2f, 0xfd]), "no zstd frame in clear");
    assert!(!sealed.windows(8).any(|w| w == b"manifest"), "no entry name in clear");
    assert!(!sealed.windows(4).any(|w| w == b"Orly"), "no text in clear");
    assert_refused(&h.store, &sealed, Some(BundleCheck::Sealed), "--identity", "sealed, no key");
    let wrong = maillage_core::bundle::seal::read_identity(Path::new(&hq2.secret_key_path)).unwrap();
    let before = h.store.snapshot();
    let err = h.store.api.import_bundle_bytes("x", &sealed, Some(&wrong), false, &BundleLimits::default()).unwrap_err();
    assert!(err.message.contains("autre clé du siège"), "{}", err.message);
    assert_eq!(err.code, ErrorCode::BundleSealed);
    assert_eq!(h.store.snapshot(), before);
    let right = maillage_core::bundle::seal::read_identity(Path::new(&hq1.secret_key_path)).unwrap();
    let r = h.store.api.import_bundle_bytes("x", &sealed, Some(&right), false, &BundleLimits::default()).unwrap();
    assert!(r.sealed);
    assert_eq!(right.to_public().to_string(), hq1.public_key);
}

#[test]
fn a_file_that_is_not_a_bundle_is_refused() {
    let h = hostile_setup();
    assert_refused(&h.store, b"PK\x03\x04 not a bundle", Some(BundleCheck::Format), "n'est pas un paquet", "zip");
    assert_refused(&h.store, b"", Some(BundleCheck::Format), "n'est pas un paquet", "empty");
}

#[test]
fn an_upgraded_store_has_the_schema_of_a_fresh_one() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.sqlite3");
    {
        let conn = rusqlite::Connection::open(&old).unwrap();
        let (_, sql) = maillage_core::store::schema::MIGRATIONS[0];
        conn.execute_batch(sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO record (id, kind, territory_id, version, created_by, created_device, created_at, updated_at, title, data)
             VALUES ('019b0000-0000-7000-8000-000000000001', 'territory', '019b0000-0000-7000-8000-000000000001',
                     '0000000000000001.00000000.019b0000-0000-7000-8000-0000000000aa', 'A', '019b0000-0000-7000-8000-0000000000aa',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'Orly', '{\"kind\":\"qpv\",\"name\":\"Orly\"}')",
            [],
        )
        .unwrap();
    }
    let upgraded = maillage_core::store::Store::open(&old).unwrap();
    let fresh = maillage_core::store::Store::create(&dir.path().join("fresh.sqlite3")).unwrap();
    let a = upgraded.read(maillage_core::store::schema::describe).unwrap();
    let b = fresh.read(maillage_core::store::schema::describe).unwrap();
    assert_eq!(a, b);
    let changes: i64 =
        upgraded.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM record_change", [], |r| r.get(0))?)).unwrap();
    assert_eq!(changes, 1, "records from before the upgrade count as changed for the next export");
}

// ---------------------------------------------------------------- property: devices converge

#[derive(Debug, Clone)]
enum Op {
    Rename { device: usize, record: usize, name: u8 },
    Delete { device: usize, record: usize },
    Create { device: usize },
    Export { device: usize, since_last: bool },
    Import { device: usize, bundle: usize },
}

fn op(devices: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..devices, 0..6usize, 0..4u8).prop_map(|(device, record, name)| Op::Rename { device, record, name }),
        1 => (0..devices, 0..6usize).prop_map(|(device, record)| Op::Delete { device, record }),
        1 => (0..devices).prop_map(|device| Op::Create { device }),
        3 => (0..devices, any::<bool>()).prop_map(|(device, since_last)| Op::Export { device, since_last }),
        4 => (0..devices, 0..64usize).prop_map(|(device, bundle)| Op::Import { device, bundle }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Op>)> {
    (3..=5usize).prop_flat_map(|n| (Just(n), proptest::collection::vec(op(n), 8..32)))
}

proptest! {
    // 64 cases in `make test`; PROPTEST_CASES=1000 for a deeper run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    /// Any edits, deletions and exchanges, in any order, with bundles dropped or imported twice:
    /// once everyone has everyone's last full bundle, all stores hold the same records and the
    /// same open conflicts, and every acknowledged edit is the winner, kept as a conflict, or was
    /// replaced by someone who had seen it.
    #[test]
    fn devices_exchanging_at_random_converge_and_lose_nothing((n, ops) in scenario()) {
        let mut devices: Vec<Device> = (0..n).map(|i| Device::new(&format!("Animateur {i}"))).collect();
        let t = devices[0].territory("Valmont");
        let mut ids: Vec<RecordId> = (0..3).map(|i| devices[0].organisation(t, &format!("Structure {i}"))).collect();
        let base = devices[0].export(false);
        for d in devices.iter().skip(1) {
            d.import(&base);
        }
        let mut bundles: Vec<Vec<u8>> = vec![base];
        // Every edit acknowledged by a store: (record, version text, data).
        let mut acknowledged: Vec<(RecordId, String)> = Vec::new();
        let names = ["Mairie", "Collège", "Centre social", "CCAS"];
        for op in ops {
            match op {
                Op::Rename { device, record, name } => {
                    let id = ids[record % ids.len()];
                    if let Ok(r) = devices[device].rename(t, id, &format!("{} {device}", names[name as usize])) {
                        acknowledged.push((id, r.version.to_string()));
                    }
                }
                Op::Delete { device, record } => {
                    let id = ids[record % ids.len()];
                    if devices[device].api.delete(Kind::Organisation, id).is_ok() {
                        let v = tombstone_version(&devices[device], id);
                        acknowledged.push((id, v));
                    }
                }
                Op::Create { device } => {
                    let id = devices[device].organisation(t, &format!("Nouvelle {device}"));
                    ids.push(id);
                }
                Op::Export { device, since_last } => {
                    let b = devices[device].export(since_last);
                    bundles.push(b);
                }
                Op::Import { device, bundle } => {
                    let b = bundles[bundle % bundles.len()].clone();
                    devices[device].import(&b);
                }
            }
        }
        // Final exchange: everyone's full bundle to everyone, in a rotating order.
        let finals: Vec<Vec<u8>> = devices.iter_mut().map(|d| d.export(false)).collect();
        for (i, d) in devices.iter().enumerate() {
            for k in 0..finals.len() {
                d.import(&finals[(i + k) % finals.len()]);
            }
        }
        let dump = devices[0].dump();
        let open = devices[0].open_conflicts();
        for d in &devices[1..] {
            prop_assert_eq!(&d.dump(), &dump, "stores must converge");
            prop_assert_eq!(&d.open_conflicts(), &open, "open conflicts must converge");
        }
        for d in &devices {
            let conn = rusqlite::Connection::open(d.db()).unwrap();
            for (id, version) in &acknowledged {
                let winner: String = conn.query_row("SELECT version FROM record WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap();
                let kept: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM conflict WHERE record_id = ?1 AND loser_version = ?2)", [id.to_string(), version.clone()], |r| r.get(0)).unwrap();
                let superseded: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM record_lineage WHERE record_id = ?1 AND parent = ?2)", [id.to_string(), version.clone()], |r| r.get(0)).unwrap();
                // A deletion above the edit erases it (deleted means gone, conflicts included).
                let erased: bool = conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM record WHERE id = ?1 AND deleted = 1 AND version > ?2)
                         OR EXISTS (SELECT 1 FROM conflict WHERE record_id = ?1 AND loser_version > ?2 AND loser LIKE '%\"deleted\":true%')",
                    [id.to_string(), version.clone()], |r| r.get(0)).unwrap();
                prop_assert!(&winner == version || kept || superseded || erased, "edit {version} of {id} was lost");
            }
        }
    }
}

fn tombstone_version(d: &Device, id: RecordId) -> String {
    let conn = rusqlite::Connection::open(d.db()).unwrap();
    conn.query_row("SELECT version FROM record WHERE id = ?1", [id.to_string()], |r| r.get(0)).unwrap()
}

// ---------------------------------------------------------------- fixtures and fuzz corpus

fn repo_path(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

#[test]
fn the_format_1_sample_bundles_still_import() {
    let dir = repo_path("tests/fixtures/bundles");
    let hq = maillage_core::bundle::seal::read_identity(&dir.join("fixture-hq.key")).unwrap();
    let plain = std::fs::read(dir.join("orly-v1.maillage")).unwrap();
    let sealed = std::fs::read(dir.join("orly-v1-sealed.maillage")).unwrap();
    let since = std::fs::read(dir.join("orly-v1-since.maillage")).unwrap();

    let a = Device::new("Siège");
    a.api.trust_device_key(&dir.join("orly-v1-device.json")).unwrap();
    let r = a.import(&plain);
    assert_eq!(r.key_status, KeyStatus::Registered);
    assert_eq!((r.totals.added, r.totals.deleted, r.totals.in_conflict), (3, 1, 1), "{r:?}");
    assert!(a.import(&since).totals.changed() == 0);

    let b = Device::new("Siège bis");
    let r = b.api.import_bundle_bytes("sealed", &sealed, Some(&hq), false, &BundleLimits::default()).unwrap();
    assert!(r.sealed);
    assert_eq!(a.dump(), b.dump(), "the sealed copy holds the same records");
    assert_eq!(a.open_conflicts(), b.open_conflicts());
}

/// The fuzz target's work without libFuzzer: every seed of the corpus opens or is refused,
/// without a panic.
#[test]
fn the_fuzz_corpus_is_read_without_a_panic() {
    let hq = maillage_core::bundle::seal::read_identity(&repo_path("tests/fixtures/bundles/fixture-hq.key")).unwrap();
    let mut opened = 0;
    for entry in std::fs::read_dir(repo_path("fuzz/corpus/bundle_reader")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for cut in [bytes.len(), bytes.len() / 2] {
            if let Ok(b) = maillage_core::bundle::open(&bytes[..cut], Some(&hq), &BundleLimits::default()) {
                opened += 1;
                let plan = maillage_core::sync::merge::plan(&b.records, &b.losers, &b.lineage, &Default::default());
                assert!(plan.totals().added + plan.totals().deleted > 0);
            }
        }
    }
    assert!(opened >= 4, "the valid seeds open ({opened})");
}

#[test]
fn an_export_reports_its_progress_and_ends_with_done() {
    let a = Device::new("Camille");
    let t = a.territory("Orly");
    for i in 0..5 {
        a.organisation(t, &format!("Structure {i}"));
    }
    let mut stages = Vec::new();
    let out = a.dir.path().join("p.maillage");
    a.api.export_bundle_with_progress(&ExportRequest { out, ..Default::default() }, &mut |p| stages.push(p)).unwrap();
    use maillage_core::api::ExportStage;
    assert_eq!(stages.first().map(|p| p.stage), Some(ExportStage::Reading));
    assert_eq!(stages.last().map(|p| (p.stage, p.records == p.total)), Some((ExportStage::Done, true)));
}

#[test]
fn an_attached_file_travels_with_its_record_and_arrives_byte_for_byte() {
    let mut camille = Device::new("Camille");
    let karim = Device::new("Karim");
    let t = camille.api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id;
    let photo = camille.dir.path().join("paperboard.png");
    let content: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&photo, &content).unwrap();
    let attachment = camille
        .api
        .attach_file(&maillage_core::api::AttachRequest {
            territory_id: t,
            record_id: None,
            path: photo.display().to_string(),
            description: "Paperboard du COPIL".into(),
        })
        .unwrap();
    karim.import(&camille.export(false));
    assert_eq!(karim.api.get(Kind::Attachment, attachment.id).unwrap(), attachment);
    assert_eq!(karim.api.attachment_content(attachment.id).unwrap(), content);
}

/// A record made in a territory that was deleted here meanwhile stays out: the deletion wins, as
/// it does for a local write, and the import still goes through (it is not the sender's fault).
#[test]
fn records_of_a_territory_deleted_here_are_left_out_and_the_import_goes_through() {
    let mut a = Device::new("Camille");
    let t = a.territory("Valmont");
    let b = Device::new("Bao");
    let first = a.export(false);
    b.import(&first);
    b.api.delete(Kind::Territory, t).unwrap();

    let interview = a
        .api
        .put(Kind::Interview, None, json!({"territory_id": t, "title": "Principale du collège", "date": "2026-11-22"}))
        .unwrap()
        .id;
    let bundle = a.export(false);
    let report = b.import(&bundle);
    assert_eq!(report.deleted_territory_left_out, 1, "{report:?}");
    assert!(report.message.contains("territoire supprimé ici"), "{}", report.message);
    assert!(b.api.get(Kind::Interview, interview).is_err(), "no record lives in a deleted territory");
    assert!(b.api.get(Kind::Territory, t).is_err(), "the deletion stands");
    let check = b.api.check().unwrap();
    assert!(check.ok, "{:?}", check.problems);

    // The same without the territory in the bundle (validly re-signed): the same outcome.
    let mut entries = unpack(&bundle);
    let territory_line = entries.iter().position(|(n, _)| n == "records/territory.jsonl").unwrap();
    entries.remove(territory_line);
    let key = a.signing_key();
    resign(&mut entries, &key, |m: &mut Value| {
        m["counts"].as_object_mut().unwrap().remove("territory");
        m["bundle_id"] = json!(uuid::Uuid::now_v7().to_string());
    });
    let c = Device::new("Chloé");
    c.import(&first);
    c.api.delete(Kind::Territory, t).unwrap();
    let report = c.import(&pack(&entries));
    assert_eq!(report.deleted_territory_left_out, 1, "{report:?}");
    assert!(c.api.get(Kind::Interview, interview).is_err());
}

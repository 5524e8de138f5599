//! Encryption at rest: turned on without losing a record, nothing readable left in the store,
//! its WAL or a backup; a wrong passphrase touches nothing; the passphrase changes; the
//! recovery code opens a store whose passphrase is forgotten; restores keep the store
//! encrypted; an interrupted encryption leaves a plain store that opens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use maillage_core::api::{Api, DemoRequest, ErrorCode, SearchRequest};
use maillage_core::domain::Kind;
use serde_json::json;

use crate::{dump, fresh};

const PASSPHRASE: &str = "des mots assez longs pour la base";
/// Words only this test writes: found in the plain bytes, absent from the encrypted ones.
const NAME: &str = "Zéphyrine Quillebeuf";
const NOTE: &str = "Transpalettes orangées du vendredi";

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn holds(file: &Path, text: &str) -> bool {
    let Ok(bytes) = std::fs::read(file) else { return false };
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// Every file of a folder and its bytes.
fn files_of(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        out.insert(entry.clone(), std::fs::read(&entry).unwrap());
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A store with the demo territory, a person named [`NAME`] and an interview noting [`NOTE`].
fn store_with_words(dir: &Path) -> Api {
    let api = fresh(dir, "maillage.sqlite3");
    let demo = api
        .demo(&DemoRequest { territory: "Valmont".into(), interviews: 6, workshops: 2, actions: 3, seed: 1 })
        .unwrap();
    let t = demo.territory_id;
    api.put(Kind::Person, None, json!({"territory_id": t, "name": NAME, "role": "CPE"})).unwrap();
    api.put(
        Kind::Interview,
        None,
        json!({"territory_id": t, "title": "Entretien", "date": "2026-03-02", "notes": NOTE}),
    )
    .unwrap();
    api
}

#[test]
fn turning_encryption_on_keeps_every_record_and_leaves_no_text_in_the_store_its_wal_or_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let api = store_with_words(dir.path());
    let db = api.store_path().to_path_buf();
    let before = dump(&api);
    let plain_backup = api.backup_now().unwrap();
    api.store().checkpoint();
    assert!(holds(&db, NOTE), "the scan sees the words in a plain store");
    assert!(!api.encryption_status().unwrap().encrypted);

    let code = api.encrypt(PASSPHRASE).unwrap().recovery_code;
    assert_eq!(dump(&api), before, "every record kept");
    assert!(api.is_encrypted());
    // The search index is encrypted with the rest and still answers.
    let hits = api.search(&SearchRequest { query: "transpalettes".into(), ..Default::default() }).unwrap();
    assert_eq!(hits.len(), 1);
    // A write after: its page goes through the WAL, encrypted too.
    api.put(
        Kind::Person,
        None,
        json!({"territory_id": hits[0].territory_id, "name": format!("{NAME} bis"), "role": "CPE"}),
    )
    .unwrap();
    let wal = sidecar(&db, "-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the write is in the WAL");
    let after_backup = api.backup_now().unwrap();
    for file in [db.clone(), wal.clone(), PathBuf::from(&after_backup.path), sidecar(&db, ".cle")] {
        for text in [NAME, NOTE, "Quillebeuf", "Valmont", "Camille", PASSPHRASE, code.as_str()] {
            assert!(!holds(&file, text), "{} holds « {text} »", file.display());
        }
    }
    // The plain copy made while switching is gone; the backup made before is listed as in clear.
    let names: Vec<String> =
        walk(dir.path()).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("en-clair") || n.ends_with(".tmp")), "{names:?}");
    let status = api.encryption_status().unwrap();
    assert!(status.encrypted);
    assert_eq!(status.plain_backups.iter().map(|b| b.path.clone()).collect::<Vec<_>>(), vec![plain_backup.path]);

    // Reopened: locked without the passphrase, open with it.
    drop(api);
    assert_eq!(Api::open(&db).err().unwrap().code, ErrorCode::Locked);
    let api = Api::open_with_passphrase(&db, PASSPHRASE).unwrap();
    assert!(dump(&api).contains("Quillebeuf bis"));
    assert_eq!(api.check().unwrap().problems, Vec::<String>::new());
}

#[test]
fn a_wrong_passphrase_is_refused_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let api = store_with_words(dir.path());
    let db = api.store_path().to_path_buf();
    api.encrypt(PASSPHRASE).unwrap();
    drop(api);
    let before = files_of(dir.path());
    let err = Api::open_with_passphrase(&db, "des mots assez longs pour la basE").err().unwrap();
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::WrongPassphrase, "phrase de passe incorrecte"));
    let err = Api::open(&db).err().unwrap();
    assert_eq!(err.code, ErrorCode::Locked);
    assert_eq!(files_of(dir.path()), before, "nothing created, changed or removed");
}

#[test]
fn the_passphrase_changes_and_the_recovery_code_opens_a_store_whose_passphrase_is_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let api = store_with_words(dir.path());
    let db = api.store_path().to_path_buf();
    let code = api.encrypt(PASSPHRASE).unwrap().recovery_code;
    let backup = api.backup_now().unwrap();
    let records = dump(&api);

    let err = api.change_passphrase("pas la bonne phrase du tout", "une toute nouvelle phrase").unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPassphrase);
    assert_eq!(api.change_passphrase(PASSPHRASE, "court").unwrap_err().field.as_deref(), Some("passphrase"));
    api.change_passphrase(PASSPHRASE, "une toute nouvelle phrase").unwrap();
    drop(api);
    assert_eq!(Api::open_with_passphrase(&db, PASSPHRASE).err().unwrap().code, ErrorCode::WrongPassphrase);
    let api = Api::open_with_passphrase(&db, "une toute nouvelle phrase").unwrap();
    // A backup made under the old passphrase restores (same key) and the store stays encrypted.
    api.put(Kind::Person, None, json!({"territory_id": null, "name": "Après la sauvegarde", "role": "x"})).ok();
    api.restore(Path::new(&backup.path)).unwrap();
    assert_eq!(dump(&api), records);
    assert!(api.is_encrypted());
    drop(api);

    // Forgotten: the recovery code (typed carelessly) opens it and sets a new passphrase.
    let wrong = Api::open_with_recovery_code(&db, &"0".repeat(26), Some("encore une autre phrase")).err().unwrap();
    assert_eq!((wrong.code, wrong.message.as_str()), (ErrorCode::WrongPassphrase, "code de secours incorrect"));
    let typed = code.to_lowercase().replace('-', " ");
    let api = Api::open_with_recovery_code(&db, &typed, Some("encore une autre phrase")).unwrap();
    assert_eq!(dump(&api), records);
    drop(api);
    assert!(Api::open_with_passphrase(&db, "une toute nouvelle phrase").is_err());
    let api = Api::open_with_passphrase(&db, "encore une autre phrase").unwrap();
    drop(api);
    // Even with its key file lost, the recovery code opens the store.
    std::fs::remove_file(sidecar(&db, ".cle")).unwrap();
    let api = Api::open_with_recovery_code(&db, &code, None).unwrap();
    assert_eq!(dump(&api), records);
}

#[test]
fn encryption_waits_until_the_store_is_alone_and_a_plain_backup_restored_stays_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let api = store_with_words(dir.path());
    let db = api.store_path().to_path_buf();
    let plain_backup = api.backup_now().unwrap();
    let other = Api::open(&db).unwrap();
    let err = api.encrypt(PASSPHRASE).unwrap_err();
    assert_eq!(err.code, ErrorCode::Busy, "{}", err.message);
    assert!(!api.is_encrypted() && !sidecar(&db, ".cle").exists());
    assert_eq!(dump(&other), dump(&api));
    drop(other);

    api.encrypt(PASSPHRASE).unwrap();
    api.restore(Path::new(&plain_backup.path)).unwrap();
    assert!(api.is_encrypted());
    api.store().checkpoint();
    assert!(!holds(&db, NOTE), "the restored store is encrypted on disk");
    drop(api);
    let api = Api::open_with_passphrase(&db, PASSPHRASE).unwrap();
    assert!(dump(&api).contains("Quillebeuf"));
}

#[test]
fn a_key_file_left_beside_a_plain_store_by_an_interrupted_encryption_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let api = store_with_words(dir.path());
    let db = api.store_path().to_path_buf();
    let records = dump(&api);
    drop(api);
    // As if the process stopped after writing the key file and before swapping the store.
    std::fs::write(sidecar(&db, ".cle"), b"{\"format\": \"maillage-cle/1\"}").unwrap();
    let api = Api::open(&db).unwrap();
    assert_eq!(dump(&api), records);
    assert!(!sidecar(&db, ".cle").exists());
    assert!(!api.is_encrypted());
}

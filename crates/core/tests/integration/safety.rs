//! Nothing lost, nothing leaked (issue 7, points 2, 3, 5, 8 and 9), through the api: a restore
//! runs only with the store alone and keeps every acknowledged write; a bundle or a backup never
//! replaces the store or a file it does not own; only `create` makes a store; the files Maillage
//! writes are its owner's only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use maillage_core::api::{Api, ErrorCode, ExportRequest};
use maillage_core::domain::{Kind, RecordId};
use serde_json::json;

fn store(dir: &Path) -> (PathBuf, Api) {
    let path = dir.join("maillage.sqlite3");
    let api = Api::create(&path).unwrap();
    api.init("Camille").unwrap();
    (path, api)
}

fn territory(api: &Api) -> RecordId {
    api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).unwrap().id
}

fn action(api: &Api, t: RecordId, title: &str) -> RecordId {
    api.put(Kind::Action, None, json!({"territory_id": t, "title": title})).unwrap().id
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

// ---------------------------------------------------------------- 8. only `create` makes a store

#[test]
fn opening_a_path_where_there_is_no_store_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for path in [dir.path().join("maillage.sqlite3"), dir.path().join("faute-de-frappe/maillage.sqlite3")] {
        let err = Api::open(&path).err().expect("there is no store there");
        assert_eq!(err.code, ErrorCode::NoStore, "{}", err.message);
        assert!(err.message.contains("aucun magasin Maillage à cet endroit"), "{}", err.message);
    }
    assert!(names_in(dir.path()).is_empty(), "nothing created: {:?}", names_in(dir.path()));
}

#[test]
fn an_empty_file_is_not_silently_turned_into_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vide.sqlite3");
    std::fs::write(&path, b"").unwrap();
    let err = Api::open(&path).err().expect("an empty file is not a store");
    assert_eq!(err.code, ErrorCode::NoStore, "{}", err.message);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0, "the file is left empty");
    assert_eq!(names_in(dir.path()), ["vide.sqlite3"], "no -wal, -shm or lock file");
}

#[test]
fn a_failed_init_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nouveau/dossier/maillage.sqlite3");
    for name in ["", "   ", &"x".repeat(121)] {
        let err = Api::create_and_init(&path, name).err().expect("a bad name is refused");
        assert_eq!(err.field.as_deref(), Some("facilitator"));
        assert!(names_in(dir.path()).is_empty(), "nothing left: {:?}", names_in(dir.path()));
    }
    let (api, status) = Api::create_and_init(&path, "Camille").unwrap();
    assert!(status.initialised);
    drop(api);
    assert!(Api::open(&path).unwrap().status().unwrap().initialised);
}

// ---------------------------------------------------------------- 9. owner-only files

#[cfg(unix)]
#[test]
fn the_store_its_wal_its_lock_and_the_folder_created_for_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.path().join("donnees/maillage.sqlite3");
    let api = Api::create(&path).unwrap();
    api.init("Camille").unwrap();
    territory(&api);
    for file in [path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm"), sidecar(&path, ".lock")] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    assert_eq!(mode(&dir.path().join("donnees")), 0o700, "the folder Maillage created");
    assert_eq!(mode(dir.path()), 0o755, "an existing folder is left as it was");
}

#[cfg(unix)]
#[test]
fn a_store_readable_by_others_is_tightened_when_opened() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (path, api) = store(dir.path());
    drop(api);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let api = Api::open(&path).unwrap();
    territory(&api);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&sidecar(&path, "-wal")), 0o600);
}

#[cfg(unix)]
#[test]
fn backups_bundles_and_secret_keys_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let (_, api) = store(dir.path());
    territory(&api);
    let backup = api.backup_now().unwrap();
    assert_eq!(mode(Path::new(&backup.path)), 0o600, "a backup holds the signing key");
    assert_eq!(mode(&api.backup_dir()), 0o700, "the backups folder Maillage created");
    let out = dir.path().join("sauvegarde.sqlite3");
    api.backup(&out, false).unwrap();
    assert_eq!(mode(&out), 0o600);
    let bundle = dir.path().join("orly.maillage");
    api.export_bundle(&ExportRequest { out: bundle.clone(), ..Default::default() }).unwrap();
    assert_eq!(mode(&bundle), 0o600, "a bundle holds interviews");
    let keys = Api::hq_init(&dir.path().join("siege")).unwrap();
    assert_eq!(mode(Path::new(&keys.secret_key_path)), 0o600);
}

// ---------------------------------------------------------------- 3. what an output may replace

#[test]
fn an_export_never_replaces_the_store_its_files_or_a_file_that_is_not_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let (path, api) = store(dir.path());
    territory(&api);
    let device = api.status().unwrap().device_id;
    let export = |out: &Path, force: bool| {
        api.export_bundle(&ExportRequest { out: out.to_path_buf(), force, ..Default::default() })
    };
    let backup = dir.path().join("sauvegarde.sqlite3");
    api.backup(&backup, false).unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "compte rendu").unwrap();
    let mut forbidden =
        vec![path.clone(), sidecar(&path, "-wal"), sidecar(&path, "-shm"), sidecar(&path, ".lock"), backup.clone()];
    forbidden.push(notes.clone());
    #[cfg(unix)]
    {
        let link = dir.path().join("autre-nom.sqlite3");
        std::fs::hard_link(&path, &link).unwrap();
        forbidden.push(link);
    }
    for out in &forbidden {
        for force in [false, true] {
            let err = export(out, force).err().unwrap_or_else(|| panic!("{} must not be replaced", out.display()));
            assert_eq!(err.field.as_deref(), Some("out"), "{}", err.message);
        }
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "compte rendu");
    let reopened = Api::open(&path).unwrap();
    assert_eq!(reopened.status().unwrap().device_id, device, "the store and its identity are intact");
    assert!(reopened.check().unwrap().ok);

    let bundle = dir.path().join("orly.maillage");
    export(&bundle, false).unwrap();
    let err = export(&bundle, false).expect_err("an existing bundle is replaced only when asked");
    assert_eq!(err.code, ErrorCode::AlreadyExists, "{}", err.message);
    export(&bundle, true).unwrap();
}

#[test]
fn a_backup_never_replaces_the_store_a_bundle_or_another_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, api) = store(dir.path());
    territory(&api);
    let bundle = dir.path().join("orly.maillage");
    api.export_bundle(&ExportRequest { out: bundle.clone(), ..Default::default() }).unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "compte rendu").unwrap();
    for out in [&path, &sidecar(&path, "-wal"), &bundle, &notes] {
        for force in [false, true] {
            let err = api.backup(out, force).err().unwrap_or_else(|| panic!("{} must not be replaced", out.display()));
            assert_eq!(err.field.as_deref(), Some("out"), "{}", err.message);
        }
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "compte rendu");
    let backup = dir.path().join("sauvegarde.sqlite3");
    api.backup(&backup, false).unwrap();
    let err = api.backup(&backup, false).expect_err("an existing backup is replaced only when asked");
    assert_eq!(err.code, ErrorCode::AlreadyExists, "{}", err.message);
    api.backup(&backup, true).unwrap();
    let first = api.backup_now().unwrap();
    let second = api.backup_now().unwrap();
    assert_ne!(first.path, second.path, "backup now never replaces a backup");
}

// ---------------------------------------------------------------- 5. a backup holds no lock

/// The backup reads through a connection of its own: a write transaction held open meanwhile
/// (an autosave, an import) neither waits for it nor makes it wait.
#[test]
fn a_backup_completes_while_a_write_transaction_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let (_, api) = store(dir.path());
    let t = territory(&api);
    let out = dir.path().join("sauvegarde.sqlite3");
    let backup_done = AtomicBool::new(false);
    let (api_ref, done, out_ref) = (&api, &backup_done, &out);
    let finished_during_write = std::thread::scope(|scope| {
        let (started, in_write) = std::sync::mpsc::channel();
        let writer = scope.spawn(move || {
            api_ref
                .store()
                .write(|_tx| {
                    started.send(()).unwrap();
                    let until = Instant::now() + Duration::from_secs(8);
                    while !done.load(Ordering::SeqCst) && Instant::now() < until {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Ok(done.load(Ordering::SeqCst))
                })
                .unwrap()
        });
        in_write.recv().unwrap();
        scope.spawn(move || {
            api_ref.backup(out_ref, false).unwrap();
            done.store(true, Ordering::SeqCst);
        });
        writer.join().unwrap()
    });
    assert!(finished_during_write, "the backup waited for the write transaction to end");
    action(&api, t, "Après la sauvegarde");
    assert!(Api::open(&out).unwrap().check().unwrap().ok);
}

// ---------------------------------------------------------------- 2. restore keeps every write

fn asides(dir: &Path) -> Vec<PathBuf> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.contains("avant-restauration") && n.ends_with(".sqlite3"))
        .map(|n| dir.join(n))
        .collect()
}

#[test]
fn a_restore_is_refused_while_another_store_has_the_file_open_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, api) = store(dir.path());
    let t = territory(&api);
    let backup = dir.path().join("sauvegarde.sqlite3");
    api.backup(&backup, false).unwrap();
    let written = action(&api, t, "Écrite après la sauvegarde");
    let app = Api::open(&path).unwrap(); // the desktop application, say
    let before = names_in(dir.path());
    let err = api.restore(&backup).expect_err("another window has the store open");
    assert_eq!(err.code, ErrorCode::Busy, "{}", err.message);
    assert!(err.message.contains("fermez Maillage puis recommencez"), "{}", err.message);
    assert_eq!(names_in(dir.path()), before, "nothing moved");
    app.get(Kind::Action, written).unwrap();
    action(&app, t, "La fenêtre écrit toujours");
    drop(app);
    let report = api.restore(&backup).unwrap();
    assert!(api.get(Kind::Action, written).is_err(), "the backup's state is back");
    let aside = Api::open(Path::new(&report.previous_store_kept_at)).unwrap();
    aside.get(Kind::Action, written).unwrap();
    assert_eq!(aside.stats(None).unwrap()[&Kind::Action], 2, "the copy kept aside has every write");
}

/// A program that reads the store without Maillage's lock (the `sqlite3` shell, a backup tool)
/// holds a snapshot: the WAL cannot be emptied into the file, so the restore refuses instead of
/// dropping the writes made after that snapshot.
#[test]
fn a_restore_while_a_reader_holds_a_snapshot_loses_no_write() {
    let dir = tempfile::tempdir().unwrap();
    let (path, api) = store(dir.path());
    let t = territory(&api);
    let backup = dir.path().join("sauvegarde.sqlite3");
    api.backup(&backup, false).unwrap();
    let reader = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader.query_row("SELECT COUNT(*) FROM record", [], |r| r.get(0)).unwrap();
    let written: Vec<RecordId> = (0..20).map(|i| action(&api, t, &format!("Action {i}"))).collect();
    let result = api.restore(&backup);
    let aside = asides(dir.path());
    let kept: Vec<Api> = aside.iter().filter_map(|p| Api::open(p).ok()).collect();
    for id in &written {
        let found = api.get(Kind::Action, *id).is_ok() || kept.iter().any(|k| k.get(Kind::Action, *id).is_ok());
        assert!(found, "acknowledged write {id} lost by the restore ({result:?})");
    }
    let err = result.expect_err("the snapshot kept the WAL from being emptied: refused");
    assert_eq!(err.code, ErrorCode::Busy, "{}", err.message);
    assert!(aside.is_empty(), "nothing moved");
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    api.restore(&backup).unwrap();
}

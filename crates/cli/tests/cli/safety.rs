//! Nothing lost, nothing leaked (issue 7, points 2, 3, 8 and 9), as a user meets it on the command
//! line: `restore` never drops an acknowledged write, `export` and `backup` never write over the
//! store or a file they do not own, read commands never create a store, and what Maillage writes
//! is readable by its owner only.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use maillage_core::api::Api;
use maillage_core::domain::{Kind, RecordId};

fn maillage(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillage"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("MAILLAGE_DB")
        .stdin(Stdio::null())
        .output()
        .expect("maillage runs")
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert!(out.status.success(), "`maillage {}` failed: {}", args.join(" "), stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn refused(db: &Path, args: &[&str]) -> String {
    let out = maillage(db, args);
    assert_eq!(out.status.code(), Some(1), "`maillage {}` must be refused: {}", args.join(" "), stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    stderr(&out)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// A store with an identity and a territory; returns the store and the territory's id.
fn store(dir: &Path) -> (PathBuf, String) {
    let db = dir.join("maillage.sqlite3");
    ok(&db, &["init", "--facilitator", "Camille Test"]);
    let t = ok(&db, &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"commune"}"#]);
    (db, t.trim().to_string())
}

fn put_action(db: &Path, territory: &str, title: &str) -> Output {
    let json = serde_json::json!({"territory_id": territory, "title": title}).to_string();
    maillage(db, &["record", "put", "action", "--json", &json])
}

// ---------------------------------------------------------------- 8. read commands create nothing

#[test]
fn commands_at_a_mistyped_path_create_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sortie");
    let out = out.to_str().unwrap();
    for db in [dir.path().join("maillage.sqlite3"), dir.path().join("dossier-mal-tape/maillage.sqlite3")] {
        for args in [
            &["stats"][..],
            &["check"],
            &["dump", "--canonical"],
            &["search", "eleves"],
            &["record", "list", "territory"],
            &["record", "put", "territory", "--json", r#"{"name":"X","kind":"qpv"}"#],
            &["demo", "--territory", "Valmont"],
            &["keys", "show"],
            &["conflicts"],
            &["export", "--out", out],
            &["backup", "--out", out],
            &["restore", out],
        ] {
            let message = refused(&db, args);
            assert!(message.contains("aucun magasin Maillage à cet endroit"), "`{}`: {message}", args.join(" "));
            assert!(message.contains("maillage init"), "the message says which command creates one: {message}");
            assert!(names_in(dir.path()).is_empty(), "`{}` created {:?}", args.join(" "), names_in(dir.path()));
        }
    }
}

#[test]
fn an_empty_file_is_not_turned_into_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vide.sqlite3");
    std::fs::write(&db, b"").unwrap();
    for args in [&["stats"][..], &["check"], &["search", "x"]] {
        let message = refused(&db, args);
        assert!(message.contains("aucun magasin Maillage à cet endroit"), "{message}");
    }
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    assert_eq!(names_in(dir.path()), ["vide.sqlite3"], "no -wal, -shm or lock file");
}

#[test]
fn a_failed_init_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nouveau/maillage.sqlite3");
    let long = "x".repeat(121);
    for name in ["", "  ", long.as_str()] {
        refused(&db, &["init", "--facilitator", name]);
        assert!(names_in(dir.path()).is_empty(), "init --facilitator {name:?} left {:?}", names_in(dir.path()));
    }
    ok(&db, &["init", "--facilitator", "Camille"]);
    ok(&db, &["check"]);
}

// ---------------------------------------------------------------- 3. outputs

#[test]
fn export_over_the_store_is_refused_even_forced_and_the_store_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path());
    let keys = ok(&db, &["keys", "show", "--json"]);
    let dump = ok(&db, &["dump", "--canonical"]);
    for target in [db.clone(), sidecar(&db, "-wal"), sidecar(&db, "-shm")] {
        let target = target.to_str().unwrap();
        for extra in [&[][..], &["--force"]] {
            let mut args = vec!["export", "--out", target];
            args.extend(extra);
            let message = refused(&db, &args);
            assert!(message.contains("le magasin lui-même"), "{message}");
        }
        let message = refused(&db, &["backup", "--out", target, "--force"]);
        assert!(message.contains("le magasin lui-même"), "{message}");
    }
    assert_eq!(ok(&db, &["keys", "show", "--json"]), keys, "the device identity is intact");
    assert_eq!(ok(&db, &["dump", "--canonical"]), dump, "every record is intact");
    ok(&db, &["check"]);
}

#[test]
fn export_and_backup_replace_only_their_own_kind_of_file_and_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = store(dir.path());
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "compte rendu de réunion").unwrap();
    let (bundle, backup) = (dir.path().join("orly.maillage"), dir.path().join("sauvegarde.sqlite3"));
    let (notes_s, bundle_s, backup_s) = (notes.to_str().unwrap(), bundle.to_str().unwrap(), backup.to_str().unwrap());

    ok(&db, &["export", "--out", bundle_s]);
    ok(&db, &["backup", "--out", backup_s]);
    for force in [false, true] {
        let f = if force { vec!["--force"] } else { vec![] };
        let run = |args: &[&str]| refused(&db, &[args, &f[..]].concat());
        assert!(run(&["export", "--out", notes_s]).contains("n'est pas un paquet"));
        assert!(run(&["backup", "--out", notes_s]).contains("n'est pas une sauvegarde"));
        assert!(run(&["export", "--out", backup_s]).contains("pas un paquet"));
        assert!(run(&["backup", "--out", bundle_s]).contains("pas une sauvegarde"));
    }
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "compte rendu de réunion", "never replaced");

    assert!(refused(&db, &["export", "--out", bundle_s]).contains("--force"), "an existing bundle needs --force");
    assert!(refused(&db, &["backup", "--out", backup_s]).contains("--force"), "an existing backup needs --force");
    ok(&db, &["export", "--out", bundle_s, "--force"]);
    ok(&db, &["backup", "--out", backup_s, "--force"]);
    ok(&db, &["verify", bundle_s]);
}

// ---------------------------------------------------------------- 9. owner-only files

#[cfg(unix)]
#[test]
fn every_file_maillage_writes_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.path().join("donnees/maillage.sqlite3");
    ok(&db, &["init", "--facilitator", "Camille"]);
    // The application has the store open: the -wal and -shm stay while a command writes.
    let app = Api::open(&db).unwrap();
    ok(&db, &["record", "put", "territory", "--json", r#"{"name":"Orly","kind":"commune"}"#]);
    for file in [db.clone(), sidecar(&db, "-wal"), sidecar(&db, "-shm"), sidecar(&db, ".lock")] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(app);
    assert_eq!(mode(&dir.path().join("donnees")), 0o700, "the data folder Maillage created");
    assert_eq!(mode(dir.path()), 0o755, "a folder that existed is left as it was");
    let backup = dir.path().join("sauvegarde.sqlite3");
    ok(&db, &["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o600, "a backup holds the device's signing key");
    let bundle = dir.path().join("orly.maillage");
    ok(&db, &["export", "--out", bundle.to_str().unwrap()]);
    assert_eq!(mode(&bundle), 0o600, "a bundle holds interviews");
    ok(&db, &["keys", "hq-init", "--out", dir.path().join("siege").to_str().unwrap()]);
    assert_eq!(mode(&dir.path().join("siege/hq.key")), 0o600);
}

// ---------------------------------------------------------------- 2. restore

fn aside_of(stdout: &str) -> PathBuf {
    let line = stdout.lines().find(|l| l.contains("conservé")).unwrap_or_else(|| panic!("no kept store in {stdout}"));
    PathBuf::from(line.split(" : ").nth(1).unwrap().trim())
}

#[test]
fn restore_is_refused_while_the_application_has_the_store_open() {
    let dir = tempfile::tempdir().unwrap();
    let (db, t) = store(dir.path());
    let backup = dir.path().join("sauvegarde.sqlite3");
    ok(&db, &["backup", "--out", backup.to_str().unwrap()]);
    let written = put_action(&db, &t, "Écrite après la sauvegarde");
    assert!(written.status.success());
    let app = Api::open(&db).unwrap(); // the desktop application, open on the same store
    let before = names_in(dir.path());
    let message = refused(&db, &["restore", backup.to_str().unwrap()]);
    assert!(message.contains("fermez Maillage puis recommencez"), "{message}");
    assert_eq!(names_in(dir.path()), before, "nothing moved");
    let id = RecordId::parse(String::from_utf8_lossy(&written.stdout).trim()).unwrap();
    app.get(Kind::Action, id).expect("the application still sees its store");
    drop(app);
    let out = ok(&db, &["restore", backup.to_str().unwrap()]);
    Api::open(&aside_of(&out)).unwrap().get(Kind::Action, id).expect("kept aside");
}

/// Writers (real `maillage record put` processes), a program reading the store without
/// Maillage's lock and holding a snapshot, a Maillage reader, and restores, all at once: every
/// write whose id was printed is in the restored store or in one of the copies kept aside.
#[test]
fn restores_racing_writers_and_readers_lose_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let (db, t) = store(dir.path());
    let backup = dir.path().join("sauvegarde.sqlite3");
    ok(&db, &["backup", "--out", backup.to_str().unwrap()]);
    let stop = AtomicBool::new(false);
    let (db, t, stop) = (&db, &t, &stop);

    let (acknowledged, failed, restored, refusals) = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..3)
            .map(|w| {
                scope.spawn(move || {
                    let (mut acknowledged, mut failed) = (Vec::new(), Vec::new());
                    let mut i = 0u64;
                    while !stop.load(Ordering::SeqCst) {
                        let out = put_action(db, t, &format!("Écrivain {w}, action {i}"));
                        if out.status.success() {
                            acknowledged.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
                        } else {
                            failed.push(stderr(&out));
                        }
                        i += 1;
                        std::thread::sleep(Duration::from_millis((i * 7 + w * 5) % 30));
                    }
                    (acknowledged, failed)
                })
            })
            .collect();
        // A program that does not take Maillage's lock (the sqlite3 shell) holds read snapshots.
        scope.spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
                if let Ok(conn) = rusqlite::Connection::open_with_flags(db, flags) {
                    if conn.execute_batch("BEGIN").is_ok() {
                        let _ = conn.query_row("SELECT COUNT(*) FROM record", [], |r| r.get::<_, i64>(0));
                        std::thread::sleep(Duration::from_millis(250));
                        let _ = conn.execute_batch("COMMIT");
                    }
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        // A Maillage reader (the application, a `search`) now and then.
        scope.spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                if let Ok(app) = Api::open(db) {
                    // Open (its lock held) and reading, as the window is.
                    let _ = app.stats(None);
                    std::thread::sleep(Duration::from_millis(150));
                    let _ = app
                        .search(&maillage_core::api::SearchRequest { query: "structure".into(), ..Default::default() });
                }
                std::thread::sleep(Duration::from_millis(700));
            }
        });
        let (mut restored, mut refusals) = (Vec::new(), 0);
        let deadline = Instant::now() + Duration::from_secs(60);
        std::thread::sleep(Duration::from_millis(300));
        while restored.len() < 5 && Instant::now() < deadline {
            let out = maillage(db, &["restore", backup.to_str().unwrap()]);
            if out.status.success() {
                restored.push(aside_of(&String::from_utf8_lossy(&out.stdout)));
            } else {
                assert!(stderr(&out).contains("fermez Maillage puis recommencez"), "{}", stderr(&out));
                refusals += 1;
            }
            std::thread::sleep(Duration::from_millis(120));
        }
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::SeqCst);
        let (mut acknowledged, mut failed) = (Vec::new(), Vec::new());
        for writer in writers {
            let (a, f) = writer.join().unwrap();
            acknowledged.extend(a);
            failed.extend(f);
        }
        (acknowledged, failed, restored, refusals)
    });

    eprintln!("{} restores, {refusals} refused, {} writes acknowledged", restored.len(), acknowledged.len());
    assert!(restored.len() >= 3, "only {} restore(s) went through ({refusals} refused)", restored.len());
    assert!(acknowledged.len() >= 20, "the writers wrote ({} acknowledged)", acknowledged.len());
    assert!(failed.is_empty(), "a writer failed: {failed:?}");
    let mut stores = vec![Api::open(db).unwrap()];
    for aside in &restored {
        let kept = Api::open(aside).unwrap();
        assert!(kept.check().unwrap().ok, "{} is sound", aside.display());
        stores.push(kept);
    }
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| {
            let id = RecordId::parse(id).unwrap();
            !stores.iter().any(|s| s.get(Kind::Action, id).is_ok())
        })
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged writes are neither in the store nor in a copy kept aside ({} restores): {lost:?}",
        lost.len(),
        acknowledged.len(),
        restored.len()
    );
}

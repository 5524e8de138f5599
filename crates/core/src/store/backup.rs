//! Local backups: a consistent copy taken while the application runs, and a restore that keeps
//! the current store aside instead of destroying it.
//!
//! A backup is `VACUUM INTO` a temporary file (created 0600 first: SQLite accepts an existing
//! empty file) on a read-only connection of its own, so writes go on meanwhile; then synced and
//! renamed. A restore runs only when its Store is the only one open ([`Store::with_closed_file`]):
//! the current file and whatever is left of its WAL are *moved* aside, never deleted.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::cipher::{self, StoreKey};
use super::files::{self, parent_dir, sidecar, sync_dir};
use super::{schema, Store};
use crate::error::{Error, Result};

/// Writes a consistent copy of the store to `out` (atomically: a temporary file renamed into
/// place, mode 0600), in a folder that exists: a missing folder is refused, never created (a
/// USB key unplugged would otherwise get its backup on the computer's own disk, under the same
/// name). Whether `out` may be replaced is the caller's to check (`api::check_output`). Errors
/// name `out`, never the temporary file.
pub fn backup(store: &Store, out: &Path) -> Result<u64> {
    let dir = parent_dir(out);
    let tmp = temp_beside(out);
    let _ = std::fs::remove_file(&tmp);
    files::create_new_private(&tmp).map_err(|e| Error::io(out, e))?;
    let result = store.read_detached(|conn| {
        conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy()])?;
        Ok(())
    });
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(match e {
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::CannotOpen => {
                Error::io(out, std::io::Error::new(std::io::ErrorKind::PermissionDenied, "impossible d'écrire ici"))
            }
            other => other,
        });
    }
    if let Err(e) = sync_file(&tmp, out).and_then(|_| std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(&dir);
    Ok(std::fs::metadata(out).map_err(|e| Error::io(out, e))?.len())
}

/// Opens `file` read-only and without touching it: no `-wal` or `-shm` is created beside it,
/// and nothing is written (`immutable`: the file is a copy nobody writes). An encrypted file is
/// read with `key` (a backup of an encrypted store has the store's key).
pub(crate) fn open_untouched(file: &Path, key: Option<&StoreKey>) -> rusqlite::Result<Connection> {
    let conn = open_untouched_plain(file)?;
    if cipher::is_encrypted_file(file).unwrap_or(false) {
        cipher::apply(&conn, key)?;
    }
    Ok(conn)
}

fn open_untouched_plain(file: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(untouched_uri(file), OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI)
}

/// The URI that opens `file` read-only and untouched (`immutable`).
pub(crate) fn untouched_uri(file: &Path) -> String {
    let mut uri = String::from("file:");
    for c in file.to_string_lossy().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Whether `file` is a Maillage store or backup (an SQLite file with the `record` and `device`
/// tables), read without changing it (an encrypted one with `key`).
pub fn is_store_file(file: &Path, key: Option<&StoreKey>) -> bool {
    let Ok(conn) = open_untouched(file, key) else { return false };
    conn.query_row("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('record', 'device')", [], |r| r.get::<_, i64>(0))
        .is_ok_and(|n| n == 2)
}

/// Checks that `file` is a sound Maillage store this binary can read (an encrypted one with
/// `key`), without changing it.
pub fn verify_backup(file: &Path, key: Option<&StoreKey>) -> Result<()> {
    if !file.is_file() {
        return Err(Error::io(file, std::io::Error::new(std::io::ErrorKind::NotFound, "fichier introuvable")));
    }
    let not_a_backup = || Error::NotAStore(format!("{} n'est pas une sauvegarde Maillage", file.display()));
    let encrypted = cipher::is_encrypted_file(file)?;
    let conn = open_untouched(file, key).map_err(|_| not_a_backup())?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|_| {
        if encrypted {
            Error::NotAStore(format!(
                "{} est chiffré avec une autre clé que cette base (ou n'est pas une sauvegarde Maillage)",
                file.display()
            ))
        } else {
            Error::NotAStore(format!("{} n'est pas une base SQLite", file.display()))
        }
    })?;
    if version > schema::SCHEMA_VERSION {
        return Err(Error::NewerSchema { found: version, known: schema::SCHEMA_VERSION });
    }
    if version == 0 || !is_store_file(file, key) {
        return Err(not_a_backup());
    }
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        return Err(Error::NotAStore("la sauvegarde est endommagée : choisissez-en une autre".into()));
    }
    Ok(())
}

/// Replaces the store with the backup `file`, when no other window or command has it open
/// ([`Error::InUse`] otherwise, nothing changed). The current store — its file, and its `-wal`
/// and `-shm` if any are left — is kept beside it, renamed `…-avant-restauration-<time>.sqlite3`;
/// that path is returned.
///
/// An encrypted store stays encrypted: a plain backup is copied into it encrypted with the
/// store's key (and the copy kept aside is the encrypted store as it was).
pub fn restore(store: &Store, file: &Path) -> Result<PathBuf> {
    let key = store.key();
    verify_backup(file, key.as_ref())?;
    let backup_encrypted = cipher::is_encrypted_file(file)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    store.with_closed_file(|db| {
        let stem = db.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "maillage".into());
        let aside = db.with_file_name(format!("{stem}-avant-restauration-{stamp}.sqlite3"));
        let tmp = temp_beside(db);
        match (&key, backup_encrypted) {
            (Some(key), false) => {
                let _ = std::fs::remove_file(&tmp);
                files::create_new_private(&tmp).map_err(|e| Error::io(db, e))?;
                let copied = cipher::export_encrypted(file, &tmp, key).and_then(|_| sync_file(&tmp, db));
                if let Err(e) = copied {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            }
            _ => copy_private(file, &tmp, db)?,
        }
        // Moved, never deleted: whatever the WAL still held stays with the copy kept aside.
        let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut step = || -> Result<()> {
            for suffix in ["", "-wal", "-shm"] {
                let (from, to) = (sidecar(db, suffix), sidecar(&aside, suffix));
                if from.exists() {
                    std::fs::rename(&from, &to).map_err(|e| Error::io(&from, e))?;
                    moved.push((from, to));
                }
            }
            std::fs::rename(&tmp, db).map_err(|e| Error::io(db, e))
        };
        if let Err(e) = step() {
            // Put back what was moved: the store stays as it was.
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&parent_dir(db));
        Ok(aside)
    })
}

/// Copies `from` to a new file `to` (mode 0600, whatever the mode of `from`), synced; errors
/// writing it name `shown` (the store it will become), never the temporary `to`.
fn copy_private(from: &Path, to: &Path, shown: &Path) -> Result<()> {
    let _ = std::fs::remove_file(to);
    let copied = (|| {
        let mut source = File::open(from).map_err(|e| Error::io(from, e))?;
        let mut target = files::create_new_private(to).map_err(|e| Error::io(shown, e))?;
        std::io::copy(&mut source, &mut target).map_err(|e| Error::io(shown, e))?;
        target.sync_all().map_err(|e| Error::io(shown, e))
    })();
    if copied.is_err() {
        let _ = std::fs::remove_file(to);
    }
    copied
}

/// A temporary name beside `path`, unique to this process and call.
fn temp_beside(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

/// Syncs `path` to the disk; an error names `shown`, the file the person chose.
fn sync_file(path: &Path, shown: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|e| Error::io(shown, e))
}

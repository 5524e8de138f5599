//! Local backups: a consistent copy taken while the application runs, and a restore that keeps
//! the current store aside instead of destroying it.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{schema, Store};
use crate::error::{Error, Result};

/// Writes a consistent copy of the store to `out` (atomically: a temporary file renamed into place).
pub fn backup(store: &Store, out: &Path) -> Result<u64> {
    let dir = parent_dir(out);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let tmp = temp_beside(out);
    let _ = std::fs::remove_file(&tmp);
    let result = store.read(|conn| {
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
    sync_file(&tmp)?;
    std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
    sync_dir(&dir);
    Ok(std::fs::metadata(out).map_err(|e| Error::io(out, e))?.len())
}

/// Checks that `file` is a sound Maillage store this binary can read, without changing it.
pub fn verify_backup(file: &Path) -> Result<()> {
    if !file.is_file() {
        return Err(Error::io(file, std::io::Error::new(std::io::ErrorKind::NotFound, "fichier introuvable")));
    }
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::NotAStore(e.to_string()))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|_| Error::NotAStore(format!("{} n'est pas une base SQLite", file.display())))?;
    if version > schema::SCHEMA_VERSION {
        return Err(Error::NewerSchema { found: version, known: schema::SCHEMA_VERSION });
    }
    let has_records: bool = conn
        .query_row("SELECT COUNT(*) FROM sqlite_schema WHERE name IN ('record', 'device')", [], |r| r.get::<_, i64>(0))
        .map(|n| n == 2)
        .unwrap_or(false);
    if version == 0 || !has_records {
        return Err(Error::NotAStore(format!("{} n'est pas une sauvegarde Maillage", file.display())));
    }
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if integrity != "ok" {
        return Err(Error::NotAStore(format!("la sauvegarde est endommagée ({integrity})")));
    }
    Ok(())
}

/// Replaces the store with the backup `file`. The current store is kept beside it, renamed
/// `…-avant-restauration-<time>.sqlite3`; that path is returned.
pub fn restore(store: &Store, file: &Path) -> Result<PathBuf> {
    verify_backup(file)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    store.with_closed_file(|db| {
        let stem = db.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "maillage".into());
        let aside = db.with_file_name(format!("{stem}-avant-restauration-{stamp}.sqlite3"));
        let tmp = temp_beside(db);
        std::fs::copy(file, &tmp).map_err(|e| Error::io(&tmp, e))?;
        sync_file(&tmp)?;
        if db.exists() {
            std::fs::rename(db, &aside).map_err(|e| Error::io(db, e))?;
        }
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        std::fs::rename(&tmp, db).map_err(|e| Error::io(db, e))?;
        sync_dir(&parent_dir(db));
        Ok(aside)
    })
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn sync_file(path: &Path) -> Result<()> {
    File::open(path).and_then(|f| f.sync_all()).map_err(|e| Error::io(path, e))
}

fn sync_dir(dir: &Path) {
    // Makes the rename itself durable; not every platform lets a directory be opened.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

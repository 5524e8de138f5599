//! The local SQLite store: one file, opened in one place, read and written through closures.
//!
//! Connections use WAL, foreign keys, a busy timeout and `synchronous=FULL`, so a write the caller
//! was told about survives `kill -9` and power loss. `write(|tx| …)` commits when the closure
//! returns `Ok` and rolls back otherwise: nothing half-written is ever visible.
//!
//! Only [`Store::create`] makes a store; [`Store::open`] refuses a path where there is none (a
//! mistyped `--db` creates nothing). Every Store holds a shared lock on `<store>.lock` for its
//! whole life ([`lock`]), so that a restore, which needs it exclusive, knows it is alone.

pub mod backup;
pub mod blobs;
pub mod check;
pub mod cipher;
pub mod conflicts;
pub mod device;
pub mod device_keys;
pub mod exports;
pub mod files;
pub mod imports;
pub mod lineage;
pub mod lock;
pub mod national;
pub mod privacy;
pub mod provenance;
pub mod records;
pub mod schema;
pub mod search;
pub mod settings;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, TryLockError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};

use crate::error::{Error, Result};
use cipher::StoreKey;
use lock::StoreLock;

pub struct Store {
    path: PathBuf,
    // Fields drop in this order: the connection is closed before the lock is released, so a
    // restore never starts while this Store still has the file open.
    conn: Mutex<Connection>,
    /// Read-held by each snapshot connection, write-held by a restore: a restore never swaps the
    /// file under a running export or backup of this Store.
    swapping: RwLock<()>,
    /// The SQLCipher key of an encrypted store ([`cipher`]), given first to every connection.
    key: RwLock<Option<StoreKey>>,
    lock: StoreLock,
}

/// What [`Store::create_tracked`] made, so that a failed `init` can take it away again.
#[must_use = "undo() removes what was created; dropping this keeps it"]
pub struct Created {
    path: PathBuf,
    /// The store file did not exist.
    file: bool,
    /// The store file existed, empty.
    was_empty: bool,
    lock_file: bool,
    /// Folders created, outermost first.
    dirs: Vec<PathBuf>,
}

impl Created {
    /// Removes what was created (the store must be closed): the file, its `-wal`, `-shm` and
    /// lock file, the folders; an empty file found there is emptied again.
    pub fn undo(self) {
        if self.file || self.was_empty {
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(files::sidecar(&self.path, suffix));
            }
        }
        if self.file {
            let _ = std::fs::remove_file(&self.path);
        } else if self.was_empty {
            let _ = std::fs::OpenOptions::new().write(true).open(&self.path).and_then(|f| f.set_len(0));
        }
        // The lock file goes only with a store this call created: another Store may hold it.
        if self.lock_file && self.file {
            let _ = std::fs::remove_file(lock::lock_path(&self.path));
        }
        for dir in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

impl Store {
    /// Opens the store at `path` and brings its schema up to date. There must be one: a missing
    /// or empty file is refused ([`Error::NoStore`]) and nothing is created.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_keyed(path, None)
    }

    /// [`Store::open`] with the key of an encrypted store. An encrypted store opened without
    /// its key is [`Error::Locked`]; with another key, [`Error::WrongPassphrase`].
    pub fn open_keyed(path: &Path, key: Option<StoreKey>) -> Result<Store> {
        // A lock file without its store: a restore may be moving files right now, so wait for it.
        if !holds_a_store(path)? && !lock::lock_path(path).exists() {
            return Err(Error::NoStore(path.to_path_buf()));
        }
        let lock = StoreLock::shared(path)?;
        // Checked again now that no restore is under way (one may have been moving files).
        if !holds_a_store(path)? {
            return Err(Error::NoStore(path.to_path_buf()));
        }
        cipher::tidy_after_encryption(path);
        let key = cipher::key_to_open(path, key)?;
        Store::with_lock(path, lock, key)
    }

    /// Opens the store at `path`, creating it (mode 0600, its missing folders 0700) when there
    /// is none: `maillage init` and the application's first launch.
    pub fn create(path: &Path) -> Result<Store> {
        Store::create_tracked(path).map(|(store, _)| store)
    }

    /// [`Store::create`], also saying what it created. When opening fails, what it created is
    /// already removed.
    pub fn create_tracked(path: &Path) -> Result<(Store, Created)> {
        Store::create_tracked_keyed(path, None)
    }

    /// [`Store::create_tracked`]; with a key, a store that does not exist yet is created
    /// encrypted (its key file must already be written: see `api`). An existing store opens as
    /// [`Store::open_keyed`] would.
    pub fn create_tracked_keyed(path: &Path, key: Option<StoreKey>) -> Result<(Store, Created)> {
        let lock_file = !lock::lock_path(path).exists();
        let mut created = Created { path: path.to_path_buf(), file: false, was_empty: false, lock_file, dirs: vec![] };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            created.dirs = files::create_private_dirs(dir).map_err(|e| Error::io(dir, e))?;
        }
        let opened = StoreLock::shared(path).and_then(|lock| {
            match files::create_new_private(path) {
                Ok(_) => created.file = true,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    created.was_empty = !holds_a_store(path)?;
                }
                Err(e) => return Err(Error::io(path, e)),
            }
            let fresh = created.file || created.was_empty;
            let key = if fresh { key } else { cipher::key_to_open(path, key)? };
            Store::with_lock(path, lock, key)
        });
        match opened {
            Ok(store) => Ok((store, created)),
            Err(e) => {
                created.undo();
                Err(e)
            }
        }
    }

    fn with_lock(path: &Path, lock: StoreLock, key: Option<StoreKey>) -> Result<Store> {
        for file in [path.to_path_buf(), files::sidecar(path, "-wal"), files::sidecar(path, "-shm")] {
            files::tighten(&file);
        }
        let conn = open_connection(path, key.as_ref())?;
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            swapping: RwLock::new(()),
            key: RwLock::new(key),
            lock,
        })
    }

    /// The key of an encrypted store (none for a plain one).
    pub(crate) fn key(&self) -> Option<StoreKey> {
        self.key.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn is_encrypted(&self) -> bool {
        self.key().is_some()
    }

    /// A read-only connection of its own, keyed, with no transaction open.
    fn side_connection(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(|e| not_a_store(&self.path, e))?;
        cipher::apply(&conn, self.key().as_ref())?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.execute_batch("PRAGMA trusted_schema = OFF;")?;
        Ok(conn)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half transaction behind (it rolls back on
        // drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on a consistent view of the store.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&conn)
    }

    /// Runs `f` on a consistent snapshot of the store read through a connection of its own, so
    /// that the store's lock is not held: writes (autosave) go on while `f` runs, and `f` sees
    /// none of them. For long reads: exports, backups.
    pub fn snapshot<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let _no_restore = self.no_restore();
        let conn = self.side_connection()?;
        conn.execute_batch("BEGIN DEFERRED;")?;
        let out = f(&conn);
        let _ = conn.execute_batch("COMMIT;");
        out
    }

    /// Runs `f` in one transaction, committed (durably) when `f` returns `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Copies the WAL into the store file and empties it, so that what an edit or a deletion
    /// replaced is gone from the bytes (the store file's freed space is zeroed by
    /// `secure_delete`). Never waits: when a reader still uses old pages (an export running), the
    /// WAL is emptied at a later checkpoint.
    pub fn checkpoint(&self) {
        let conn = self.lock();
        let _ = conn.busy_timeout(Duration::ZERO);
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = conn.busy_timeout(Duration::from_secs(5));
    }

    /// Rewrites the whole file (`VACUUM`), then empties the WAL: after an erasure, no page keeps
    /// an old copy of what was erased. `secure_delete` zeroes the space SQLite frees, but a page
    /// rebuilt by a b-tree balance keeps its former bytes in the gap between its cell pointers
    /// and its cells (seen: an erased name left in an interior page of the search index). Costs
    /// a pass over the file (erasures are rare); a failure (a reader holding the file) only
    /// postpones it to the next erasure.
    pub fn vacuum(&self) {
        let conn = self.lock();
        if let Err(e) = conn.execute_batch("VACUUM") {
            tracing::warn!(error = %Error::from(e), "vacuum");
        }
        drop(conn);
        self.checkpoint();
    }

    /// Runs `f` on a read-only connection of its own with no transaction open, without holding
    /// the store's lock: for `VACUUM INTO`, which reads its own consistent snapshot (and cannot
    /// run inside a transaction).
    pub(crate) fn read_detached<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let _no_restore = self.no_restore();
        let conn = self.side_connection()?;
        f(&conn)
    }

    fn no_restore(&self) -> RwLockReadGuard<'_, ()> {
        self.swapping.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Swaps the store's file for another one (a restore), when this Store is the only one open
    /// anywhere: its shared lock becomes exclusive or [`Error::InUse`] is returned, nothing
    /// changed. The WAL is checkpointed into the file (a checkpoint that could not complete is a
    /// refusal too), the connection closed, `swap` moves files, then the store is opened again.
    pub(crate) fn with_closed_file<T>(&self, swap: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
        self.with_closed_file_rekeyed(|path| swap(path).map(|out| (out, None)))
    }

    /// [`Store::with_closed_file`] for a swap that may change the store's key (turning
    /// encryption on): `swap` returns the key to reopen with, or `None` to keep the current one.
    pub(crate) fn with_closed_file_rekeyed<T>(
        &self,
        swap: impl FnOnce(&Path) -> Result<(T, Option<StoreKey>)>,
    ) -> Result<T> {
        // A snapshot (an export, a backup) of this Store still reads the file: not now.
        let _alone = match self.swapping.try_write() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => return Err(Error::Busy),
        };
        let mut conn = self.lock();
        if !self.lock.try_exclusive()? {
            return Err(Error::InUse);
        }
        let result = (|| {
            // Every frame of the WAL copied into the file and the WAL emptied, or a refusal: a
            // connection that does not take the lock file (another program) still reads it.
            let (busy, _, _): (i64, i64, i64) = conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(|e| match Error::from(e) {
                    Error::Busy => Error::InUse,
                    other => other,
                })?;
            if busy != 0 {
                return Err(Error::InUse);
            }
            let placeholder = Connection::open_in_memory()?;
            drop(std::mem::replace(&mut *conn, placeholder));
            let result = swap(&self.path).map(|(out, new_key)| {
                if let Some(key) = new_key {
                    *self.key.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(key);
                }
                out
            });
            for file in [self.path.clone(), files::sidecar(&self.path, "-wal"), files::sidecar(&self.path, "-shm")] {
                files::tighten(&file);
            }
            *conn = open_connection(&self.path, self.key().as_ref())?;
            result
        })();
        self.lock.downgrade()?;
        result
    }
}

/// A file at `path` that holds a store: not absent and not empty (a store whose pages are all
/// still in its WAL has an empty file and a non-empty `-wal`).
fn holds_a_store(path: &Path) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::io(path, std::io::ErrorKind::IsADirectory.into())),
        Ok(meta) => Ok(meta.len() > 0 || std::fs::metadata(files::sidecar(path, "-wal")).is_ok_and(|w| w.len() > 0)),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The one place a writing connection is opened.
fn open_connection(path: &Path, key: Option<&StoreKey>) -> Result<Connection> {
    // Never SQLITE_OPEN_CREATE: the file is made by `Store::create` (mode 0600), never by SQLite.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| not_a_store(path, e))?;
    cipher::apply(&conn, key)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // With a key, the first read tells whether it is the store's.
    if key.is_some() && conn.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).is_err() {
        return Err(Error::WrongPassphrase);
    }
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA trusted_schema = OFF;",
    )
    .map_err(|e| not_a_store(path, e))?;
    schema::migrate(&mut conn)?;
    Ok(conn)
}

fn not_a_store(path: &Path, e: rusqlite::Error) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            Error::NotAStore(format!("{} n'est pas une base SQLite", path.display()))
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::PermissionDenied, "impossible d'ouvrir ou de créer le fichier"),
        ),
        _ => Error::from(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_newer_than_the_binary_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite3");
        drop(Store::create(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        let err = Store::open(&path).err().expect("newer store must be refused");
        assert!(err.to_string().contains("mettez à jour Maillage"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_sqlite_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, vec![b'x'; 4096]).unwrap();
        let err = Store::open(&path).err().expect("must be refused");
        assert!(matches!(err, Error::NotAStore(_)), "{err}");
    }

    #[test]
    fn writes_are_durable_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("s.sqlite3")).unwrap();
        store
            .read(|c| {
                let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
                let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
                let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
                Ok(())
            })
            .unwrap();
    }
}

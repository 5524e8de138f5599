//! The store's lock file, `<store>.lock` beside it (mode 0600, never renamed nor deleted): who
//! has the store open, across processes.
//!
//! Every [`Store`](super::Store) holds a *shared* lock on it for its whole life. A restore replaces
//! the file under every connection, so it needs the lock *exclusive*: the restoring Store turns
//! its own shared lock into an exclusive one without waiting, which succeeds only when no other
//! Store — the desktop application, a running `maillage search`, another thread — has the store
//! open. A Store opening while a restore holds it waits, at most [`OPEN_WAIT`].
//!
//! *Decision:* on Linux these are open-file-description locks (`F_OFD_SETLK`): turning a shared
//! lock into an exclusive one is atomic (it succeeds, or the shared lock stays held), and two
//! Stores of one process exclude each other like two processes do. Other Unix systems use
//! `flock`, whose conversion briefly drops the shared lock; a failed conversion takes it again.
//! Elsewhere there is no lock, and a restore is always refused.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long opening a store waits for a restore to end before saying the store is busy.
pub const OPEN_WAIT: Duration = Duration::from_secs(15);

/// A held lock on `<store>.lock`; dropping it (closing the file) releases the lock.
pub(crate) struct StoreLock {
    /// `None` when the lock file could not be created (a read-only folder): nothing can replace
    /// the store there either, and a restore is refused.
    file: Option<File>,
}

/// `<store>.lock`.
pub fn lock_path(store: &Path) -> PathBuf {
    super::files::sidecar(store, ".lock")
}

impl StoreLock {
    /// Opens (creating, mode 0600) the lock file of `store` and takes a shared lock, waiting at
    /// most [`OPEN_WAIT`] while a restore holds it.
    pub fn shared(store: &Path) -> Result<StoreLock> {
        let path = lock_path(store);
        let file = match super::files::open_private(&path) {
            Ok(file) => file,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
                ) =>
            {
                return StoreLock { file: File::open(&path).ok() }.wait_shared(&path);
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        StoreLock { file: Some(file) }.wait_shared(&path)
    }

    fn wait_shared(self, path: &Path) -> Result<StoreLock> {
        let Some(file) = &self.file else { return Ok(self) };
        let start = Instant::now();
        loop {
            if sys::try_lock(file, sys::Mode::Shared).map_err(|e| Error::io(path, e))? {
                return Ok(self);
            }
            if start.elapsed() >= OPEN_WAIT {
                return Err(Error::Busy);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Turns the shared lock into an exclusive one, without waiting: `false` when another Store
    /// has the store open (the shared lock is still held then).
    pub fn try_exclusive(&self) -> Result<bool> {
        let Some(file) = &self.file else { return Ok(false) };
        let to_err = |e| Error::io("verrou du magasin", e);
        if sys::try_lock(file, sys::Mode::Exclusive).map_err(to_err)? {
            return Ok(true);
        }
        if !sys::CONVERSION_IS_ATOMIC {
            // flock dropped the shared lock before failing: take it again.
            let start = Instant::now();
            while !sys::try_lock(file, sys::Mode::Shared).map_err(to_err)? {
                if start.elapsed() >= OPEN_WAIT {
                    return Err(Error::Busy);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Ok(false)
    }

    /// Back to a shared lock after [`StoreLock::try_exclusive`] succeeded (never waits: an
    /// exclusive lock becomes a shared one in place).
    pub fn downgrade(&self) -> Result<()> {
        if let Some(file) = &self.file {
            sys::try_lock(file, sys::Mode::Shared).map_err(|e| Error::io("verrou du magasin", e))?;
        }
        Ok(())
    }
}

#[cfg(target_os = "linux")]
mod sys {
    use std::fs::File;
    use std::os::fd::AsRawFd;

    pub const CONVERSION_IS_ATOMIC: bool = true;

    pub enum Mode {
        Shared,
        Exclusive,
    }

    /// `Ok(false)` when another open file description holds a conflicting lock.
    pub fn try_lock(file: &File, mode: Mode) -> std::io::Result<bool> {
        // SAFETY: an all-zero `flock` is valid (l_start 0, l_len 0: the whole file; l_pid must
        // be 0 for open-file-description locks).
        let mut request: libc::flock = unsafe { std::mem::zeroed() };
        request.l_type = match mode {
            Mode::Shared => libc::F_RDLCK,
            Mode::Exclusive => libc::F_WRLCK,
        } as libc::c_short;
        request.l_whence = libc::SEEK_SET as libc::c_short;
        // SAFETY: the descriptor is open for as long as `file` lives; `request` outlives the call.
        let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_SETLK, &request) };
        if rc == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
            _ => Err(e),
        }
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
mod sys {
    use std::fs::File;
    use std::os::fd::AsRawFd;

    pub const CONVERSION_IS_ATOMIC: bool = false;

    pub enum Mode {
        Shared,
        Exclusive,
    }

    pub fn try_lock(file: &File, mode: Mode) -> std::io::Result<bool> {
        let operation = match mode {
            Mode::Shared => libc::LOCK_SH,
            Mode::Exclusive => libc::LOCK_EX,
        } | libc::LOCK_NB;
        // SAFETY: the descriptor is open for as long as `file` lives.
        if unsafe { libc::flock(file.as_raw_fd(), operation) } == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
            Ok(false)
        } else {
            Err(e)
        }
    }
}

#[cfg(not(unix))]
mod sys {
    use std::fs::File;

    pub const CONVERSION_IS_ATOMIC: bool = true;

    pub enum Mode {
        Shared,
        Exclusive,
    }

    /// No lock here: shared always "succeeds", exclusive never does (a restore is refused).
    pub fn try_lock(_file: &File, mode: Mode) -> std::io::Result<bool> {
        Ok(matches!(mode, Mode::Shared))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_prevents_the_exclusive_lock_and_the_shared_one_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s.sqlite3");
        let first = StoreLock::shared(&store).unwrap();
        let second = StoreLock::shared(&store).unwrap();
        assert!(!first.try_exclusive().unwrap(), "another holder: no exclusive lock");
        drop(second);
        assert!(first.try_exclusive().unwrap(), "alone: the exclusive lock is granted");
        first.downgrade().unwrap();
        let third = StoreLock::shared(&store).unwrap();
        assert!(!third.try_exclusive().unwrap(), "the first still holds its shared lock");
    }
}

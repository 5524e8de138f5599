//! Keeping the store safe: integrity check, backups, restore, the log for support.

use std::path::{Path, PathBuf};

use super::*;
use crate::store::backup;

impl Api {
    /// Integrity, foreign keys, search index and record data: every problem found, in words.
    pub fn check(&self) -> ApiResult<CheckReport> {
        Ok(self.store.read(crate::store::check::run)?)
    }

    /// Writes a consistent copy of the store to `out` (mode 0600) while writes go on. An existing
    /// backup at `out` is replaced only with `force`; the store itself, a bundle or any other
    /// file never (see [`check_output`]).
    pub fn backup(&self, out: &Path, force: bool) -> ApiResult<BackupReport> {
        check_output(self.store.path(), out, OutputKind::Backup, force)?;
        let bytes = backup::backup(&self.store, out)?;
        Ok(BackupReport { path: out.display().to_string(), bytes })
    }

    /// Gathers the log files (ids, codes, timings — no record text) into `out`, for support.
    pub fn save_log(&self, out: &Path) -> ApiResult<u64> {
        Ok(crate::log::collect(&crate::log::dir_for(self.store.path()), out)?)
    }

    /// Where "backup now" writes: a `sauvegardes` folder beside the store.
    pub fn backup_dir(&self) -> PathBuf {
        self.store.path().parent().map(Path::to_path_buf).unwrap_or_default().join("sauvegardes")
    }

    /// A backup in [`Api::backup_dir`] (created 0700 when missing), named after the time.
    pub fn backup_now(&self) -> ApiResult<BackupReport> {
        let dir = self.backup_dir();
        crate::store::files::create_private_dirs(&dir).map_err(|e| Error::io(&dir, e))?;
        let name = format!("maillage-{}.sqlite3", chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f"));
        self.backup(&dir.join(name), false)
    }

    /// The backups in [`Api::backup_dir`], newest first.
    pub fn list_backups(&self) -> ApiResult<Vec<BackupReport>> {
        let dir = self.backup_dir();
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "sqlite3") {
                    let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    out.push(BackupReport { path: path.display().to_string(), bytes });
                }
            }
        }
        out.sort_by(|a, b| b.path.cmp(&a.path));
        Ok(out)
    }

    /// Replaces the store with the backup `file`, keeping the current one aside. Only when this
    /// is the only window or command that has the store open ([`ErrorCode::Busy`], "fermez
    /// Maillage puis recommencez", otherwise, and nothing changes).
    /// The persons erased meanwhile are erased again on the restored store (a backup made before
    /// an erasure never brings the person back).
    pub fn restore(&self, file: &Path) -> ApiResult<RestoreReport> {
        // (A store too damaged to read them is restored all the same.)
        let erased = self.store.read(crate::store::privacy::erasures).unwrap_or_default();
        let aside = backup::restore(&self.store, file)?;
        self.synthesis_cache.clear();
        self.reapply_erasures(erased)?;
        Ok(RestoreReport {
            restored_from: file.display().to_string(),
            previous_store_kept_at: aside.display().to_string(),
        })
    }
}

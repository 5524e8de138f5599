//! The log, for support: what Maillage did and how long it took — ids, kinds, error codes,
//! counts and timings, **never record text** (no names, no notes, no file paths that could name
//! someone). One file a day in `journaux/` beside the store, the last [`KEPT_FILES`] kept.
//!
//! Front ends call [`init`] once at start; everything else logs through `tracing`'s macros with
//! typed fields only. `Paramètres → Enregistrer le journal` gathers the files with [`collect`].

use std::path::{Path, PathBuf};

use tracing_subscriber::fmt::writer::MakeWriterExt;

/// Days of log kept.
pub const KEPT_FILES: usize = 7;

/// Where the log of the store at `store_path` lives.
pub fn dir_for(store_path: &Path) -> PathBuf {
    store_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_default()
        .join("journaux")
}

/// Keeps the log's background writer alive; dropping it flushes what is pending.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// Starts logging to `dir` (created with mode 0700 when absent). `None` when a logger was
/// already installed or the folder cannot be written: Maillage works the same without a log.
pub fn init(dir: &Path) -> Option<LogGuard> {
    if !dir.exists() {
        std::fs::create_dir_all(dir).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("maillage")
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer.with_max_level(tracing::Level::INFO))
        .with_ansi(false)
        .with_target(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "start");
    Some(LogGuard(guard))
}

/// Starts logging beside the store at `store_path` when there is one there (an SQLite file):
/// a mistyped path or an empty file gets no log folder either.
pub fn init_beside_store(store_path: &Path) -> Option<LogGuard> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let is_store = (std::fs::File::open(store_path).and_then(|mut f| f.read_exact(&mut header)).is_ok()
        && &header == b"SQLite format 3\0")
        || crate::store::cipher::store_is_encrypted(store_path).unwrap_or(false);
    if is_store {
        init(&dir_for(store_path))
    } else {
        None
    }
}

/// The log files of `dir`, oldest first, joined into `out` (for a message to support).
pub fn collect(dir: &Path, out: &Path) -> crate::error::Result<u64> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| crate::error::Error::io(dir, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("maillage")))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for f in files {
        all.extend(std::fs::read(&f).map_err(|e| crate::error::Error::io(&f, e))?);
    }
    // A new file only, readable by its owner: never over an existing file.
    use std::io::Write;
    crate::store::files::create_new_private(out)
        .and_then(|mut f| f.write_all(&all).and_then(|_| f.sync_all()))
        .map_err(|e| crate::error::Error::io(out, e))?;
    Ok(all.len() as u64)
}

//! What a bundle or a backup may be written over: the one rule, for the command line and the
//! application alike.
//!
//! * never the store itself, its `-wal`, `-shm`, `-journal` or lock file (by path, and by inode:
//!   a hard link or a second name counts), nor a folder;
//! * an existing bundle (for an export), backup (for a backup), XLSX workbook or CSV file (for
//!   the national tables), DOCX document (for a report), GEXF/GraphML network or REFI-QDA
//!   project (for the analysis' files) only when asked (`force`), an empty file likewise;
//! * anything else that exists — a backup for an export, a bundle for a backup, a store in use,
//!   any other file — never.

use std::path::{Path, PathBuf};

use crate::domain::kinds;
use crate::error::{Error, Result};
use crate::store::{backup, files, lock};

/// What is about to be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Bundle,
    Backup,
    /// The national tables as an XLSX workbook (a zip file named `*.xlsx`).
    Spreadsheet,
    /// A national table as CSV (a text file that starts with the UTF-8 byte-order mark).
    Csv,
    /// A cooperation network for Gephi (an XML file named `*.gexf` or `*.graphml`).
    Graph,
    /// A REFI-QDA project (a zip file named `*.qdpx`).
    Qdpx,
    /// A report (a zip file named `*.docx`).
    Document,
}

/// What an existing file is, judged by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Empty,
    Bundle,
    Backup,
    /// A store some Maillage has open right now (its `-wal` is beside it).
    StoreInUse,
    Spreadsheet,
    Csv,
    Graph,
    Qdpx,
    Document,
    Other,
}

/// Refuses to write `out` over something it must not replace (see the module's rules); `Ok`
/// when `out` does not exist or may be replaced. An empty `out` is left to the caller.
pub fn check_output(store: &Path, out: &Path, kind: OutputKind, force: bool) -> Result<()> {
    if out.as_os_str().is_empty() {
        return Ok(());
    }
    if is_the_store(store, out) {
        return Err(refuse(format!(
            "{} est le magasin lui-même (ou l'un de ses fichiers) : choisissez un autre nom",
            out.display()
        )));
    }
    let meta = match std::fs::metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(out, e)),
    };
    if meta.is_dir() {
        return Err(refuse(format!("{} est un dossier : indiquez le nom du fichier à écrire", out.display())));
    }
    let found = what_is(out, meta.len());
    let what = match kind {
        OutputKind::Bundle => "un paquet Maillage",
        OutputKind::Backup => "une sauvegarde Maillage",
        OutputKind::Spreadsheet => "un classeur XLSX",
        OutputKind::Csv => "un fichier CSV",
        OutputKind::Graph => "un réseau GEXF ou GraphML",
        OutputKind::Qdpx => "un projet REFI-QDA (.qdpx)",
        OutputKind::Document => "un document DOCX",
    };
    let same_kind = matches!(
        (kind, found),
        (OutputKind::Bundle, Found::Bundle)
            | (OutputKind::Backup, Found::Backup)
            | (OutputKind::Spreadsheet, Found::Spreadsheet)
            | (OutputKind::Csv, Found::Csv)
            | (OutputKind::Document, Found::Document)
            | (OutputKind::Graph, Found::Graph)
            | (OutputKind::Qdpx, Found::Qdpx)
            | (_, Found::Empty)
    );
    match (kind, found) {
        _ if same_kind && force => Ok(()),
        _ if same_kind => Err(Error::AlreadyExists(format!(
            "{} existe déjà : choisissez un autre nom, ou demandez à le remplacer (--force)",
            out.display()
        ))),
        (_, Found::StoreInUse) => {
            Err(refuse(format!("{} est un magasin Maillage ouvert : choisissez un autre nom", out.display())))
        }
        (OutputKind::Bundle, Found::Backup) => Err(refuse(format!(
            "{} est une sauvegarde ou un magasin Maillage, pas un paquet : choisissez un autre nom",
            out.display()
        ))),
        (OutputKind::Backup, Found::Bundle) => Err(refuse(format!(
            "{} est un paquet Maillage, pas une sauvegarde : choisissez un autre nom",
            out.display()
        ))),
        (_, _) => Err(refuse(format!(
            "{} existe et n'est pas {what} : choisissez un autre nom, il ne sera pas remplacé",
            out.display()
        ))),
    }
}

fn refuse(message: String) -> Error {
    Error::Invalid(kinds::Invalid { field: "out".into(), message })
}

fn what_is(path: &Path, len: u64) -> Found {
    if len == 0 {
        return Found::Empty;
    }
    let mut head = [0u8; 32];
    let n = std::fs::File::open(path).and_then(|mut f| read_up_to(&mut f, &mut head)).unwrap_or(0);
    let head = &head[..n];
    if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || head.starts_with(b"age-encryption.org/") {
        return Found::Bundle;
    }
    if head.starts_with(b"PK\x03\x04") && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        return Found::Spreadsheet;
    }
    let named = |exts: &[&str]| path.extension().is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)));
    if head.starts_with(b"PK\x03\x04") && named(&["qdpx"]) {
        return Found::Qdpx;
    }
    if head.starts_with(b"<?xml") && named(&["gexf", "graphml"]) {
        return Found::Graph;
    }
    if head.starts_with(b"PK\x03\x04") && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("docx")) {
        return Found::Document;
    }
    if head.starts_with(b"\xEF\xBB\xBF") && path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return Found::Csv;
    }
    if head.starts_with(b"SQLite format 3\0") {
        if std::fs::metadata(files::sidecar(path, "-wal")).is_ok() {
            return Found::StoreInUse;
        }
        if backup::is_store_file(path, None) {
            return Found::Backup;
        }
    }
    Found::Other
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            read => n += read,
        }
    }
    Ok(n)
}

/// `out` names the store or one of its files, by path or by inode.
pub(super) fn is_the_store(store: &Path, out: &Path) -> bool {
    let own: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| files::sidecar(store, suffix))
        .chain([lock::lock_path(store)])
        .collect();
    let out_canonical = canonical(out);
    own.iter().any(|file| canonical(file).is_some_and(|c| Some(&c) == out_canonical.as_ref()) || same_file(file, out))
}

/// The canonical form of `path`, even when the file itself does not exist yet (its folder does).
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(c) = path.canonicalize() {
        return Some(c);
    }
    let name = path.file_name()?;
    Some(files::parent_dir(path).canonicalize().ok()?.join(name))
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_a: &Path, _b: &Path) -> bool {
    false
}

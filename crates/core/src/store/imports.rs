//! The `imported_bundle` table: every bundle this store imported, so that the same one twice
//! changes nothing.

use rusqlite::{params, Connection};

use crate::error::Result;

pub fn seen(conn: &Connection, bundle_id: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT EXISTS (SELECT 1 FROM imported_bundle WHERE bundle_id = ?1)", [bundle_id], |r| r.get(0))?)
}

/// One imported bundle, as the history keeps it.
pub struct ImportEntry<'a> {
    pub bundle_id: &'a str,
    pub device_id: &'a str,
    pub sequence: u64,
    pub covers: &'a str,
    pub created_at: &'a str,
    pub imported_at: &'a str,
    pub file_sha256: &'a str,
    /// The import report, JSON, without personal data.
    pub report: &'a str,
}

pub fn record(tx: &Connection, e: &ImportEntry<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO imported_bundle (bundle_id, device_id, sequence, covers, created_at, imported_at, file_sha256, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.bundle_id, e.device_id, e.sequence as i64, e.covers, e.created_at, e.imported_at, e.file_sha256, e.report],
    )?;
    Ok(())
}

/// The highest `record_change.change_seq` so far (0 when nothing changed yet).
pub fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(change_seq), 0) FROM record_change", [], |r| r.get(0))?)
}

/// Records that the import of `bundle_id` wrote the changes `(from, to]` (nothing when it wrote
/// none).
pub fn record_changes(tx: &Connection, bundle_id: &str, from: i64, to: i64) -> Result<()> {
    if to > from {
        tx.execute(
            "INSERT INTO imported_bundle_changes (bundle_id, from_change, to_change) VALUES (?1, ?2, ?3)",
            params![bundle_id, from, to],
        )?;
    }
    Ok(())
}

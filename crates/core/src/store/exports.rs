//! The `export_log` and `record_change` tables: what this device exported, and what changed since.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::RecordId;
use crate::error::Result;

/// The last export of the same territories (`selection`, see `api::export`): its sequence
/// number and the last change it covered.
pub fn last(conn: &Connection, selection: &str) -> Result<Option<(u64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT sequence, to_change FROM export_log WHERE selection = ?1 ORDER BY sequence DESC LIMIT 1",
            [selection],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
        )
        .optional()?)
}

/// The last export's sequence number (0 before the first).
pub fn last_sequence(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(sequence), 0) FROM export_log", [], |r| r.get::<_, i64>(0))? as u64)
}

/// The newest change number.
pub fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(change_seq), 0) FROM record_change", [], |r| r.get(0))?)
}

/// The records changed after change number `from`.
pub fn changed_since(conn: &Connection, from: i64) -> Result<Vec<RecordId>> {
    let mut stmt = conn.prepare("SELECT record_id FROM record_change WHERE change_seq > ?1")?;
    let mut out = Vec::new();
    for id in stmt.query_map([from], |r| r.get::<_, String>(0))? {
        if let Ok(id) = RecordId::parse(&id?) {
            out.push(id);
        }
    }
    Ok(out)
}

/// One exported bundle, as the log keeps it.
pub struct ExportEntry<'a> {
    pub sequence: u64,
    pub bundle_id: &'a str,
    pub created_at: &'a str,
    pub covers: &'a str,
    /// The territories it carried: `*` (all but the demonstrations), `*+demo`, or their ids.
    pub selection: &'a str,
    pub from_change: i64,
    pub to_change: i64,
    pub records: u64,
    pub bytes: u64,
    pub sealed_for: &'a str,
    pub file_name: &'a str,
}

pub fn record(tx: &Connection, e: &ExportEntry<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO export_log (sequence, bundle_id, created_at, covers, from_change, to_change, records, bytes, sealed_for, file_name, selection)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            e.sequence as i64,
            e.bundle_id,
            e.created_at,
            e.covers,
            e.from_change,
            e.to_change,
            e.records as i64,
            e.bytes as i64,
            e.sealed_for,
            e.file_name,
            e.selection
        ],
    )?;
    Ok(())
}

//! The `erasure` table, and the queries an erasure needs: taking a record's row out whole (its
//! search words, its change row, its kept versions), finding the rows and kept versions whose
//! text holds an id or a name, rewriting a kept version in place.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::{text, Record, RecordId};
use crate::error::Result;
use crate::privacy::Erasure;
use crate::store::conflicts::{self, ConflictRow, ConflictStatus, Resolution};
use crate::store::records;

/// A row of the `erasure` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRow {
    pub erasure: Erasure,
    /// When this store erased the person (RFC 3339, UTC).
    pub recorded_at: String,
    /// The bundle that brought the marker; `None` when erased here.
    pub found_in_bundle: Option<String>,
}

/// Every erasure, oldest first.
pub fn erasures(conn: &Connection) -> Result<Vec<ErasureRow>> {
    let mut stmt = conn.prepare(
        "SELECT person_id, erased_on, recorded_at, found_in_bundle FROM erasure ORDER BY erased_on, person_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, erased_on, recorded_at, found_in_bundle) = row?;
        out.push(ErasureRow {
            erasure: Erasure { person_id: RecordId::parse(&id)?, erased_on },
            recorded_at,
            found_in_bundle,
        });
    }
    Ok(out)
}

/// The ids of the erased persons (none on most stores: then an import skips every look-up).
pub fn erased_ids(conn: &Connection) -> Result<HashSet<RecordId>> {
    let mut stmt = conn.prepare_cached("SELECT person_id FROM erasure")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = HashSet::new();
    for row in rows {
        out.insert(RecordId::parse(&row?)?);
    }
    Ok(out)
}

/// Records an erasure; `false` when the person was erased here already (the first day is kept).
pub fn insert(tx: &Connection, e: &Erasure, recorded_at: &str, found_in_bundle: Option<&str>) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO erasure (person_id, erased_on, recorded_at, found_in_bundle) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (person_id) DO NOTHING",
        )?
        .execute(params![e.person_id.to_string(), e.erased_on, recorded_at, found_in_bundle])?;
    Ok(n == 1)
}

/// When this store last erased someone.
pub fn latest_recorded_at(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT MAX(recorded_at) FROM erasure", [], |r| r.get(0))?)
}

/// Takes a record's row out of the store whole: its words out of the search index, its row,
/// its change row and its kept versions. Returns what it held, `None` when there was no row.
pub fn remove_record(tx: &Connection, id: RecordId) -> Result<Option<Record>> {
    let Some((seq, record)) = records::get_any(tx, id)? else { return Ok(None) };
    if !record.deleted {
        let title: String = tx.query_row("SELECT title FROM record WHERE seq = ?1", [seq], |r| r.get(0))?;
        records::unindex(tx, seq, &title, &text::searchable_text(&record.data))?;
    }
    tx.execute("DELETE FROM record WHERE seq = ?1", [seq])?;
    tx.execute("DELETE FROM record_change WHERE record_id = ?1", [id.to_string()])?;
    conflicts::delete_of_record(tx, id)?;
    Ok(Some(record))
}

/// The live attachments of a record (a person's signed consent form…).
pub fn attachments_of(conn: &Connection, record_id: RecordId) -> Result<Vec<RecordId>> {
    let mut stmt = conn
        .prepare("SELECT id FROM record WHERE kind = 'attachment' AND deleted = 0 AND data ->> '$.record_id' = ?1")?;
    let rows = stmt.query_map([record_id.to_string()], |r| r.get::<_, String>(0))?;
    rows.map(|r| Ok(RecordId::parse(&r?)?)).collect()
}

/// The live interviews and workshops whose data holds one of `needles` (persons' ids): the kinds
/// that point to persons. One pass over their rows, the data read only where a needle is found.
pub fn pointing_to_any(conn: &Connection, needles: &[String]) -> Result<Vec<Record>> {
    let mut stmt = conn
        .prepare("SELECT id, data FROM record WHERE deleted = 0 AND kind IN ('interview', 'workshop') ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut ids = Vec::new();
    while let Some(row) = rows.next()? {
        let data = row.get_ref(1)?.as_str().unwrap_or_default();
        if needles.iter().any(|n| data.contains(n.as_str())) {
            ids.push(row.get::<_, String>(0)?);
        }
    }
    read_all(conn, ids)
}

/// The live records of a territory (the territory included) whose data holds `needle` exactly
/// (a name as JSON writes it).
pub fn in_territory_holding(conn: &Connection, territory: RecordId, needle: &str) -> Result<Vec<Record>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM record WHERE territory_id = ?1 AND deleted = 0 AND instr(data, ?2) > 0 ORDER BY seq",
    )?;
    let ids: Vec<String> =
        stmt.query_map(params![territory.to_string(), needle], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    read_all(conn, ids)
}

fn read_all(conn: &Connection, ids: Vec<String>) -> Result<Vec<Record>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some((_, record)) = records::get_any(conn, RecordId::parse(&id)?)? {
            out.push(record);
        }
    }
    Ok(out)
}

/// The kept versions whose losing or winning line holds `needle`.
pub fn conflicts_holding(conn: &Connection, needle: &str) -> Result<Vec<ConflictRow>> {
    let mut stmt =
        conn.prepare("SELECT id FROM conflict WHERE instr(loser, ?1) > 0 OR instr(winner, ?1) > 0 ORDER BY id")?;
    let ids: Vec<String> = stmt.query_map([needle], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(conflicts::find(conn, &id)?.into_iter().filter(|c| c.id == id));
    }
    Ok(out)
}

/// A kept version rewritten: its lines, its id (the hash of its losing line), its state.
pub struct RewrittenConflict<'a> {
    pub old_id: &'a str,
    pub new_id: &'a str,
    pub loser_line: &'a str,
    pub winner_line: &'a str,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
    pub now: &'a str,
}

/// Rewrites a kept version in place (another row already holding the new id gives way to it).
pub fn rewrite_conflict(tx: &Connection, c: &RewrittenConflict<'_>) -> Result<()> {
    if c.new_id != c.old_id {
        tx.execute("DELETE FROM conflict WHERE id = ?1", [c.new_id])?;
    }
    tx.execute(
        "UPDATE conflict SET id = ?2, loser = ?3, winner = ?4, status = ?5, resolution = ?6,
                resolved_at = CASE WHEN ?6 IS NULL THEN NULL ELSE COALESCE(resolved_at, ?7) END
         WHERE id = ?1",
        params![
            c.old_id,
            c.new_id,
            c.loser_line,
            c.winner_line,
            c.status.as_str(),
            c.resolution.map(Resolution::as_str),
            c.now
        ],
    )?;
    Ok(())
}

/// Whether a backup file still holds a record of one of `ids`; `None` when it cannot be read.
pub fn backup_holds_any(
    file: &Path,
    key: Option<&crate::store::cipher::StoreKey>,
    ids: &HashSet<RecordId>,
) -> Option<bool> {
    let conn = crate::store::backup::open_untouched(file, key).ok()?;
    let mut stmt = conn.prepare("SELECT 1 FROM record WHERE id = ?1").ok()?;
    let mut found = false;
    for id in ids {
        found |= stmt.query_row([id.to_string()], |_| Ok(())).optional().ok()?.is_some();
    }
    Some(found)
}

//! The `conflict` table: versions of a record that lost a merge and that nobody replaced
//! knowingly, kept whole until a person chooses (see `sync::merge` for the rules).

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::domain::{Kind, Record, RecordId, Version};
use crate::error::Result;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatus {
    Open,
    Resolved,
}

impl ConflictStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictStatus::Open => "open",
            ConflictStatus::Resolved => "resolved",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    KeepWinner,
    KeepLoser,
    Superseded,
    Identical,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::KeepWinner => "keep_winner",
            Resolution::KeepLoser => "keep_loser",
            Resolution::Superseded => "superseded",
            Resolution::Identical => "identical",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "keep_winner" => Some(Resolution::KeepWinner),
            "keep_loser" => Some(Resolution::KeepLoser),
            "superseded" => Some(Resolution::Superseded),
            "identical" => Some(Resolution::Identical),
            _ => None,
        }
    }

    /// Settled for good: a person chose, or the loser was replaced knowingly.
    pub fn is_final(self) -> bool {
        !matches!(self, Resolution::Identical)
    }
}

/// A row of the `conflict` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub id: String,
    pub record_id: RecordId,
    pub kind: Kind,
    pub loser: Record,
    pub loser_line: String,
    pub winner_line: String,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
    pub found_at: String,
    pub found_in_bundle: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_version: Option<String>,
}

const CONFLICT_COLUMNS: &str =
    "id, record_id, kind, loser, winner, status, resolution, found_at, found_in_bundle, resolved_at, resolved_version";

fn conflict_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ConflictRow>> {
    let loser_line: String = row.get(3)?;
    let Ok(loser) = serde_json::from_str::<Record>(&loser_line) else { return Ok(None) };
    let kind: String = row.get(2)?;
    let status: String = row.get(5)?;
    let resolution: Option<String> = row.get(6)?;
    Ok(Some(ConflictRow {
        id: row.get(0)?,
        record_id: loser.id,
        kind: kind.parse().unwrap_or(loser.kind),
        loser,
        loser_line,
        winner_line: row.get(4)?,
        status: if status == "open" { ConflictStatus::Open } else { ConflictStatus::Resolved },
        resolution: resolution.as_deref().and_then(Resolution::parse),
        found_at: row.get(7)?,
        found_in_bundle: row.get(8)?,
        resolved_at: row.get(9)?,
        resolved_version: row.get(10)?,
    }))
}

/// Every conflict row of a record.
pub fn of_record(conn: &Connection, id: RecordId) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE record_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([id.to_string()], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// Conflict rows, open ones only or all, oldest first.
pub fn list(conn: &Connection, include_resolved: bool) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE (?1 OR status = 'open') ORDER BY found_at, id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([include_resolved], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// One conflict by id (or unique id prefix of at least 6 digits).
pub fn find(conn: &Connection, id: &str) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE id LIKE ?1 || '%' ORDER BY id LIMIT 2");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([id.to_ascii_lowercase()], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// Whether any conflict row exists (most stores have none: a merge then skips the look-ups).
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM conflict)", [], |r| r.get(0))?)
}

/// A losing version to keep.
pub struct NewConflict<'a> {
    pub id: &'a str,
    pub record_id: RecordId,
    pub kind: Kind,
    pub loser_version: &'a Version,
    pub loser_line: &'a str,
    pub winner_version: &'a Version,
    pub winner_line: &'a str,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
}

/// Keeps a losing version (once: the same loser found again changes nothing).
pub fn insert(tx: &Connection, c: &NewConflict<'_>, found_in_bundle: Option<&str>, now: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO conflict (id, record_id, kind, loser_version, loser, winner_version, winner, found_at,
                               found_in_bundle, status, resolution, resolved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO NOTHING",
    )?
    .execute(params![
        c.id,
        c.record_id.to_string(),
        c.kind.as_str(),
        c.loser_version.to_string(),
        c.loser_line,
        c.winner_version.to_string(),
        c.winner_line,
        now,
        found_in_bundle,
        c.status.as_str(),
        c.resolution.map(Resolution::as_str),
        c.resolution.map(|_| now),
    ])?;
    Ok(())
}

/// A kept loser now stands against another winner (and is open, closed or reopened).
pub fn follow_winner(
    tx: &Connection,
    id: &str,
    winner_version: &Version,
    winner_line: &str,
    status: ConflictStatus,
    resolution: Option<Resolution>,
    now: &str,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conflict SET winner_version = ?2, winner = ?3, status = ?4, resolution = ?5,
                resolved_at = CASE WHEN ?5 IS NULL THEN NULL ELSE COALESCE(resolved_at, ?6) END
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        winner_version.to_string(),
        winner_line,
        status.as_str(),
        resolution.map(Resolution::as_str),
        now
    ])?;
    Ok(())
}

/// Erases one kept version.
pub fn delete(tx: &Connection, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM conflict WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Erases every kept version of a record (its deletion outranks them all).
pub fn delete_of_record(tx: &Connection, record_id: RecordId) -> Result<()> {
    tx.execute("DELETE FROM conflict WHERE record_id = ?1", [record_id.to_string()])?;
    Ok(())
}

/// Records a person's choice on a conflict (the caller wrote the version that settles it).
pub fn mark_resolved(tx: &Connection, id: &str, resolution: Resolution, version: &Version, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE conflict SET status = 'resolved', resolution = ?2, resolved_at = ?3, resolved_version = ?4 WHERE id = ?1",
        params![id, resolution.as_str(), now, version.to_string()],
    )?;
    Ok(())
}

/// The losing versions an export carries (open, or identical to the winner for now), by id.
pub fn travelling_losers(conn: &Connection) -> Result<Vec<(RecordId, String)>> {
    let mut stmt = conn.prepare(
        "SELECT record_id, loser FROM conflict WHERE status = 'open' OR resolution = 'identical' ORDER BY id",
    )?;
    let mut out = Vec::new();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, line) = row?;
        if let Ok(id) = RecordId::parse(&id) {
            out.push((id, line));
        }
    }
    Ok(out)
}

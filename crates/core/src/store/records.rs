//! Queries on the `record` table and its full-text index.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::domain::{text, Kind, Record, RecordId, Version};
use crate::error::{Error, Result};

/// Columns of `record` in the order [`from_row`] reads them.
pub const COLUMNS: &str =
    "seq, id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, data";

/// A record as the store keeps it, with the derived columns the store filters on.
pub struct RecordRow<'a> {
    pub record: &'a Record,
    pub title: &'a str,
    pub date: Option<&'a str>,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<(i64, Record)> {
    let parse_err =
        |i: usize, e: String| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into());
    let id: String = row.get(1)?;
    let kind: String = row.get(2)?;
    let territory: Option<String> = row.get(3)?;
    let version: String = row.get(4)?;
    let created_device: String = row.get(6)?;
    let data: String = row.get(10)?;
    let record = Record {
        id: RecordId::parse(&id).map_err(|e| parse_err(1, e.to_string()))?,
        kind: kind.parse().map_err(|e: crate::domain::ParseError| parse_err(2, e.to_string()))?,
        territory_id: territory.map(|t| RecordId::parse(&t)).transpose().map_err(|e| parse_err(3, e.to_string()))?,
        version: version.parse().map_err(|e: crate::domain::ParseError| parse_err(4, e.to_string()))?,
        created_by: row.get(5)?,
        created_device: crate::domain::DeviceId(
            uuid::Uuid::parse_str(&created_device).map_err(|e| parse_err(6, e.to_string()))?,
        ),
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
        deleted: row.get::<_, i64>(9)? != 0,
        data: serde_json::from_str(&data).map_err(|e| parse_err(10, e.to_string()))?,
    };
    Ok((row.get(0)?, record))
}

/// A record and its local row number, live or tombstone.
pub fn get_any(conn: &Connection, id: RecordId) -> Result<Option<(i64, Record)>> {
    let sql = format!("SELECT {COLUMNS} FROM record WHERE id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id.to_string()], from_row).optional()?)
}

/// A stored record with its local row number and title.
pub struct Stored {
    pub seq: i64,
    pub title: String,
    pub record: Record,
}

/// The stored records (live or tombstones) among `ids`, in one query; absent ids are left out.
pub fn get_many(conn: &Connection, ids: &[RecordId]) -> Result<Vec<Stored>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The ids as a JSON array (a UUID's text needs no escaping), walked by `json_each`: each
    // one is then looked up in the id index, as many single queries would, in one statement.
    let mut list = String::with_capacity(ids.len() * 39 + 2);
    list.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push('"');
        list.push_str(&id.to_string());
        list.push('"');
    }
    list.push(']');
    let sql = format!("SELECT {COLUMNS}, title FROM record WHERE id IN (SELECT value FROM json_each(?1))");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([list], |row| {
        let (seq, record) = from_row(row)?;
        Ok(Stored { seq, title: row.get(11)?, record })
    })?;
    rows.map(|r| r.map_err(Error::from)).collect()
}

/// The kind of a live record, if there is one with that id.
pub fn live_kind(conn: &Connection, id: RecordId) -> Result<Option<Kind>> {
    let kind: Option<String> = conn
        .query_row("SELECT kind FROM record WHERE id = ?1 AND deleted = 0", [id.to_string()], |r| r.get(0))
        .optional()?;
    Ok(kind.map(|k| k.parse()).transpose()?)
}

/// The kind of any record with that id, and whether it is a tombstone.
pub fn any_kind(conn: &Connection, id: RecordId) -> Result<Option<(Kind, bool)>> {
    let row: Option<(String, i64)> = conn
        .prepare_cached("SELECT kind, deleted FROM record WHERE id = ?1")?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(k, d)| Ok((k.parse()?, d != 0))).transpose()
}

/// Live records of a kind, optionally of one territory, ordered by date (newest first) then title.
pub fn list(conn: &Connection, kind: Kind, territory: Option<RecordId>) -> Result<Vec<Record>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM record
         WHERE kind = ?1 AND deleted = 0 AND (?2 IS NULL OR territory_id = ?2)
         ORDER BY date DESC, title COLLATE NOCASE, id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![kind.as_str(), territory.map(|t| t.to_string())], from_row)?;
    rows.map(|r| r.map(|(_, rec)| rec).map_err(Error::from)).collect()
}

/// Every live record of a territory, of every kind (the territory itself included).
pub fn live_in_territory(conn: &Connection, territory: RecordId) -> Result<Vec<Record>> {
    let sql = format!("SELECT {COLUMNS} FROM record WHERE territory_id = ?1 AND deleted = 0 ORDER BY seq");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([territory.to_string()], from_row)?;
    rows.map(|r| r.map(|(_, rec)| rec).map_err(Error::from)).collect()
}

/// Every record of a kind, tombstones included.
pub fn list_any(conn: &Connection, kind: Kind) -> Result<Vec<Record>> {
    let sql = format!("SELECT {COLUMNS} FROM record WHERE kind = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([kind.as_str()], from_row)?;
    rows.map(|r| r.map(|(_, rec)| rec).map_err(Error::from)).collect()
}

/// Number of live records per kind (every kind present, zero included).
pub fn counts(conn: &Connection, territory: Option<RecordId>) -> Result<BTreeMap<Kind, u64>> {
    let mut out: BTreeMap<Kind, u64> = Kind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, COUNT(*) FROM record WHERE deleted = 0 AND (?1 IS NULL OR territory_id = ?1) GROUP BY kind",
    )?;
    let rows =
        stmt.query_map([territory.map(|t| t.to_string())], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (kind, n) = row?;
        if let Ok(kind) = kind.parse::<Kind>() {
            out.insert(kind, n as u64);
        }
    }
    Ok(out)
}

/// Writes `row` (insert or replace by id) and keeps the full-text index in step.
/// Returns the local row number.
pub fn upsert(conn: &Connection, row: &RecordRow<'_>) -> Result<i64> {
    let r = row.record;
    let data = crate::canonical::to_string(&r.data);
    // What the index holds for the version replaced, to take it out word by word (the index
    // keeps no copy of the text, and `secure-delete` purges what it is told to delete).
    let previous: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT seq, title, data FROM record WHERE id = ?1 AND deleted = 0")?
        .query_row([r.id.to_string()], |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)))
        .optional()?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO record (id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, title, date, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET
            kind = excluded.kind, territory_id = excluded.territory_id, version = excluded.version,
            created_by = excluded.created_by, created_device = excluded.created_device,
            created_at = excluded.created_at, updated_at = excluded.updated_at, deleted = excluded.deleted,
            title = excluded.title, date = excluded.date, data = excluded.data
         RETURNING seq",
    )?;
    let seq: i64 = stmt.query_row(
        params![
            r.id.to_string(),
            r.kind.as_str(),
            r.territory_id.map(|t| t.to_string()),
            r.version.to_string(),
            r.created_by,
            r.created_device.to_string(),
            r.created_at,
            r.updated_at,
            r.deleted as i64,
            row.title,
            row.date,
            data
        ],
        |x| x.get(0),
    )?;
    if let Some((old_seq, old_title, old_data)) = previous {
        let old_data: serde_json::Value = serde_json::from_str(&old_data)?;
        unindex(conn, old_seq, &old_title, &text::searchable_text(&old_data))?;
    }
    if !r.deleted {
        let mut ins = conn.prepare_cached("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        ins.execute(params![seq, row.title, text::searchable_text(&r.data)])?;
    }
    Ok(seq)
}

/// Takes a record's words out of the full-text index: the same title and body it was indexed
/// with (derived again from the stored row), as FTS5 requires for a contentless index.
pub fn unindex(conn: &Connection, seq: i64, title: &str, body: &str) -> Result<()> {
    conn.prepare_cached("INSERT INTO record_fts (record_fts, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)")?
        .execute(params![seq, title, body])?;
    Ok(())
}

/// Writes a record known to be absent (a creation): no index entry to replace.
pub fn insert_new(conn: &Connection, row: &RecordRow<'_>) -> Result<i64> {
    let r = row.record;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO record (id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, title, date, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    stmt.execute(params![
        r.id.to_string(),
        r.kind.as_str(),
        r.territory_id.map(|t| t.to_string()),
        r.version.to_string(),
        r.created_by,
        r.created_device.to_string(),
        r.created_at,
        r.updated_at,
        r.deleted as i64,
        row.title,
        row.date,
        crate::canonical::to_string(&r.data)
    ])?;
    let seq = conn.last_insert_rowid();
    if !r.deleted {
        let mut ins = conn.prepare_cached("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        ins.execute(params![seq, row.title, text::searchable_text(&r.data)])?;
    }
    Ok(seq)
}

/// Every record, live and tombstones, in id order, one at a time (dumps, bundles).
pub fn for_each(conn: &Connection, include_deleted: bool, mut f: impl FnMut(Record) -> Result<()>) -> Result<()> {
    let sql = format!("SELECT {COLUMNS} FROM record WHERE (?1 OR deleted = 0) ORDER BY id");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([include_deleted])?;
    while let Some(row) = rows.next()? {
        let (_, record) = from_row(row)?;
        f(record)?;
    }
    Ok(())
}

fn text<'a>(row: &'a rusqlite::Row<'_>, index: usize) -> Result<&'a str> {
    row.get_ref(index)?.as_str().map_err(|e| {
        Error::from(rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
    })
}

/// A stored record as an export carries it.
pub struct StoredLine<'a> {
    pub id: RecordId,
    pub kind: Kind,
    pub territory_id: Option<RecordId>,
    pub deleted: bool,
    /// Its canonical line: exactly what `domain::record_line` prints for it.
    pub line: &'a str,
    pub data: &'a str,
}

/// Every record but the shipped defaults (which every Maillage installs itself and which do not
/// travel), tombstones included, in id order, as canonical lines. The store keeps `data` as
/// canonical JSON already (`records::upsert`), so the line is assembled around it without parsing
/// it: the same bytes as `domain::record_line`, several times faster.
pub fn for_each_stored_line(conn: &Connection, mut f: impl FnMut(StoredLine<'_>) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, data
         FROM record WHERE version <> ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([Version::SHIPPED.to_string()])?;
    let mut line = String::with_capacity(4096);
    let json = |out: &mut String, text: &str| out.push_str(&serde_json::to_string(text).expect("a string serialises"));
    while let Some(row) = rows.next()? {
        let id: String = text(row, 0)?.to_string();
        let kind: Kind = text(row, 1)?.parse()?;
        let territory: Option<&str> =
            if row.get_ref(2)? == rusqlite::types::ValueRef::Null { None } else { Some(text(row, 2)?) };
        let deleted = row.get::<_, i64>(8)? != 0;
        let data = text(row, 9)?;
        line.clear();
        line.push_str("{\"created_at\":");
        json(&mut line, text(row, 6)?);
        line.push_str(",\"created_by\":");
        json(&mut line, text(row, 4)?);
        line.push_str(",\"created_device\":");
        json(&mut line, text(row, 5)?);
        line.push_str(",\"data\":");
        line.push_str(data);
        line.push_str(if deleted { ",\"deleted\":true,\"id\":" } else { ",\"deleted\":false,\"id\":" });
        json(&mut line, &id);
        line.push_str(",\"kind\":\"");
        line.push_str(kind.as_str());
        line.push_str("\",\"territory_id\":");
        match territory {
            Some(t) => json(&mut line, t),
            None => line.push_str("null"),
        }
        line.push_str(",\"updated_at\":");
        json(&mut line, text(row, 7)?);
        line.push_str(",\"version\":");
        json(&mut line, text(row, 3)?);
        line.push('}');
        f(StoredLine {
            id: RecordId::parse(&id)?,
            kind,
            territory_id: territory.map(RecordId::parse).transpose()?,
            deleted,
            line: &line,
            data,
        })?;
    }
    Ok(())
}

/// Records of every kind, tombstones included.
pub fn count_all(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM record", [], |r| r.get::<_, i64>(0))? as u64)
}

/// The latest change time of each kind's live records in a territory.
pub fn last_activity(conn: &Connection, territory: RecordId) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, MAX(updated_at) FROM record WHERE territory_id = ?1 AND deleted = 0 GROUP BY kind",
    )?;
    let rows = stmt.query_map([territory.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (kind, at) = row?;
        out.insert(kind, at);
    }
    Ok(out)
}

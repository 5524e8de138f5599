//! The `record_lineage` table: "this version replaced that one, knowingly". Edges only accumulate.

use rusqlite::{params, Connection};

use crate::domain::{LineageEdge, RecordId, Version};
use crate::error::Result;

/// Adds an edge (nothing when it is known already).
pub fn add_edge(tx: &Connection, record_id: RecordId, version: &Version, parent: &Version) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO record_lineage (record_id, version, parent) VALUES (?1, ?2, ?3)")?
        .execute(params![record_id.to_string(), version.to_string(), parent.to_string()])?;
    Ok(())
}

/// The versions of a record that some edge names as replaced.
pub fn parents_of(conn: &Connection, record_id: RecordId) -> Result<Vec<Version>> {
    let mut stmt = conn.prepare_cached("SELECT parent FROM record_lineage WHERE record_id = ?1")?;
    let rows = stmt.query_map([record_id.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        if let Ok(v) = row?.parse::<Version>() {
            out.push(v);
        }
    }
    Ok(out)
}

/// The edges of one record that go up (a lower version replaced by a higher one).
pub fn edges_of(conn: &Connection, record_id: RecordId) -> Result<Vec<LineageEdge>> {
    let mut stmt = conn.prepare_cached("SELECT version, parent FROM record_lineage WHERE record_id = ?1")?;
    let rows = stmt.query_map([record_id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (v, p) = row?;
        if let (Ok(version), Ok(parent)) = (v.parse::<Version>(), p.parse::<Version>()) {
            if parent < version {
                out.push(LineageEdge { record_id, version, parent });
            }
        }
    }
    Ok(out)
}

/// Every edge that goes up, for the records `keep` accepts.
pub fn all_edges(conn: &Connection, mut keep: impl FnMut(RecordId) -> bool) -> Result<Vec<LineageEdge>> {
    let mut stmt = conn.prepare("SELECT record_id, version, parent FROM record_lineage")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, v, p) = row?;
        if let (Ok(record_id), Ok(version), Ok(parent)) = (RecordId::parse(&id), v.parse::<Version>(), p.parse()) {
            if parent < version && keep(record_id) {
                out.push(LineageEdge { record_id, version, parent });
            }
        }
    }
    Ok(out)
}

/// While set (inside an import's transaction), the trigger that records local edits' lineage
/// leaves the import's writes alone.
pub fn set_merge_in_progress(tx: &Connection, on: bool) -> Result<()> {
    if on {
        tx.execute("INSERT OR REPLACE INTO merge_in_progress (singleton) VALUES (1)", [])?;
    } else {
        tx.execute("DELETE FROM merge_in_progress", [])?;
    }
    Ok(())
}

//! Headquarters' queries: every territory at once (the national dashboard) and every live record
//! of a kind, streamed, for the national tables. Reads only.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rusqlite::Connection;

use crate::domain::{Kind, RecordId};
use crate::error::Result;

fn text<'a>(row: &'a rusqlite::Row<'_>, index: usize) -> Result<&'a str> {
    row.get_ref(index)?
        .as_str()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)).into())
}

/// What one pass over the records says of a territory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Live records per kind (the territory itself counted as a territory).
    pub counts: BTreeMap<Kind, u64>,
    /// The facilitators named as creators of its live records (`created_by` of the envelopes).
    pub creators: BTreeSet<String>,
    /// The latest change (RFC 3339) of any of its live records.
    pub last_change: Option<String>,
}

/// Live records per territory, kind and creator, in one pass.
pub fn tally(conn: &Connection) -> Result<HashMap<RecordId, Tally>> {
    let mut out: HashMap<RecordId, Tally> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT territory_id, kind, created_by, COUNT(*), MAX(updated_at) FROM record
         WHERE deleted = 0 AND territory_id IS NOT NULL
         GROUP BY territory_id, kind, created_by",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let territory = RecordId::parse(text(row, 0)?)?;
        let Ok(kind) = text(row, 1)?.parse::<Kind>() else { continue };
        let t = out.entry(territory).or_default();
        *t.counts.entry(kind).or_default() += row.get::<_, i64>(3)? as u64;
        t.creators.insert(row.get(2)?);
        let at: String = row.get(4)?;
        if t.last_change.as_ref().is_none_or(|l| *l < at) {
            t.last_change = Some(at);
        }
    }
    Ok(out)
}

/// Live records of `kind` per territory and value of their `status` field.
pub fn statuses(conn: &Connection, kind: Kind) -> Result<HashMap<RecordId, BTreeMap<String, u64>>> {
    let mut out: HashMap<RecordId, BTreeMap<String, u64>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT territory_id, data ->> '$.status', COUNT(*) FROM record
         WHERE kind = ?1 AND deleted = 0 AND territory_id IS NOT NULL
         GROUP BY 1, 2",
    )?;
    let mut rows = stmt.query([kind.as_str()])?;
    while let Some(row) = rows.next()? {
        let territory = RecordId::parse(text(row, 0)?)?;
        let status: Option<String> = row.get(1)?;
        *out.entry(territory).or_default().entry(status.unwrap_or_default()).or_default() +=
            row.get::<_, i64>(2)? as u64;
    }
    Ok(out)
}

/// Open conflicts per territory of the record in conflict.
pub fn open_conflicts(conn: &Connection) -> Result<HashMap<RecordId, u64>> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT r.territory_id, COUNT(*) FROM conflict c JOIN record r ON r.id = c.record_id
         WHERE c.status = 'open' AND r.territory_id IS NOT NULL
         GROUP BY r.territory_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        out.insert(RecordId::parse(text(row, 0)?)?, row.get::<_, i64>(1)? as u64);
    }
    Ok(out)
}

/// One bundle this store imported, as the history of imports keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedBundle {
    pub bundle_id: String,
    pub device_id: String,
    pub sequence: u64,
    pub covers: String,
    /// When the device made it (RFC 3339, from its manifest).
    pub created_at: String,
    /// When this store imported it.
    pub imported_at: String,
    /// The import report, JSON (`api::ImportReport`, the territories without their names).
    pub report: String,
}

/// Every bundle imported, oldest import first.
pub fn imported_bundles(conn: &Connection) -> Result<Vec<ImportedBundle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bundle_id, device_id, sequence, covers, created_at, imported_at, report
         FROM imported_bundle ORDER BY imported_at, bundle_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ImportedBundle {
            bundle_id: r.get(0)?,
            device_id: r.get(1)?,
            sequence: r.get::<_, i64>(2)? as u64,
            covers: r.get(3)?,
            created_at: r.get(4)?,
            imported_at: r.get(5)?,
            report: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A live record as the national tables read it: its envelope's few columns and its data as
/// stored (canonical JSON), parsed by the caller straight into the kind's struct.
pub struct LiveRow<'a> {
    pub id: RecordId,
    pub territory_id: Option<RecordId>,
    pub updated_at: &'a str,
    pub data: &'a str,
}

/// Every live record of `kind`, one at a time, by territory then date then id.
pub fn for_each_live(conn: &Connection, kind: Kind, mut f: impl FnMut(LiveRow<'_>) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, territory_id, updated_at, data FROM record
         WHERE kind = ?1 AND deleted = 0
         ORDER BY territory_id, date, id",
    )?;
    let mut rows = stmt.query([kind.as_str()])?;
    while let Some(row) = rows.next()? {
        let territory = match row.get_ref(1)? {
            rusqlite::types::ValueRef::Null => None,
            _ => Some(RecordId::parse(text(row, 1)?)?),
        };
        f(LiveRow {
            id: RecordId::parse(text(row, 0)?)?,
            territory_id: territory,
            updated_at: text(row, 2)?,
            data: text(row, 3)?,
        })?;
    }
    Ok(())
}

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

/// What the records say of a territory, read from the index of live records only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Live records per kind (the territory itself counted as a territory).
    pub counts: BTreeMap<Kind, u64>,
    /// The facilitators named as creators of its live records (`created_by` of the envelopes).
    pub creators: BTreeSet<String>,
}

/// Live records per territory, kind and creator (index `record_live_by_territory`).
pub fn tally(conn: &Connection) -> Result<HashMap<RecordId, Tally>> {
    let mut out: HashMap<RecordId, Tally> = HashMap::new();
    let mut stmt = conn.prepare_cached(TALLY)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let territory = RecordId::parse(text(row, 0)?)?;
        let Ok(kind) = text(row, 1)?.parse::<Kind>() else { continue };
        let t = out.entry(territory).or_default();
        *t.counts.entry(kind).or_default() += row.get::<_, i64>(3)? as u64;
        t.creators.insert(row.get(2)?);
    }
    Ok(out)
}

const TALLY: &str = "SELECT territory_id, kind, created_by, COUNT(*) FROM record
     WHERE deleted = 0 AND territory_id IS NOT NULL
     GROUP BY territory_id, kind, created_by";

/// What an action's facet ends with when it is ranked (a rank, or impact and feasibility).
pub const RANKED: &str = " classée";

/// The `WHERE` of the index `record_live_facet`, repeated so that SQLite uses it.
const FACETS: &str = "SELECT kind, territory_id, facet, COUNT(*) FROM record
     WHERE deleted = 0 AND kind IN ('interview', 'action', 'practice', 'workshop', 'indicator', 'measurement')
       AND territory_id IS NOT NULL
     GROUP BY kind, territory_id, facet";

/// Live records per kind, territory and `facet` (the generated column of migration 0006, read
/// from the index `record_live_facet`): interviews, actions
/// and practice sheets by status (an action's followed by [`RANKED`] when ranked), workshops by
/// kind, measurements by indicator, indicators by id. `f(kind, territory, facet, count)`.
pub fn facets(conn: &Connection, mut f: impl FnMut(Kind, RecordId, &str, u64)) -> Result<()> {
    let mut stmt = conn.prepare_cached(FACETS)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Ok(kind) = text(row, 0)?.parse::<Kind>() else { continue };
        let territory = RecordId::parse(text(row, 1)?)?;
        let facet = match row.get_ref(2)? {
            rusqlite::types::ValueRef::Null => "",
            _ => text(row, 2)?,
        };
        f(kind, territory, facet, row.get::<_, i64>(3)? as u64);
    }
    Ok(())
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

impl ImportedBundle {
    /// Reads a row selected as `bundle_id, device_id, sequence, covers, created_at, imported_at,
    /// report` (in that order) from `imported_bundle`.
    pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(ImportedBundle {
            bundle_id: r.get(0)?,
            device_id: r.get(1)?,
            sequence: r.get::<_, i64>(2)? as u64,
            covers: r.get(3)?,
            created_at: r.get(4)?,
            imported_at: r.get(5)?,
            report: r.get(6)?,
        })
    }
}

/// Every bundle imported, oldest import first.
pub fn imported_bundles(conn: &Connection) -> Result<Vec<ImportedBundle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bundle_id, device_id, sequence, covers, created_at, imported_at, report
         FROM imported_bundle ORDER BY imported_at, bundle_id",
    )?;
    let rows = stmt.query_map([], ImportedBundle::from_row)?;
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
pub fn for_each_live(conn: &Connection, kind: Kind, f: impl FnMut(LiveRow<'_>) -> Result<()>) -> Result<()> {
    let stmt = conn.prepare_cached(
        "SELECT id, territory_id, updated_at, data FROM record
         WHERE kind = ?1 AND deleted = 0
         ORDER BY territory_id, date, id",
    )?;
    live_rows(stmt, kind, f)
}

/// [`for_each_live`] in no particular order: no sort, so no copy of the data (the synthesis,
/// which counts).
pub fn for_each_live_unordered(conn: &Connection, kind: Kind, f: impl FnMut(LiveRow<'_>) -> Result<()>) -> Result<()> {
    let stmt =
        conn.prepare_cached("SELECT id, territory_id, updated_at, data FROM record WHERE kind = ?1 AND deleted = 0")?;
    live_rows(stmt, kind, f)
}

fn live_rows(
    mut stmt: rusqlite::CachedStatement<'_>,
    kind: Kind,
    mut f: impl FnMut(LiveRow<'_>) -> Result<()>,
) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// How SQLite runs `sql`, as one text.
    fn plan(conn: &Connection, sql: &str) -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn the_dashboard_reads_indexes_not_records() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(&dir.path().join("s.sqlite3")).unwrap();
        store
            .read(|conn| {
                let tally = plan(conn, TALLY);
                assert!(tally.contains("COVERING INDEX record_live_by_territory"), "{tally}");
                // The plan does not say "covering" for an index on a generated column, but the
                // facet is read from the index: `make bench` times it.
                let facets = plan(conn, FACETS);
                assert!(facets.contains("INDEX record_live_facet"), "{facets}");
                Ok(())
            })
            .unwrap();
    }
}

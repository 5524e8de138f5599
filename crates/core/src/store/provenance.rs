//! Where a record's current version came from: the import whose changes hold it (table
//! `imported_bundle_changes`, migration 0007), read with `record_change`.

use rusqlite::{Connection, OptionalExtension};

use super::national::ImportedBundle;
use crate::domain::RecordId;
use crate::error::Result;

/// The imported bundle that wrote the current version of `id`, when an import did (none when it
/// was made here, or imported before the ranges were kept).
pub fn bundle_of_record(conn: &Connection, id: RecordId) -> Result<Option<ImportedBundle>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.bundle_id, b.device_id, b.sequence, b.covers, b.created_at, b.imported_at, b.report
         FROM record_change rc
         JOIN imported_bundle_changes c
           ON c.to_change = (SELECT MIN(to_change) FROM imported_bundle_changes WHERE to_change >= rc.change_seq)
         JOIN imported_bundle b ON b.bundle_id = c.bundle_id
         WHERE rc.record_id = ?1 AND c.from_change < rc.change_seq",
    )?;
    Ok(stmt.query_row([id.to_string()], ImportedBundle::from_row).optional()?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundle_of_a_record_is_found_by_index() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(&dir.path().join("s.sqlite3")).unwrap();
        store
            .read(|conn| {
                let mut stmt = conn
                    .prepare(
                        "EXPLAIN QUERY PLAN SELECT MIN(to_change) FROM imported_bundle_changes WHERE to_change >= 5",
                    )
                    .unwrap();
                let plan: Vec<String> = stmt.query_map([], |r| r.get(3)).unwrap().map(|r| r.unwrap()).collect();
                assert!(plan.join(" ").contains("imported_bundle_changes_by_end"), "{plan:?}");
                Ok(())
            })
            .unwrap();
    }
}

//! The schema: numbered migrations embedded in the binary, applied in order, recorded in
//! `PRAGMA user_version`. A store whose version is newer than the binary's is refused.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migrations in order; the schema version is the number of migrations applied.
/// Append only: a shipped migration is never edited.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("../../migrations/0001_initial.sql")),
    ("0002_exchange", include_str!("../../migrations/0002_exchange.sql")),
    ("0003_settings", include_str!("../../migrations/0003_settings.sql")),
    ("0004_secure_delete", include_str!("../../migrations/0004_secure_delete.sql")),
    ("0005_export_selection", include_str!("../../migrations/0005_export_selection.sql")),
    ("0006_national", include_str!("../../migrations/0006_national.sql")),
    ("0007_headquarters", include_str!("../../migrations/0007_headquarters.sql")),
    ("0008_privacy", include_str!("../../migrations/0008_privacy.sql")),
    ("0009_cooperation_grid", include_str!("../../migrations/0009_cooperation_grid.sql")),
    ("0010_selection_committee", include_str!("../../migrations/0010_selection_committee.sql")),
    ("0011_library_and_meetings", include_str!("../../migrations/0011_library_and_meetings.sql")),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn` to [`SCHEMA_VERSION`], each migration in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema { found, known: SCHEMA_VERSION });
    }
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        after(&tx, index + 1)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// What a migration needs beyond SQL, in the same transaction.
fn after(tx: &Connection, version: usize) -> Result<()> {
    if version == 4 {
        // The new full-text index is filled from the records (the text is derived in Rust).
        let mut stmt = tx.prepare("SELECT seq, title, data FROM record WHERE deleted = 0")?;
        let mut ins = tx.prepare("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let data: serde_json::Value = serde_json::from_str(&row.get::<_, String>(2)?)?;
            ins.execute(rusqlite::params![
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                crate::domain::text::searchable_text(&data)
            ])?;
        }
    }
    Ok(())
}

/// The schema as SQLite describes it, normalised for comparison (tests, `check`).
#[cfg(any(test, feature = "test-support"))]
pub fn describe(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

//! `check`: is the store sound? SQLite's integrity and foreign-key checks, the search index
//! against the records, every live record's data against the rules of its kind, its territory a
//! live territory, and each reference a record of the kind it names (an error when absent or of
//! another kind, a remark when deleted).

use rusqlite::Connection;

use serde::Serialize;

use crate::domain::kinds;
use crate::error::Result;
use crate::store::records;

/// What `check` found.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub problems: Vec<String>,
    /// Things worth knowing that do not make the store unsound (a reference to a record not yet
    /// received from another device…).
    pub warnings: Vec<String>,
    pub records: u64,
}

pub fn run(conn: &Connection) -> Result<CheckReport> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();

    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = row?;
        if line != "ok" {
            problems.push(format!("intégrité SQLite : {line}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let fk_failures = stmt.query_map([], |r| r.get::<_, String>(0))?.count();
    if fk_failures > 0 {
        problems.push(format!("{fk_failures} enregistrement(s) désignent un territoire absent"));
    }
    if let Err(e) = conn.execute("INSERT INTO record_fts (record_fts) VALUES ('integrity-check')", []) {
        problems.push(format!("index de recherche endommagé : {e}"));
    }
    let live: i64 = conn.query_row("SELECT COUNT(*) FROM record WHERE deleted = 0", [], |r| r.get(0))?;
    let indexed: i64 = conn.query_row("SELECT COUNT(*) FROM record_fts_docsize", [], |r| r.get(0))?;
    if live != indexed {
        problems.push(format!("index de recherche incomplet : {indexed} entrées pour {live} enregistrements"));
    }

    let mut records_seen = 0u64;
    records::for_each(conn, false, |record| {
        records_seen += 1;
        match kinds::validate(record.kind, record.data.clone()) {
            Err(e) => problems.push(format!("{} {} : {}", record.kind, record.id, e.message)),
            Ok(v) => {
                if let Some(t) = record.territory_id.filter(|t| *t != record.id) {
                    match records::any_kind(conn, t)? {
                        Some((crate::domain::Kind::Territory, false)) => {}
                        // A territory goes with everything in it: a live record left in a deleted
                        // one (a bundle's record written there meanwhile) is shown nowhere.
                        Some((crate::domain::Kind::Territory, true)) => problems.push(format!(
                            "{} {} : son territoire {} a été supprimé ; l'enregistrement n'est plus affiché nulle part (supprimez-le)",
                            record.kind, record.id, t
                        )),
                        Some((kind, _)) => problems.push(format!(
                            "{} {} : son territoire {} est un(e) {}, pas un territoire",
                            record.kind,
                            record.id,
                            t,
                            kind.label_fr()
                        )),
                        None => {} // counted by the foreign-key check above
                    }
                }
                for r in v.references {
                    match records::any_kind(conn, r.id)? {
                        Some((kind, false)) if kind == r.kind => {}
                        // A deletion made here (deleting a record leaves the records that point
                        // to it as they are) or elsewhere while this one pointed to it (the
                        // deletion travels, the import accepts it): a remark, the record itself
                        // is sound and every store that holds the same versions says the same.
                        Some((kind, true)) if kind == r.kind => warnings.push(format!(
                            "{} {} : le champ « {} » désigne {} {}, supprimé(e) depuis",
                            record.kind,
                            record.id,
                            r.field,
                            r.kind.label_fr(),
                            r.id
                        )),
                        Some((kind, _)) => problems.push(format!(
                            "{} {} : le champ « {} » désigne {}, qui est un(e) {} et non un(e) {}",
                            record.kind,
                            record.id,
                            r.field,
                            r.id,
                            kind.label_fr(),
                            r.kind.label_fr()
                        )),
                        None => problems.push(format!(
                            "{} {} : le champ « {} » désigne {}, absent de ce magasin",
                            record.kind, record.id, r.field, r.id
                        )),
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(CheckReport { ok: problems.is_empty(), problems, warnings, records: records_seen })
}

//! What an import writes: the versions a merge chose, in bulk (the `record` rows, then their
//! full-text index rows), and the `imported_bundle` table — every bundle this store imported, so
//! that the same one twice changes nothing.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection};

use super::records::{unindex, RecordRow};
use crate::domain::{text, Record, RecordId};
use crate::error::Result;

pub fn seen(conn: &Connection, bundle_id: &str) -> Result<bool> {
    Ok(conn
        .query_row("SELECT EXISTS (SELECT 1 FROM imported_bundle WHERE bundle_id = ?1)", [bundle_id], |r| r.get(0))?)
}

/// One imported bundle, as the history keeps it.
pub struct ImportEntry<'a> {
    pub bundle_id: &'a str,
    pub device_id: &'a str,
    pub sequence: u64,
    pub covers: &'a str,
    pub created_at: &'a str,
    pub imported_at: &'a str,
    pub file_sha256: &'a str,
    /// The import report, JSON, without personal data.
    pub report: &'a str,
}

pub fn record(tx: &Connection, e: &ImportEntry<'_>) -> Result<()> {
    tx.execute(
        "INSERT INTO imported_bundle (bundle_id, device_id, sequence, covers, created_at, imported_at, file_sha256, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.bundle_id, e.device_id, e.sequence as i64, e.covers, e.created_at, e.imported_at, e.file_sha256, e.report],
    )?;
    Ok(())
}

/// The highest `record_change.change_seq` so far (0 when nothing changed yet).
pub fn last_change(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COALESCE(MAX(change_seq), 0) FROM record_change", [], |r| r.get(0))?)
}

/// Records that the import of `bundle_id` wrote the changes `(from, to]` (nothing when it wrote
/// none).
pub fn record_changes(tx: &Connection, bundle_id: &str, from: i64, to: i64) -> Result<()> {
    if to > from {
        tx.execute(
            "INSERT INTO imported_bundle_changes (bundle_id, from_change, to_change) VALUES (?1, ?2, ?3)",
            params![bundle_id, from, to],
        )?;
    }
    Ok(())
}

/// A version a merge writes: over the stored row `replaces` names, or as a new row when `None`.
pub struct MergedWrite<'a> {
    pub row: RecordRow<'a>,
    pub replaces: Option<Overwrite<'a>>,
    /// The version's canonical line (`domain::record_line`), when known: its data is taken
    /// from it rather than serialised again.
    pub line: Option<&'a str>,
}

/// A stored row a merge writes over: its row number, and the title and body the full-text index
/// holds for it while it is live.
#[derive(Debug, Clone, Copy)]
pub struct Overwrite<'a> {
    pub seq: i64,
    pub indexed: Option<(&'a str, &'a str)>,
}

/// New records a merge writes go in by statements of this many rows.
const ROWS_PER_INSERT: usize = 64;

/// Writes the versions a merge chose, in the caller's transaction: every row first, then the
/// full-text index — the words of the versions replaced out, those of the new ones in, each in
/// row-number order.
///
/// *Why so.* SQLite gives a statement that may have to undo part of its work a savepoint (a
/// `record` row's triggers and derived `facet` make every write to it such a statement), and
/// opening one makes FTS5 write out the words it holds in memory as a new segment. Written row
/// by row between such statements, the index got one segment per record and an import spent
/// most of its time merging them; written after the rows, it receives a bundle's words in a few
/// large segments. New records go in `ROWS_PER_INSERT` at a time: one savepoint, and one copy
/// aside of each page touched, per statement rather than per row. A record's row number never
/// changes, so the index rows follow it.
pub fn write_merged(conn: &Connection, writes: &[MergedWrite<'_>]) -> Result<()> {
    if writes.is_empty() {
        return Ok(());
    }
    // A large merge touches more pages than SQLite's default cache (2 MiB) holds: pages pushed
    // out half-way are written to the WAL, read back and written again at the commit. The cache
    // grows for the merge (its pages stay until the commit writes them) and comes back after.
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    let kib = |size: i64| if size < 0 { -size } else { size.saturating_mul(4) };
    let grow = writes.len() >= LARGE_MERGE && kib(before) < MERGE_CACHE_KIB;
    if grow {
        conn.execute_batch(&format!("PRAGMA cache_size = -{MERGE_CACHE_KIB}"))?;
    }
    let written = write_rows_then_index(conn, writes);
    if grow {
        conn.execute_batch(&format!("PRAGMA cache_size = {before}"))?;
    }
    written
}

/// A merge of this many records or more gets a page cache of [`MERGE_CACHE_KIB`].
const LARGE_MERGE: usize = 1000;
const MERGE_CACHE_KIB: i64 = 64 * 1024;

fn write_rows_then_index(conn: &Connection, writes: &[MergedWrite<'_>]) -> Result<()> {
    let mut out_of_index: Vec<(i64, &str, &str)> = Vec::new();
    let mut into_index: Vec<(i64, &str, String)> = Vec::with_capacity(writes.len());
    let mut fresh: Vec<&MergedWrite<'_>> = Vec::with_capacity(writes.len());
    let mut update = conn.prepare_cached(
        "UPDATE record SET
            kind = ?2, territory_id = ?3, version = ?4, created_by = ?5, created_device = ?6, created_at = ?7,
            updated_at = ?8, deleted = ?9, title = ?10, date = ?11, data = ?12
         WHERE seq = ?13 AND id = ?1",
    )?;
    let mut values: Vec<Value> = Vec::with_capacity(ROWS_PER_INSERT * 13);
    for w in writes {
        let Some(Overwrite { seq, indexed }) = w.replaces else {
            fresh.push(w);
            continue;
        };
        values.clear();
        push_values(&mut values, w);
        values.push(Value::Integer(seq));
        let changed = update.execute(params_from_iter(&values))?;
        if changed != 1 {
            // The row read before no longer holds the record: nothing is written.
            return Err(rusqlite::Error::StatementChangedRows(changed).into());
        }
        if let Some((title, body)) = indexed {
            out_of_index.push((seq, title, body));
        }
        if !w.row.record.deleted {
            into_index.push((seq, w.row.title, text::searchable_text(&w.row.record.data)));
        }
    }
    let mut chunks = fresh.chunks_exact(ROWS_PER_INSERT);
    if chunks.len() > 0 {
        let row = format!("({})", ["?"; 12].join(","));
        let sql = format!(
            "INSERT INTO record ({INSERT_COLUMNS}) VALUES {} RETURNING id, seq",
            vec![row; ROWS_PER_INSERT].join(",")
        );
        let mut insert = conn.prepare_cached(&sql)?;
        let mut seqs: HashMap<RecordId, i64> = HashMap::with_capacity(ROWS_PER_INSERT);
        for chunk in &mut chunks {
            values.clear();
            chunk.iter().for_each(|w| push_values(&mut values, w));
            seqs.clear();
            let mut rows = insert.query(params_from_iter(&values))?;
            while let Some(row) = rows.next()? {
                seqs.insert(RecordId::parse(&row.get::<_, String>(0)?)?, row.get(1)?);
            }
            for w in chunk.iter().filter(|w| !w.row.record.deleted) {
                let seq = *seqs.get(&w.row.record.id).ok_or(rusqlite::Error::StatementChangedRows(seqs.len()))?;
                into_index.push((seq, w.row.title, text::searchable_text(&w.row.record.data)));
            }
        }
    }
    let mut insert =
        conn.prepare_cached(&format!("INSERT INTO record ({INSERT_COLUMNS}) VALUES ({})", ["?"; 12].join(",")))?;
    for w in chunks.remainder() {
        values.clear();
        push_values(&mut values, w);
        insert.execute(params_from_iter(&values))?;
        if !w.row.record.deleted {
            into_index.push((conn.last_insert_rowid(), w.row.title, text::searchable_text(&w.row.record.data)));
        }
    }
    out_of_index.sort_unstable_by_key(|x| x.0);
    into_index.sort_unstable_by_key(|x| x.0);
    for (seq, title, body) in out_of_index {
        unindex(conn, seq, title, body)?;
    }
    let mut ins = conn.prepare_cached("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    for (seq, title, body) in &into_index {
        ins.execute(params![seq, title, body])?;
    }
    // The words still in memory are written now, by a statement without a savepoint: left for
    // the next statement that opens one, their segment and its merges would be copied aside
    // page by page as that statement's undo information.
    conn.prepare_cached("INSERT INTO record_fts (record_fts) VALUES ('flush')")?.execute([])?;
    Ok(())
}

/// The columns a write gives, in the order of [`push_values`].
const INSERT_COLUMNS: &str =
    "id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, title, date, data";

fn push_values(values: &mut Vec<Value>, w: &MergedWrite<'_>) {
    let r = w.row.record;
    let text = |s: &str| Value::Text(s.to_string());
    values.extend([
        Value::Text(r.id.to_string()),
        text(r.kind.as_str()),
        r.territory_id.map_or(Value::Null, |t| Value::Text(t.to_string())),
        Value::Text(r.version.to_string()),
        text(&r.created_by),
        Value::Text(r.created_device.to_string()),
        text(&r.created_at),
        text(&r.updated_at),
        Value::Integer(r.deleted as i64),
        text(w.row.title),
        w.row.date.map_or(Value::Null, text),
        Value::Text(match w.line.and_then(|line| data_in_line(line, r)) {
            Some(data) => data.to_string(),
            None => crate::canonical::to_string(&r.data),
        }),
    ]);
}

/// The canonical data inside a record's canonical line: the line is the envelope's fields in key
/// order around it (as `records::for_each_stored_line` assembles it), so the data is what is left
/// once the text before and after, rebuilt from the record, is found at both ends. `None` when
/// the line is not laid out so (the data is then serialised again).
fn data_in_line<'l>(line: &'l str, r: &Record) -> Option<&'l str> {
    let json = |out: &mut String, text: &str| out.push_str(&serde_json::to_string(text).expect("a string serialises"));
    let mut head = String::with_capacity(160);
    head.push_str("{\"created_at\":");
    json(&mut head, &r.created_at);
    head.push_str(",\"created_by\":");
    json(&mut head, &r.created_by);
    head.push_str(",\"created_device\":");
    json(&mut head, &r.created_device.to_string());
    head.push_str(",\"data\":");
    let mut tail = String::with_capacity(200);
    tail.push_str(if r.deleted { ",\"deleted\":true,\"id\":" } else { ",\"deleted\":false,\"id\":" });
    json(&mut tail, &r.id.to_string());
    tail.push_str(",\"kind\":");
    json(&mut tail, r.kind.as_str());
    tail.push_str(",\"territory_id\":");
    match r.territory_id {
        Some(t) => json(&mut tail, &t.to_string()),
        None => tail.push_str("null"),
    }
    tail.push_str(",\"updated_at\":");
    json(&mut tail, &r.updated_at);
    tail.push_str(",\"version\":");
    json(&mut tail, &r.version.to_string());
    tail.push('}');
    let data = line.strip_prefix(head.as_str())?.strip_suffix(tail.as_str())?;
    let found = (data.starts_with('{') && data.ends_with('}')).then_some(data);
    debug_assert!(found.is_none_or(|d| d == crate::canonical::to_string(&r.data)), "the line's data is canonical");
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeviceId, Kind, Version};
    use crate::store::records::get_many;

    fn territory(id: RecordId, ms: u64, name: &str) -> Record {
        let data = crate::domain::kinds::validate(Kind::Territory, serde_json::json!({"name": name, "kind": "qpv"}));
        Record {
            id,
            kind: Kind::Territory,
            territory_id: Some(id),
            version: Version { ms, counter: 0, device: DeviceId(uuid::Uuid::from_u128(7)) },
            created_by: "A".into(),
            created_device: DeviceId(uuid::Uuid::from_u128(7)),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-01T00:00:00.000Z".into(),
            deleted: false,
            data: data.unwrap().data,
        }
    }

    fn write(store: &crate::store::Store, records: &[Record], replaces: &[Option<Overwrite<'_>>]) {
        let titles: Vec<String> = records.iter().map(|r| r.data["name"].as_str().unwrap_or("").to_string()).collect();
        let writes: Vec<MergedWrite<'_>> = records
            .iter()
            .zip(&titles)
            .enumerate()
            .map(|(i, (r, t))| MergedWrite {
                row: RecordRow { record: r, title: t, date: None },
                replaces: replaces.get(i).copied().flatten(),
                line: None,
            })
            .collect();
        store.write(|tx| write_merged(tx, &writes)).unwrap();
    }

    /// Rows by statements of many, the remainder one by one, rows replaced in place: the
    /// index passes FTS5's own check and holds one entry per live record, at its row.
    #[test]
    fn merged_rows_and_their_index_rows_agree() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(&dir.path().join("s.sqlite3")).unwrap();
        let first: Vec<Record> =
            (0..ROWS_PER_INSERT * 2 + 5).map(|i| territory(RecordId::new(), 1, &format!("T{i}"))).collect();
        write(&store, &first, &[]);
        let ids: Vec<RecordId> = first.iter().map(|r| r.id).collect();
        let seqs: Vec<i64> = store.read(|c| get_many(c, &ids)).unwrap().iter().map(|s| s.seq).collect();
        let renamed: Vec<Record> = first[..3].iter().map(|r| territory(r.id, 2, "renommé")).collect();
        let old: Vec<String> = (0..3).map(|i| format!("T{i}")).collect();
        let replaces: Vec<_> =
            (0..3).map(|i| Some(Overwrite { seq: seqs[i], indexed: Some((old[i].as_str(), "")) })).collect();
        write(&store, &renamed, &replaces);
        store
            .read(|c| {
                c.execute("INSERT INTO record_fts (record_fts, rank) VALUES ('integrity-check', 0)", [])?;
                let count = |q: &str| {
                    c.query_row("SELECT count(*) FROM record_fts WHERE record_fts MATCH ?1", [q], |r| {
                        r.get::<_, i64>(0)
                    })
                };
                assert_eq!((count("renommé")?, count("T0")?, count("T100")?), (3, 0, 1));
                let joined: i64 = c.query_row(
                    "SELECT count(*) FROM record_fts f JOIN record r ON r.seq = f.rowid
                     WHERE record_fts MATCH 'renommé' AND r.title = 'renommé'",
                    [],
                    |r| r.get(0),
                )?;
                assert_eq!(joined, 3);
                Ok(())
            })
            .unwrap();
    }

    /// Every kind's data, as the demo writes it, is found in its line exactly as serialised.
    #[test]
    fn the_data_in_a_line_is_the_canonical_data() {
        let req =
            crate::api::DemoRequest { territory: "Orly".into(), interviews: 2, workshops: 2, actions: 2, seed: 1 };
        let items = crate::demo::generate(&req).unwrap();
        assert!(items.len() > 10);
        for item in items {
            let mut r = territory(item.id.unwrap_or_default(), 3, "x");
            (r.kind, r.data, r.territory_id) = (item.kind, item.data, None);
            let line = crate::domain::record_line(&r);
            assert_eq!(data_in_line(&line, &r), Some(crate::canonical::to_string(&r.data).as_str()), "{}", r.kind);
            r.deleted = true;
            assert_eq!(data_in_line(&line, &r), None, "another envelope is not taken for this one");
        }
    }
}

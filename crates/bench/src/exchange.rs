//! Bundle export and import throughput on a 100k-record store, against raw baselines measured in
//! the same run (issue 4):
//!
//! - export ≥ 0.5 × (SQLite → JSON lines → zstd-3 → file, synced), with the same compressor
//!   settings as the export;
//! - import ≥ 0.5 × a raw rusqlite upsert loop of the same rows (record and full-text index, one
//!   transaction, the same schema) into a fresh store;
//! - bundle size ≤ 0.35 × the JSON lines it carries.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use maillage_core::api::{DemoRequest, ExportRequest, ImportOptions};

use crate::{fresh_destination, open, round3, stored_rows};
use serde_json::{json, Value};

/// Builds the store, measures, and returns the figures as JSON.
pub fn run(dir: &Path) -> Value {
    run_with(dir, 480)
}

/// `territories` demo territories of about 210 records each (480 ≈ 100k records).
pub fn run_with(dir: &Path, territories: u64) -> Value {
    let source = open(dir, "exchange-source.sqlite3");
    for t in 0..territories {
        let req = DemoRequest {
            territory: format!("Territoire n° {}", t + 1),
            interviews: 20,
            workshops: 10,
            actions: 15,
            seed: 1000 + t,
        };
        source.put_many(maillage_core::demo::generate(&req).expect("demo")).expect("put_many");
    }
    let bundle = dir.join("national.maillage");

    // Export, then its baseline.
    let t = Instant::now();
    let report = source
        .export_bundle(&ExportRequest { out: bundle.clone(), include_demo: true, ..Default::default() })
        .expect("export");
    let export_secs = t.elapsed().as_secs_f64();
    let records = report.records as f64;
    let raw_export_secs = raw_export(source.store_path(), &dir.join("raw-export.jsonl.zst"));

    // Import into a fresh store, then its baseline.
    let target = open(dir, "exchange-target.sqlite3");
    let t = Instant::now();
    let imported = target.import_bundle(&bundle, &ImportOptions::default()).expect("import");
    let import_secs = t.elapsed().as_secs_f64();
    assert_eq!(imported.totals.added + imported.totals.deleted, report.records, "everything imported");
    let raw_import_secs = raw_upsert(source.store_path(), &dir.join("raw-import.sqlite3"));

    let rate = |secs: f64| (records / secs).round();
    json!({
        "records": report.records,
        "export": {
            "seconds": round3(export_secs),
            "records_per_s": rate(export_secs),
            "raw_records_per_s": rate(raw_export_secs),
            "ratio": round3(raw_export_secs / export_secs),
        },
        "import": {
            "seconds": round3(import_secs),
            "records_per_s": rate(import_secs),
            "raw_records_per_s": rate(raw_import_secs),
            "ratio": round3(raw_import_secs / import_secs),
        },
        "bundle": {
            "bytes": report.bytes,
            "json_bytes": report.json_bytes,
            "size_ratio": round3(report.bytes as f64 / report.json_bytes as f64),
        },
        "targets": {"export.ratio": ">= 0.5", "import.ratio": ">= 0.5", "bundle.size_ratio": "<= 0.35"},
    })
}

const COLUMNS: &str =
    "id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, data";

/// SQLite rows → JSON lines (the stored data embedded as is) → zstd-3 with the export's settings
/// → a file, synced. Returns the seconds taken.
fn raw_export(store: &Path, out: &Path) -> f64 {
    let conn = rusqlite::Connection::open(store).expect("source");
    let t = Instant::now();
    let mut lines: Vec<u8> = Vec::with_capacity(64 << 20);
    {
        let sql = format!(
            "SELECT {COLUMNS} FROM record WHERE created_device != '00000000-0000-0000-0000-000000000000' ORDER BY id"
        );
        let mut stmt = conn.prepare(&sql).expect("select");
        let mut rows = stmt.query([]).expect("rows");
        let text = |v: String| serde_json::to_string(&v).expect("string");
        while let Some(r) = rows.next().expect("row") {
            let territory: Option<String> = r.get(2).expect("col");
            let data: String = r.get(9).expect("col");
            writeln!(
                lines,
                "{{\"created_at\":{},\"created_by\":{},\"created_device\":{},\"data\":{data},\"deleted\":{},\"id\":{},\"kind\":{},\"territory_id\":{},\"updated_at\":{},\"version\":{}}}",
                text(r.get(6).expect("col")),
                text(r.get(4).expect("col")),
                text(r.get(5).expect("col")),
                r.get::<_, i64>(8).expect("col") != 0,
                text(r.get(0).expect("col")),
                text(r.get(1).expect("col")),
                territory.map(text).unwrap_or_else(|| "null".into()),
                text(r.get(7).expect("col")),
                text(r.get(3).expect("col")),
            )
            .expect("write");
        }
    }
    let mut zstd = zstd::stream::write::Encoder::new(Vec::with_capacity(lines.len() / 3), 3).expect("zstd");
    let workers = std::thread::available_parallelism().map(|n| n.get().min(4) as u32).unwrap_or(1);
    if workers > 1 {
        let _ = zstd.multithread(workers);
    }
    zstd.write_all(&lines).expect("compress");
    let compressed = zstd.finish().expect("compress");
    let mut file = std::fs::File::create(out).expect("file");
    file.write_all(&compressed).expect("write");
    file.sync_all().expect("sync");
    t.elapsed().as_secs_f64()
}

/// The same rows upserted by a plain prepared-statement loop (record and full-text index, one
/// transaction) into a fresh store of the same schema. Returns the seconds taken.
fn raw_upsert(from: &Path, to: &Path) -> f64 {
    let rows = stored_rows(from);
    let mut dst = fresh_destination(to);
    let t = Instant::now();
    let tx = dst.transaction().expect("tx");
    {
        let mut upsert = tx
            .prepare(
                "INSERT INTO record (id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, title, date, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (id) DO UPDATE SET
                    kind = excluded.kind, territory_id = excluded.territory_id, version = excluded.version,
                    created_by = excluded.created_by, created_device = excluded.created_device,
                    created_at = excluded.created_at, updated_at = excluded.updated_at, deleted = excluded.deleted,
                    title = excluded.title, date = excluded.date, data = excluded.data
                 RETURNING seq",
            )
            .expect("upsert");
        // The store reads the replaced row before an upsert (to take its words out of the index).
        let mut previous =
            tx.prepare("SELECT seq, title, data FROM record WHERE id = ?1 AND deleted = 0").expect("previous");
        let mut fts_ins =
            tx.prepare("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)").expect("fts insert");
        for r in &rows {
            let _: Option<i64> = previous.query_row([&r.0], |x| x.get(0)).ok();
            let seq: i64 = upsert
                .query_row(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11], |x| {
                    x.get(0)
                })
                .expect("upsert row");
            if r.8 == 0 {
                fts_ins.execute(rusqlite::params![seq, r.9, r.12]).expect("fts insert");
            }
        }
    }
    tx.commit().expect("commit");
    t.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_exchange_bench_runs_on_a_small_store() {
        let dir = tempfile::tempdir().unwrap();
        let figures = super::run_with(dir.path(), 2);
        assert!(figures["records"].as_u64().unwrap() > 300, "{figures}");
        assert!(figures["bundle"]["size_ratio"].as_f64().unwrap() < 0.5, "{figures}");
    }
}

//! `make bench`: Maillage's performance figures, measured in one run on this machine and printed
//! as JSON. Nothing here asserts a time; the figures are compared with the issues' targets by
//! whoever reads them (the `targets` object says which they are).

mod analysis;
mod encryption;
mod exchange;
mod national;
mod reports;

use std::path::Path;
use std::time::Instant;

use maillage_core::api::{Api, DemoRequest, PutItem, SearchRequest};
use maillage_core::domain::Kind;
use serde_json::{json, Value};

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut report = serde_json::Map::new();
    // MAILLAGE_BENCH_ONLY=search with MAILLAGE_BENCH_STORE=PATH re-measures search on a kept store.
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("search") {
        let path = std::env::var("MAILLAGE_BENCH_STORE").expect("MAILLAGE_BENCH_STORE");
        let api = Api::open(Path::new(&path)).expect("store");
        println!("{}", search_latency(&api));
        return;
    }
    // MAILLAGE_BENCH_ONLY=national: only headquarters at national scale (see national.rs for its size).
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("national") {
        println!("{}", serde_json::to_string_pretty(&national::run(dir.path())).expect("JSON"));
        return;
    }
    // MAILLAGE_BENCH_ONLY=analysis: only the shared diagnosis on a large territory (analysis.rs).
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("analysis") {
        println!("{}", serde_json::to_string_pretty(&json!({"analysis": analysis::run(dir.path())})).expect("JSON"));
        return;
    }
    // MAILLAGE_BENCH_ONLY=encryption: autosave, search and bulk writes, plain and encrypted.
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("encryption") {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"encryption": encryption::run(dir.path())})).expect("JSON")
        );
        return;
    }
    report.insert("autosave_ms".into(), autosave(dir.path()));
    report.insert("autosave_during_export_ms".into(), autosave_during_export(dir.path()));
    // MAILLAGE_BENCH_ONLY=reports: only the two DOCX reports on the large territory (reports.rs).
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("reports") {
        println!("{}", serde_json::to_string_pretty(&json!({"reports": reports::run(dir.path())})).expect("JSON"));
        return;
    }
    // MAILLAGE_BENCH_ONLY=autosave: only the two autosave figures.
    if std::env::var("MAILLAGE_BENCH_ONLY").as_deref() == Ok("autosave") {
        println!("{}", serde_json::to_string_pretty(&Value::Object(report)).expect("JSON"));
        return;
    }
    let (search, bulk) = search_and_bulk(dir.path());
    report.insert("search_ms".into(), search);
    report.insert("bulk_put".into(), bulk);
    report.insert("exchange".into(), exchange::run(dir.path()));
    report.insert("national".into(), national::run(dir.path()));
    report.insert("analysis".into(), analysis::run(dir.path()));
    report.insert("reports".into(), reports::run(dir.path()));
    report.insert("encryption".into(), encryption::run(dir.path()));
    report.insert(
        "targets".into(),
        json!({"autosave_ms.p99": "<= 10", "autosave_during_export_ms.ratio_p99": "<= 2", "search_ms.median": "<= 3", "search_ms.p99": "<= 20",
               "bulk_put.ratio": ">= 0.5", "exchange.export.ratio": ">= 0.5",
               "exchange.import.ratio": ">= 0.5", "exchange.bundle.size_ratio": "<= 0.35",
               "analysis.themes_ms": "<= 1000", "analysis.network_ms": "<= 1000", "analysis.compare_ms": "<= 1000",
               "reports.diagnostic_ms": "<= 1000", "reports.evaluation_ms": "<= 1000",
               "encryption.ratios.autosave_p99": "<= 1.5", "encryption.ratios.search_median": "<= 1.5",
               "encryption.ratios.bulk_time": "<= 1.5"}),
    );
    println!("{}", serde_json::to_string_pretty(&Value::Object(report)).expect("JSON"));
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

pub(crate) fn summary(mut samples: Vec<f64>) -> Value {
    samples.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    json!({
        "samples": samples.len(),
        "median": round3(percentile(&samples, 0.5)),
        "p99": round3(percentile(&samples, 0.99)),
        "max": round3(*samples.last().expect("samples")),
    })
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

pub(crate) fn open(dir: &Path, name: &str) -> Api {
    let api = Api::create(&dir.join(name)).expect("create store");
    api.init("Banc d'essai").expect("init");
    api
}

/// An interview captured keystroke pause after keystroke pause: each save is one commit
/// (synchronous=FULL) of the whole interview through `core::api`, as the desktop does.
fn autosave(dir: &Path) -> Value {
    autosave_on(&open(dir, "autosave.sqlite3"))
}

pub(crate) fn autosave_on(api: &Api) -> Value {
    let territory =
        api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).expect("territory").id;
    let mut data = json!({"territory_id": territory, "title": "Entretien", "date": "2026-11-22", "notes": ""});
    let id = api.put(Kind::Interview, None, data.clone()).expect("interview").id;
    let mut text = String::new();
    let mut samples = Vec::new();
    for i in 0..2000 {
        text.push_str(if i % 7 == 0 { "coopération " } else { "mot " });
        data["answers"] = json!({"presentation.structure": text});
        let t = Instant::now();
        api.put(Kind::Interview, Some(id), data.clone()).expect("autosave");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    summary(samples)
}

/// Autosave p99 alone, then while large exports run one after the other in another thread, on
/// the same store (~20k records) and in the same run: the export reads a snapshot and writes its
/// file with no lock held, so a keystroke's save never waits behind compression and fsync.
fn autosave_during_export(dir: &Path) -> Value {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    let api = open(dir, "export-autosave.sqlite3");
    for t in 0..100 {
        let req =
            DemoRequest { territory: format!("Territoire {t}"), interviews: 12, workshops: 4, actions: 8, seed: t };
        api.put_many(maillage_core::demo::generate(&req).expect("demo")).expect("put_many");
    }
    let records: u64 = api.stats(None).expect("stats").values().sum();
    let territory =
        api.put(Kind::Territory, None, json!({"name": "Valmont", "kind": "commune"})).expect("territory").id;
    let mut data = json!({"territory_id": territory, "title": "Entretien", "date": "2026-11-22", "notes": ""});
    let id = api.put(Kind::Interview, None, data.clone()).expect("interview").id;
    let mut text = String::new();
    let mut save = |api: &Api, i: usize| {
        text.push_str(if i.is_multiple_of(7) { "coopération " } else { "mot " });
        data["answers"] = json!({"presentation.structure": text.clone()});
        let t = Instant::now();
        api.put(Kind::Interview, Some(id), data.clone()).expect("autosave");
        t.elapsed().as_secs_f64() * 1000.0
    };
    // The same rhythm alone and during the exports: a save, a short pause.
    let alone: Vec<f64> = (0..300)
        .map(|i| {
            let ms = save(&api, i);
            std::thread::sleep(std::time::Duration::from_millis(5));
            ms
        })
        .collect();
    let running = AtomicBool::new(true);
    let exports = AtomicU32::new(0);
    let mut during = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut n = 0;
            while running.load(Ordering::Relaxed) {
                n += 1;
                let out = dir.join(format!("pendant-{n}.maillage"));
                let req =
                    maillage_core::api::ExportRequest { out: out.clone(), include_demo: true, ..Default::default() };
                api.export_bundle(&req).expect("export");
                let _ = std::fs::remove_file(out);
                exports.fetch_add(1, Ordering::Relaxed);
            }
        });
        // Saves at a typing pause's rhythm while the exports run.
        for i in 300..600 {
            during.push(save(&api, i));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        running.store(false, Ordering::Relaxed);
    });
    let (alone, during) = (summary(alone), summary(during));
    let ratio = during["p99"].as_f64().unwrap_or(0.0) / alone["p99"].as_f64().unwrap_or(1.0).max(0.001);
    json!({
        "records": records,
        "exports_during": exports.load(Ordering::Relaxed),
        "alone": alone,
        "during_export": during,
        "ratio_p99": round3(ratio),
    })
}

/// Builds ~100k demo records (a national store) through `put_many`, measuring its throughput against a raw
/// rusqlite loop writing the same rows into the same schema; then searches that store.
fn search_and_bulk(dir: &Path) -> (Value, Value) {
    let api = open(dir, "bulk.sqlite3");
    let mut batches: Vec<Vec<PutItem>> = Vec::new();
    // A national store: ~480 territories of realistic size (about 210 records each).
    for t in 0..480u64 {
        let req = DemoRequest {
            territory: format!("Cité éducative n° {}", t + 1),
            interviews: 20,
            workshops: 10,
            actions: 15,
            seed: t,
        };
        batches.push(maillage_core::demo::generate(&req).expect("demo"));
    }
    let rows: usize = batches.iter().map(Vec::len).sum();
    let t = Instant::now();
    for batch in batches {
        api.put_many(batch).expect("put_many");
    }
    let api_secs = t.elapsed().as_secs_f64();
    // What headquarters' store looks like after its imports: the index optimised once.
    api.optimize_search().expect("optimize");
    let raw_secs = raw_copy(api.store_path(), &dir.join("raw.sqlite3"));
    let api_rate = rows as f64 / api_secs;
    let raw_rate = rows as f64 / raw_secs;
    let bulk = json!({
        "rows": rows,
        "api_rows_per_s": api_rate.round(),
        "raw_rows_per_s": raw_rate.round(),
        "ratio": round3(api_rate / raw_rate),
    });

    if let Ok(keep) = std::env::var("MAILLAGE_BENCH_STORE") {
        let _ = api.backup(Path::new(&keep), true);
    }
    (search_latency(&api), bulk)
}

pub(crate) fn search_latency(api: &Api) -> Value {
    let queries = [
        "élèves",
        "eleves",
        "parentalité",
        "collège",
        "coopération",
        "confiance",
        "protection de l'enfance",
        "PMI",
        "centre social",
        "coop",
        "prévention spécialisée",
        "réussite éducative",
        "COPIL",
        "familles",
        "interconnaissance",
        "secret partagé",
        "passerelle",
        "Valmont",
        "harcèlement",
        "sixième",
    ];
    let live: u64 = api.stats(None).expect("stats").values().sum();
    for q in queries {
        api.search(&SearchRequest { query: q.into(), ..Default::default() }).expect("warm-up");
    }
    let mut samples = Vec::new();
    let mut per_query: Vec<Vec<f64>> = vec![Vec::new(); queries.len()];
    for round in 0..25 {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            let hits = api
                .search(&SearchRequest { query: (*q).into(), limit: Some(20), ..Default::default() })
                .expect("search");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            samples.push(ms);
            per_query[i].push(ms);
            std::hint::black_box((round, hits));
        }
    }
    let mut search = summary(samples);
    let medians: serde_json::Map<String, Value> = queries
        .iter()
        .zip(per_query)
        .map(|(q, mut s)| {
            s.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
            (q.to_string(), json!(round3(percentile(&s, 0.5))))
        })
        .collect();
    search["median_per_query"] = Value::Object(medians);
    search["records"] = json!(live);
    search["queries"] = json!(queries.len());
    search
}

/// A stored row: the `record` columns, then the full-text body.
pub(crate) type Row = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
);

/// Every row of `from` but the shipped defaults, with its full-text body, in write order.
pub(crate) fn stored_rows(from: &Path) -> Vec<Row> {
    let src = rusqlite::Connection::open(from).expect("source");
    let mut stmt = src
        .prepare(
            "SELECT r.id, r.kind, r.territory_id, r.version, r.created_by, r.created_device, r.created_at,
                    r.updated_at, r.deleted, r.title, r.date, r.data, ''
             FROM record r
             WHERE r.created_device != '00000000-0000-0000-0000-000000000000' ORDER BY r.seq",
        )
        .expect("select");
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .expect("rows")
        .collect::<Result<Vec<Row>, _>>()
        .expect("rows");
    // The index keeps no copy of the text: the body is derived as the store derives it.
    rows.into_iter()
        .map(|mut r| {
            if r.8 == 0 {
                let data: serde_json::Value = serde_json::from_str(&r.11).expect("data");
                r.12 = maillage_core::domain::text::searchable_text(&data);
            }
            r
        })
        .collect()
}

/// A fresh store of the current schema at `to`, opened as a plain connection with the store's
/// durability settings: where the raw baselines write.
pub(crate) fn fresh_destination(to: &Path) -> rusqlite::Connection {
    drop(open(to.parent().expect("dir"), to.file_name().expect("name").to_str().expect("utf-8")));
    let dst = rusqlite::Connection::open(to).expect("destination");
    dst.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .expect("pragmas");
    dst
}

/// The baseline: the rows `put_many` wrote, copied by a plain prepared-statement loop into a
/// fresh store of the same schema, in one transaction, full-text index included.
pub(crate) fn raw_copy(from: &Path, to: &Path) -> f64 {
    let rows = stored_rows(from);
    let mut dst = fresh_destination(to);
    let t = Instant::now();
    let tx = dst.transaction().expect("tx");
    {
        let mut ins = tx
            .prepare(
                "INSERT INTO record (id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, title, date, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING seq",
            )
            .expect("insert");
        let mut fts = tx.prepare("INSERT INTO record_fts (rowid, title, body) VALUES (?1, ?2, ?3)").expect("fts");
        for r in &rows {
            let seq: i64 = ins
                .query_row(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11], |x| {
                    x.get(0)
                })
                .expect("row");
            if r.8 == 0 {
                fts.execute(rusqlite::params![seq, r.9, r.12]).expect("fts row");
            }
        }
    }
    tx.commit().expect("commit");
    t.elapsed().as_secs_f64()
}

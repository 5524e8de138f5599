//! Headquarters at national scale (issue 10): 100 sealed bundles from 100 distinct devices, one
//! territory each (≥ 200,000 records in all), consolidated into one store, then the national
//! dashboard, search and the XLSX tables on it.
//!
//! - consolidation throughput ≥ 1.0 × a raw rusqlite loop inserting the same rows and full-text
//!   rows into the same schema in one transaction (measured in the same run), and its wall time;
//! - `national_status` ≤ 100 ms, search p99 ≤ 30 ms on the national store;
//! - XLSX export: throughput, and the process's peak RSS during it (reset just before) ≤ 500 MiB.
//!
//! The size is a parameter: `MAILLAGE_BENCH_NATIONAL_TERRITORIES` (default 100, the issue's) and
//! `MAILLAGE_BENCH_NATIONAL_SCALE` (percent of the default territory size, default 100, about
//! 2,150 records a territory).

use std::path::Path;
use std::time::Instant;

use maillage_core::api::{Api, DemoRequest, ExportRequest, ImportOptions};
use serde_json::{json, Value};

use crate::{open, round3, summary};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

pub fn run(dir: &Path) -> Value {
    // The XLSX export alone in a process of its own, so that its peak memory is its own.
    if let Ok(store) = std::env::var("MAILLAGE_BENCH_NATIONAL_XLSX_FROM") {
        let out = std::env::var("MAILLAGE_BENCH_NATIONAL_XLSX_TO").expect("MAILLAGE_BENCH_NATIONAL_XLSX_TO");
        return xlsx_export(&Api::open(Path::new(&store)).expect("store"), Path::new(&out));
    }
    let territories = env_u64("MAILLAGE_BENCH_NATIONAL_TERRITORIES", 100);
    let scale = env_u64("MAILLAGE_BENCH_NATIONAL_SCALE", 100);
    run_with(dir, territories, scale)
}

/// `territories` devices, one territory each, of `scale` % of the default size.
pub fn run_with(dir: &Path, territories: u64, scale: u64) -> Value {
    let hq_dir = dir.join("siege-cles");
    let keys = Api::hq_init(&hq_dir).expect("hq keys");
    let inbox = dir.join("arrivees");
    std::fs::create_dir_all(&inbox).expect("inbox");
    let size = |n: u64| ((n * scale) / 100).max(1) as u32;

    // Each device fills its territory and exports one sealed bundle; its store then goes.
    let t = Instant::now();
    for d in 0..territories {
        let name = format!("device-{d}.sqlite3");
        let device = open(dir, &name);
        device.init(&format!("Animatrice n° {}", d + 1)).expect("init");
        let req = DemoRequest {
            territory: format!("Cité éducative n° {}", d + 1),
            interviews: size(400),
            workshops: size(150),
            actions: size(300),
            seed: 10_000 + d,
        };
        device.put_many(maillage_core::demo::generate(&req).expect("demo")).expect("put_many");
        let out = inbox.join(format!("{:03}-territoire.maillage", d + 1));
        device
            .export_bundle(&ExportRequest {
                out,
                to: vec![keys.public_key.clone()],
                include_demo: true,
                ..Default::default()
            })
            .expect("export");
        drop(device);
        for suffix in ["", "-wal", "-shm", ".lock"] {
            let _ = std::fs::remove_file(dir.join(format!("{name}{suffix}")));
        }
    }
    let prepare_secs = t.elapsed().as_secs_f64();

    // Consolidation: every bundle of the folder, as `maillage import arrivees/` does.
    let hq = open(dir, "siege.sqlite3");
    let files = maillage_core::api::bundle_paths(std::slice::from_ref(&inbox)).expect("bundles");
    let opts = ImportOptions { identity: Some(hq_dir.join("hq.key")), dry_run: false };
    let t = Instant::now();
    let mut records = 0u64;
    for f in &files {
        let report = hq.import_bundle(f, &opts).expect("import");
        records += report.totals.added;
    }
    let import_secs = t.elapsed().as_secs_f64();
    let raw_secs = raw_insert(hq.store_path(), &dir.join("raw-national.sqlite3"));

    // The dashboard.
    let t = Instant::now();
    hq.national_status().expect("warm-up");
    let rounds = if t.elapsed().as_secs_f64() > 0.5 { 3 } else { 10 };
    let mut status = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let list = hq.national_status().expect("status");
        status.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(list.len() as u64, territories);
    }
    let search = crate::search_latency(&hq);
    // Headquarters' synthesis (« Synthèse nationale », api/synthesis.rs): computed, then kept
    // while no record changes.
    let synthesis: Vec<f64> = (0..2)
        .map(|_| {
            let t = Instant::now();
            hq.national_synthesis().expect("synthesis");
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();

    // The tables: the workbook in a process of its own (its peak memory is the export's).
    let out = dir.join("tableaux.xlsx");
    let xlsx = if cfg!(test) {
        xlsx_export(&hq, &out)
    } else {
        let child = std::process::Command::new(std::env::current_exe().expect("this program"))
            .env("MAILLAGE_BENCH_ONLY", "national")
            .env("MAILLAGE_BENCH_NATIONAL_XLSX_FROM", hq.store_path())
            .env("MAILLAGE_BENCH_NATIONAL_XLSX_TO", &out)
            .output()
            .expect("the export's process");
        assert!(child.status.success(), "{}", String::from_utf8_lossy(&child.stderr));
        serde_json::from_slice(&child.stdout).expect("the export's figures")
    };
    let t = Instant::now();
    let csv = hq.national_export_csv(&dir.join("tableaux-csv"), false).expect("csv");
    let csv_secs = t.elapsed().as_secs_f64();

    let api_rate = records as f64 / import_secs;
    let raw_rate = records as f64 / raw_secs;
    json!({
        "devices": territories,
        "bundles": files.len(),
        "records": records,
        "prepare_seconds": round3(prepare_secs),
        "consolidation": {
            "seconds": round3(import_secs),
            "records_per_s": api_rate.round(),
            "raw_records_per_s": raw_rate.round(),
            "ratio": round3(api_rate / raw_rate),
        },
        "status_ms": summary(status),
        "synthesis_ms": { "computed": round3(synthesis[0]), "unchanged": round3(synthesis[1]) },
        "search_ms": search,
        "xlsx": xlsx,
        "csv": { "seconds": round3(csv_secs), "bytes": csv.bytes },
        "targets": {"consolidation.ratio": ">= 1.0", "status_ms.median": "<= 100", "search_ms.p99": "<= 30",
                    "xlsx.peak_rss_mib": "<= 500"},
    })
}

/// Writes the pseudonymised workbook and returns its figures, with this process's peak memory.
fn xlsx_export(hq: &Api, out: &Path) -> Value {
    reset_peak_rss();
    let before = peak_rss_mib();
    let t = Instant::now();
    let report = hq.national_export_xlsx(out, false).expect("xlsx");
    let secs = t.elapsed().as_secs_f64();
    let rows: u64 = report.tables.iter().map(|t| t.rows as u64).sum();
    json!({
        "seconds": round3(secs),
        "rows": rows,
        "rows_per_s": (rows as f64 / secs).round(),
        "bytes": report.bytes,
        "peak_rss_mib_before": before,
        "peak_rss_mib": peak_rss_mib(),
    })
}

/// The same rows as the consolidated store holds (record and full-text rows), inserted by a
/// plain prepared-statement loop into a fresh store of the same schema in one transaction.
fn raw_insert(from: &Path, to: &Path) -> f64 {
    crate::raw_copy(from, to)
}

/// Resets the kernel's high-water mark of this process's resident memory (Linux).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory since the last reset, in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| kb / 1024)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_national_bench_runs_on_a_small_programme() {
        let dir = tempfile::tempdir().unwrap();
        let figures = super::run_with(dir.path(), 3, 2);
        assert_eq!(figures["bundles"], 3, "{figures}");
        assert!(figures["records"].as_u64().unwrap() > 300, "{figures}");
        assert!(figures["xlsx"]["rows"].as_u64().unwrap() > 300, "{figures}");
    }
}

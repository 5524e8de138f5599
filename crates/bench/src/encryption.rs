//! Encryption at rest, measured in the same run on the same work: autosave p99, search median
//! and bulk write throughput on a plain store and on an encrypted one (SQLCipher). Target:
//! encrypted ≤ 1.5 × plain for each.

use std::path::Path;
use std::time::Instant;

use maillage_core::api::{Api, DemoRequest, PutItem};
use serde_json::{json, Value};

use crate::{autosave_on, open, round3, search_latency};

const PASSPHRASE: &str = "banc d'essai du chiffrement";

/// ~60 territories of realistic size: about 12,000 records.
fn batches() -> Vec<Vec<PutItem>> {
    (0..60u64)
        .map(|t| {
            let req = DemoRequest {
                territory: format!("Cité éducative n° {}", t + 1),
                interviews: 20,
                workshops: 10,
                actions: 15,
                seed: t,
            };
            maillage_core::demo::generate(&req).expect("demo")
        })
        .collect()
}

fn measure(api: &Api) -> Value {
    let autosave = autosave_on(api);
    let batches = batches();
    let rows: usize = batches.iter().map(Vec::len).sum();
    let t = Instant::now();
    for batch in batches {
        api.put_many(batch).expect("put_many");
    }
    let secs = t.elapsed().as_secs_f64();
    let search = search_latency(api);
    json!({
        "autosave_p99_ms": autosave["p99"],
        "search_median_ms": search["median"],
        "search_p99_ms": search["p99"],
        "bulk_rows": rows,
        "bulk_rows_per_s": (rows as f64 / secs).round(),
        "bulk_s": round3(secs),
    })
}

pub fn run(dir: &Path) -> Value {
    let plain = measure(&open(dir, "chiffrement-non.sqlite3"));
    let api = open(dir, "chiffrement-oui.sqlite3");
    api.encrypt(PASSPHRASE).expect("encrypt");
    let encrypted = measure(&api);
    let ratio = |k: &str| round3(encrypted[k].as_f64().unwrap_or(0.0) / plain[k].as_f64().unwrap_or(1.0).max(1e-9));
    json!({
        "plain": plain,
        "encrypted": encrypted,
        "ratios": {
            "autosave_p99": ratio("autosave_p99_ms"),
            "search_median": ratio("search_median_ms"),
            "bulk_time": ratio("bulk_s"),
        },
    })
}

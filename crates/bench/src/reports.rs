//! The two reports (DOCX, with their pictures) on the large territory of `analysis.rs` (500
//! organisations, 3,000 link observations, 300 interviews) plus an action plan of 20 actions
//! and 10 indicators of 6 measurements each: the milliseconds to read, draw and write each
//! document (median of three). The target is ≤ 1 s each.
//!
//! `MAILLAGE_BENCH_ONLY=reports` runs this section alone; `MAILLAGE_BENCH_REPORTS_KEEP=DIR`
//! keeps the two documents in DIR.

use std::path::Path;
use std::time::Instant;

use maillage_core::api::{Api, PutItem, ReportRequest};
use maillage_core::domain::{Kind, RecordId};
use serde_json::{json, Map, Value};

use crate::analysis::{large_territory, median_ms};
use crate::round3;

fn plan(api: &Api, territory: RecordId) {
    let mut items = Vec::new();
    let statuses = ["idee", "retenue", "en_cours", "realisee", "abandonnee"];
    let actions: Vec<RecordId> = (0..20).map(|_| RecordId::new()).collect();
    for (i, id) in actions.iter().enumerate() {
        items.push(PutItem {
            kind: Kind::Action,
            id: Some(*id),
            data: json!({"territory_id": territory, "title": format!("Action n° {i}"), "status": statuses[i % 5],
                         "priority": {"impact": 1 + i % 5, "feasibility": 1 + (i / 5) % 5}}),
        });
    }
    for (i, action) in actions.iter().take(10).enumerate() {
        let indicator = RecordId::new();
        items.push(PutItem {
            kind: Kind::Indicator,
            id: Some(indicator),
            data: json!({"territory_id": territory, "action_id": action, "name": format!("Indicateur n° {i}"),
                         "unit": "familles", "baseline": 10, "target": 40}),
        });
        for m in 0..6 {
            items.push(PutItem {
                kind: Kind::Measurement,
                id: None,
                data: json!({"territory_id": territory, "indicator_id": indicator,
                             "date": format!("2026-{:02}-01", 1 + m * 2), "value": 10 + m * 4 + i}),
            });
        }
    }
    api.put_many(items).expect("plan");
}

pub fn run(dir: &Path) -> Value {
    let started = Instant::now();
    let own = dir.join("reports");
    std::fs::create_dir_all(&own).expect("folder");
    let (api, territory) = large_territory(&own);
    plan(&api, territory);
    let mut figures = Map::new();
    figures.insert("setup_s".into(), json!(round3(started.elapsed().as_secs_f64())));
    let request = |name: &str| ReportRequest { territory_id: territory, out: own.join(name), force: true };
    let diagnostic = request("diagnostic.docx");
    figures.insert(
        "diagnostic_ms".into(),
        json!(median_ms(3, || drop(api.report_diagnostic_to(&diagnostic).expect("diagnostic")))),
    );
    let evaluation = request("evaluation.docx");
    figures.insert(
        "evaluation_ms".into(),
        json!(median_ms(3, || {
            drop(api.report_evaluation_to(&evaluation, "2025-06-30", "2026-12-31").expect("evaluation"))
        })),
    );
    for (name, path) in [("diagnostic_bytes", &diagnostic.out), ("evaluation_bytes", &evaluation.out)] {
        figures.insert(name.into(), json!(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)));
    }
    // MAILLAGE_BENCH_REPORTS_KEEP=DIR keeps both documents there, to be looked at.
    if let Some(keep) = std::env::var_os("MAILLAGE_BENCH_REPORTS_KEEP") {
        for path in [&diagnostic.out, &evaluation.out] {
            let _ = std::fs::copy(path, Path::new(&keep).join(path.file_name().expect("name")));
        }
    }
    Value::Object(figures)
}

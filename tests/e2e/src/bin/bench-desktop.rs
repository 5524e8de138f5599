//! The desktop application's figures, printed as one JSON object on stdout:
//!
//! - `start_ms`: cold start to the first usable screen under Xvfb — from the launch request
//!   (tauri-driver spawns the app) until the territory list of a demo store is on screen; one
//!   figure per run, and their median;
//! - `pss_mib`: proportional memory of every process of the application (the app and WebKit's
//!   helpers, from `/proc/PID/smaps_rollup`) with the demo territory open;
//! - `binary_bytes`: the size of the application binary.
//!
//! Targets from the issue: start ≤ 1.5 s, PSS ≤ 320 MiB, binary ≤ 20 MB. The figures are
//! printed, never asserted. Run through `scripts/bench-desktop.sh` (release build, Xvfb).

use std::time::{Duration, Instant};

use maillage_core::api::{Api, DemoRequest};
use maillage_e2e::{app_binary, app_pid, comm, descendants, pss_kib, Driver, Result};
use serde_json::json;

const RUNS: usize = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    {
        let api = Api::create(&store)?;
        api.init("Animatrice de mesure")?;
        api.demo(&DemoRequest {
            territory: "Cité éducative de Valmont".into(),
            interviews: 12,
            workshops: 4,
            actions: 8,
            seed: 1,
        })?;
    }

    let mut starts = Vec::new();
    let mut sessions = Vec::new();
    for _ in 0..RUNS {
        let driver = Driver::start_as_shipped(&store)?;
        let t0 = Instant::now();
        let app = driver.launch().await?;
        sessions.push(t0.elapsed().as_millis() as u64);
        app.wait_for("territories").await?;
        starts.push(t0.elapsed().as_millis() as u64);
        app.quit().await?;
        drop(driver);
    }

    // Memory with the demo territory open (its steps and roadmap on screen).
    let driver = Driver::start_as_shipped(&store)?;
    let app = driver.launch().await?;
    app.wait_for("territories").await?;
    let open = app.testids("territory-open-").await?;
    if let Some(first) = open.first() {
        app.click(first).await?;
        app.wait_for("territory-detail").await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pid = app_pid(&driver).ok_or("the application's process was not found")?;
    let mut processes = Vec::new();
    let mut total_kib = 0u64;
    for p in std::iter::once(pid).chain(descendants(pid)) {
        let kib = pss_kib(p).unwrap_or(0);
        total_kib += kib;
        processes.push(json!({ "name": comm(p), "pss_mib": round1(kib as f64 / 1024.0) }));
    }
    app.quit().await?;
    drop(driver);

    let mut sorted = starts.clone();
    sorted.sort_unstable();
    let binary = app_binary();
    let binary_bytes = std::fs::metadata(&binary).map(|m| m.len()).unwrap_or(0);
    let report = json!({
        "bench": "desktop",
        "binary": binary.display().to_string(),
        "start_ms": { "median": sorted[sorted.len() / 2], "runs": starts, "session_ms": sessions, "target": 1500 },
        "pss_mib": { "total": round1(total_kib as f64 / 1024.0), "processes": processes, "target": 320 },
        "binary_bytes": { "value": binary_bytes, "mb": round1(binary_bytes as f64 / 1e6), "target_mb": 20 },
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

//! The desktop application's figures, printed as one JSON object on stdout:
//!
//! - `start_ms`: cold start to the first usable screen under Xvfb — from the launch request
//!   (tauri-driver spawns the app) until the territory list of a demo store is on screen; one
//!   figure per run, and their median;
//! - `pss_mib`: proportional memory of every process of the application (the app and WebKit's
//!   helpers, from `/proc/PID/smaps_rollup`) with the demo territory open;
//! - `binary_bytes`: the size of the application binary;
//! - `keystroke_ms`: keystroke-to-screen latency in the workshop editor, the interview editor and
//!   the feuille de route, typing at 60 ms a character: from the key press sent to the X server
//!   (XTEST, as a keyboard does) until the page has painted the frame showing that character —
//!   the first task after the next animation frame, when WebKit has painted it (p50, p95, max).
//!
//! Targets from the issue: start ≤ 1.5 s, PSS ≤ 320 MiB, binary ≤ 20 MB, keystroke p95 ≤ 50 ms.
//! The figures are printed, never asserted. Run through `scripts/bench-desktop.sh` (release
//! build, Xvfb).

use std::time::{Duration, Instant};

use maillage_core::api::{Api, DemoRequest};
use maillage_e2e::{app_binary, app_pid, comm, descendants, pss_kib, App, Driver, Result, Typist};
use serde_json::{json, Value};

const RUNS: usize = 3;
/// Keystrokes measured in each editor, typed at [`PACE`].
const KEYS: &str = " et les familles du quartier des Tilleuls";
const PACE: Duration = Duration::from_millis(60);

/// The list of territories, whatever screen the window reopened on.
async fn open_territories(app: &App) -> Result<()> {
    app.wait_for("app-shell").await?;
    app.go("/territoires").await?;
    app.wait_for("territories").await
}

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
        // The first screen with the data loaded (the territory reopened, or the list).
        app.wait_for("app-shell").await?;
        app.wait_for("nav-territoires").await?;
        starts.push(t0.elapsed().as_millis() as u64);
        app.quit().await?;
        drop(driver);
    }

    // Memory with the demo territory open (its steps and roadmap on screen).
    let driver = Driver::start_as_shipped(&store)?;
    let app = driver.launch().await?;
    open_territories(&app).await?;
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

    // Keystroke to screen, in each editor, as the app ships.
    let driver = Driver::start_as_shipped(&store)?;
    let app = driver.launch().await?;
    open_territories(&app).await?;
    let typist = Typist::attach(&driver)?;
    let territory =
        app.testids("territory-open-").await?.first().map(|t| t.trim_start_matches("territory-open-").to_string());
    app.go("/ateliers").await?;
    app.wait_for("workshops").await?;
    let workshop = app.testids("workshop-open-").await?.first().cloned().ok_or("the demo has no workshop")?;
    app.click(&workshop).await?;
    let workshop_ms = keystrokes(&app, &typist, "workshop-title").await?;
    app.go("/entretiens").await?;
    app.wait_for("interviews").await?;
    let interview = app.testids("interview-open-").await?.first().cloned().ok_or("the demo has no interview")?;
    app.click(&interview).await?;
    let interview_ms = keystrokes(&app, &typist, "interview-title").await?;
    app.go(&format!("/territoires/{}", territory.ok_or("the demo has no territory")?)).await?;
    let roadmap_ms = keystrokes(&app, &typist, "roadmap-stakes").await?;
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
        "keystroke_ms": {
            "workshop_title": workshop_ms,
            "interview_title": interview_ms,
            "roadmap_stakes": roadmap_ms,
            "pace_ms": PACE.as_millis() as u64,
            "target_p95": 50,
        },
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Types [`KEYS`] at the end of a field at [`PACE`] with real key presses and returns the latency
/// of each, from the key sent to the frame painted with it: p50, p95, max (ms), and how many
/// keys never showed.
async fn keystrokes(app: &App, typist: &Typist, field: &str) -> Result<Value> {
    app.wait_for(field).await?;
    // Lists and records load asynchronously: let the screen settle first.
    tokio::time::sleep(Duration::from_millis(800)).await;
    typist.click(app, field).await?;
    let deadline = Instant::now() + maillage_e2e::PATIENCE;
    loop {
        let ready = app
            .client
            .execute(
                "const e = document.activeElement; if (e?.dataset.testid !== arguments[0]) return false; \
                 e.setSelectionRange(e.value.length, e.value.length); window.painted = []; \
                 e.addEventListener('input', () => requestAnimationFrame(() => setTimeout(() => window.painted.push(Date.now()), 0))); \
                 return true;",
                vec![json!(field)],
            )
            .await?;
        if ready == Value::Bool(true) {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("[data-testid={field}] never took the focus").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sent = typist.type_text(KEYS, PACE).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let painted: Vec<f64> = loop {
        let v: Vec<f64> = serde_json::from_value(app.client.execute("return window.painted;", vec![]).await?)?;
        if v.len() >= sent.len() || Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Leaving the field saves what was typed, as a person moving on does.
    app.client.execute("document.activeElement?.blur();", vec![]).await?;
    let mut latencies: Vec<f64> = sent.iter().zip(&painted).map(|(s, p)| (p - s).max(0.0)).collect();
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies.get(((latencies.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
    Ok(json!({
        "p50": round1(at(0.5)),
        "p95": round1(at(0.95)),
        "max": round1(at(1.0)),
        "keys": sent.len(),
        "not_shown": sent.len().saturating_sub(painted.len()),
    }))
}

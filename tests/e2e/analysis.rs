//! End-to-end test of the shared diagnosis in the real window (issue 12; see `src/lib.rs` for
//! how these tests run): on a demo territory, « Analyse » (the heat map of themes × actor
//! categories with core's counts, co-occurrences, verbatims with their consent state), « Carte de
//! coopération » (core's map, the date slider moved from the keyboard, « Comparer deux dates »),
//! and « Rapports » (both documents written to a typed path — WebDriver cannot drive the
//! system's save dialog — then checked as DOCX files).

use std::io::Read;

use fantoccini::key::Key;
use maillage_core::api::{Api, DemoRequest};
use maillage_core::domain::Kind;
use maillage_e2e::{App, Driver, Result, PATIENCE};

fn is_docx(path: &std::path::Path) -> bool {
    let mut head = [0u8; 4];
    let bytes = std::fs::read(path).unwrap_or_default();
    (&bytes[..]).read_exact(&mut head).is_ok()
        && head == [0x50, 0x4b, 0x03, 0x04]
        && bytes.windows(17).any(|w| w == b"word/document.xml")
}

/// Waits until the element's whole text is `expected` (a number that another contains is not it).
async fn wait_exact(app: &App, id: &str, expected: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let text = app.text(id).await.unwrap_or_default();
        if text.trim() == expected {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("[data-testid={id}] says {text:?}, never {expected:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_demo_territory_is_analysed_mapped_compared_and_reported() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    let (territory, analysis, dates) = {
        let api = Api::create(&store)?;
        api.init("Camille Essai")?;
        let demo = api.demo(&DemoRequest {
            territory: "Cité éducative de Valmont".into(),
            interviews: 12,
            workshops: 4,
            actions: 8,
            seed: 7,
        })?;
        let mut dates: Vec<String> = api
            .list(Kind::CooperationLink, Some(demo.territory_id))?
            .iter()
            .filter_map(|l| l.data["observed_on"].as_str().map(String::from))
            .collect();
        dates.sort();
        dates.dedup();
        (demo.territory_id, api.analysis_themes(Some(demo.territory_id))?, dates)
    };
    assert!(dates.len() > 2, "the demo observes links on several days");

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    app.select("territory-select", &territory.to_string()).await?;

    // Analyse, from the sidebar: core's counts in the heat map.
    app.click("nav-analyse").await?;
    app.wait_for("analysis-grid").await?;
    let row = analysis.grid.rows.iter().find(|r| r.by_category.values().any(|n| *n > 0)).expect("a theme tagged");
    let (cat, n) = row.by_category.iter().find(|(_, n)| **n > 0).unwrap();
    assert_eq!(app.text(&format!("analysis-grid-cell-{}-{cat}", row.code)).await?, n.to_string());
    app.screenshot("b0-analyse").await?;
    app.show("analysis-cooccurrence").await?;
    app.screenshot("b1-analyse-cooccurrences").await?;
    if let Some(message) = &analysis.insights.withheld_message {
        let shown = app.text("analysis-withheld").await?;
        assert!(shown.contains(message.split(" : ").next().unwrap()), "core's count of verbatims held back: {shown}");
    }
    app.show("analysis-quotes-count").await?;
    app.screenshot("b2-analyse-verbatims").await?;

    // Carte de coopération: the map at the last date, then the slider brought to the first one.
    app.click("nav-carte").await?;
    app.wait_for("coop-measures").await?;
    let api = Api::open(&store)?;
    let last = api.analysis_network(territory, dates.last().map(String::as_str))?;
    let first = api.analysis_network(territory, Some(&dates[0]))?;
    drop(api);
    assert_ne!(first.measures.links, last.measures.links, "the demo's network grows");
    wait_exact(&app, "coop-measure-links", &last.measures.links.to_string()).await?;
    assert!(app.has("coop-map-svg").await);
    app.screenshot("b3-carte").await?;
    let home: char = Key::Home.into();
    app.el("coop-date-slider").await?.send_keys(&home.to_string()).await?;
    wait_exact(&app, "coop-measure-links", &first.measures.links.to_string()).await?;
    assert_eq!(app.text("coop-measure-actors").await?, first.measures.actors.to_string());
    app.screenshot("b4-carte-premiere-date").await?;

    // Comparer deux dates: the first and the last observation, proposed.
    app.click("coop-compare-toggle").await?;
    app.click("coop-compare-run").await?;
    app.wait_for("coop-compare-measures").await?;
    let api = Api::open(&store)?;
    let comparison = api.analysis_compare(territory, &dates[0], dates.last().unwrap())?;
    drop(api);
    let new_links = app.text("coop-new_links").await?;
    assert!(new_links.contains(&comparison.new_links.len().to_string()), "{new_links}");
    if let Some(l) = comparison.new_links.first() {
        assert!(new_links.contains(&format!("{} — {}", l.from_name, l.to_name)), "{new_links}");
    }
    app.screenshot("b5-carte-comparaison").await?;
    app.show("coop-compare-measures").await?;
    app.screenshot("b6-carte-comparaison-mesures").await?;

    // Rapports: both documents at a typed path.
    app.click("nav-rapports").await?;
    app.wait_for("report-diagnostic").await?;
    let diagnostic = dir.path().join("diagnostic-valmont.docx");
    app.click("report-diagnostic-path-toggle").await?;
    app.fill("report-diagnostic-path", &diagnostic.to_string_lossy()).await?;
    app.click("report-diagnostic-path-write").await?;
    app.wait_text("report-diagnostic-written", "Document écrit").await?;
    assert!(app.has("report-diagnostic-open").await, "« Ouvrir » once written");
    assert!(is_docx(&diagnostic), "the diagnostic is a DOCX file");

    let evaluation = dir.path().join("evaluation-valmont.docx");
    app.click("report-evaluation-path-toggle").await?;
    app.fill("report-evaluation-path", &evaluation.to_string_lossy()).await?;
    app.click("report-evaluation-path-write").await?;
    app.wait_text("report-evaluation-written", "Document écrit").await?;
    assert!(is_docx(&evaluation), "the evaluation is a DOCX file");
    app.screenshot("b7-rapports").await?;

    // Again at the same place: core's refusal, and « Remplacer le fichier ».
    app.click("report-diagnostic-path-write").await?;
    app.wait_for("report-diagnostic-replace").await?;
    app.screenshot("b8-rapports-fichier-existant").await?;
    app.quit().await?;
    Ok(())
}

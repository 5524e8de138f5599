//! Values the interface does not check, refused by core: the window shows core's own French
//! message, word for word, beside the field, and the store is unchanged. (The interface only reads
//! what is typed — a date JJ/MM/AAAA, a number —; every rule is core's.)
//!
//! Run with the others by `make test`, or alone: `xvfb-run -a cargo test -p maillage-e2e --test refusal`.

use maillage_core::api::Api;
use maillage_core::domain::Kind;
use maillage_e2e::{cli, Driver, Result};
use serde_json::json;

/// A store with its facilitator and one demo territory, made by the command line.
fn demo_store(dir: &tempfile::TempDir) -> Result<std::path::PathBuf> {
    let path = dir.path().join("maillage.sqlite3");
    cli(&path, &["init", "--facilitator", "Animatrice de test"])?;
    cli(&path, &["demo", "--territory", "Cité éducative de Valmont", "--seed", "7"])?;
    Ok(path)
}

/// A French message as the window shows it alone: with a capital.
fn sentence(message: &str) -> String {
    // The window sets the typographic apostrophe (`sentence()` in ui/src/lib/errors.ts); its
    // no-break spaces around « » read back as spaces through WebDriver, as core writes them.
    let message = message.replace('\'', "’");
    let mut chars = message.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_end_before_the_start_is_refused_by_core_and_the_window_shows_its_message() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir)?;
    // What core answers to an action ending before it starts: the message the window must show.
    let api = Api::open(&store).unwrap();
    let action = api.list(Kind::Action, None).unwrap().into_iter().next().unwrap();
    let mut bad = action.data.clone();
    bad["start_date"] = json!("2026-06-01");
    bad["end_date"] = json!("2026-05-01");
    let refusal = api.put(Kind::Action, Some(action.id), bad).expect_err("core refuses an end before the start");
    assert_eq!(refusal.field.as_deref(), Some("end_date"));
    drop(api);

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.go(&format!("/plan/{}", action.id)).await?;
    app.wait_for("action-title").await?;
    app.fill("action-start", "01/06/2026").await?;
    app.fill("action-end", "01/05/2026").await?;
    app.click("action-hypothesis").await?; // leaving the field saves at once
    let shown = app.wait_text("field-error-end_date", "").await?;
    assert_eq!(shown, sentence(&refusal.message), "the window shows core's message beside the field");
    let alert = app.wait_text("error-message", &sentence(&refusal.message)).await?;
    assert!(alert.contains("Rien n’a été enregistré"), "{alert:?}");
    app.show("error-message").await?;
    app.screenshot("70-refus-du-coeur-dates").await?;
    app.quit().await?;
    drop(driver);

    // Leaving the start field saved it (valid with the end date then); the refused end was not.
    let stored = Api::open(&store).unwrap().get(Kind::Action, action.id).unwrap();
    assert_eq!(stored.data["end_date"], action.data["end_date"], "the refused end date was not saved");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_departement_code_that_does_not_exist_is_refused_by_core_and_the_window_shows_its_message() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir)?;
    let api = Api::open(&store).unwrap();
    let refusal = api
        .put(Kind::Territory, None, json!({"name": "Quartier des Tilleuls", "kind": "qpv", "departement_code": "9A"}))
        .expect_err("core refuses a département code that does not exist");
    assert_eq!(refusal.field.as_deref(), Some("departement_code"));
    drop(api);

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.click("nav-territoires").await?;
    app.click("territory-new").await?;
    app.wait_for("territory-form").await?;
    app.fill("territory-name", "Quartier des Tilleuls").await?;
    app.fill("territory-departement", "9A").await?;
    app.click("territory-save").await?;
    let shown = app.wait_text("field-error-departement_code", "").await?;
    assert_eq!(shown, sentence(&refusal.message), "the window shows core's message beside the field");
    app.show("territory-form").await?;
    app.screenshot("71-refus-du-coeur-departement").await?;
    app.quit().await?;
    drop(driver);

    assert_eq!(Api::open(&store).unwrap().list(Kind::Territory, None).unwrap().len(), 1, "no territory was added");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_load_core_refuses_shows_its_message_and_retry_never_an_endless_loading() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir)?;
    // A territory that is not there (deleted on another computer, say): core says so.
    let missing = maillage_core::domain::RecordId::new();
    let refusal = Api::open(&store).unwrap().territory_overview(missing).expect_err("no such territory");

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.go(&format!("/territoires/{missing}")).await?;
    let shown = app.wait_text("load-error", &sentence(&refusal.message)).await?;
    assert!(!shown.contains("Chargement"), "{shown:?}");
    app.wait_for("load-retry").await?;
    app.screenshot("72-chargement-refuse").await?;
    app.click("load-retry").await?;
    app.wait_text("load-error", &sentence(&refusal.message)).await?;
    app.quit().await?;
    Ok(())
}

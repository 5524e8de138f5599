//! End-to-end tests of the real Maillage window (see `src/lib.rs` for how they run).
//!
//! Each test starts its own tauri-driver on a fresh store in a temporary folder, drives the
//! window as a facilitator would, and checks the store afterwards through `maillage-core`, the
//! same code the command line uses. They need the built application, a display (Xvfb)
//! and tauri-driver: `make test` (scripts/test.sh) provides them and runs these tests with the others.

use std::time::Duration;

use maillage_core::api::{Api, DemoRequest};
use maillage_core::domain::Kind;
use maillage_e2e::{App, Driver, Result, Typist};
use serde_json::{json, Value};

fn store_in(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("maillage.sqlite3")
}

/// A store with its facilitator and one demo territory, as `maillage init` + `maillage demo` make it.
fn demo_store(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = store_in(dir);
    let api = Api::create(&path).unwrap();
    api.init("Animatrice de test").unwrap();
    api.demo(&DemoRequest {
        territory: "Cité éducative de Valmont".into(),
        interviews: 12,
        workshops: 4,
        actions: 8,
        seed: 7,
    })
    .unwrap();
    path
}

/// Records of `kind` in the store, read through the core as the command line would.
fn records(store: &std::path::Path, kind: Kind) -> Vec<maillage_core::Record> {
    Api::open(store).unwrap().list(kind, None).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_mid_typing_loses_no_word_and_search_finds_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = store_in(&dir);
    let driver = Driver::start(&store)?;

    // First launch: the store is created, the facilitator names themselves.
    let app = driver.launch().await?;
    app.wait_for("first-launch").await?;
    app.screenshot("01-premier-lancement").await?;
    app.fill("facilitator-input", "Camille Essai").await?;
    app.click("init-submit").await?;
    app.wait_for("welcome").await?;
    app.screenshot("02-bienvenue").await?;

    // A territory.
    app.click("welcome-territory-new").await?;
    app.wait_for("territory-form").await?;
    app.fill("territory-name", "Quartier des Tilleuls").await?;
    app.select("territory-kind", "qpv").await?;
    app.fill("territory-departement", "93").await?;
    app.click("territory-save").await?;
    app.wait_gone("territory-form").await?;

    // An interview: two answers typed, the window closed before the autosave pause is over.
    app.click("nav-entretiens").await?;
    app.click("interview-new").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", "Principale du collège Jean-Moulin").await?;
    let answers = app.testids("answer-").await?;
    assert!(answers.len() >= 2, "the capture view shows the guide's questions, found {answers:?}");
    let first = "Nous échangeons chaque semaine avec le centre social sur les élèves absents.";
    let second = "Le frein principal reste la confidentialité des situations partagées.";
    app.type_into(&answers[0], first).await?;
    app.type_into(&answers[1], second).await?;
    let state = app.el("save-state").await?.attr("data-state").await?.unwrap_or_default();
    assert_ne!(state, "saved", "the close must come while the last keystrokes are still unsaved");
    app.close_window(&driver).await?;

    // Relaunch on the same store: both answers are there, word for word.
    let app = driver.launch().await?;
    app.click("nav-entretiens").await?;
    app.wait_for("interviews").await?;
    // The list fills once the store has been read.
    let rows = app.wait_testids("interview-open-").await?;
    if rows.len() != 1 {
        app.screenshot("00-echec-relance-entretiens").await?;
    }
    assert_eq!(rows.len(), 1, "one interview after the relaunch, found {rows:?}");
    app.click(&rows[0]).await?;
    app.wait_for("interview-editor").await?;
    assert_eq!(app.value(&answers[0]).await?, first, "the first answer survived the close");
    assert_eq!(app.value(&answers[1]).await?, second, "the second answer, typed just before the close, survived");

    // Ctrl+K from anywhere opens the search, which finds the words typed last (accents folded).
    app.click("nav-territoires").await?;
    app.wait_for("territories").await?;
    app.press_ctrl('k').await?;
    app.wait_for("search").await?;
    app.type_into("search-input", "confidentialite").await?;
    app.wait_text("search-results", "Principale du collège").await?;
    app.screenshot("10-recherche").await?;
    app.quit().await?;
    drop(driver);

    // The store, read as the command line reads it, holds both answers.
    let interviews = records(&store, Kind::Interview);
    assert_eq!(interviews.len(), 1);
    let saved: Vec<&str> =
        interviews[0].data["answers"].as_object().unwrap().values().filter_map(Value::as_str).collect();
    assert!(saved.contains(&first) && saved.contains(&second), "answers in the store: {saved:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workshop_decision_becomes_an_action_that_moves_on_the_board() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir);
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;

    app.click("nav-ateliers").await?;
    app.click("workshop-new").await?;
    app.wait_for("workshop-editor").await?;
    app.fill("workshop-title", "Groupe de travail du jeudi").await?;
    app.fill("workshop-date", "19/11/2026").await?;
    let decision = "Créer un annuaire partagé des acteurs du quartier";
    app.fill("workshop-decision-new", decision).await?;
    app.click("workshop-decision-add").await?;
    assert_eq!(app.value("workshop-decision-0").await?, decision);
    app.click("decision-to-action-0").await?;
    app.wait_for("decision-action-link-0").await?;
    app.screenshot("20-atelier-decision").await?;

    // The action is on the board, in « Retenue »; one gesture moves it to « En cours ».
    app.click("nav-plan").await?;
    app.wait_for("plan-board").await?;
    let action = records(&store, Kind::Action)
        .into_iter()
        .find(|a| a.data["title"] == decision)
        .expect("the decision became an action in the store");
    let card = format!("action-card-{}", action.id);
    app.wait_text("plan-column-retenue", decision).await?;
    app.select(&format!("action-status-{}", action.id), "en_cours").await?;
    app.wait_text("plan-column-en_cours", decision).await?;
    assert!(app.has(&card).await, "the card is still on the board");
    app.screenshot("21-plan-apres-deplacement").await?;
    app.quit().await?;
    drop(driver);

    let action = records(&store, Kind::Action).into_iter().find(|a| a.data["title"] == decision).unwrap();
    assert_eq!(action.data["status"], "en_cours", "the move was saved");
    let workshop = records(&store, Kind::Workshop)
        .into_iter()
        .find(|w| w.data["title"] == "Groupe de travail du jeudi")
        .expect("the workshop was saved");
    assert_eq!(workshop.data["decisions"][0]["action_id"], Value::String(action.id.to_string()));
    assert_eq!(action.data["source_workshop_id"], Value::String(workshop.id.to_string()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_value_shows_a_french_message_and_saves_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir);
    let territories_before = records(&store, Kind::Territory).len();
    let interviews_before = records(&store, Kind::Interview).len();
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;

    // An empty name: the territory is not created, the message says why in French.
    app.click("nav-territoires").await?;
    app.click("territory-new").await?;
    app.wait_for("territory-form").await?;
    app.fill("territory-name", "   ").await?;
    app.click("territory-save").await?;
    let message = app.wait_text("error-message", "").await?;
    assert!(
        message.contains("obligatoire") || message.contains("nom"),
        "a French message about the missing name, got {message:?}"
    );
    app.show("error-message").await?;
    app.screenshot("30-erreur-nom-vide").await?;

    // An impossible date: the interview is not saved.
    app.click("nav-entretiens").await?;
    app.click("interview-new").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-date", "30/02/2026").await?;
    app.fill("interview-title", "Entretien à la date impossible").await?;
    app.click("interview-notes").await?;
    let message = app.wait_text("error-message", "30/02/2026").await?;
    assert!(message.contains("n’existe pas"), "a French message about the impossible day, got {message:?}");
    app.show("error-message").await?;
    app.screenshot("31-erreur-date-impossible").await?;

    // A real date but an empty title: still nothing saved, and the message names the title.
    // (The title is emptied first: every blur saves, and the old title with a real date would be valid.)
    app.fill("interview-title", "  ").await?;
    app.fill("interview-date", "22/11/2026").await?;
    app.click("interview-notes").await?;
    // The window does not pre-check the title: the message is core's, and names the field.
    // (« titre » is set with no-break spaces: the words are looked for on each side of them.)
    let message = app.wait_text("error-message", "titre").await?;
    assert!(
        message.contains('«') && message.contains("obligatoire"),
        "core's French message about the empty title, got {message:?}"
    );
    let beside = app.wait_text("field-error-title", "titre").await?;
    assert!(beside.contains("obligatoire"), "core's message beside the title field, got {beside:?}");
    app.quit().await?;
    drop(driver);

    assert_eq!(records(&store, Kind::Territory).len(), territories_before, "no territory was created");
    assert_eq!(records(&store, Kind::Interview).len(), interviews_before, "no interview was saved");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_main_screen_shows_the_demo_territory() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir);
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;

    let screens = [
        ("nav-territoires", "territories", "40-territoires"),
        ("nav-acteurs", "actors", "41-acteurs"),
        ("nav-entretiens", "interviews", "42-entretiens"),
        ("nav-ateliers", "workshops", "44-ateliers"),
        ("nav-plan", "plan", "45-plan-d-action"),
        ("nav-pratiques", "practices", "46-pratiques"),
        ("nav-recherche", "search", "47-recherche"),
        ("nav-parametres", "settings", "48-parametres"),
    ];
    for (nav, screen, shot) in screens {
        app.click(nav).await?;
        app.wait_for(screen).await?;
        // Lists load asynchronously: let them settle before the picture.
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        app.screenshot(shot).await?;
        if screen == "territories" {
            let open = app.testids("territory-open-").await?;
            app.click(&open[0]).await?;
            app.wait_for("territory-detail").await?;
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            app.screenshot("40b-territoire-etapes").await?;
        }
        if screen == "interviews" {
            let open = app.testids("interview-open-").await?;
            assert!(!open.is_empty(), "the demo territory has interviews");
            app.click(&open[0]).await?;
            app.wait_for("interview-editor").await?;
            tokio::time::sleep(std::time::Duration::from_millis(400)).await;
            app.screenshot("43-capture-entretien").await?;
        }
    }
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_from_a_newer_maillage_opens_the_window_with_a_french_message() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = store_in(&dir);
    drop(Api::create(&store).unwrap());
    let conn = rusqlite::Connection::open(&store)?;
    conn.pragma_update(None, "user_version", 9999)?;
    drop(conn);

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    let shown: Value = app.client.execute("return document.body.innerText;", vec![]).await?;
    let deadline = std::time::Instant::now() + maillage_e2e::PATIENCE;
    let mut text = shown.as_str().unwrap_or_default().to_string();
    while !text.contains("mettez à jour Maillage") && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        text = app.client.execute("return document.body.innerText;", vec![]).await?.as_str().unwrap_or_default().into();
    }
    app.screenshot("50-magasin-plus-recent").await?;
    assert!(text.contains("mettez à jour Maillage"), "the window explains the newer store, shows {text:?}");
    app.quit().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_launch_offers_the_demo_territory() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = store_in(&dir);
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.fill("facilitator-input", "Camille Essai").await?;
    app.click("init-submit").await?;
    app.click("demo-open").await?;
    app.wait_for("territory-detail").await?;
    app.wait_text("step-count-etat_des_lieux-interview", "12").await?;
    app.quit().await?;
    drop(driver);

    let territories = records(&store, Kind::Territory);
    assert_eq!(territories.len(), 1);
    assert_eq!(territories[0].data["name"], "Cité éducative de Valmont");
    assert_eq!(records(&store, Kind::Interview).len(), 12, "the demo brings its interviews");
    Ok(())
}

/// An ordinary typing pace: one character every 60 ms.
const PACE: Duration = Duration::from_millis(60);

/// Types `text` into `field` at [`PACE`], whatever the page does meanwhile, and clicks `then` on
/// the next beat, as a person moving on does. `field` is clicked into first unless it has the
/// focus already (the caret then goes to the end of what it holds).
///
/// The click comes one beat after the last key, not in the same millisecond: WebKit sends a
/// key to the page only once the page has taken the previous one, and a click does not wait for
/// the keys queued behind it. A page that keeps up has taken each key well within the beat
/// (`keystroke_ms` in `scripts/bench-desktop.sh`: a few ms); the page this test was written
/// against took 150–500 ms per key and fell seconds behind.
async fn type_then_click(app: &App, typist: &Typist, field: &str, text: &str, then: &str) -> Result<()> {
    let at = typist.locate(app, &[field, then]).await?;
    if !has_focus(app, field).await? {
        typist.click_at(at[0])?;
        wait_focus(app, field).await?;
    }
    app.client
        .execute(
            "const e = document.activeElement; e.setSelectionRange(e.value.length, e.value.length); \
             window.clickSeen = false; addEventListener('click', () => (window.clickSeen = true), {capture: true, once: true});",
            vec![],
        )
        .await?;
    typist.type_text(text, PACE).await?;
    tokio::time::sleep(PACE).await;
    typist.click_at(at[1])?;
    // Only so that the next step finds the page where the click left it (it may scroll).
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while app.client.execute("return window.clickSeen;", vec![]).await? != Value::Bool(true) {
        if std::time::Instant::now() > deadline {
            return Err(format!("the click on [data-testid={then}] never reached the page").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

async fn has_focus(app: &App, id: &str) -> Result<bool> {
    let v =
        app.client.execute("return document.activeElement?.dataset.testid === arguments[0];", vec![json!(id)]).await?;
    Ok(v == Value::Bool(true))
}

async fn wait_focus(app: &App, id: &str) -> Result<()> {
    // Generous: before the fix, the page needed many seconds to catch up with the keys.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    while !has_focus(app, id).await? {
        if std::time::Instant::now() > deadline {
            return Err(format!("clicking [data-testid={id}] never gave it the focus").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Waits until the save badge says « Enregistré » (`data-state="saved"`), then returns its text.
async fn wait_saved(app: &App) -> Result<String> {
    // Generous: before the fix, the page needed many seconds to catch up with the keys.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let el = app.el("save-state").await?;
        if el.attr("data-state").await?.as_deref() == Some("saved") {
            return Ok(el.text().await?);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("the badge never said « Enregistré » (it says {:?})", el.text().await?).into());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The record the open editor saved, read through the core as the command line reads it.
async fn saved_record(app: &App, store: &std::path::Path, kind: Kind) -> Result<maillage_core::Record> {
    let hash = app.client.execute("return location.hash;", vec![]).await?;
    let id = hash.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_string();
    records(store, kind)
        .into_iter()
        .find(|r| r.id.to_string() == id)
        .ok_or_else(|| format!("no {kind:?} {id} in the store although the badge says « Enregistré »").into())
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_at_an_ordinary_pace_then_clicking_away_saves_every_character_in_its_own_field() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = demo_store(&dir);
    // As the application ships (WebKit's compositing off): the screens a facilitator's laptop
    // draws in software, where each keystroke used to repaint the whole window.
    let driver = Driver::start_as_shipped(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    let typist = Typist::attach(&driver)?;

    // A new workshop: the title, then its place; a participant and a decision added with
    // « Ajouter » clicked right after the last key.
    app.go("/ateliers/nouveau").await?;
    app.wait_for("workshop-editor").await?;
    let (title, place) = ("Premier COPIL territorial", "Salle du conseil municipal");
    let (participant, decision) = ("Mme Lefort, adjointe au maire", "Ouvrir le forum des associations aux familles");
    type_then_click(&app, &typist, "workshop-title", title, "workshop-place").await?;
    type_then_click(&app, &typist, "workshop-place", place, "workshop-add-name").await?;
    type_then_click(&app, &typist, "workshop-add-name", participant, "workshop-add-name-submit").await?;
    type_then_click(&app, &typist, "workshop-decision-new", decision, "workshop-decision-add").await?;
    let badge = wait_saved(&app).await?;
    let workshop = saved_record(&app, &store, Kind::Workshop).await?;
    let names: Vec<&str> =
        workshop.data["participants"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    let decisions: Vec<&str> =
        workshop.data["decisions"].as_array().unwrap().iter().filter_map(|d| d["text"].as_str()).collect();
    assert_eq!(
        (workshop.data["title"].as_str(), workshop.data["place"].as_str(), names, decisions),
        (Some(title), Some(place), vec![participant], vec![decision]),
        "the badge said {badge:?}: every character typed is in the store, each in its own field"
    );
    assert_eq!(app.value("workshop-add-name").await?, "", "nothing typed landed in the emptied participant field");
    assert_eq!(app.value("workshop-decision-new").await?, "", "nothing typed landed in the emptied decision field");

    // A new interview: the title, then the place, then a click into the next field.
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    let (title, place) = ("Entretien avec la principale adjointe", "Salle des professeurs");
    type_then_click(&app, &typist, "interview-title", title, "interview-place").await?;
    type_then_click(&app, &typist, "interview-place", place, "interview-interviewer").await?;
    let badge = wait_saved(&app).await?;
    let interview = saved_record(&app, &store, Kind::Interview).await?;
    assert_eq!(
        (interview.data["title"].as_str(), interview.data["place"].as_str(), interview.data["interviewer"].as_str()),
        (Some(title), Some(place), Some("Animatrice de test")),
        "the badge said {badge:?}: the interview's title and place hold every character, the next field none"
    );

    // The territory's feuille de route: two fields completed one after the other.
    let territory = records(&store, Kind::Territory).remove(0);
    let before = records(&store, Kind::Roadmap).into_iter().find(|r| r.territory_id == Some(territory.id)).unwrap();
    app.go(&format!("/territoires/{}", territory.id)).await?;
    app.wait_for("roadmap-form").await?;
    let (stakes, context) = (" Faire se connaitre les acteurs du quartier.", " Plusieurs postes restent vacants.");
    type_then_click(&app, &typist, "roadmap-stakes", stakes, "roadmap-context").await?;
    type_then_click(&app, &typist, "roadmap-context", context, "roadmap-questions").await?;
    let badge = wait_saved(&app).await?;
    let after = records(&store, Kind::Roadmap).into_iter().find(|r| r.id == before.id).unwrap();
    let grown = |field: &str, typed: &str| format!("{}{typed}", before.data[field].as_str().unwrap_or_default());
    assert_eq!(
        (after.data["stakes"].as_str().unwrap_or_default(), after.data["context"].as_str().unwrap_or_default()),
        (grown("stakes", stakes).as_str(), grown("context", context).as_str()),
        "the badge said {badge:?}: the feuille de route holds every character, each in its own field"
    );
    assert_eq!(after.data["questions"], before.data["questions"], "nothing typed landed in « Questions à traiter »");
    app.quit().await?;
    Ok(())
}

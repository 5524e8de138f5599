//! End-to-end tests of a facilitator's first day (issue 9) with the real window (see
//! `src/lib.rs` for how these tests run): the demo kept apart from real data and deleted in one
//! action, an export that carries the territories chosen, consent at hand in the interview,
//! a date typed slowly, checkbox lists that stay still, tagging a passage from the keyboard, and
//! the window reopening where the facilitator last worked.

use std::time::{Duration, Instant};

use maillage_core::api::{Api, DemoRequest};
use maillage_core::domain::{Kind, RecordId};
use maillage_core::Record;
use maillage_e2e::{App, Driver, Result, Typist};
use serde_json::{json, Value};

/// A store with its facilitator, the demo territory and `real` territories of the facilitator's own.
fn store_with(dir: &tempfile::TempDir, demo: bool, real: &[&str]) -> (std::path::PathBuf, Option<Record>, Vec<Record>) {
    let path = dir.path().join("maillage.sqlite3");
    let api = Api::create(&path).unwrap();
    api.init("Camille Essai").unwrap();
    let demo = demo.then(|| {
        api.demo(&DemoRequest {
            territory: "Cité éducative de Valmont".into(),
            interviews: 12,
            workshops: 4,
            actions: 8,
            seed: 7,
        })
        .unwrap();
        api.list(Kind::Territory, None).unwrap().remove(0)
    });
    let own = real
        .iter()
        .map(|name| {
            api.put(
                Kind::Territory,
                None,
                json!({"name": name, "kind": "qpv", "departement_code": "93", "communes": ["Bondy"], "programme": null, "notes": ""}),
            )
            .unwrap()
        })
        .collect();
    (path, demo, own)
}

fn person(api: &Api, territory: RecordId, name: &str, consent: &str) -> Record {
    let date = if consent == "given" { json!("2026-10-01") } else { Value::Null };
    api.put(
        Kind::Person,
        None,
        json!({"territory_id": territory, "name": name, "role": "", "organisation_id": null, "contact": "",
               "consent": {"status": consent, "date": date, "how": if consent == "given" { "formulaire signé" } else { "" }},
               "pseudonym": "", "notes": ""}),
    )
    .unwrap()
}

async fn eval(app: &App, script: &str, args: Vec<Value>) -> Result<Value> {
    Ok(app.client.execute(script, args).await?)
}

/// Polls `f` until it holds (the window saves on its own schedule).
async fn eventually<F: FnMut() -> bool>(what: &str, mut f: F) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        if Instant::now() > deadline {
            return Err(format!("never: {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn wait_focus(app: &App, id: &str) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while eval(app, "return document.activeElement?.dataset.testid;", vec![]).await? != json!(id) {
        if Instant::now() > deadline {
            return Err(format!("[data-testid={id}] never got the focus").into());
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    Ok(())
}

fn bundle_territories(file: &std::path::Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let other = Api::create(&dir.path().join("autre.sqlite3")).unwrap();
    other.init("Siège").unwrap();
    let report = other.verify_bundle(file, None).unwrap();
    let mut names: Vec<String> = report.territories.into_iter().map(|t| t.name).collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_is_marked_left_out_of_bundles_and_deleted_in_one_action_and_an_export_carries_the_territory_chosen(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, demo, own) = store_with(&dir, true, &["Quartier des Tilleuls", "Bondy Nord"]);
    let demo = demo.unwrap();
    let tilleuls = own.iter().find(|t| t.data["name"] == "Quartier des Tilleuls").unwrap().clone();
    let usb = dir.path().join("cle");
    std::fs::create_dir_all(&usb)?;
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;

    // « Démonstration » on the list of territories and in the sidebar.
    app.go("/territoires").await?;
    app.wait_for(&format!("territory-demo-{}", demo.id)).await?;
    assert!(!app.has(&format!("territory-demo-{}", tilleuls.id)).await, "a real territory carries no demo badge");
    app.select("territory-select", &demo.id.to_string()).await?;
    app.wait_for("sidebar-demo-badge").await?;
    let option: Value = eval(
        &app,
        "return document.querySelector('[data-testid=territory-select]').selectedOptions[0].textContent;",
        vec![],
    )
    .await?;
    assert!(option.as_str().unwrap_or_default().contains("Démonstration"), "the selector says it too: {option}");
    app.screenshot("70-territoires-demonstration").await?;

    // Export the current territory only (the default), to the USB key.
    app.select("territory-select", &tilleuls.id.to_string()).await?;
    app.go("/echanges").await?;
    app.wait_for("export-territories").await?;
    let checked =
        |id: &RecordId| format!("return document.querySelector('[data-testid=\"export-territory-{id}\"]').checked;");
    assert_eq!(
        eval(&app, &checked(&tilleuls.id), vec![]).await?,
        Value::Bool(true),
        "the current territory is chosen by default"
    );
    assert_eq!(eval(&app, &checked(&demo.id), vec![]).await?, Value::Bool(false), "the demo is not chosen");
    app.wait_text("export-unsealed-hint", "sans être scellé").await?;
    let name = app.value("export-filename").await?;
    assert!(name.starts_with("maillage-quartier-des-tilleuls-"), "the file name says which territory: {name}");
    app.fill("export-folder", usb.to_str().unwrap()).await?;
    app.click("export-submit").await?;
    app.wait_text("export-summary-territories", "Quartier des Tilleuls").await?;
    let summary = app.text("export-summary-territories").await?;
    assert!(
        !summary.contains("Bondy") && !summary.contains("Valmont"),
        "the summary names the one territory: {summary}"
    );
    assert_eq!(
        bundle_territories(&usb.join(&name)),
        vec!["Quartier des Tilleuls".to_string()],
        "only the territory chosen travels"
    );
    app.show("export").await?;
    app.screenshot("71-echanges-export-un-territoire").await?;

    // The same file again: refused, then « Remplacer ».
    app.click("export-submit").await?;
    app.wait_for("export-replace").await?;
    app.show("export").await?;
    app.screenshot("72-echanges-remplacer").await?;
    app.click("export-replace").await?;
    app.wait_gone("export-replace").await?;
    app.wait_text("export-summary", "Paquet écrit").await?;

    // Nothing ticked: every territory but the demo.
    app.click(&format!("export-territory-{}", tilleuls.id)).await?;
    app.wait_for("export-territories-all").await?;
    app.fill("export-filename", "tout.maillage").await?;
    app.click("export-submit").await?;
    app.wait_text("export-summary-territories", "Territoires").await?;
    assert_eq!(
        bundle_territories(&usb.join("tout.maillage")),
        vec!["Bondy Nord".to_string(), "Quartier des Tilleuls".to_string()],
        "the demo never goes into a bundle unless chosen"
    );

    // The demo's cooperation map: a legend, structures without links apart, a click lights
    // a structure's links.
    app.select("territory-select", &demo.id.to_string()).await?;
    app.go("/acteurs/liens").await?;
    app.wait_for("coop-map-legend").await?;
    let nodes = app.testids("coop-map-node-").await?;
    assert!(!nodes.is_empty(), "the map shows the structures with links");
    // The structure's circle, clicked as a person does.
    let circle = app.client.find(fantoccini::Locator::Css(&format!("[data-testid=\"{}\"] circle", nodes[0]))).await?;
    app.client.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&circle)?]).await?;
    circle.click().await?;
    let lit = app.wait_text("coop-map-selected", "mis en évidence").await?;
    assert!(lit.contains(" lien"), "the links of the structure clicked are counted: {lit}");
    let overlapping: Value = eval(
        &app,
        "const r = Array.from(document.querySelectorAll('[data-testid=coop-map] text.label')).map(t => t.getBoundingClientRect()); \
         return r.some((a, i) => r.some((b, j) => i < j && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));",
        vec![],
    )
    .await?;
    assert_eq!(overlapping, Value::Bool(false), "no label of the map overlaps another");
    app.show("coop-map").await?;
    app.screenshot("80-carte-cooperations").await?;

    // The demo deleted in one action, the confirmation naming what goes.
    app.go(&format!("/territoires/{}", demo.id)).await?;
    app.click(&format!("territory-delete-{}", demo.id)).await?;
    // (WebDriver gives non-breaking spaces as spaces.)
    let message = app.wait_text("confirm-dialog", "entretiens").await?.replace('\u{a0}', " ");
    assert!(message.contains("12 entretiens"), "the confirmation counts the interviews: {message}");
    assert!(message.contains("Cité éducative de Valmont"), "and names the territory: {message}");
    app.screenshot("73-territoire-suppression").await?;
    app.click("territory-delete-yes").await?;
    app.wait_for("territories").await?;
    app.wait_gone(&format!("territory-row-{}", demo.id)).await?;
    app.quit().await?;
    drop(driver);

    let api = Api::open(&store)?;
    let left: Vec<String> =
        api.list(Kind::Territory, None)?.into_iter().map(|t| t.data["name"].as_str().unwrap().to_string()).collect();
    assert!(!left.iter().any(|n| n.contains("Valmont")), "the demo territory is gone: {left:?}");
    assert!(api.list(Kind::Interview, Some(demo.id))?.is_empty(), "and everything in it");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interviewees_consent_is_recorded_at_hand_the_list_stays_still_and_a_passage_is_tagged_from_the_keyboard(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, _, own) = store_with(&dir, false, &["Quartier des Tilleuls"]);
    let t = own[0].id;
    let (amelie, bruno, zoe) = {
        let api = Api::open(&store)?;
        (
            person(&api, t, "Amélie Bernard", "given"),
            person(&api, t, "Bruno Carpentier", "pending"),
            person(&api, t, "Zoé Vasseur", "given"),
        )
    };
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", "Entretien avec le centre social").await?;

    // Ticking never reorders the list.
    let order = || async {
        app.testids("interview-persons-")
            .await
            .map(|ids| ids.into_iter().filter(|i| !i.ends_with("-filter")).collect::<Vec<_>>())
    };
    let before = order().await?;
    app.click(&format!("interview-persons-{}", zoe.id)).await?;
    app.click(&format!("interview-persons-{}", bruno.id)).await?;
    assert_eq!(order().await?, before, "the persons stay where they were while they are ticked");
    assert_eq!(before.last().map(String::as_str), Some(format!("interview-persons-{}", zoe.id).as_str()));

    // Bruno's consent is not given: shown, and recorded there and then.
    app.wait_for(&format!("consent-prompt-{}", bruno.id)).await?;
    assert!(!app.has(&format!("consent-prompt-{}", zoe.id)).await, "no prompt for a consent given");
    app.click(&format!("consent-prompt-open-{}", bruno.id)).await?;
    app.fill(&format!("consent-prompt-how-{}", bruno.id), "oral, enregistré").await?;
    app.show(&format!("consent-prompt-{}", bruno.id)).await?;
    app.screenshot("74-entretien-consentement").await?;
    app.click(&format!("consent-prompt-save-{}", bruno.id)).await?;
    app.wait_gone(&format!("consent-prompt-{}", bruno.id)).await?;
    assert_eq!(
        app.value("interview-consent-status").await?,
        "given",
        "the interview's consent follows its interviewees'"
    );
    let api = Api::open(&store)?;
    let b = api.get(Kind::Person, bruno.id)?;
    assert_eq!(b.data["consent"]["status"], "given", "Bruno's consent is in his record");
    assert_eq!(b.data["consent"]["how"], "oral, enregistré");
    let _ = amelie;

    // Tagging from the keyboard: select, Ctrl + T, Entrée.
    let notes = "Les familles ne connaissent pas le centre social. Les horaires ne conviennent pas.";
    app.fill("interview-notes", notes).await?;
    let passage = "Les horaires ne conviennent pas.";
    eval(
        &app,
        "const e = document.querySelector('[data-testid=interview-notes]'); e.focus(); const at = e.value.indexOf(arguments[0]); \
         e.setSelectionRange(at, at + arguments[0].length); e.dispatchEvent(new Event('select', {bubbles: true}));",
        vec![json!(passage)],
    )
    .await?;
    app.press_ctrl('t').await?;
    app.wait_for("theme-picker").await?;
    app.screenshot("75-entretien-etiqueter-clavier").await?;
    let picker = app.el("theme-picker-filter").await?;
    picker.send_keys("\u{E007}").await?; // Entrée: the first theme
    app.wait_gone("theme-picker").await?;
    app.wait_for("passage-0").await?;
    let marked: Value =
        eval(&app, "return Array.from(document.querySelectorAll('.marks mark')).map(m => m.textContent);", vec![])
            .await?;
    assert_eq!(marked, json!([passage]), "the tagged passage is highlighted in the text");
    let focused: Value = eval(&app, "return document.activeElement?.dataset.testid;", vec![]).await?;
    assert_eq!(focused, json!("interview-notes"), "the focus is back in the notes");
    app.show("interview-notes").await?;
    app.screenshot("76-entretien-passage-surligne").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.quit().await?;
    drop(driver);

    let interview = api.list(Kind::Interview, Some(t))?.remove(0);
    let passages = interview.data["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1);
    assert_eq!(passages[0]["text"], passage);
    assert_eq!(passages[0]["theme_ids"].as_array().unwrap().len(), 1, "tagged with the theme chosen");
    assert_eq!(interview.data["consent"]["status"], "given");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_date_typed_slowly_is_checked_when_left_and_no_key_goes_elsewhere() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, _, _) = store_with(&dir, false, &["Quartier des Tilleuls"]);
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    let typist = Typist::attach(&driver)?;
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", "Entretien lent").await?;
    app.el("interview-date").await?.clear().await?;
    let at = typist.locate(&app, &["interview-date", "interview-place"]).await?;
    typist.click_at(at[0])?;
    wait_focus(&app, "interview-date").await?;
    // Slower than the autosave's pause (600 ms) between each key.
    typist.type_text("15/0", Duration::from_millis(900)).await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!app.has("error-message").await, "a date being typed is not refused yet");
    let focused: Value = eval(&app, "return document.activeElement?.dataset.testid;", vec![]).await?;
    assert_eq!(focused, json!("interview-date"), "the focus stays in the date");
    typist.type_text("3/2026", Duration::from_millis(900)).await?;
    tokio::time::sleep(Duration::from_millis(900)).await;
    typist.click_at(at[1])?;
    wait_focus(&app, "interview-place").await?;
    typist.type_text("Mairie", Duration::from_millis(120)).await?;
    app.wait_text("save-state", "Enregistré").await?;
    assert_eq!(app.value("interview-date").await?, "15/03/2026");
    assert_eq!(app.value("interview-place").await?, "Mairie", "every key of the place went to the place");

    // A partial date, left: refused when left, with French words.
    app.el("interview-date").await?.clear().await?;
    typist.click_at(at[0])?;
    wait_focus(&app, "interview-date").await?;
    typist.type_text("15/0", Duration::from_millis(100)).await?;
    typist.click_at(at[1])?;
    app.wait_text("error-message", "JJ/MM/AAAA").await?;
    app.show("interview-date").await?;
    app.screenshot("77-entretien-date-quittee").await?;
    app.quit().await?;
    drop(driver);
    let interview = Api::open(&store)?.list(Kind::Interview, None)?.remove(0);
    assert_eq!(
        (interview.data["date"].as_str(), interview.data["place"].as_str()),
        (Some("2026-03-15"), Some("Mairie"))
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_reopens_the_territory_and_screen_last_worked_in_and_the_steps_say_what_is_done() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (store, _, own) =
        store_with(&dir, false, &["Bondy Nord", "Quartier des Tilleuls de la très longue avenue Jean-Jaurès"]);
    let long = own[1].clone();
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;

    // The step cards: a checklist, each item done or not, a link to its screen.
    app.select("territory-select", &long.id.to_string()).await?;
    app.go(&format!("/territoires/{}", long.id)).await?;
    app.wait_for("step-lancement").await?;
    let items = app.testids("step-item-").await?;
    assert!(items.len() >= 6, "every step lists what it asks for: {items:?}");
    let reached = app.el("step-lancement").await?.attr("data-reached").await?;
    assert_eq!(reached.as_deref(), Some("false"), "an empty territory has not reached its first step");
    app.screenshot("78-territoire-etapes").await?;
    let links = app.testids("step-go-etat_des_lieux-").await?;
    assert!(!links.is_empty(), "the items link to their screens");
    app.click(&links[0]).await?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while eval(&app, "return location.hash;", vec![]).await?.as_str().unwrap_or_default().starts_with("#/territoires") {
        assert!(Instant::now() < deadline, "the checklist's link opens its screen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    app.go("/acteurs/personnes").await?;
    app.wait_for("actors").await?;
    eventually("the place worked in is remembered", || {
        Api::open(&store)
            .ok()
            .and_then(|a| a.last_worked_in().ok().flatten())
            .is_some_and(|w| w.screen == "/acteurs/personnes" && w.territory_id == Some(long.id))
    })
    .await?;
    app.quit().await?;

    let app = driver.launch().await?;
    app.wait_for("actors").await?;
    let hash: Value = eval(&app, "return location.hash;", vec![]).await?;
    assert_eq!(hash, json!("#/acteurs/personnes"), "the window reopens the screen last worked in");
    assert_eq!(app.value("territory-select").await?, long.id.to_string(), "and its territory");
    let name = app.text("territory-current-name").await?;
    assert!(name.contains("Jean-Jaurès"), "the long name is shown whole in the sidebar: {name}");
    app.screenshot("79-reouverture").await?;
    app.go("/parametres").await?;
    app.wait_for("backup-to").await?;
    app.show("backup-to").await?;
    app.screenshot("81-parametres-sauvegardes").await?;
    app.quit().await?;
    Ok(())
}

//! End-to-end test of privacy in the real window (issue 11; see `src/lib.rs` for how these tests
//! run): a territory with its end date, a person, an interview naming them with a passage whose
//! consent state the interview screen shows and which is attributed to them; the person erased
//! everywhere from the Personnes tab, then gone from the persons list, from the interview and from
//! search (Ctrl+K); the erasure listed in Paramètres › Protection des données, with no name; a
//! territory past its retention day purged from there.

use std::time::{Duration, Instant};

use maillage_core::api::Api;
use maillage_core::domain::Kind;
use maillage_e2e::{App, Driver, Result};
use serde_json::{json, Value};

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

#[tokio::test(flavor = "multi_thread")]
async fn a_person_erased_everywhere_is_gone_from_the_persons_the_interview_and_search() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    // A territory whose programme ended long ago: its data are « à purger ».
    let ended = {
        let api = Api::create(&store)?;
        api.init("Camille Essai")?;
        let t = api.put(
            Kind::Territory,
            None,
            json!({"name": "Ancien quartier", "kind": "qpv", "departement_code": null, "communes": [], "programme": null,
                   "notes": "", "end_date": "2020-06-30"}),
        )?;
        api.put(
            Kind::Person,
            None,
            json!({"territory_id": t.id, "name": "Gaston Prévert", "role": "", "organisation_id": null, "contact": "",
                   "consent": {"status": "pending", "date": null, "how": ""}, "pseudonym": "", "notes": ""}),
        )?;
        t
    };
    let name = "Odile Rameau";
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;

    // A territory, with the programme's end date.
    app.go("/territoires?nouveau=1").await?;
    app.wait_for("territory-form").await?;
    app.fill("territory-name", "Quartier des Tilleuls").await?;
    app.fill("territory-end-date", "30/06/2027").await?;
    app.click("territory-save").await?;
    app.wait_for("territory-end-date-form").await?;
    app.show("territory-end-date-form").await?;
    app.screenshot("84-territoire-fin-programme").await?;
    let api = Api::open(&store)?;
    let territory = api
        .list(Kind::Territory, None)?
        .into_iter()
        .find(|t| t.data["name"] == "Quartier des Tilleuls")
        .ok_or("created")?;
    assert_eq!(territory.data["end_date"], "2027-06-30");

    // A person, consent not yet collected.
    app.go("/acteurs/personnes/nouvelle").await?;
    app.wait_for("person-form").await?;
    app.fill("person-name", name).await?;
    app.click("person-save").await?;
    app.wait_gone("person-form").await?;
    let person = api.list(Kind::Person, Some(territory.id))?.remove(0);
    app.wait_for(&format!("person-row-{}", person.id)).await?;

    // An interview naming them, with a verbatim.
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", "Entretien au centre social").await?;
    app.click(&format!("interview-persons-{}", person.id)).await?;
    let passage = "Les horaires ne conviennent pas aux familles.";
    app.fill("interview-notes", &format!("{name} nous dit : {passage}")).await?;
    eval(
        &app,
        "const e = document.querySelector('[data-testid=interview-notes]'); e.focus(); const at = e.value.indexOf(arguments[0]); \
         e.setSelectionRange(at, at + arguments[0].length); e.dispatchEvent(new Event('select', {bubbles: true}));",
        vec![json!(passage)],
    )
    .await?;
    app.click("passage-quote").await?;
    app.wait_for("passage-0").await?;
    // Core's state of the passage once saved: it stays in the interview, and core counts it.
    app.wait_for("passage-withheld-0").await?;
    let said = app.wait_text("passage-consent-messages", "non exportable").await?;
    assert!(said.contains("consentement non recueilli"), "core's sentence: {said}");
    app.select("passage-person-0", &person.id.to_string()).await?;
    let interview_id = {
        let mut id = None;
        eventually("the passage attributed to the person in the store", || {
            let list = api.list(Kind::Interview, Some(territory.id)).unwrap_or_default();
            id = list.first().map(|r| r.id);
            list.first().is_some_and(|r| r.data["passages"][0]["person_id"] == json!(person.id))
        })
        .await?;
        id.unwrap()
    };
    app.wait_text("save-state", "Enregistré").await?;
    app.wait_for("passage-withheld-0").await?;
    app.show("passage-toolbar").await?;
    app.screenshot("85-entretien-consentement-passage").await?;

    // « Effacer cette personne partout », confirmed.
    app.go(&format!("/acteurs/personnes/{}", person.id)).await?;
    app.wait_for("person-privacy").await?;
    app.click("person-erase").await?;
    let warning = app.text("confirm-dialog").await?;
    assert!(warning.contains("ne peut pas être annulé") && warning.contains("chaque copie"), "the warning: {warning}");
    app.show("confirm-dialog").await?;
    app.screenshot("86-personne-effacer-confirmation").await?;
    app.click("person-erase-confirm").await?;
    let report = app.wait_text("person-erased-message", "Personne effacée").await?;
    assert!(!report.contains(name), "the report names nobody: {report}");
    app.wait_gone(&format!("person-row-{}", person.id)).await?;
    app.screenshot("87-personnes-apres-effacement").await?;
    assert!(app.testids("person-row-").await?.is_empty(), "no person left in the list");

    // Gone from the interview: not among its persons, their passage removed, their name replaced.
    app.go(&format!("/entretiens/{interview_id}")).await?;
    app.wait_for("interview-editor").await?;
    app.wait_for("interview-notes").await?;
    let notes = app.value("interview-notes").await?;
    assert!(!notes.contains(name) && notes.contains(passage), "the notes keep the words, not the name: {notes}");
    assert!(!app.has(&format!("interview-persons-{}", person.id)).await, "not among the persons to tick");
    assert!(!app.has("passage-0").await, "the passage attributed to them is gone");
    let page: Value = eval(&app, "return document.body.innerText;", vec![]).await?;
    assert!(!page.as_str().unwrap_or_default().contains("Rameau"), "the name is nowhere on the interview's screen");
    app.screenshot("88-entretien-apres-effacement").await?;

    // Gone from search (Ctrl+K): the name finds nothing, the words still find the interview.
    app.press_ctrl('k').await?;
    app.wait_for("search").await?;
    app.type_into("search-input", "Rameau").await?;
    app.wait_for("search-empty").await?;
    app.screenshot("89-recherche-nom-efface").await?;
    app.fill("search-input", "horaires").await?;
    app.wait_text("search-results", "Entretien au centre social").await?;

    // Paramètres › Protection des données: the erasure, by id and day, no name.
    app.go("/parametres").await?;
    app.wait_for(&format!("privacy-erasure-{}", person.id)).await?;
    app.show("privacy-persons").await?;
    let panel = app.text("settings-privacy").await?;
    assert!(!panel.contains(name), "the report names nobody: {panel}");
    app.screenshot("8a-parametres-protection-donnees").await?;

    // « Données à purger »: the territory past its retention day, purged once confirmed.
    app.show(&format!("privacy-due-{}", ended.id)).await?;
    app.screenshot("8b-parametres-donnees-a-purger").await?;
    app.click(&format!("privacy-purge-{}", ended.id)).await?;
    app.click("privacy-purge-confirm").await?;
    app.wait_for("privacy-due-none").await?;
    app.wait_for("privacy-done").await?;
    app.quit().await?;
    drop(driver);

    // The store, as the command line reads it.
    let api = Api::open(&store)?;
    assert!(api.list(Kind::Person, None)?.is_empty());
    let interview = api.get(Kind::Interview, interview_id)?;
    assert_eq!(interview.data["person_ids"], json!([]));
    assert_eq!(interview.data["passages"], json!([]));
    assert!(!interview.data.to_string().contains(name));
    assert!(api.get(Kind::Territory, ended.id)?.data["purged_on"].is_string(), "the ended territory is purged");
    Ok(())
}

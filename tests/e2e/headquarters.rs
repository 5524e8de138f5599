//! End-to-end test of headquarters' workspace with the real window (issue 10; see `src/lib.rs`
//! for how these tests run): the first launch as « Siège national » shows headquarters' keys and
//! asks for a copy of the secret key; a folder of three bundles sealed for headquarters, from
//! three devices, is verified (one, tampered with, refused with its reason) and imported; the
//! national dashboard shows the two territories at their steps; the drill-down shows a record's
//! provenance, read-only; the synthesis is drawn; an XLSX export is written.

use std::path::{Path, PathBuf};

use maillage_core::api::{Api, ExportRequest};
use maillage_core::domain::Kind;
use maillage_e2e::{App, Driver, Result};
use serde_json::json;

/// A facilitator's computer: a store, a territory, what `fill` puts in it, then a bundle of it
/// sealed for headquarters' `recipient`, written as `out`. Returns the territory's id.
fn facilitator_bundle(
    dir: &Path,
    facilitator: &str,
    territory: &str,
    recipient: &str,
    out: &Path,
    fill: impl FnOnce(&Api, &str),
) -> Result<String> {
    let store = dir.join(format!("{}/maillage.sqlite3", facilitator.split(' ').next().unwrap_or("x").to_lowercase()));
    std::fs::create_dir_all(store.parent().unwrap())?;
    let api = Api::create(&store)?;
    api.init(facilitator)?;
    let t = api.put(
        Kind::Territory,
        None,
        json!({"name": territory, "kind": "qpv", "departement_code": "93", "communes": ["Bondy"], "programme": null, "notes": ""}),
    )?;
    let id = t.id.to_string();
    fill(&api, &id);
    api.export_bundle(&ExportRequest {
        out: out.to_path_buf(),
        to: vec![recipient.to_string()],
        ..Default::default()
    })?;
    Ok(id)
}

/// Lancement done (a roadmap with stakes and objectives, three structures): at step 2.
fn launched(api: &Api, territory: &str) {
    let mut orgs = Vec::new();
    for (name, category) in [
        ("Collège Jean Moulin", "education_nationale"),
        ("Centre social des Tilleuls", "centre_social"),
        ("Service de l'ASE", "departement_ase"),
    ] {
        let o = api
            .put(
                Kind::Organisation,
                None,
                json!({"territory_id": territory, "name": name, "category": category, "engagement": "professionnel",
                       "fields": ["scolaire"], "sub_territory": null, "notes": ""}),
            )
            .unwrap();
        orgs.push(o.id.to_string());
    }
    api.put(
        Kind::Roadmap,
        None,
        json!({"territory_id": territory, "stakes": "Mieux coopérer autour du passage CM2-6e", "context": "",
               "questions": "", "objectives": ["Se connaître", "Partager les situations"], "sub_territories": [],
               "organisation_ids": orgs, "actors_note": "", "project_organisation": "", "launched_on": "2026-09-01"}),
    )
    .unwrap();
}

/// Lancement done, and the état des lieux begun: interviews being coded (drafts), a link, an
/// action idea and an indicator measured — still at step 2 (no complete interview, no COPIL).
fn surveyed(api: &Api, territory: &str) {
    launched(api, territory);
    let orgs: Vec<String> = api
        .list(Kind::Organisation, Some(maillage_core::domain::RecordId::parse(territory).unwrap()))
        .unwrap()
        .into_iter()
        .map(|o| o.id.to_string())
        .collect();
    let themes: Vec<(String, String)> = api
        .list(Kind::Theme, None)
        .unwrap()
        .into_iter()
        .map(|t| (t.data["code"].as_str().unwrap_or_default().to_string(), t.id.to_string()))
        .collect();
    let theme = |prefix: &str| -> Vec<String> {
        themes.iter().filter(|(code, _)| code.starts_with(prefix)).map(|(_, id)| id.clone()).take(2).collect()
    };
    let codings: [(&str, Vec<String>); 3] =
        [("besoin", theme("besoin")), ("frein", theme("frein")), ("condition", theme("condition"))];
    for (i, org) in orgs.iter().enumerate() {
        let passages: Vec<_> = codings
            .iter()
            .take(i + 1)
            .map(|(word, ids)| json!({"source": "notes", "text": format!("Passage sur les {word}s"), "theme_ids": ids, "quote": false}))
            .collect();
        api.put(
            Kind::Interview,
            None,
            json!({"territory_id": territory, "title": format!("Entretien {}", i + 1), "date": "2026-10-05", "place": "",
                   "interviewer": "Camille Essai", "person_ids": [], "organisation_ids": [org], "guide_id": null,
                   "answers": {}, "notes": "Passage sur les besoins, les freins et les conditions", "theme_ids": [],
                   "passages": passages, "consent": {"status": "pending", "date": null, "how": ""}, "status": "brouillon"}),
        )
        .unwrap();
    }
    api.put(
        Kind::CooperationLink,
        None,
        json!({"territory_id": territory, "from_organisation_id": orgs[0], "to_organisation_id": orgs[1], "kind": "information",
               "intensity": 2, "observed_on": "2026-10-05", "source_id": null, "notes": ""}),
    )
    .unwrap();
    api.put(
        Kind::Action,
        None,
        json!({"territory_id": territory, "title": "Annuaire partagé des acteurs", "objective": "", "hypothesis": "",
               "lead_organisation_id": null, "partner_ids": [], "priority": {"rank": null, "impact": null, "feasibility": null},
               "status": "idee", "start_date": null, "end_date": null, "resources": "", "source_workshop_id": null, "notes": ""}),
    )
    .unwrap();
    let indicator = api
        .put(
            Kind::Indicator,
            None,
            json!({"territory_id": territory, "action_id": null, "name": "Professionnels se connaissant", "unit": "%",
                   "baseline": 20.0, "target": 60.0, "notes": ""}),
        )
        .unwrap();
    api.put(
        Kind::Measurement,
        None,
        json!({"territory_id": territory, "indicator_id": indicator.id, "date": "2026-10-20", "value": 35.0, "comment": ""}),
    )
    .unwrap();
}

/// Headquarters' passphrase (its store must be encrypted).
const HQ_PASSPHRASE: &str = "la phrase de passe du siege";

async fn screenshot_at(app: &App, id: &str, name: &str) -> Result<PathBuf> {
    app.show(id).await?;
    app.screenshot(name).await
}

#[tokio::test(flavor = "multi_thread")]
async fn headquarters_imports_a_folder_of_sealed_bundles_sees_every_territory_drills_down_and_exports_the_tables(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("siege/maillage.sqlite3");
    std::fs::create_dir_all(store.parent().unwrap())?;
    let inbox = dir.path().join("arrivees");
    std::fs::create_dir_all(&inbox)?;
    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;

    // First launch: « Siège national », then headquarters' keys and the copy of the secret key.
    app.wait_for("first-launch").await?;
    app.click("workspace-siege").await?;
    app.fill("facilitator-input", "Equipe nationale").await?;
    // Headquarters' store must be encrypted: the passphrase is asked on the same card.
    let why = app.text("first-passphrase-why").await?;
    assert!(why.contains("Obligatoire pour le siège national"), "the card says the passphrase is required: {why}");
    app.fill("first-passphrase-new", HQ_PASSPHRASE).await?;
    app.fill("first-passphrase-confirm", HQ_PASSPHRASE).await?;
    app.screenshot("90-siege-premier-lancement").await?;
    app.click("init-submit").await?;
    app.wait_for("recovery-code-screen").await?;
    app.click("recovery-noted").await?;
    app.click("recovery-continue").await?;
    app.wait_for("hq-keys-screen").await?;
    let recipient = app.text("hq-recipient").await?;
    assert!(recipient.starts_with("age1"), "headquarters' public key is shown to give to facilitators: {recipient}");
    assert!(!app.text("hq-signing-fingerprint").await?.is_empty(), "the signing key's fingerprint is shown");
    let why = app.text("hq-secret-why").await?;
    assert!(
        why.contains("ne peuvent plus être ouverts"),
        "the window says why a copy of the secret key matters: {why}"
    );
    for nav in ["nav-arrivees", "nav-national", "nav-synthese", "nav-exports", "nav-parametres"] {
        assert!(app.has(nav).await, "headquarters' navigation has {nav}");
    }
    assert!(!app.has("nav-echanges").await, "the facilitator's « Échanges » is not headquarters'");
    app.screenshot("91-siege-cles").await?;
    let copy = dir.path().join("cle-usb/cle-secrete-siege.key");
    std::fs::create_dir_all(copy.parent().unwrap())?;
    app.fill("hq-secret-path", copy.to_str().unwrap()).await?;
    app.click("hq-secret-path-save").await?;
    app.wait_for("hq-secret-saved").await?;
    assert!(copy.is_file(), "the copy of the secret key was written where chosen");
    assert!(!app.has("hq-secret-reminder").await, "no reminder once the copy is saved");

    // Three devices, three bundles sealed for headquarters; the third one tampered with.
    let tilleuls = facilitator_bundle(
        dir.path(),
        "Camille Essai",
        "Quartier des Tilleuls",
        &recipient,
        &inbox.join("1-tilleuls.maillage"),
        surveyed,
    )?;
    let bondy = facilitator_bundle(
        dir.path(),
        "Karim Benali",
        "Bondy Nord",
        &recipient,
        &inbox.join("2-bondy.maillage"),
        |_, _| {},
    )?;
    let forged = inbox.join("3-orly.maillage");
    facilitator_bundle(dir.path(), "Nadia Haddad", "Orly Centre", &recipient, &forged, launched)?;
    let mut bytes = std::fs::read(&forged)?;
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x5a;
    std::fs::write(&forged, bytes)?;

    // Arrivées: the folder; each bundle verified first.
    app.click("nav-arrivees").await?;
    app.wait_for("arrivals").await?;
    app.fill("arrivals-path", inbox.to_str().unwrap()).await?;
    app.click("arrivals-path-add").await?;
    app.wait_for("import-report-2").await?;
    app.wait_text("arrivals-summary", "3 paquets vérifiés").await?;
    let refused = app.text("import-refused-2").await?;
    assert!(refused.contains("Paquet refusé"), "the tampered bundle is refused: {refused}");
    assert!(refused.contains("Que faire"), "with what to do: {refused}");
    assert!(!app.has("import-refused-0").await && !app.has("import-refused-1").await, "the two others are accepted");
    for i in 0..2 {
        let key = app.text(&format!("import-key-{i}")).await?;
        assert!(key.contains("à vérifier"), "a first bundle from a device: its fingerprint is to check: {key}");
    }
    assert!(app.text("import-territories-0").await?.contains("Quartier des Tilleuls"));
    assert!(
        Api::open_with_passphrase(&store, HQ_PASSPHRASE)?.national_status()?.is_empty(),
        "nothing is imported before « Importer tout »"
    );
    screenshot_at(&app, "arrivals-summary", "92-siege-arrivees-verifiees").await?;
    app.click("arrivals-import-all").await?;
    app.wait_text("arrivals-outcome", "2 paquets importés").await?;
    app.wait_for("import-history-table").await?;
    let history = app.testids("import-history-row-").await?;
    assert_eq!(history.len(), 2, "the history shows both bundles imported: {history:?}");
    screenshot_at(&app, "import-history", "93-siege-arrivees-historique").await?;

    // Tableau national: both territories, at their steps.
    app.click("nav-national").await?;
    app.wait_for("national-table").await?;
    let step = app.text(&format!("national-step-{tilleuls}")).await?;
    assert!(step.contains("2. État des lieux"), "Les Tilleuls launched: at step 2: {step}");
    let step = app.text(&format!("national-step-{bondy}")).await?;
    assert!(step.contains("1. Lancement"), "Bondy Nord has only its territory: at step 1: {step}");
    assert!(app.text(&format!("national-facilitators-{tilleuls}")).await?.contains("Camille Essai"));
    assert_eq!(app.testids("national-row-").await?.len(), 2, "only the two territories imported");
    app.screenshot("94-siege-tableau-national").await?;
    app.select("national-filter-step", "2").await?;
    assert_eq!(
        app.testids("national-row-").await?,
        vec![format!("national-row-{tilleuls}")],
        "the step filter keeps Les Tilleuls"
    );
    app.select("national-filter-step", "").await?;

    // Drill-down: the territory's screens, read-only, with each record's provenance.
    app.click(&format!("national-open-{tilleuls}")).await?;
    app.wait_for("territory-detail").await?;
    app.wait_text("drill-territory-name", "Quartier des Tilleuls").await?;
    app.wait_text("provenance-text", "Camille Essai").await?;
    assert!(!app.has(&format!("territory-delete-{tilleuls}")).await, "headquarters deletes nothing");
    app.screenshot("95-siege-territoire").await?;
    app.click("drill-tab-acteurs").await?;
    app.wait_for("actors").await?;
    assert!(!app.has("org-new").await, "no « Nouvelle structure » at headquarters");
    let org = Api::open_with_passphrase(&store, HQ_PASSPHRASE)?
        .list(Kind::Organisation, None)?
        .into_iter()
        .find(|o| o.data["name"] == "Collège Jean Moulin")
        .expect("the structure arrived");
    app.click(&format!("org-open-{}", org.id)).await?;
    app.wait_for("org-form").await?;
    let provenance = app.wait_text("provenance-text", "lot n°").await?;
    assert!(
        provenance.contains("Camille Essai") && provenance.contains("empreinte") && provenance.contains("importé le"),
        "who made the version, on which device, which bundle brought it: {provenance}"
    );
    let disabled = app
        .client
        .execute("return document.querySelector('[data-testid=\"org-name\"]').matches(':disabled');", vec![])
        .await?;
    assert_eq!(disabled, json!(true), "the fields are read-only");
    assert!(!app.has("org-save").await && !app.has("org-delete").await, "nothing to save or delete");
    app.screenshot("96-siege-provenance").await?;
    app.click("drill-tab-entretiens").await?;
    app.wait_for("interviews").await?;
    assert!(!app.has("interview-new").await, "no « Nouvel entretien » at headquarters");
    let interview = app.testids("interview-open-").await?.into_iter().next().expect("the interviews arrived");
    app.click(&interview).await?;
    app.wait_for("interview-editor").await?;
    app.wait_text("provenance-text", "Camille Essai").await?;
    assert!(app.has("read-only").await && !app.has("save-state").await, "« Lecture seule » instead of the save state");
    app.screenshot("96b-siege-entretien-lecture-seule").await?;

    // Synthèse nationale.
    app.click("nav-synthese").await?;
    app.wait_for("national-synthesis").await?;
    app.wait_for("synthesis-content").await?;
    let besoins =
        app.el(&format!("synthesis-theme-territory-cell-besoins-{tilleuls}")).await?.attr("data-value").await?;
    assert_eq!(besoins.as_deref(), Some("3"), "three passages coded « besoins » in Les Tilleuls");
    app.screenshot("97-siege-synthese").await?;
    screenshot_at(&app, "synthesis-actions", "97b-siege-synthese-actions-liens").await?;
    screenshot_at(&app, "synthesis-indicators", "97c-siege-synthese-indicateurs").await?;

    // Exports: an XLSX workbook.
    app.click("nav-exports").await?;
    app.wait_for("national-exports").await?;
    let xlsx = dir.path().join("exports/maillage-national.xlsx");
    std::fs::create_dir_all(xlsx.parent().unwrap())?;
    app.fill("export-out", xlsx.to_str().unwrap()).await?;
    app.click("export-write").await?;
    app.wait_text("export-report", "Tableaux écrits").await?;
    let head = std::fs::read(&xlsx)?;
    assert!(head.starts_with(b"PK\x03\x04"), "the workbook is a zip (xlsx)");
    app.click("export-identified").await?;
    app.wait_for("export-identified-warning").await?;
    screenshot_at(&app, "export-report", "98-siege-exports").await?;

    // Paramètres: the workspace, changeable with a confirmation, and the keys.
    app.click("nav-parametres").await?;
    app.wait_for("settings-workspace").await?;
    app.wait_for("hq-secret-saved").await?;
    app.click("settings-workspace-change").await?;
    app.wait_for("settings-workspace-no").await?;
    screenshot_at(&app, "settings-workspace", "99-siege-parametres").await?;
    app.click("settings-workspace-no").await?;

    app.quit().await?;
    drop(driver);
    Ok(())
}

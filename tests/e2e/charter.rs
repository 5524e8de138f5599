//! End-to-end test of the cooperation grid to the end in the real window (issue 14; see
//! `src/lib.rs` for how these tests run): on a demo territory, a common goal written from a
//! workshop with two indicators (one existing, one created there), a charter drafted then adopted
//! with three partners (core's refusal of « adoptée » without its day shown at the field), its
//! DOCX written to a typed path (WebDriver cannot drive the system's save dialog), converted by
//! LibreOffice and read back (`pdftotext`; its pages as PNG beside the screenshots), and the
//! territory's checklist ticked by itself — then one item ticked by hand with a note. At
//! headquarters, the national dashboard's « Grille de coopération » counts the territories that
//! came in bundles.

use std::path::Path;
use std::process::Command;

use maillage_core::api::{Api, DemoRequest, ExportRequest, ImportOptions, WorkspaceMode};
use maillage_core::domain::Kind;
use maillage_e2e::{screenshot_dir, App, Driver, Result, PATIENCE};
use serde_json::json;

/// Waits until the element's `data-<name>` attribute is `expected`.
async fn wait_attr(app: &App, id: &str, name: &str, expected: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let got = match app.el(id).await {
            Ok(el) => el.attr(&format!("data-{name}")).await.ok().flatten(),
            Err(_) => None,
        };
        if got.as_deref() == Some(expected) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("[data-testid={id}] data-{name} is {got:?}, never {expected:?}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The DOCX as a PDF by LibreOffice (a profile of its own), its text, and its pages as PNG.
fn pdf_text(docx: &Path, out_dir: &Path) -> Result<String> {
    let profile = out_dir.join("lo-profile");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out_dir)
        .arg(docx)
        .status()?;
    assert!(status.success(), "LibreOffice converts the charter");
    let pdf = out_dir.join(docx.file_stem().unwrap()).with_extension("pdf");
    assert!(pdf.is_file(), "LibreOffice wrote {}", pdf.display());
    let pages = screenshot_dir().join("c-charte-page");
    let _ = Command::new("pdftoppm").args(["-png", "-r", "70"]).arg(&pdf).arg(&pages).status();
    let out = Command::new("pdftotext").arg(&pdf).arg("-").output()?;
    assert!(out.status.success(), "pdftotext reads the PDF");
    let text = String::from_utf8(out.stdout)?;
    // One line of words: cells wrap names; typography as written.
    Ok(text.replace(['\u{a0}', '\u{202f}'], " ").split_whitespace().collect::<Vec<_>>().join(" "))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_common_goal_and_a_charter_are_written_adopted_signed_and_tick_the_grid() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    let (territory, workshop, indicator, orgs) = {
        let api = Api::create(&store)?;
        api.init("Camille Essai")?;
        let demo = api.demo(&DemoRequest {
            territory: "Cité éducative de Valmont".into(),
            interviews: 4,
            workshops: 3,
            actions: 4,
            seed: 11,
        })?;
        let t = demo.territory_id;
        let grid = api.cooperation_grid(t)?;
        assert!(!grid.items.iter().find(|i| i.code == "charte").unwrap().done, "no charter yet");
        let workshop = api.list(Kind::Workshop, Some(t))?.first().expect("the demo's workshops").id;
        let indicator = api.list(Kind::Indicator, Some(t))?.first().expect("the demo's indicators").id;
        let orgs: Vec<(String, String)> = api
            .list(Kind::Organisation, Some(t))?
            .iter()
            .take(3)
            .map(|o| (o.id.to_string(), o.data["name"].as_str().unwrap_or_default().to_string()))
            .collect();
        assert_eq!(orgs.len(), 3, "three partners");
        (t, workshop, indicator, orgs)
    };

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    app.select("territory-select", &territory.to_string()).await?;

    // A workshop: « Objectif commun de cet atelier ».
    app.go(&format!("/ateliers/{workshop}")).await?;
    app.click("workshop-common-goal").await?;
    app.wait_for("common-goal-editor").await?;
    assert_eq!(app.value("goal-workshop").await?, workshop.to_string(), "the workshop it is written in");
    app.fill("goal-goal", "Qu'aucun enfant ne décroche au passage en sixième").await?;
    app.fill(
        "goal-scenario",
        "Les familles connaissent les lieux ressources ; les professionnels se parlent avant la rentrée.",
    )
    .await?;
    app.click(&format!("goal-indicators-{indicator}")).await?;
    app.fill("goal-new-indicator", "Familles accompagnées").await?;
    app.click("goal-create-indicator").await?;
    app.fill("goal-agreed-on", "05/02/2026").await?;
    app.click("goal-scenario").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.wait_text("goal-versions-0", "Convenu le 05/02/2026").await?;
    app.screenshot("c0-objectif-commun").await?;
    {
        let api = Api::open(&store)?;
        let goals = api.list(Kind::CommonGoal, Some(territory))?;
        assert_eq!(goals.len(), 1);
        let ids = goals[0].data["indicator_ids"].as_array().unwrap();
        assert_eq!(ids.len(), 2, "two indicators follow the goal");
        assert_eq!(ids[0].as_str().unwrap(), indicator.to_string());
        assert_eq!(goals[0].data["workshop_id"].as_str().unwrap(), workshop.to_string());
    }

    // The territory, then « Rédiger la charte ».
    app.click("goal-back").await?;
    app.wait_for("grid-checklist").await?;
    wait_attr(&app, "grid-item-but_commun", "done", "true").await?;
    app.wait_text("territory-common-goal-state", "Convenu le 05/02/2026").await?;
    app.show("territory-common-goal").await?;
    app.screenshot("c0b-territoire-objectif").await?;
    app.click("territory-charter-open").await?;
    app.wait_for("charter-editor").await?;
    app.fill("charter-values", "L'intérêt de l'enfant d'abord ; le respect des familles.").await?;
    app.fill("charter-rules", "Partage d'informations dans le respect du secret professionnel ; un COPIL par trimestre ; décisions au consensus.").await?;
    app.fill("charter-objectives", "Accompagner ensemble le passage CM2-6e.").await?;
    let reps = ["Mme Durand, principale", "M. Benali, directeur", "Mme Roux, cheffe de service"];
    for (i, (id, _)) in orgs.iter().enumerate() {
        app.show("charter-add-partner").await?;
        app.select("charter-add-partner", id).await?;
        app.wait_for(&format!("charter-partner-{i}")).await?;
        app.fill(&format!("charter-partner-interest-{i}"), "Mieux connaître les partenaires").await?;
        app.fill(&format!("charter-partner-commitments-{i}"), "Participer aux COPIL").await?;
        app.fill(&format!("charter-partner-representative-{i}"), reps[i]).await?;
    }
    app.show("charter-status").await?;
    app.select("charter-status", "en_discussion").await?;
    app.click("charter-values").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.show("charter-partners").await?;
    app.screenshot("c1-charte-partenaires").await?;

    // « Adoptée » without its day: core's sentence at the field.
    app.show("charter-status").await?;
    app.select("charter-status", "adoptee").await?;
    app.click("charter-values").await?;
    let refusal = app.wait_text("field-error-adopted_on", "date").await?;
    assert!(refusal.contains("adoptée"), "core's sentence: {refusal}");
    app.show("charter-adopted-on").await?;
    app.screenshot("c2-charte-adoptee-sans-date").await?;
    app.fill("charter-adopted-on", "12/03/2026").await?;
    app.show("charter-workshop").await?;
    app.select("charter-workshop", &workshop.to_string()).await?;
    app.click("charter-values").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.wait_gone("field-error-adopted_on").await?;
    app.wait_text("charter-versions-0", "Adoptée le 12/03/2026").await?;
    app.screenshot("c3-charte-adoptee").await?;

    // « Générer la charte (DOCX) » at a typed path, then LibreOffice reads it.
    let docx = dir.path().join("charte-valmont.docx");
    app.click("report-charter-path-toggle").await?;
    app.fill("report-charter-path", &docx.to_string_lossy()).await?;
    app.click("report-charter-path-write").await?;
    app.wait_text("report-charter-written", "Document écrit").await?;
    assert!(app.has("report-charter-open").await, "« Ouvrir » once written");
    app.show("report-charter-written").await?;
    app.screenshot("c4-charte-document").await?;
    let text = pdf_text(&docx, dir.path())?;
    for (_, name) in &orgs {
        let name = name.replace('\u{2019}', "'");
        assert!(text.replace('\u{2019}', "'").contains(&name), "the partner {name} in the document: {text}");
    }
    for r in reps {
        assert!(text.contains(r), "the representative {r} in the document");
    }
    assert!(text.contains("Signature"), "a signature block: {text}");
    assert!(text.contains("passage en sixième"), "the common goal agreed on");

    // The territory's checklist has ticked itself.
    app.click("charter-back").await?;
    app.wait_for("grid-checklist").await?;
    wait_attr(&app, "grid-item-charte", "done", "true").await?;
    let grid = Api::open(&store)?.cooperation_grid(territory)?;
    let charte = grid.items.iter().find(|i| i.code == "charte").unwrap();
    assert!(charte.from_records);
    assert_eq!(app.text("grid-evidence-charte").await?, charte.evidence);
    wait_attr(&app, "territory-charter-status", "status", "adoptee").await?;
    app.show("grid-checklist").await?;
    app.screenshot("c5-territoire-grille").await?;

    // By hand, with a note.
    app.click("grid-check-communication").await?;
    app.fill("grid-note-communication", "Lettre mensuelle aux partenaires").await?;
    app.click("grid-check-confirm-communication").await?;
    wait_attr(&app, "grid-item-communication", "done", "true").await?;
    app.wait_text("grid-by-hand-communication", "Lettre mensuelle aux partenaires").await?;
    app.show("grid-item-communication").await?;
    app.screenshot("c6-grille-a-la-main").await?;
    let by_hand = Api::open(&store)?.cooperation_grid(territory)?;
    let item = by_hand.items.iter().find(|i| i.code == "communication").unwrap();
    assert_eq!(item.by_hand.as_ref().map(|c| c.note.as_str()), Some("Lettre mensuelle aux partenaires"));
    app.quit().await?;
    Ok(())
}

/// Headquarters' passphrase (its store must be encrypted).
const HQ_PASSPHRASE: &str = "la phrase de passe du siege pour la grille";

#[tokio::test(flavor = "multi_thread")]
async fn headquarters_counts_the_territories_per_good_practice() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("siege/maillage.sqlite3");
    std::fs::create_dir_all(store.parent().unwrap())?;
    let hq = Api::create(&store)?;
    hq.init("Équipe nationale")?;
    hq.encrypt(HQ_PASSPHRASE)?;
    let recipient = hq.set_workspace(WorkspaceMode::Siege)?.hq.expect("headquarters' keys").recipient;

    // Two facilitators' computers: a good practice ticked by hand in both, another in one.
    for (who, territory, checks) in [
        ("Camille", "Bondy Nord", vec!["communication"]),
        ("Sacha", "Orly Centre", vec!["communication", "coordination"]),
    ] {
        let f = dir.path().join(format!("{who}/maillage.sqlite3"));
        std::fs::create_dir_all(f.parent().unwrap())?;
        let api = Api::create(&f)?;
        api.init(who)?;
        let t = api.put(
            Kind::Territory,
            None,
            json!({"name": territory, "kind": "qpv", "departement_code": "93", "communes": [], "programme": null, "notes": ""}),
        )?;
        for code in checks {
            api.set_grid_check(t.id, code, true, "Vu en COPIL")?;
        }
        let bundle = dir.path().join(format!("{who}.maillage"));
        api.export_bundle(&ExportRequest { out: bundle.clone(), to: vec![recipient.clone()], ..Default::default() })?;
        hq.import_bundle(&bundle, &ImportOptions::default())?;
    }
    let counts = hq.national_grid()?;
    let orly =
        hq.list(Kind::Territory, None)?.into_iter().find(|t| t.data["name"] == "Orly Centre").expect("imported").id;
    drop(hq);

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("unlock-screen").await?;
    app.fill("unlock-passphrase", HQ_PASSPHRASE).await?;
    app.click("unlock-submit").await?;
    app.wait_gone("unlock-screen").await?;
    app.click("nav-national").await?;
    app.wait_for("national-grid").await?;
    for c in &counts {
        app.wait_text(
            &format!("national-grid-count-{}", c.code),
            &format!("{} sur {}", c.territories_done, c.territories),
        )
        .await?;
    }
    assert_eq!(app.text("national-grid-count-communication").await?, "2 sur 2");
    assert_eq!(app.text("national-grid-count-coordination").await?, "1 sur 2");
    app.show("national-grid").await?;
    app.screenshot("c7-siege-grille-nationale").await?;

    // A territory's screen, read-only: its checklist, ticked by hand there, nothing to tick here.
    app.click(&format!("national-open-{orly}")).await?;
    app.wait_for("grid-checklist").await?;
    wait_attr(&app, "grid-item-coordination", "done", "true").await?;
    app.wait_text("grid-by-hand-coordination", "Vu en COPIL").await?;
    assert!(!app.has("grid-check-cartographie").await, "headquarters ticks nothing");
    assert!(!app.has("grid-uncheck-coordination").await, "nor unticks");
    app.show("grid-checklist").await?;
    app.screenshot("c8-siege-territoire-grille").await?;
    app.quit().await?;
    Ok(())
}

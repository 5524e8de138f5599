//! End-to-end test of the « Échanges » screen with the real window (see `src/lib.rs` for how
//! these tests run): a facilitator exports a bundle, a co-facilitator (here the `maillage`
//! command line on a second store) imports it, edits the same action and sends a bundle back;
//! its import shows the dry-run report first, then the conflict, resolved in one click.

use maillage_core::api::Api;
use maillage_core::domain::Kind;
use maillage_e2e::{cli, Driver, Result};

#[tokio::test(flavor = "multi_thread")]
async fn a_co_facilitators_bundle_is_checked_imported_and_its_conflict_resolved_in_one_click() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store_a = dir.path().join("camille/maillage.sqlite3");
    let store_b = dir.path().join("karim/maillage.sqlite3");
    let usb_a = dir.path().join("cle-camille");
    let usb_b = dir.path().join("cle-karim");
    for d in [&usb_a, &usb_b, &store_b.parent().unwrap().to_path_buf()] {
        std::fs::create_dir_all(d)?;
    }
    let driver = Driver::start(&store_a)?;
    let app = driver.launch().await?;

    // Camille: first launch, a territory and an action, through the window.
    app.first_launch("Camille Essai").await?;
    app.first_territory("Quartier des Tilleuls", "qpv", None).await?;
    app.click("nav-plan").await?;
    app.click("action-new").await?;
    app.wait_for("action-editor").await?;
    app.fill("action-title", "Annuaire partagé des acteurs").await?;
    app.wait_text("save-state", "Enregistré").await?;

    // Export to Camille's USB key through the Échanges screen.
    app.click("nav-echanges").await?;
    app.wait_for("echanges").await?;
    app.wait_for("export-unsealed-hint").await?;
    let proposed = app.value("export-filename").await?;
    assert!(
        proposed.starts_with("maillage-quartier-des-tilleuls-") && proposed.ends_with(".maillage"),
        "the file name is proposed from the territory and the day: {proposed}"
    );
    app.fill("export-folder", usb_a.to_str().unwrap()).await?;
    app.click("export-submit").await?;
    app.wait_text("export-summary", "Paquet écrit").await?;
    let bar = app.el("export-progress").await?;
    assert_eq!(bar.attr("role").await?.as_deref(), Some("progressbar"));
    assert_eq!(bar.attr("aria-valuenow").await?.as_deref(), Some("100"), "the progress bar ends full");
    app.show("export").await?;
    app.screenshot("60-echanges-export").await?;
    let bundle_a = usb_a.join(&proposed);
    assert!(bundle_a.is_file(), "the bundle was written where chosen: {}", bundle_a.display());

    // Karim, the co-facilitator, on another computer (the command line): imports Camille's
    // bundle, edits the same action, exports his bundle.
    let action = Api::open(&store_a)?
        .list(Kind::Action, None)?
        .into_iter()
        .find(|a| a.data["title"] == "Annuaire partagé des acteurs")
        .expect("the action typed in the window is in Camille's store");
    let id = action.id.to_string();
    cli(&store_b, &["init", "--facilitator", "Karim Benali"])?;
    cli(&store_b, &["import", bundle_a.to_str().unwrap()])?;
    let mut karims = action.data.clone();
    karims["title"] = "Annuaire partagé — version de Karim".into();
    cli(&store_b, &["record", "put", "action", "--id", &id, "--json", &karims.to_string()])?;
    let bundle_b = usb_b.join("maillage-quartier-des-tilleuls-karim.maillage");
    cli(&store_b, &["export", "--out", bundle_b.to_str().unwrap()])?;

    // Meanwhile Camille edits the same action in the window.
    app.click("nav-plan").await?;
    app.click(&format!("action-open-{id}")).await?;
    app.wait_for("action-editor").await?;
    app.fill("action-title", "Annuaire partagé — version de Camille").await?;
    app.wait_text("save-state", "Enregistré").await?;

    // Camille imports Karim's bundle: the dry-run report first, then applied.
    app.click("nav-echanges").await?;
    app.wait_for("echanges").await?;
    app.fill("import-folder", usb_b.to_str().unwrap()).await?;
    app.click("import-list").await?;
    app.click("import-file-0").await?;
    app.click("import-check").await?;
    app.wait_for("import-kinds-0").await?;
    app.wait_text("import-dry-0", "pas encore importé").await?;
    let key = app.text("import-key-0").await?;
    assert!(key.contains("à vérifier"), "Karim's computer is new here: its key fingerprint is shown to check: {key}");
    let row = app.text("import-kind-0-action").await?;
    assert!(row.ends_with('1'), "the action is counted in conflict in the dry run: {row}");
    assert!(Api::open(&store_a)?.conflicts(false)?.is_empty(), "nothing is imported before « Appliquer l'import »");
    app.show("import").await?;
    app.screenshot("61-echanges-import").await?;
    app.click("import-apply").await?;
    app.wait_text("import-applied-0", "Importé").await?;

    // The conflict: both versions side by side; Karim's is kept in one click.
    let keep_ids = app.testids("conflict-keep-winner-").await?;
    assert_eq!(keep_ids.len(), 1, "one conflict after the import: {keep_ids:?}");
    let conflict = keep_ids[0].trim_start_matches("conflict-keep-winner-").to_string();
    let winner_title = app.text(&format!("conflict-winner-{conflict}-title")).await?;
    let loser_title = app.text(&format!("conflict-loser-{conflict}-title")).await?;
    let mut titles = [winner_title.as_str(), loser_title.as_str()];
    titles.sort();
    assert_eq!(
        titles,
        ["Annuaire partagé — version de Camille", "Annuaire partagé — version de Karim"],
        "the two versions are side by side"
    );
    app.show(&format!("conflict-{conflict}")).await?;
    app.screenshot("62-echanges-conflit").await?;
    let side = if winner_title.contains("Karim") { "winner" } else { "loser" };
    app.click(&format!("conflict-keep-{side}-{conflict}")).await?;
    app.wait_for("conflicts-empty").await?;
    app.wait_text("conflict-resolved", "Conflit réglé").await?;

    // The plan shows the version kept.
    app.click("nav-plan").await?;
    app.wait_text(&format!("action-card-{id}"), "version de Karim").await?;
    app.quit().await?;
    drop(driver);

    let api = Api::open(&store_a)?;
    assert!(api.conflicts(false)?.is_empty(), "no conflict is left open");
    let kept = api.get(Kind::Action, action.id)?;
    assert_eq!(kept.data["title"], "Annuaire partagé — version de Karim");
    Ok(())
}

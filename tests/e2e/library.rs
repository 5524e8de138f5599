//! End-to-end test of what goes from headquarters back to the territories (issue 13), with the
//! real window (see `src/lib.rs` for how these tests run): a facilitator proposes a practice and
//! exports; headquarters imports it, three committee members review it, the committee retains
//! it, edits its title and publishes it, then publishes the library; the facilitator trusts
//! headquarters' key, imports the library, finds the practice through the global search and
//! creates an action from it; a library signed by another key is refused with its reason.

use std::path::Path;

use maillage_core::api::{Api, WorkspaceMode};
use maillage_core::domain::Kind;
use maillage_e2e::{App, Driver, Result};

/// Headquarters' passphrase (its store must be encrypted).
const HQ_PASSPHRASE: &str = "la phrase de passe du siege";

/// A headquarters store, encrypted, in headquarters' workspace (its keys beside it).
fn headquarters(store: &Path, name: &str) -> Result<()> {
    std::fs::create_dir_all(store.parent().unwrap())?;
    let api = Api::create(store)?;
    api.init(name)?;
    api.encrypt(HQ_PASSPHRASE)?;
    drop(api);
    let api = Api::open_with_passphrase(store, HQ_PASSPHRASE)?;
    api.set_workspace(WorkspaceMode::Siege)?;
    Ok(())
}

async fn unlock(app: &App) -> Result<()> {
    app.wait_for("unlock-screen").await?;
    app.fill("unlock-passphrase", HQ_PASSPHRASE).await?;
    app.click("unlock-submit").await?;
    app.wait_gone("unlock-screen").await
}

async fn screenshot_at(app: &App, id: &str, name: &str) -> Result<()> {
    app.show(id).await?;
    app.screenshot(name).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_practice_goes_up_to_the_committee_and_comes_back_in_the_library_signed_by_headquarters() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let facilitator = dir.path().join("camille/maillage.sqlite3");
    let hq = dir.path().join("siege/maillage.sqlite3");
    let usb = dir.path().join("cle-usb");
    std::fs::create_dir_all(&usb)?;
    headquarters(&hq, "Equipe nationale")?;

    // 1. The facilitator: a territory, a practice proposed to the committee, an export.
    let driver = Driver::start(&facilitator)?;
    let app = driver.launch().await?;
    app.first_launch("Camille Essai").await?;
    app.first_territory("Quartier des Tilleuls", "qpv", Some("93")).await?;
    app.click("nav-pratiques").await?;
    app.click("practice-new").await?;
    app.wait_for("practice-editor").await?;
    app.fill("practice-title", "Petit-déjeuner des partenaires").await?;
    app.show("practice-status").await?;
    app.select("practice-status", "proposee").await?;
    app.fill("practice-objectives", "Que les professionnels se connaissent").await?;
    app.fill("practice-means", "Un café par mois au centre social").await?;
    app.fill("practice-contacts", "Mme Quillebeuf, directrice").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.click("nav-echanges").await?;
    app.wait_for("echanges").await?;
    app.fill("export-folder", usb.to_str().unwrap()).await?;
    app.click("export-submit").await?;
    app.wait_text("export-summary", "Paquet écrit").await?;
    app.quit().await?;
    drop(driver);
    let practice = Api::open(&facilitator)?
        .list(Kind::Practice, None)?
        .into_iter()
        .find(|p| p.data["title"] == "Petit-déjeuner des partenaires")
        .expect("the practice typed in the window")
        .id
        .to_string();

    // 2. Headquarters: the bundle, the committee, the library.
    let driver = Driver::start(&hq)?;
    let app = driver.launch().await?;
    unlock(&app).await?;
    app.click("nav-arrivees").await?;
    app.wait_for("arrivals").await?;
    app.fill("arrivals-path", usb.to_str().unwrap()).await?;
    app.click("arrivals-path-add").await?;
    app.wait_text("arrivals-summary", "1 paquet vérifié").await?;
    app.click("arrivals-import-all").await?;
    app.wait_text("arrivals-outcome", "1 paquet importé").await?;

    app.click("nav-comite").await?;
    app.wait_for("committee-table").await?;
    let origin = app.text(&format!("committee-origin-{practice}")).await?;
    assert!(origin.contains("93") && !origin.contains("Camille"), "the origin, never a person: {origin}");
    assert!(app.text(&format!("committee-decision-{practice}")).await?.contains("À examiner"));
    app.screenshot("h0-comite-file").await?;
    app.click(&format!("committee-open-{practice}")).await?;
    app.wait_for("committee-detail").await?;
    // Three members; the means are core's, with a decimal comma (4, 3, 4 → 3,67 in relevance).
    let reviews =
        [("Département", [4, 3, 4], "4"), ("Association", [3, 2, 4], "3,5"), ("Préfecture", [4, 4, 3], "3,67")];
    for (n, (who, scores, mean)) in reviews.into_iter().enumerate() {
        app.fill("committee-review-reviewer", who).await?;
        for (criterion, score) in ["relevance", "originality", "effectiveness"].iter().zip(scores) {
            app.click(&format!("committee-review-{criterion}-{score}")).await?;
        }
        app.fill("committee-review-comment", "Transposable ailleurs").await?;
        app.click("committee-review-save").await?;
        app.wait_text("committee-review-means", &format!("{} avis", n + 1)).await?;
        app.wait_text("committee-review-mean-relevance", mean).await?;
    }
    screenshot_at(&app, "committee-reviews", "h1-comite-avis").await?;
    app.fill("committee-reasons", "Simple, peu coûteux, effets visibles").await?;
    app.click("committee-retain").await?;
    app.wait_for("committee-sheet").await?;
    app.fill("committee-sheet-title", "Un petit-déjeuner mensuel des partenaires").await?;
    app.wait_text("committee-sheet-save-state", "Enregistré").await?;
    app.wait_for("committee-difference-title").await?;
    assert_eq!(app.text("committee-difference-proposed-title").await?, "Petit-déjeuner des partenaires");
    app.click("committee-theme-5").await?; // « Partenariats entre acteurs »
    app.click("committee-publish").await?;
    app.wait_for("committee-published").await?;
    screenshot_at(&app, "committee-publication", "h2-comite-publication").await?;
    library_published_at_headquarters(&app, &usb).await?;
    app.quit().await?;
    drop(driver);

    // 3. Back on the facilitator's laptop.
    facilitator_receives_the_library(&facilitator, &hq, &usb, dir.path()).await
}

/// Headquarters records a national meeting with a follow-up for the territory, then publishes the
/// library from the Bibliothèque, next to the facilitator's bundle.
async fn library_published_at_headquarters(app: &App, usb: &Path) -> Result<()> {
    app.click("nav-rencontres").await?;
    app.wait_for("meetings").await?;
    app.click("meeting-new").await?;
    app.wait_for("meeting-editor").await?;
    app.select("meeting-kind", "copil_national").await?;
    app.fill("meeting-date", "20/11/2026").await?;
    app.fill("meeting-title", "Comité de pilotage national de novembre").await?;
    app.click("meeting-follow-up-add").await?;
    app.fill("meeting-follow-up-text-0", "Présenter le petit-déjeuner au Club").await?;
    app.fill("meeting-follow-up-due-0", "15/01/2027").await?;
    app.wait_text("save-state", "Enregistré").await?;
    app.screenshot("h3-siege-rencontre").await?;

    app.click("nav-bibliotheque").await?;
    app.wait_for("library").await?;
    let entries = app.wait_testids("library-entry-").await?;
    assert_eq!(entries.len(), 1, "the published practice is in headquarters' library: {entries:?}");
    let out = usb.join("bibliotheque.maillage");
    app.fill("library-publish-path", out.to_str().unwrap()).await?;
    app.click("library-publish-path-submit").await?;
    let counts = app.wait_text("library-published-counts", "1").await?;
    assert!(counts.contains("rencontre"), "what the bundle holds: {counts}");
    assert!(!app.text("library-published-fingerprint").await?.is_empty());
    screenshot_at(app, "library-published", "h4-siege-bibliotheque-publiee").await?;
    assert!(out.is_file(), "the library bundle was written where chosen");
    Ok(())
}

/// The facilitator trusts headquarters' key, imports the library, finds the practice through the
/// global search, creates an action from it, sees the committee's feedback and the meeting's
/// follow-up; a library signed by another headquarters key is refused with its reason.
async fn facilitator_receives_the_library(facilitator: &Path, hq: &Path, usb: &Path, dir: &Path) -> Result<()> {
    let impostor = dir.join("imposteur/maillage.sqlite3");
    headquarters(&impostor, "Imposteur")?;
    let fake_dir = dir.join("faux");
    std::fs::create_dir_all(&fake_dir)?;
    Api::open_with_passphrase(&impostor, HQ_PASSPHRASE)?.publish_library(&fake_dir.join("faux.maillage"), false)?;

    let territory = Api::open(facilitator)?.list(Kind::Territory, None)?.remove(0).id;
    let driver = Driver::start(facilitator)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    app.click("nav-echanges").await?;
    app.wait_for("echanges").await?;
    app.wait_for("hq-key-none").await?;
    let hq_pub = hq.parent().unwrap().join("hq.pub");
    app.fill("hq-key-path", hq_pub.to_str().unwrap()).await?;
    app.click("hq-key-path-submit").await?;
    let fingerprint = app.wait_text("hq-key-fingerprint", "-").await?;
    let expected = Api::open_with_passphrase(hq, HQ_PASSPHRASE)?.workspace()?.hq.expect("headquarters' keys");
    assert!(fingerprint.contains(&expected.signing_fingerprint), "the fingerprint to compare aloud: {fingerprint}");
    screenshot_at(&app, "hq-key", "h5-echanges-cle-du-siege").await?;

    // The library bundle: recognised as headquarters', imported.
    app.fill("import-folder", usb.to_str().unwrap()).await?;
    app.click("import-list").await?;
    let files = app.wait_testids("import-file-row-").await?;
    let mut library_row = None;
    for (i, _) in files.iter().enumerate() {
        if app.text(&format!("import-file-row-{i}")).await?.contains("bibliotheque") {
            library_row = Some(i);
        }
    }
    let i = library_row.expect("the library bundle is listed");
    app.click(&format!("import-file-{i}")).await?;
    app.click("import-check").await?;
    let key = app.wait_text("import-key-0", "siège").await?;
    assert!(key.contains("Bibliothèque du siège"), "recognised as headquarters' library: {key}");
    app.click("import-apply").await?;
    app.wait_text("import-applied-0", "Importé").await?;

    // The global search finds the published practice; it opens in the Bibliothèque.
    app.press_ctrl('k').await?;
    app.wait_for("search").await?;
    app.type_into("search-input", "petit-dejeuner mensuel").await?;
    app.wait_text("search-results", "Un petit-déjeuner mensuel des partenaires").await?;
    app.screenshot("h6-recherche-bibliotheque").await?;
    app.click("search-result").await?;
    app.wait_for("library-sheet").await?;
    assert_eq!(app.text("library-sheet-title").await?, "Un petit-déjeuner mensuel des partenaires");
    let origin = app.text("library-sheet-origin").await?;
    assert!(origin.contains("93") && !origin.contains("Camille"), "where it comes from, never a person: {origin}");
    assert!(!app.text("library-sheet").await?.contains("Quillebeuf"), "the proposal's contacts never travel");
    app.screenshot("h7-bibliotheque-fiche").await?;
    app.click("library-back").await?;
    app.wait_for("library-list").await?;
    app.screenshot("h8-bibliotheque").await?;

    // « S'en inspirer »: an action of the territory, linked to the sheet.
    let entry = app.testids("library-adopt-").await?.into_iter().next().expect("the adopt button");
    app.click(&entry).await?;
    app.wait_for("action-editor").await?;
    let link = app.wait_text("action-inspired-by", "Inspirée de la pratique").await?;
    assert!(link.contains("Un petit-déjeuner mensuel des partenaires"), "{link}");
    assert_eq!(app.value("action-title").await?, "Un petit-déjeuner mensuel des partenaires");
    app.screenshot("h9-action-inspiree").await?;

    // The committee's feedback in Pratiques, the meeting's follow-up on the Territoire screen.
    app.click("nav-pratiques").await?;
    app.wait_for("practice-feedback").await?;
    let feedback = app.text("practice-feedback").await?;
    assert!(feedback.contains("Retenue") && feedback.contains("Simple, peu coûteux"), "{feedback}");
    app.click("nav-territoires").await?;
    app.click(&format!("territory-open-{territory}")).await?;
    app.wait_for("territory-detail").await?;
    app.wait_for("territory-meetings").await?;
    let meetings = app.text("territory-meetings").await?;
    assert!(meetings.contains("Présenter le petit-déjeuner au Club"), "{meetings}");
    screenshot_at(&app, "territory-meetings", "h10-territoire-rencontres").await?;

    // A library signed by another key: refused, with its reason, nothing imported.
    app.click("nav-echanges").await?;
    app.wait_for("echanges").await?;
    app.fill("import-folder", fake_dir.to_str().unwrap()).await?;
    app.click("import-list").await?;
    app.click("import-file-0").await?;
    app.click("import-check").await?;
    let refused = app.wait_text("import-refused-0", "Paquet refusé").await?;
    assert!(refused.contains("pas signé par la clé du siège reconnue"), "the reason: {refused}");
    screenshot_at(&app, "import-refused-0", "h11-bibliotheque-autre-cle-refusee").await?;
    app.quit().await?;
    drop(driver);

    let api = Api::open(facilitator)?;
    let actions = api.list(Kind::Action, None)?;
    assert_eq!(actions.len(), 1, "one action, inspired by the library");
    assert!(actions[0].data["inspired_by"].is_string());
    assert_eq!(api.list(Kind::NationalMeeting, None)?.len(), 1, "headquarters' meeting, nothing from the other key");
    Ok(())
}

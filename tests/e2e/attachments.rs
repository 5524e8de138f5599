//! End-to-end test of attachments in the real window (issue 9; see `src/lib.rs` for how these
//! tests run): a photo of a flip chart joined to an interview by a typed path (WebDriver cannot
//! drive the system's open dialog), listed under the interview, its bytes kept in the store; the
//! same list beside a workshop, and a signed consent form joined to a person.

use maillage_core::api::{Api, DemoRequest};
use maillage_core::domain::Kind;
use maillage_e2e::{Driver, Result};

#[tokio::test(flavor = "multi_thread")]
async fn a_file_joined_to_an_interview_by_its_path_is_listed_and_kept_in_the_store() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    let (territory, interview, workshop, person) = {
        let api = Api::create(&store)?;
        api.init("Camille Essai")?;
        let demo = api.demo(&DemoRequest {
            territory: "Cité éducative de Valmont".into(),
            interviews: 3,
            workshops: 2,
            actions: 2,
            seed: 7,
        })?;
        let first = |kind| api.list(kind, Some(demo.territory_id)).map(|mut l| l.remove(0));
        (demo.territory_id, first(Kind::Interview)?, first(Kind::Workshop)?, first(Kind::Person)?)
    };
    let photo = dir.path().join("paperboard-atelier.jpg");
    let bytes: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0].into_iter().chain((0..4000u32).map(|i| (i % 251) as u8)).collect();
    std::fs::write(&photo, &bytes)?;
    let consent = dir.path().join("consentement-signe.pdf");
    std::fs::write(&consent, b"%PDF-1.4 formulaire sign\xc3\xa9")?;

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    app.select("territory-select", &territory.to_string()).await?;

    app.go(&format!("/entretiens/{}", interview.id)).await?;
    app.wait_for("attachments-empty").await?;
    app.click("attachment-path-toggle").await?;
    app.fill("attachment-path", &photo.to_string_lossy()).await?;
    app.click("attachment-path-add").await?;
    app.wait_text("attachments-list", "paperboard-atelier.jpg").await?;
    let listed = app.text("attachments-list").await?;
    assert!(listed.contains("3,9 Ko"), "its size, in French: {listed}");
    assert_eq!(app.value("attachment-path").await?, "", "the field is emptied once the file is joined");
    app.show("attachments").await?;
    app.screenshot("80-entretien-pieces-jointes").await?;

    // The same list beside a workshop and a person.
    app.go(&format!("/ateliers/{}", workshop.id)).await?;
    app.wait_for("attachments-empty").await?;
    app.go(&format!("/acteurs/personnes/{}", person.id)).await?;
    app.wait_for("attachments-empty").await?;
    app.click("attachment-path-toggle").await?;
    app.fill("attachment-path", &consent.to_string_lossy()).await?;
    app.click("attachment-path-add").await?;
    app.wait_text("attachments-list", "consentement-signe.pdf").await?;
    app.show("attachments").await?;
    app.screenshot("81-personne-pieces-jointes").await?;
    app.quit().await?;

    // What core kept: an attachment of this interview, and its very bytes.
    let api = Api::open(&store)?;
    let kept: Vec<_> = api
        .list(Kind::Attachment, Some(territory))?
        .into_iter()
        .filter(|a| a.data["record_id"] == serde_json::json!(interview.id))
        .collect();
    assert_eq!(kept.len(), 1, "one attachment for the interview");
    assert_eq!(kept[0].data["name"], "paperboard-atelier.jpg");
    assert_eq!(kept[0].data["media_type"], "image/jpeg");
    assert_eq!(api.attachment_content(kept[0].id)?, bytes);
    let form: Vec<_> = api
        .list(Kind::Attachment, Some(territory))?
        .into_iter()
        .filter(|a| a.data["record_id"] == serde_json::json!(person.id))
        .collect();
    assert_eq!(form.len(), 1, "the signed consent form, joined to the person");
    assert_eq!(form[0].data["media_type"], "application/pdf");
    assert_eq!(api.attachment_content(form[0].id)?, std::fs::read(&consent)?);
    Ok(())
}

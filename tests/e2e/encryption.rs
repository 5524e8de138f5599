//! End-to-end tests of encryption at rest in the real window (issue 11; see `src/lib.rs` for how
//! these tests run): a first launch with a passphrase and its recovery code, a territory and an
//! interview captured, the window closed and launched again — a wrong passphrase refused, the
//! right one opening the data; the store, its WAL and a backup made from the window hold
//! neither the interview's words nor the facilitator's name; and the idle lock while typing: the
//! window locks by itself, and after the unlock the text is still in its field, typing goes on,
//! and everything is in the store; encryption turned on later in Paramètres › Chiffrement, every
//! record kept, the backups made before listed as still in clear.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use maillage_core::api::Api;
use maillage_core::domain::Kind;
use maillage_e2e::{cli, cli_binary, App, Driver, Result, Typist};
use serde_json::{json, Value};

const PASSPHRASE: &str = "trois chats sur le toit";

async fn eval(app: &App, script: &str, args: Vec<Value>) -> Result<Value> {
    Ok(app.client.execute(script, args).await?)
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

/// A file holding the passphrase, for the command line (`--passphrase-file`).
fn passphrase_file(dir: &Path, passphrase: &str) -> Result<PathBuf> {
    let file = dir.join("phrase.txt");
    std::fs::write(&file, passphrase)?;
    Ok(file)
}

/// The store, its WAL and every backup of the `sauvegardes` folder beside it.
fn store_files(store: &Path) -> Vec<PathBuf> {
    let mut files = vec![store.to_path_buf()];
    let wal = PathBuf::from(format!("{}-wal", store.display()));
    if wal.is_file() {
        files.push(wal);
    }
    if let Ok(entries) = std::fs::read_dir(store.parent().unwrap().join("sauvegardes")) {
        files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
    }
    files
}

fn holds(bytes: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    bytes.windows(n.len()).any(|w| w == n)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passphrase_at_first_launch_protects_what_is_captured_and_a_wrong_one_opens_nothing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("donnees/maillage.sqlite3");
    std::fs::create_dir_all(store.parent().unwrap())?;
    let facilitator = "Bérénice Quintal";
    let territory = "Quartier des Glycines";
    let title = "Entretien avec la principale";
    let words = "Les familles de la résidence Zéphyrine attendent le car scolaire sous la pluie.";
    let driver = Driver::start(&store)?;

    // First launch: the name, a passphrase (recommended), then the recovery code, once.
    let app = driver.launch().await?;
    app.wait_for("first-launch").await?;
    let why = app.text("first-passphrase-why").await?;
    assert!(why.contains("protège vos entretiens si l’ordinateur est perdu"), "the passphrase is recommended: {why}");
    app.fill("facilitator-input", facilitator).await?;
    app.fill("first-passphrase-new", PASSPHRASE).await?;
    app.fill("first-passphrase-confirm", PASSPHRASE).await?;
    app.show("init-submit").await?;
    app.screenshot("a0-premier-lancement-phrase-de-passe").await?;
    app.click("init-submit").await?;
    app.wait_for("recovery-code-screen").await?;
    let code = app.text("recovery-code").await?;
    assert!(code.len() >= 20, "a recovery code is shown: {code}");
    let said = app.text("recovery-code-screen").await?;
    assert!(said.contains("il ne sera plus jamais affiché"), "the screen says it is shown once: {said}");
    app.screenshot("a1-code-de-secours").await?;
    app.click("recovery-noted").await?;
    app.click("recovery-continue").await?;
    app.wait_for("app-shell").await?;
    assert!(!app.has("recovery-code").await, "the code is not shown again");
    assert!(app.has("lock-now").await, "« Verrouiller » in the navigation of an encrypted store");

    // A territory and an interview's notes.
    app.go("/territoires?nouveau=1").await?;
    app.wait_for("territory-form").await?;
    app.fill("territory-name", territory).await?;
    app.click("territory-save").await?;
    app.wait_text("territory-current-name", territory).await?;
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", title).await?;
    app.fill("interview-notes", words).await?;
    app.wait_text("save-state", "Enregistré").await?;

    // A backup made from the window.
    app.go("/parametres").await?;
    app.click("backup-now").await?;
    app.wait_for("backup-result").await?;
    app.wait_for("encryption-on").await?;
    app.show("settings-encryption").await?;
    app.screenshot("a2-parametres-chiffrement").await?;
    app.close_window(&driver).await?;

    // Launched again: the unlock screen; a wrong passphrase is refused, in French.
    let app = driver.launch().await?;
    app.wait_for("unlock-screen").await?;
    assert!(!app.has("app-shell").await, "nothing of the data before the passphrase");
    app.fill("unlock-passphrase", "pas la bonne phrase").await?;
    app.click("unlock-submit").await?;
    let refusal = app.wait_text("unlock-error", "hrase de passe incorrecte").await?;
    assert!(!refusal.contains(facilitator), "{refusal}");
    app.screenshot("a3-phrase-de-passe-incorrecte").await?;
    assert!(!app.has("app-shell").await, "still nothing after a wrong passphrase");

    // The right one: the data are there.
    app.fill("unlock-passphrase", PASSPHRASE).await?;
    app.click("unlock-submit").await?;
    app.wait_for("app-shell").await?;
    app.wait_gone("unlock-screen").await?;
    assert_eq!(app.text("facilitator-name").await?, facilitator);
    app.wait_text("territory-current-name", territory).await?;
    app.go("/entretiens").await?;
    let rows = app.wait_testids("interview-open-").await?;
    assert_eq!(rows.len(), 1, "the interview is there: {rows:?}");
    app.click(&rows[0]).await?;
    app.wait_for("interview-notes").await?;
    assert_eq!(app.value("interview-notes").await?, words);
    assert_eq!(app.value("interview-title").await?, title);
    app.show("interview-notes").await?;
    app.screenshot("a4-entretien-apres-deverrouillage").await?;
    app.close_window(&driver).await?;
    drop(driver);

    // The command line: the right passphrase reads the interview; a wrong one is refused (exit 1).
    let right = passphrase_file(dir.path(), PASSPHRASE)?;
    let found = cli(&store, &["--passphrase-file", right.to_str().unwrap(), "search", "Zéphyrine"])?;
    assert!(found.contains(title), "search finds the interview with the passphrase: {found}");
    let wrong = dir.path().join("mauvaise.txt");
    std::fs::write(&wrong, "pas la bonne phrase")?;
    let out = Command::new(cli_binary()?)
        .arg("--db")
        .arg(&store)
        .arg("--passphrase-file")
        .arg(&wrong)
        .arg("stats")
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("phrase de passe incorrecte"));

    // Bytes: neither the words, nor the names, nor the recovery code in the store, its WAL or
    // the backup made from the window.
    let files = store_files(&store);
    assert!(
        files.iter().any(|f| f.parent().is_some_and(|p| p.ends_with("sauvegardes"))),
        "the backup made from the window is scanned too: {files:?}"
    );
    for file in &files {
        let bytes = std::fs::read(file)?;
        assert!(!bytes.is_empty(), "{} is empty", file.display());
        for needle in ["résidence Zéphyrine", "car scolaire", facilitator, "Quintal", territory, title, code.as_str()]
        {
            assert!(!holds(&bytes, needle), "{} holds {needle:?} in clear", file.display());
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_locks_by_itself_while_an_interview_is_typed_and_nothing_typed_is_lost() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    let pf = passphrase_file(dir.path(), PASSPHRASE)?;
    let pf = pf.to_str().unwrap();
    // An encrypted store, locking after one minute without a key or a click.
    cli(&store, &["--passphrase-file", pf, "init", "--facilitator", "Camille Essai"])?;
    cli(&store, &["--passphrase-file", pf, "encryption", "idle-lock", "1"])?;
    Api::open_with_passphrase(&store, PASSPHRASE)?.put(
        Kind::Territory,
        None,
        json!({"name": "Quartier des Tilleuls", "kind": "qpv", "departement_code": "93", "communes": ["Bondy"], "programme": null, "notes": ""}),
    )?;

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("unlock-screen").await?;
    app.fill("unlock-passphrase", PASSPHRASE).await?;
    app.click("unlock-submit").await?;
    app.wait_for("app-shell").await?;
    app.go("/entretiens/nouveau").await?;
    app.wait_for("interview-editor").await?;
    app.fill("interview-title", "Entretien du mardi").await?;

    // Typing, as a person does, then a pause.
    let typist = Typist::attach(&driver)?;
    app.click("interview-notes").await?;
    wait_focus(&app, "interview-notes").await?;
    let first = "La coordinatrice parle du contrat local";
    typist.type_text(first, Duration::from_millis(60)).await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.value("interview-notes").await? != first {
        assert!(Instant::now() < deadline, "the keys never all arrived: {:?}", app.value("interview-notes").await?);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // No key, no click: the window locks by itself (polled; the delay is the store's setting).
    let deadline = Instant::now() + Duration::from_secs(240);
    while !app.has("unlock-screen").await {
        assert!(Instant::now() < deadline, "the window never locked");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.screenshot("a5-verrouillage-inactivite").await?;
    // Under the lock, the screen is as it was; and what was typed was saved before locking.
    assert_eq!(app.value("interview-notes").await?, first);
    let saved = cli(&store, &["--passphrase-file", pf, "record", "list", "interview", "--json"])?;
    assert!(saved.contains(first), "saved before the lock: {saved}");

    // Unlocked: the text is still in its field, which has the focus back; typing goes on.
    app.fill("unlock-passphrase", PASSPHRASE).await?;
    app.click("unlock-submit").await?;
    app.wait_gone("unlock-screen").await?;
    assert_eq!(app.value("interview-notes").await?, first);
    wait_focus(&app, "interview-notes").await?;
    let more = ", puis des horaires du soir.";
    typist.type_text(more, Duration::from_millis(60)).await?;
    let all = format!("{first}{more}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.value("interview-notes").await? != all {
        assert!(Instant::now() < deadline, "typing after the unlock: {:?}", app.value("interview-notes").await?);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.screenshot("a6-apres-deverrouillage-saisie-continue").await?;
    app.close_window(&driver).await?;
    drop(driver);

    // In the store, as the command line reads it with the passphrase.
    let saved = cli(&store, &["--passphrase-file", pf, "record", "list", "interview", "--json"])?;
    assert!(saved.contains(&all), "everything typed is in the store: {saved}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn encryption_turned_on_in_parametres_keeps_every_record_and_lists_the_backups_left_in_clear() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = dir.path().join("maillage.sqlite3");
    let notes = "Le centre social ouvre le samedi matin pour les parents.";
    let backup = {
        let api = Api::create(&store)?;
        api.init("Camille Essai")?;
        api.put(
            Kind::Territory,
            None,
            json!({"name": "Quartier des Tilleuls", "kind": "qpv", "departement_code": "93", "communes": ["Bondy"], "programme": null, "notes": notes}),
        )?;
        api.backup_now()?.path
    };

    let driver = Driver::start(&store)?;
    let app = driver.launch().await?;
    app.wait_for("app-shell").await?;
    assert!(!app.has("lock-now").await, "nothing to lock on a plain store");
    app.go("/parametres").await?;
    app.wait_for("encryption-plain").await?;
    let needs = app.text("settings-workspace-needs-encryption").await?;
    assert!(needs.contains("doit être chiffrée"), "headquarters needs encryption, said first: {needs}");
    app.show("settings-workspace").await?;
    app.screenshot("a7-parametres-base-en-clair").await?;

    // Two different passphrases: said in the window; then the same one twice.
    app.fill("enc-new", PASSPHRASE).await?;
    app.fill("enc-confirm", "trois chats sur le toi").await?;
    app.click("enc-submit").await?;
    app.wait_text("field-error-passphrase", "différentes").await?;
    app.fill("enc-confirm", PASSPHRASE).await?;
    app.click("enc-submit").await?;
    app.wait_for("recovery-code-screen").await?;
    let code = app.text("recovery-code").await?;
    app.show("recovery-code-screen").await?;
    app.screenshot("a8-parametres-code-de-secours").await?;
    app.click("recovery-noted").await?;
    app.click("recovery-continue").await?;
    app.wait_text("encryption-on", "Base chiffrée").await?;
    app.wait_for("lock-now").await?;
    assert!(!app.has("settings-workspace-needs-encryption").await, "headquarters is possible now");
    let listed = app.wait_text("plain-backups", &backup).await?;
    assert!(listed.contains(&backup), "the backup made before is listed as in clear: {listed}");
    app.show("plain-backups").await?;
    app.screenshot("a9-parametres-sauvegardes-en-clair").await?;
    app.close_window(&driver).await?;
    drop(driver);

    // Every record kept, behind the passphrase; the store's bytes no longer hold them.
    let api = Api::open_with_passphrase(&store, PASSPHRASE)?;
    let territories = api.list(Kind::Territory, None)?;
    assert_eq!(territories.len(), 1);
    assert_eq!(territories[0].data["notes"], notes);
    drop(api);
    let bytes = std::fs::read(&store)?;
    for needle in ["samedi matin", "Camille Essai", code.as_str()] {
        assert!(!holds(&bytes, needle), "the store holds {needle:?} in clear");
    }
    Ok(())
}

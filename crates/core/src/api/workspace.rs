//! The workspace this store serves: a facilitator's territory (« Animation d'un territoire ») or
//! headquarters (« Siège national »), a local setting chosen at the application's first launch
//! and never carried in a bundle.
//!
//! Headquarters' keys live in the data folder beside the store (`hq.key`, 0600: the `age`
//! identity bundles are sealed for and an Ed25519 signing key for what headquarters will send
//! back; `hq.pub`: the `age1…` recipient facilitators seal for). Choosing headquarters creates
//! them, or loads them when present; they are never replaced, and stay when the workspace goes
//! back to a territory's. In headquarters' workspace an import without an explicit identity
//! opens sealed bundles with that key, and territories' records are read-only (they arrive by
//! bundles; what headquarters changed would never travel back), demonstration territories
//! excepted.
//!
//! ```
//! use maillage_core::api::{Api, WorkspaceMode};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! api.init("Siège").unwrap();
//! assert_eq!(api.workspace().unwrap().mode, None, "nothing chosen yet");
//! // Every territory's interviews end up at headquarters: its store must be encrypted.
//! assert!(api.set_workspace(WorkspaceMode::Siege).is_err());
//! api.encrypt("la phrase du siège national").unwrap();
//! let siege = api.set_workspace(WorkspaceMode::Siege).unwrap();
//! let keys = siege.hq.unwrap();
//! assert!(keys.recipient.starts_with("age1") && !keys.secret_copy_saved);
//! assert!(dir.path().join("hq.key").exists());
//! ```

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::keys::{hq_keys_in, HqKeyFiles, HQ_KEY_FILE};
use super::{now_rfc3339, output, Api, ApiResult};
use crate::bundle::fingerprint;
use crate::domain::{Kind, RecordId};
use crate::error::{Error, Result};
use crate::store::{files, settings};

/// The `setting` rows of the workspace.
const WORKSPACE: &str = "workspace";
const HQ_SECRET_COPY: &str = "hq_secret_copy";

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkspaceMode {
    /// « Animation d'un territoire »: a facilitator's notebook.
    Territoire,
    /// « Siège national »: receives every territory's bundles.
    Siege,
}

/// The workspace chosen on this computer (`mode` is none until chosen) and, in headquarters'
/// workspace, its keys.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workspace {
    pub mode: Option<WorkspaceMode>,
    /// Headquarters' keys, in headquarters' workspace (none otherwise, or when they cannot be read:
    /// see `hq_problem`).
    pub hq: Option<HqWorkspaceKeys>,
    /// Why headquarters' keys cannot be read (a French sentence), in headquarters' workspace.
    pub hq_problem: Option<String>,
}

/// Headquarters' keys, as the workspace shows them (never the secrets).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HqWorkspaceKeys {
    /// The `age1…` key facilitators seal their bundles for (the content of `hq.pub`).
    pub recipient: String,
    /// Ed25519, 64 hex digits: the key of what headquarters will send back to territories.
    pub signing_public_key: String,
    /// What people compare aloud (8 groups of 4 hex digits).
    pub signing_fingerprint: String,
    /// The secret key file in the data folder (`…/hq.key`).
    pub secret_key_file: String,
    /// The public key file beside it (`…/hq.pub`).
    pub public_key_file: String,
    /// A copy of this secret key file was saved elsewhere (`save_hq_secret_copy`).
    pub secret_copy_saved: bool,
}

/// What `hq_secret_copy` remembers: for which key a copy was saved, and when.
#[derive(Serialize, Deserialize)]
struct SecretCopy {
    recipient: String,
    saved_at: String,
}

/// The workspace mode set on this store (none until chosen).
pub(super) fn mode(conn: &Connection) -> Result<Option<WorkspaceMode>> {
    Ok(settings::get(conn, WORKSPACE)?.and_then(|v| serde_json::from_str(&v).ok()))
}

/// The folder beside the store: headquarters' keys live there.
pub(super) fn data_dir(api: &Api) -> PathBuf {
    files::parent_dir(api.store_path())
}

impl Api {
    /// The workspace chosen here, with headquarters' keys in headquarters' workspace. A missing
    /// or unreadable key file is reported (`hq_problem`), never created or replaced (a key file
    /// of the format before the signing key gains one, as when headquarters is chosen).
    pub fn workspace(&self) -> ApiResult<Workspace> {
        let (mode, copy) = self.store().read(|conn| Ok((mode(conn)?, settings::get(conn, HQ_SECRET_COPY)?)))?;
        if mode != Some(WorkspaceMode::Siege) {
            return Ok(Workspace { mode, hq: None, hq_problem: None });
        }
        let key_path = data_dir(self).join(HQ_KEY_FILE);
        if !key_path.exists() {
            return Ok(Workspace {
                mode,
                hq: None,
                hq_problem: Some(
                    "la clé du siège (hq.key) n'est plus dans le dossier des données : remettez-y la copie enregistrée, ou choisissez à nouveau « Siège national » pour en créer une nouvelle (les paquets scellés pour l'ancienne ne s'ouvriront plus)".into(),
                ),
            });
        }
        match hq_keys_in(&data_dir(self)) {
            Ok(keys) => Ok(Workspace { mode, hq: Some(view(&keys, copy.as_deref())), hq_problem: None }),
            Err(e) => Ok(Workspace { mode, hq: None, hq_problem: Some(e.to_string()) }),
        }
    }

    /// Chooses the workspace. Headquarters' creates its keys in the data folder beside the store
    /// (or loads them when present, never replacing them); going back to a territory's keeps
    /// them on disk.
    pub fn set_workspace(&self, mode: WorkspaceMode) -> ApiResult<Workspace> {
        if mode == WorkspaceMode::Siege {
            // Every territory's interviews end up here: never in clear on a laptop.
            if !self.is_encrypted() {
                return Err(Error::Invalid(crate::domain::kinds::Invalid::new(
                    "mode",
                    "l'espace du siège exige une base chiffrée : choisissez d'abord une phrase de passe (Paramètres › Chiffrement, ou `maillage encryption enable`)",
                ))
                .into());
            }
            hq_keys_in(&data_dir(self))?;
        }
        let value = serde_json::to_string(&mode).map_err(Error::from)?;
        self.store().write(|tx| settings::set(tx, WORKSPACE, &value))?;
        tracing::info!(mode = ?mode, "workspace");
        self.workspace()
    }

    /// Writes a copy of headquarters' secret key file (both secrets) to `file`, the place the
    /// person chose in the system's save dialog (0600; an existing file only with `force`, never
    /// the store, a folder or the key file itself), and remembers that a copy was saved.
    pub fn save_hq_secret_copy(&self, file: &Path, force: bool) -> ApiResult<HqWorkspaceKeys> {
        let key_path = data_dir(self).join(HQ_KEY_FILE);
        if self.store().read(mode)? != Some(WorkspaceMode::Siege) || !key_path.exists() {
            return Err(Error::KeyFile(
                "il n'y a pas de clé du siège à copier : choisissez d'abord l'espace « Siège national »".into(),
            )
            .into());
        }
        let keys = hq_keys_in(&data_dir(self))?;
        if file.as_os_str().is_empty() {
            return Err(refuse("indiquez le fichier où enregistrer la copie"));
        }
        if output::is_the_store(self.store_path(), file) {
            return Err(refuse(
                "ce fichier est le magasin de Maillage (ou l'un de ses fichiers) : choisissez un autre nom",
            ));
        }
        if file.is_dir() {
            return Err(refuse("c'est un dossier : indiquez le nom du fichier à écrire"));
        }
        if same_file(file, &keys.key_path) || same_file(file, &keys.pub_path) {
            return Err(refuse(
                "c'est la clé du siège elle-même : enregistrez la copie ailleurs (une clé USB gardée au coffre…)",
            ));
        }
        let bytes = std::fs::read(&keys.key_path).map_err(|e| Error::io(&keys.key_path, e))?;
        write_private(file, &bytes, force)?;
        let copy = serde_json::to_string(&SecretCopy { recipient: keys.recipient(), saved_at: now_rfc3339() })
            .map_err(Error::from)?;
        self.store().write(|tx| settings::set(tx, HQ_SECRET_COPY, &copy))?;
        tracing::info!("hq secret copy saved");
        Ok(view(&keys, Some(&copy)))
    }

    /// Headquarters' identity from the data folder, when this store is headquarters' and the key
    /// is there: imports without an explicit identity open sealed bundles with it. A key that
    /// cannot be read is none here (an unsealed bundle still imports; `workspace` says why).
    pub(super) fn workspace_identity(&self) -> ApiResult<Option<age::x25519::Identity>> {
        if self.store().read(mode)? != Some(WorkspaceMode::Siege) {
            return Ok(None);
        }
        let key_path = data_dir(self).join(HQ_KEY_FILE);
        if !key_path.exists() {
            return Ok(None);
        }
        match crate::bundle::seal::read_identity(&key_path) {
            Ok(identity) => Ok(Some(identity)),
            Err(_) => {
                tracing::warn!("hq key unreadable");
                Ok(None)
            }
        }
    }
}

fn view(keys: &HqKeyFiles, copy: Option<&str>) -> HqWorkspaceKeys {
    let recipient = keys.recipient();
    let saved = copy.and_then(|c| serde_json::from_str::<SecretCopy>(c).ok()).is_some_and(|c| c.recipient == recipient);
    HqWorkspaceKeys {
        signing_public_key: crate::hash::hex(&keys.signing_public()),
        signing_fingerprint: fingerprint(&keys.signing_public()),
        secret_key_file: keys.key_path.display().to_string(),
        public_key_file: keys.pub_path.display().to_string(),
        secret_copy_saved: saved,
        recipient,
    }
}

/// Writes `bytes` to `out` (0600): a new file, or with `force` a replacement written beside it
/// then renamed over it.
fn write_private(out: &Path, bytes: &[u8], force: bool) -> ApiResult<()> {
    use std::io::Write;
    let exists = std::fs::symlink_metadata(out).is_ok();
    if exists && !force {
        let mut e: super::ApiError =
            Error::AlreadyExists("ce fichier existe déjà : choisissez un autre nom, ou demandez à le remplacer".into())
                .into();
        e.field = Some("file".into());
        return Err(e);
    }
    let target = if exists { files::sidecar(out, ".maillage-partiel") } else { out.to_path_buf() };
    if exists {
        let _ = std::fs::remove_file(&target);
    }
    let mut f = files::create_new_private(&target).map_err(|e| Error::io(out, e))?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        drop(f);
        let _ = std::fs::remove_file(&target);
        return Err(Error::io(out, e).into());
    }
    if exists {
        std::fs::rename(&target, out).map_err(|e| {
            let _ = std::fs::remove_file(&target);
            Error::io(out, e)
        })?;
    }
    files::sync_dir(&files::parent_dir(out));
    Ok(())
}

fn refuse(message: &str) -> super::ApiError {
    Error::Invalid(super::write::kinds_invalid("file", message)).into()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

// ---------------------------------------------------------------- headquarters reads

/// What the rule of headquarters' workspace needs to know in one transaction: the mode (read
/// once) and the territories found to be demonstrations.
#[derive(Default)]
pub(crate) struct SiegeRule {
    siege: Option<bool>,
    demo: std::collections::HashMap<RecordId, bool>,
}

impl SiegeRule {
    /// The rule lifted: a retention purge strips a territory's records at headquarters too (the
    /// data protection rules bind every copy).
    pub(crate) fn lifted() -> Self {
        SiegeRule { siege: Some(false), demo: Default::default() }
    }

    /// Refuses a local write to a territory's record (`territory` is the record's territory, its
    /// own id for a territory) in headquarters' workspace, unless the territory is a
    /// demonstration; and a write of headquarters' own kinds anywhere else. `demo_now` is the new data's `demo` flag for a territory being written.
    pub(crate) fn check(
        &mut self,
        conn: &Connection,
        kind: Kind,
        territory: Option<RecordId>,
        demo_now: Option<bool>,
    ) -> Result<()> {
        let siege = match self.siege {
            Some(s) => s,
            None => {
                let s = mode(conn)? == Some(WorkspaceMode::Siege);
                self.siege = Some(s);
                s
            }
        };
        // The committee's reviews and sheets and the national meetings are headquarters' own: a
        // territory's device receives them in headquarters' signed bundle, and never writes them.
        if kind.headquarters_own() && !siege {
            return Err(Error::Invalid(crate::domain::kinds::Invalid::new(
                "kind",
                "la bibliothèque, les avis du comité de sélection et les rencontres nationales s'écrivent au siège national : ils arrivent ici dans le paquet du siège",
            )));
        }
        let Some(territory) = territory else { return Ok(()) };
        if !siege {
            return Ok(());
        }
        let stored = match self.demo.get(&territory) {
            Some(d) => Some(*d),
            None => {
                let found = crate::store::records::get_any(conn, territory)?
                    .filter(|(_, r)| r.kind == Kind::Territory)
                    .map(|(_, r)| r.data["demo"].as_bool().unwrap_or(false));
                if let Some(d) = found {
                    self.demo.insert(territory, d);
                }
                found
            }
        };
        // A territory written now: its new flag, and its stored one when it exists already.
        let demo = match (kind, demo_now) {
            (Kind::Territory, Some(now)) => now && stored.unwrap_or(true),
            _ => stored.unwrap_or(false),
        };
        if demo {
            if kind == Kind::Territory {
                self.demo.insert(territory, true);
            }
            return Ok(());
        }
        Err(Error::HqReadOnly)
    }
}

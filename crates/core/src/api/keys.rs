//! This device's identity, the devices whose bundles this store accepts, headquarters' keys.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{now_rfc3339, Api, ApiResult};
use crate::bundle::{fingerprint, seal, Check, Refusal};
use crate::domain::DeviceId;
use crate::error::{Error, Result};
use crate::store::device::{self, DeviceRow};
use crate::store::device_keys;

/// This device's identity as others see it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeyInfo {
    pub device_id: String,
    pub facilitator: String,
    /// Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// What people compare aloud (8 groups of 4 hex digits).
    pub fingerprint: String,
}

pub use crate::store::device_keys::KnownDevice;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeysReport {
    pub this_device: DeviceKeyInfo,
    pub known_devices: Vec<KnownDevice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustReport {
    pub device_id: String,
    pub facilitator: String,
    pub fingerprint: String,
    /// The key was already registered (nothing changed).
    pub already_known: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HqKeys {
    pub secret_key_path: String,
    pub public_key_path: String,
    /// The `age1…` key to hand to facilitators.
    pub public_key: String,
    /// Headquarters' Ed25519 signing key (public half, 64 hex digits), for what it sends back.
    pub signing_public_key: String,
    /// What people compare aloud (8 groups of 4 hex digits).
    pub signing_fingerprint: String,
}

impl Api {
    /// This device's id and public key fingerprint, and the devices whose bundles it accepts.
    pub fn keys(&self) -> ApiResult<KeysReport> {
        Ok(self.store().read(|conn| {
            let device = device::require(conn)?;
            Ok(KeysReport { this_device: this_device_key(&device), known_devices: device_keys::list(conn)? })
        })?)
    }

    /// Creates headquarters' keys: `dir/hq.key` (secret, mode 600: the sealing identity and the
    /// signing key) and `dir/hq.pub`. Refuses to overwrite an existing key.
    pub fn hq_init(dir: &Path) -> ApiResult<HqKeys> {
        crate::store::files::create_private_dirs(dir).map_err(|e| Error::io(dir, e))?;
        let key_path = dir.join(HQ_KEY_FILE);
        if key_path.exists() {
            return Err(Error::AlreadyExists(format!(
                "{} existe déjà : une clé du siège ne se remplace pas par mégarde (les paquets scellés pour elle ne s'ouvriraient plus) ; choisissez un autre dossier",
                key_path.display()
            ))
            .into());
        }
        Ok(hq_keys_in(dir)?.report())
    }

    /// Registers a device's public key before its first bundle arrives. `file` holds what
    /// `maillage keys show --json` prints on that device.
    pub fn trust_device_key(&self, file: &Path) -> ApiResult<TrustReport> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        let info = parse_key_file(&text).ok_or_else(|| {
            Error::KeyFile(format!(
                "{} n'est pas une clé d'appareil : sur l'appareil, lancez `maillage keys show --json > appareil.json` et donnez ce fichier",
                file.display()
            ))
        })?;
        let device_id =
            DeviceId(uuid::Uuid::parse_str(&info.device_id).map_err(|_| Error::InvalidId(info.device_id.clone()))?);
        let key = crate::hash::unhex::<32>(&info.public_key)
            .filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_ok())
            .ok_or_else(|| {
                Error::KeyFile("la clé publique de l'appareil est illisible (64 chiffres hexadécimaux attendus)".into())
            })?;
        Ok(self.store().write(|tx| {
            let own = device::require(tx)?;
            if own.device_id == device_id {
                return Err(Error::KeyFile("c'est la clé de cet appareil-ci : rien à enregistrer".into()));
            }
            let already = match device_keys::get(tx, device_id)? {
                Some(k) if k.public_key == info.public_key.to_ascii_lowercase() => true,
                Some(k) => return Err(key_mismatch(&device_id, &k.fingerprint, &fingerprint(&key)).into()),
                None => false,
            };
            if !already {
                device_keys::insert(tx, device_id, &key, &info.facilitator, "trusted", None, &now_rfc3339())?;
            }
            Ok(TrustReport {
                device_id: device_id.to_string(),
                facilitator: info.facilitator.clone(),
                fingerprint: fingerprint(&key),
                already_known: already,
            })
        })?)
    }
}

pub(super) fn this_device_key(device: &DeviceRow) -> DeviceKeyInfo {
    let public = ed25519_dalek::SigningKey::from_bytes(&device.signing_key).verifying_key().to_bytes();
    DeviceKeyInfo {
        device_id: device.device_id.to_string(),
        facilitator: device.facilitator.clone(),
        public_key: crate::hash::hex(&public),
        fingerprint: fingerprint(&public),
    }
}

/// Accepts `keys show --json`'s output, or just its `this_device` object.
fn parse_key_file(text: &str) -> Option<DeviceKeyInfo> {
    let value: Value = serde_json::from_str(text.trim()).ok()?;
    let inner = value.get("this_device").cloned().unwrap_or(value);
    let device_id = inner.get("device_id")?.as_str()?.to_string();
    let public_key = inner.get("public_key")?.as_str()?.to_string();
    let facilitator = inner.get("facilitator").and_then(Value::as_str).unwrap_or("").to_string();
    Some(DeviceKeyInfo { device_id, facilitator, fingerprint: String::new(), public_key })
}

/// Headquarters' secret key file and its public key, in the folder given (the data folder
/// beside the store for the application's headquarters workspace).
pub const HQ_KEY_FILE: &str = "hq.key";
pub const HQ_PUB_FILE: &str = "hq.pub";

/// The line of `hq.key` that holds the Ed25519 signing key. A comment for `age`, which reads the
/// same file (`age -d -i hq.key`): only Maillage reads this line.
const SIGNING_LINE: &str = "# MAILLAGE-SIGNATURE-ED25519-SECRETE: ";

/// The line of `hq.pub` that holds the public half of the signing key: a comment for `age`
/// (`age -R hq.pub`), read by Maillage when a facilitator's device trusts headquarters.
pub(super) const SIGNING_PUBLIC_LINE: &str = "# MAILLAGE-SIGNATURE-ED25519-PUBLIQUE: ";

/// The content of `hq.pub`: the sealing key, then the signing key's public half.
fn public_file(identity: &age::x25519::Identity, signing: &ed25519_dalek::SigningKey) -> String {
    format!(
        "{}\n# Clé publique du siège Maillage : à donner aux appareils des territoires (scellement des paquets, ci-dessus ; signature de la bibliothèque, ci-dessous).\n{SIGNING_PUBLIC_LINE}{}\n",
        identity.to_public(),
        crate::hash::hex(&signing.verifying_key().to_bytes())
    )
}

/// Headquarters' keys, read from (or written to) a folder.
pub(super) struct HqKeyFiles {
    pub key_path: PathBuf,
    pub pub_path: PathBuf,
    pub identity: age::x25519::Identity,
    pub signing: ed25519_dalek::SigningKey,
}

impl HqKeyFiles {
    pub fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    pub fn signing_public(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    fn report(&self) -> HqKeys {
        HqKeys {
            secret_key_path: self.key_path.display().to_string(),
            public_key_path: self.pub_path.display().to_string(),
            public_key: self.recipient(),
            signing_public_key: crate::hash::hex(&self.signing_public()),
            signing_fingerprint: fingerprint(&self.signing_public()),
        }
    }
}

/// The signing key's lines, appended to the secret key file.
fn signing_lines(signing: &ed25519_dalek::SigningKey) -> String {
    format!(
        "# Clé de signature du siège (Ed25519), secrète elle aussi : elle signe ce que le siège envoie aux territoires.\n{SIGNING_LINE}{}\n",
        crate::hash::hex(&signing.to_bytes())
    )
}

/// Reads headquarters' keys in `dir`, creating what is missing: the key file when there is none
/// (0600), the signing key of a key file written before it existed (appended: the sealing key is
/// never touched), `hq.pub` when absent. An existing secret is never replaced.
pub(super) fn hq_keys_in(dir: &Path) -> Result<HqKeyFiles> {
    crate::store::files::create_private_dirs(dir).map_err(|e| Error::io(dir, e))?;
    let key_path = dir.join(HQ_KEY_FILE);
    let pub_path = dir.join(HQ_PUB_FILE);
    if !key_path.exists() {
        let (secret, _) = seal::generate_hq_key(&now_rfc3339());
        let signing = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
        match write_secret(&key_path, format!("{secret}{}", signing_lines(&signing)).as_bytes()) {
            Ok(()) => {}
            // Another window made it meanwhile: read theirs.
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    crate::store::files::tighten(&key_path);
    let text = std::fs::read_to_string(&key_path).map_err(|e| Error::io(&key_path, e))?;
    let identity = seal::parse_identity(&text).map_err(|_| {
        Error::KeyFile(format!(
            "{} ne contient pas de clé secrète du siège lisible : il n'a pas été modifié ; remettez-y la copie de la clé enregistrée lors de sa création",
            key_path.display()
        ))
    })?;
    let signing = match text.lines().find_map(|l| l.trim().strip_prefix(SIGNING_LINE.trim_end())) {
        Some(hex) => {
            let bytes = crate::hash::unhex::<32>(hex.trim()).ok_or_else(|| {
                Error::KeyFile(format!(
                    "{} : la clé de signature du siège est abîmée ; le fichier n'a pas été modifié",
                    key_path.display()
                ))
            })?;
            ed25519_dalek::SigningKey::from_bytes(&bytes)
        }
        None => {
            let signing = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
            append_secret(&key_path, signing_lines(&signing).as_bytes())?;
            signing
        }
    };
    if !pub_path.exists() {
        match write_secret(&pub_path, public_file(&identity, &signing).as_bytes()) {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
    } else if std::fs::read_to_string(&pub_path).is_ok_and(|t| !t.contains(SIGNING_PUBLIC_LINE.trim_end())) {
        // A public file of the format before the signing key: rewritten whole (nothing secret).
        let temp = pub_path.with_extension("pub.nouveau");
        let _ = std::fs::remove_file(&temp);
        write_secret(&temp, public_file(&identity, &signing).as_bytes())?;
        std::fs::rename(&temp, &pub_path).map_err(|e| Error::io(&pub_path, e))?;
    }
    Ok(HqKeyFiles { key_path, pub_path, identity, signing })
}

fn append_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).map_err(|e| Error::io(path, e))?;
    let needs_newline = std::fs::read(path).map(|b| !b.is_empty() && !b.ends_with(b"\n")).unwrap_or(false);
    let mut all = Vec::with_capacity(bytes.len() + 1);
    if needs_newline {
        all.push(b'\n');
    }
    all.extend_from_slice(bytes);
    file.write_all(&all).and_then(|_| file.sync_all()).map_err(|e| Error::io(path, e))
}

pub(super) fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut file = crate::store::files::create_new_private(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).and_then(|_| file.sync_all()).map_err(|e| Error::io(path, e))
}

pub(super) fn key_mismatch(device_id: &DeviceId, known: &str, claimed: &str) -> Refusal {
    Refusal::new(
        Check::DeviceKey,
        format!(
            "ce paquet se présente comme venant de l'appareil {device_id}, mais avec une autre clé que celle connue ici (connue : {known}, présentée : {claimed}) : il peut s'agir d'un faux. Vérifiez de vive voix l'empreinte avec l'animateur·rice ; si l'appareil a été réinstallé, il doit exporter sous sa nouvelle identité"
        ),
    )
}

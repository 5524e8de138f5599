//! Hand-off between devices and headquarters: keys, export, verify, import, conflicts.
//!
//! ```
//! use maillage_core::api::{Api, ExportRequest, ImportOptions};
//! use serde_json::json;
//! use maillage_core::domain::Kind;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let camille = Api::create(&dir.path().join("camille.sqlite3")).unwrap();
//! camille.init("Camille").unwrap();
//! camille.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
//! let file = dir.path().join("orly.maillage");
//! camille.export_bundle(&ExportRequest { out: file.clone(), ..Default::default() }).unwrap();
//!
//! let siege = Api::create(&dir.path().join("siege.sqlite3")).unwrap();
//! siege.init("Siège").unwrap();
//! let report = siege.import_bundle(&file, &ImportOptions::default()).unwrap();
//! assert_eq!(report.totals.added, 1);
//! let again = siege.import_bundle(&file, &ImportOptions::default()).unwrap();
//! assert!(again.already_imported, "importing twice changes nothing");
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{next_version, now_rfc3339, Api, ApiResult};
use crate::bundle::{
    self, fingerprint, seal, Check, Coverage, KindCount, Limits, Manifest, OpenedBundle, Refusal, TerritoryRef,
    FORMAT_VERSION,
};
pub use crate::bundle::{Check as BundleCheck, Limits as BundleLimits};
use crate::domain::{kinds, DeviceId, Kind, Record, RecordId, Version};
use crate::error::{Error, Result};
use crate::store::blobs;
use crate::store::device::{self, DeviceRow};
use crate::store::records::{self, RecordRow};
use crate::sync::clock::wall_ms;
use crate::sync::merge::{self, ConflictRow};
pub use crate::sync::merge::{ConflictStatus, KindReport, Resolution};

// ---------------------------------------------------------------- types

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

/// A device whose bundles this store accepts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownDevice {
    pub device_id: String,
    pub facilitator: String,
    pub public_key: String,
    pub fingerprint: String,
    /// `bundle` (trusted on first use) or `trusted` (registered by hand).
    pub source: String,
    pub first_seen_at: String,
    pub first_seen_bundle: Option<String>,
}

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
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub out: PathBuf,
    /// Only what changed since this device's previous export (a full export when there was none).
    #[serde(default)]
    pub since_last: bool,
    /// Headquarters' public keys (`age1…`, or files holding one): the bundle is sealed for them.
    #[serde(default)]
    pub to: Vec<String>,
    /// Replace an existing bundle at `out` (never the store, a backup or another file).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub force: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub path: String,
    pub bundle_id: String,
    pub sequence: u64,
    /// `full` or `since`.
    pub covers: String,
    pub since_sequence: Option<u64>,
    /// Record lines per kind (kinds with none are left out).
    pub kinds: BTreeMap<String, KindCount>,
    pub records: u64,
    pub deleted: u64,
    /// Losing versions carried (open conflicts of this device).
    pub conflicts: u64,
    pub attachments: u64,
    /// Bytes of JSON lines carried.
    pub json_bytes: u64,
    /// Size of the file.
    pub bytes: u64,
    pub sealed_for: Vec<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// Headquarters' secret key file, to open a sealed bundle.
    #[serde(default)]
    pub identity: Option<PathBuf>,
    /// Every check and the report, without writing.
    #[serde(default)]
    pub dry_run: bool,
}

/// How this store knows the key of the bundle's device.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// The bundle comes from this very device.
    ThisDevice,
    /// Seen in an earlier bundle.
    Known,
    /// Registered by hand (`keys trust`).
    Registered,
    /// First bundle from this device: its key is recorded now (trust on first use).
    New,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub file: String,
    pub bundle_id: String,
    pub device_id: String,
    pub facilitator: String,
    pub device_fingerprint: String,
    pub key_status: KeyStatus,
    pub sequence: u64,
    pub covers: String,
    pub since_sequence: Option<u64>,
    pub created_at: String,
    pub territories: Vec<TerritoryRef>,
    pub sealed: bool,
    /// This bundle had been imported before: nothing changed.
    pub already_imported: bool,
    pub dry_run: bool,
    /// Per kind: added, updated, unchanged, deleted, in conflict.
    pub kinds: BTreeMap<String, KindReport>,
    pub totals: KindReport,
    pub attachments_added: u64,
    /// One French sentence summing up.
    pub message: String,
}

/// Which version a person keeps when resolving a conflict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Winner,
    Loser,
}

/// A conflict as the front ends show it: the two versions side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub id: String,
    pub record_id: RecordId,
    pub kind: Kind,
    pub title: String,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
    pub found_at: String,
    pub found_in_bundle: Option<String>,
    pub resolved_at: Option<String>,
    /// The version the store holds now.
    pub winner: Record,
    /// The version that lost, whole.
    pub loser: Record,
    /// Top-level fields whose values differ (`deleted` when one side is a deletion).
    pub fields: Vec<String>,
}

// ---------------------------------------------------------------- keys

impl Api {
    /// This device's id and public key fingerprint, and the devices whose bundles it accepts.
    pub fn keys(&self) -> ApiResult<KeysReport> {
        Ok(self.store().read(|conn| {
            let device = device::require(conn)?;
            Ok(KeysReport { this_device: this_device_key(&device), known_devices: known_devices(conn)? })
        })?)
    }

    /// Creates headquarters' key pair: `dir/hq.key` (secret, mode 600) and `dir/hq.pub`.
    /// Refuses to overwrite an existing key.
    pub fn hq_init(dir: &Path) -> ApiResult<HqKeys> {
        crate::store::files::create_private_dirs(dir).map_err(|e| Error::io(dir, e))?;
        let key_path = dir.join("hq.key");
        let pub_path = dir.join("hq.pub");
        if key_path.exists() {
            return Err(Error::AlreadyExists(format!(
                "{} existe déjà : une clé du siège ne se remplace pas par mégarde (les paquets scellés pour elle ne s'ouvriraient plus) ; choisissez un autre dossier",
                key_path.display()
            ))
            .into());
        }
        let (secret, public) = seal::generate_hq_key(&now_rfc3339());
        write_secret(&key_path, secret.as_bytes())?;
        std::fs::write(&pub_path, public.as_bytes()).map_err(|e| Error::io(&pub_path, e))?;
        Ok(HqKeys {
            secret_key_path: key_path.display().to_string(),
            public_key_path: pub_path.display().to_string(),
            public_key: public.trim().to_string(),
        })
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
        let key = bundle::unhex::<32>(&info.public_key)
            .filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_ok())
            .ok_or_else(|| {
                Error::KeyFile("la clé publique de l'appareil est illisible (64 chiffres hexadécimaux attendus)".into())
            })?;
        Ok(self.store().write(|tx| {
            let own = device::require(tx)?;
            if own.device_id == device_id {
                return Err(Error::KeyFile("c'est la clé de cet appareil-ci : rien à enregistrer".into()));
            }
            let already = match known_key(tx, device_id)? {
                Some(k) if k.public_key == info.public_key.to_ascii_lowercase() => true,
                Some(k) => return Err(key_mismatch(&device_id, &k.fingerprint, &fingerprint(&key)).into()),
                None => false,
            };
            if !already {
                insert_key(tx, device_id, &key, &info.facilitator, "trusted", None)?;
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

fn this_device_key(device: &DeviceRow) -> DeviceKeyInfo {
    let public = ed25519_dalek::SigningKey::from_bytes(&device.signing_key).verifying_key().to_bytes();
    DeviceKeyInfo {
        device_id: device.device_id.to_string(),
        facilitator: device.facilitator.clone(),
        public_key: bundle::hex(&public),
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

fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).and_then(|_| file.sync_all()).map_err(|e| Error::io(path, e))
}

fn known_devices(conn: &Connection) -> Result<Vec<KnownDevice>> {
    let mut stmt = conn.prepare(
        "SELECT device_id, facilitator, public_key, fingerprint, source, first_seen_at, first_seen_bundle
         FROM device_key ORDER BY first_seen_at, device_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(KnownDevice {
            device_id: r.get(0)?,
            facilitator: r.get(1)?,
            public_key: r.get(2)?,
            fingerprint: r.get(3)?,
            source: r.get(4)?,
            first_seen_at: r.get(5)?,
            first_seen_bundle: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn known_key(conn: &Connection, device_id: DeviceId) -> Result<Option<KnownDevice>> {
    Ok(known_devices(conn)?.into_iter().find(|d| d.device_id == device_id.to_string()))
}

fn insert_key(
    tx: &Connection,
    device_id: DeviceId,
    key: &[u8; 32],
    facilitator: &str,
    source: &str,
    bundle_id: Option<&str>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO device_key (device_id, public_key, fingerprint, facilitator, source, first_seen_at, first_seen_bundle)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![device_id.to_string(), bundle::hex(key), fingerprint(key), facilitator, source, now_rfc3339(), bundle_id],
    )?;
    Ok(())
}

fn key_mismatch(device_id: &DeviceId, known: &str, claimed: &str) -> Refusal {
    Refusal::new(
        Check::DeviceKey,
        format!(
            "ce paquet se présente comme venant de l'appareil {device_id}, mais avec une autre clé que celle connue ici (connue : {known}, présentée : {claimed}) : il peut s'agir d'un faux. Vérifiez de vive voix l'empreinte avec l'animateur·rice ; si l'appareil a été réinstallé, il doit exporter sous sa nouvelle identité"
        ),
    )
}

// ---------------------------------------------------------------- export

impl Api {
    /// Writes a bundle of this store (all of it, or what changed since the previous export),
    /// sealed for headquarters when `to` names keys. The file appears under its name only once
    /// complete and synced.
    pub fn export_bundle(&self, req: &ExportRequest) -> ApiResult<ExportReport> {
        self.export_bundle_with_progress(req, &mut |_| {})
    }

    /// [`Api::export_bundle`], telling `progress` how far it is (for a progress bar).
    pub fn export_bundle_with_progress(
        &self,
        req: &ExportRequest,
        progress: &mut dyn FnMut(ExportProgress),
    ) -> ApiResult<ExportReport> {
        super::check_output(self.store_path(), &req.out, super::OutputKind::Bundle, req.force)?;
        let recipients = req.to.iter().map(|t| seal::parse_recipient(t)).collect::<Result<Vec<_>>>()?;
        if req.out.as_os_str().is_empty() {
            return Err(Error::Invalid(kinds::Invalid {
                field: "out".into(),
                message: "indiquez où écrire le paquet".into(),
            })
            .into());
        }
        // 1. Read a consistent snapshot through a connection of its own: autosave goes on.
        let prepared = self.store().snapshot(|conn| gather(conn, req, progress))?;
        // 2. Compress, seal, write and sync with no lock held.
        let sequence = prepared.manifest.sequence;
        let written = bundle::write_bundle(&req.out, prepared.manifest, &prepared.signing, prepared.entries, &recipients)?;
        // 3. Record the export in one short transaction; the file takes its name inside it, so
        //    that a logged export always has its file (and a failed log leaves no file).
        let file_name = req.out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let report = ExportReport {
            path: req.out.display().to_string(),
            bundle_id: written.manifest.bundle_id.to_string(),
            sequence,
            covers: written.manifest.covers.mode.clone(),
            since_sequence: written.manifest.covers.since_sequence,
            kinds: written.manifest.counts.clone(),
            records: prepared.records,
            deleted: prepared.deleted,
            conflicts: prepared.conflicts,
            attachments: prepared.attachments,
            json_bytes: prepared.json_bytes,
            bytes: written.bytes,
            sealed_for: written.manifest.sealed_for.clone(),
        };
        self.store().write(|tx| {
            let last: i64 = tx.query_row("SELECT COALESCE(MAX(sequence), 0) FROM export_log", [], |r| r.get(0))?;
            if last as u64 + 1 != sequence {
                return Err(Error::Busy);
            }
            tx.execute(
                "INSERT INTO export_log (sequence, bundle_id, created_at, covers, from_change, to_change, records, bytes, sealed_for, file_name)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    sequence as i64,
                    written.manifest.bundle_id.to_string(),
                    written.manifest.created_at,
                    written.manifest.covers.mode,
                    prepared.from_change,
                    prepared.to_change,
                    prepared.records as i64,
                    written.bytes as i64,
                    serde_json::to_string(&written.manifest.sealed_for)?,
                    file_name
                ],
            )?;
            written.commit()
        })?;
        progress(ExportProgress { stage: ExportStage::Done, records: prepared.total, total: prepared.total });
        tracing::info!(bundle = %report.bundle_id, sequence, records = report.records, bytes = report.bytes,
                       sealed = !report.sealed_for.is_empty(), "export");
        Ok(report)
    }
}

/// Everything an export writes, read from one snapshot of the store.
struct Prepared {
    manifest: Manifest,
    signing: ed25519_dalek::SigningKey,
    entries: bundle::BundleEntries,
    from_change: i64,
    to_change: i64,
    records: u64,
    deleted: u64,
    conflicts: u64,
    attachments: u64,
    json_bytes: u64,
    total: u64,
}

/// How far an export is: records read out of `total`, then the file being compressed and written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExportProgress {
    pub stage: ExportStage,
    pub records: u64,
    pub total: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportStage {
    Reading,
    Writing,
    Done,
}

fn gather(tx: &Connection, req: &ExportRequest, progress: &mut dyn FnMut(ExportProgress)) -> Result<Prepared> {
    let device = device::require(tx)?;
    let last: Option<(u64, i64)> = tx
        .query_row("SELECT sequence, to_change FROM export_log ORDER BY sequence DESC LIMIT 1", [], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
        })
        .optional()?;
    let sequence = last.map(|l| l.0 + 1).unwrap_or(1);
    let since = if req.since_last { last } else { None };
    let from_change = since.map(|l| l.1).unwrap_or(0);
    let to_change: i64 = tx.query_row("SELECT COALESCE(MAX(change_seq), 0) FROM record_change", [], |r| r.get(0))?;

    // What to carry: changed records (all of them for a full export), the winners of the losers
    // kept here, and the territories they point to (so that every bundle stands on its own).
    let mut wanted: HashSet<RecordId> = HashSet::new();
    if since.is_some() {
        let mut stmt = tx.prepare("SELECT record_id FROM record_change WHERE change_seq > ?1")?;
        for id in stmt.query_map([from_change], |r| r.get::<_, String>(0))? {
            if let Ok(id) = RecordId::parse(&id?) {
                wanted.insert(id);
            }
        }
    }
    let mut loser_lines: Vec<(RecordId, String)> = Vec::new();
    {
        let mut stmt = tx.prepare(
            "SELECT record_id, loser FROM conflict WHERE status = 'open' OR resolution = 'identical' ORDER BY id",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, line) = row?;
            if let Ok(id) = RecordId::parse(&id) {
                wanted.insert(id);
                loser_lines.push((id, line));
            }
        }
    }
    let everything = since.is_none();
    let mut c = Carried::default();
    let total: u64 = tx.query_row("SELECT COUNT(*) FROM record", [], |r| r.get::<_, i64>(0))? as u64;
    let mut read = 0u64;
    progress(ExportProgress { stage: ExportStage::Reading, records: 0, total });
    for_each_stored_line(tx, |stored| {
        read += 1;
        if read.is_multiple_of(2000) {
            progress(ExportProgress { stage: ExportStage::Reading, records: read, total });
        }
        if everything || wanted.contains(&stored.id) {
            c.carry_line(&stored);
        }
        Ok(())
    })?;
    for t in c.territories.clone() {
        if !c.included.contains(&t) {
            if let Some((_, record)) = records::get_any(tx, t)? {
                c.carry(&record);
            }
        }
    }
    let Carried { lines, counts, included, territories, territory_names, shas } = c;

    let mut entries: bundle::BundleEntries = Vec::new();
    let mut json_bytes = 0u64;
    let mut record_count = 0u64;
    let mut deleted_count = 0u64;
    for (kind, buf) in lines {
        json_bytes += buf.len() as u64;
        entries.push((format!("{}{}.jsonl", bundle::RECORDS_DIR, kind.as_str()), buf));
    }
    for c in counts.values() {
        record_count += c.live + c.deleted;
        deleted_count += c.deleted;
    }
    if !loser_lines.is_empty() {
        let mut buf = Vec::new();
        for (_, line) in &loser_lines {
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
        }
        json_bytes += buf.len() as u64;
        entries.push((bundle::CONFLICTS.to_string(), buf));
    }
    // Lineage of every record carried.
    let mut edges: Vec<bundle::LineageEdge> = Vec::new();
    if everything {
        let mut stmt = tx.prepare("SELECT record_id, version, parent FROM record_lineage")?;
        for row in
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        {
            let (id, v, p) = row?;
            if let (Ok(record_id), Ok(version), Ok(parent)) = (RecordId::parse(&id), v.parse::<Version>(), p.parse()) {
                if included.contains(&record_id) && parent < version {
                    edges.push(bundle::LineageEdge { record_id, version, parent });
                }
            }
        }
    } else {
        for id in &included {
            edges.extend(merge::edges_of(tx, *id)?.into_iter().filter(|e| e.parent < e.version));
        }
    }
    if !edges.is_empty() {
        edges.sort();
        let mut buf = Vec::new();
        for e in &edges {
            buf.extend_from_slice(crate::canonical::to_string(&serde_json::to_value(e)?).as_bytes());
            buf.push(b'\n');
        }
        entries.push((bundle::LINEAGE.to_string(), buf));
    }
    let mut attachments = 0u64;
    for sha in &shas {
        if let Some(content) = blobs::get(tx, sha)? {
            attachments += 1;
            entries.push((format!("{}{sha}", bundle::ATTACHMENTS_DIR), content));
        }
    }

    let signing = ed25519_dalek::SigningKey::from_bytes(&device.signing_key);
    let manifest = Manifest {
        format: FORMAT_VERSION,
        schema_version: crate::store::schema::SCHEMA_VERSION as u32,
        bundle_id: uuid::Uuid::now_v7(),
        device_id: device.device_id,
        device_key: bundle::hex(&signing.verifying_key().to_bytes()),
        facilitator: device.facilitator.clone(),
        territories: territories
            .iter()
            .map(|t| TerritoryRef { id: *t, name: territory_names.get(t).cloned().unwrap_or_default() })
            .collect(),
        created_at: now_rfc3339(),
        covers: Coverage {
            mode: if since.is_some() { "since" } else { "full" }.into(),
            since_sequence: since.map(|l| l.0),
        },
        sequence,
        sealed_for: Vec::new(),
        counts: counts.iter().map(|(k, c)| (k.as_str().to_string(), *c)).collect(),
        entries: Vec::new(),
    };
    progress(ExportProgress { stage: ExportStage::Writing, records: total, total });
    Ok(Prepared {
        manifest,
        signing,
        entries,
        from_change,
        to_change,
        records: record_count,
        deleted: deleted_count,
        conflicts: loser_lines.len() as u64,
        attachments,
        json_bytes,
        total,
    })
}

/// What an export carries, gathered record by record.
#[derive(Default)]
struct Carried {
    lines: BTreeMap<Kind, Vec<u8>>,
    counts: BTreeMap<Kind, KindCount>,
    included: HashSet<RecordId>,
    territories: BTreeSet<RecordId>,
    territory_names: HashMap<RecordId, String>,
    shas: BTreeSet<String>,
}

impl Carried {
    fn carry(&mut self, record: &Record) {
        let line = crate::canonical::record_line(record);
        let data = crate::canonical::to_string(&record.data);
        self.carry_line(&StoredLine {
            id: record.id,
            kind: record.kind,
            territory_id: record.territory_id,
            deleted: record.deleted,
            line: &line,
            data: &data,
        });
    }

    fn carry_line(&mut self, stored: &StoredLine<'_>) {
        self.included.insert(stored.id);
        let buf = self.lines.entry(stored.kind).or_default();
        buf.extend_from_slice(stored.line.as_bytes());
        buf.push(b'\n');
        let count = self.counts.entry(stored.kind).or_default();
        if stored.deleted {
            count.deleted += 1;
        } else {
            count.live += 1;
        }
        if let Some(t) = stored.territory_id {
            self.territories.insert(t);
        }
        // Only these two kinds need their data read.
        if stored.kind == Kind::Territory || (stored.kind == Kind::Attachment && !stored.deleted) {
            let data: Value = serde_json::from_str(stored.data).unwrap_or_default();
            if stored.kind == Kind::Territory {
                self.territory_names.insert(stored.id, data["name"].as_str().unwrap_or("").to_string());
            } else if let Some(sha) = data["sha256"].as_str() {
                self.shas.insert(sha.to_string());
            }
        }
    }
}

fn text<'a>(row: &'a rusqlite::Row<'_>, index: usize) -> Result<&'a str> {
    row.get_ref(index)?.as_str().map_err(|e| {
        Error::from(rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
    })
}

/// A stored record as an export carries it.
struct StoredLine<'a> {
    id: RecordId,
    kind: Kind,
    territory_id: Option<RecordId>,
    deleted: bool,
    /// Its canonical line: exactly what `canonical::record_line` prints for it.
    line: &'a str,
    data: &'a str,
}

/// Every record but the shipped defaults (which every Maillage installs itself and which do not
/// travel), tombstones included, in id order, as canonical lines. The store keeps `data` as
/// canonical JSON already (`records::upsert`), so the line is assembled around it without parsing
/// it: the same bytes as `canonical::record_line`, several times faster.
fn for_each_stored_line(conn: &Connection, mut f: impl FnMut(StoredLine<'_>) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, territory_id, version, created_by, created_device, created_at, updated_at, deleted, data
         FROM record WHERE version <> ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([Version::SHIPPED.to_string()])?;
    let mut line = String::with_capacity(4096);
    let json = |out: &mut String, text: &str| out.push_str(&serde_json::to_string(text).expect("a string serialises"));
    while let Some(row) = rows.next()? {
        let id: String = text(row, 0)?.to_string();
        let kind: Kind = text(row, 1)?.parse()?;
        let territory: Option<&str> =
            if row.get_ref(2)? == rusqlite::types::ValueRef::Null { None } else { Some(text(row, 2)?) };
        let deleted = row.get::<_, i64>(8)? != 0;
        let data = text(row, 9)?;
        line.clear();
        line.push_str("{\"created_at\":");
        json(&mut line, text(row, 6)?);
        line.push_str(",\"created_by\":");
        json(&mut line, text(row, 4)?);
        line.push_str(",\"created_device\":");
        json(&mut line, text(row, 5)?);
        line.push_str(",\"data\":");
        line.push_str(data);
        line.push_str(if deleted { ",\"deleted\":true,\"id\":" } else { ",\"deleted\":false,\"id\":" });
        json(&mut line, &id);
        line.push_str(",\"kind\":\"");
        line.push_str(kind.as_str());
        line.push_str("\",\"territory_id\":");
        match territory {
            Some(t) => json(&mut line, t),
            None => line.push_str("null"),
        }
        line.push_str(",\"updated_at\":");
        json(&mut line, text(row, 7)?);
        line.push_str(",\"version\":");
        json(&mut line, text(row, 3)?);
        line.push('}');
        f(StoredLine {
            id: RecordId::parse(&id)?,
            kind,
            territory_id: territory.map(RecordId::parse).transpose()?,
            deleted,
            line: &line,
            data,
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------- verify and import

impl Api {
    /// Every check of an import, and the report it would give, without writing.
    pub fn verify_bundle(&self, file: &Path, identity: Option<&Path>) -> ApiResult<ImportReport> {
        self.import_bundle(file, &ImportOptions { identity: identity.map(Path::to_path_buf), dry_run: true })
    }

    /// Imports one bundle file in one transaction: every check first, then all of it or nothing.
    /// Importing the same bundle again changes nothing and says so.
    pub fn import_bundle(&self, file: &Path, opts: &ImportOptions) -> ApiResult<ImportReport> {
        let identity = opts.identity.as_deref().map(seal::read_identity).transpose()?;
        let meta = std::fs::metadata(file).map_err(|e| Error::io(file, e))?;
        let limits = Limits::default();
        if meta.len() > limits.max_file {
            return Err(Error::BundleRefused(Refusal::new(
                Check::Size,
                format!("le fichier dépasse {} Mo, la taille maximale d'un paquet : exportez en plusieurs fois (--since-last)", limits.max_file >> 20),
            ))
            .into());
        }
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let label = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.import_bundle_bytes(&label, &bytes, identity.as_ref(), opts.dry_run, &limits)
    }

    /// [`Api::import_bundle`] on bytes already in memory (tests, benchmarks, fuzzing).
    pub fn import_bundle_bytes(
        &self,
        label: &str,
        bytes: &[u8],
        identity: Option<&age::x25519::Identity>,
        dry_run: bool,
        limits: &Limits,
    ) -> ApiResult<ImportReport> {
        let opened = bundle::open(bytes, identity, limits).map_err(Error::from)?;
        let report = if dry_run {
            self.store().read(|conn| import_in(conn, label, &opened, false))?
        } else {
            let report = self.store().write(|tx| import_in(tx, label, &opened, true))?;
            self.store().checkpoint();
            tracing::info!(bundle = %report.bundle_id, device = %report.device_id, added = report.totals.added,
                           updated = report.totals.updated, deleted = report.totals.deleted,
                           conflicts = report.totals.in_conflict, already = report.already_imported, "import");
            report
        };
        Ok(report)
    }
}

fn import_in(conn: &Connection, label: &str, opened: &OpenedBundle, write: bool) -> Result<ImportReport> {
    let m = &opened.manifest;
    let own = device::require(conn)?;
    let key = bundle::unhex::<32>(&m.device_key).ok_or_else(|| {
        Refusal::new(Check::Signature, "la clé de l'appareil indiquée par le manifeste est illisible")
    })?;
    let claimed = fingerprint(&key);

    // The device's key: this device's own, the one recorded before, or a first one (trusted on
    // first use).
    let key_status = if m.device_id == own.device_id {
        let mine = this_device_key(&own);
        if mine.public_key != m.device_key {
            return Err(key_mismatch(&m.device_id, &mine.fingerprint, &claimed).into());
        }
        KeyStatus::ThisDevice
    } else {
        match known_key(conn, m.device_id)? {
            Some(k) if k.public_key == m.device_key => {
                if k.source == "trusted" {
                    KeyStatus::Registered
                } else {
                    KeyStatus::Known
                }
            }
            Some(k) => return Err(key_mismatch(&m.device_id, &k.fingerprint, &claimed).into()),
            None => KeyStatus::New,
        }
    };
    let bundle_id = m.bundle_id.to_string();
    let mut report = ImportReport {
        file: label.to_string(),
        bundle_id: bundle_id.clone(),
        device_id: m.device_id.to_string(),
        facilitator: m.facilitator.clone(),
        device_fingerprint: claimed,
        key_status,
        sequence: m.sequence,
        covers: m.covers.mode.clone(),
        since_sequence: m.covers.since_sequence,
        created_at: m.created_at.clone(),
        territories: m.territories.clone(),
        sealed: opened.sealed,
        already_imported: false,
        dry_run: !write,
        kinds: BTreeMap::new(),
        totals: KindReport::default(),
        attachments_added: 0,
        message: String::new(),
    };
    let seen: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM imported_bundle WHERE bundle_id = ?1)", [&bundle_id], |r| {
            r.get(0)
        })?;
    if seen {
        report.already_imported = true;
        report.message = "déjà importé, rien n'a changé".into();
        return Ok(report);
    }

    // Checks that need the store, before any write.
    let ids: Vec<RecordId> = opened.records.iter().map(|r| r.record.id).collect();
    let locals = merge::load_locals(conn, ids.iter().copied(), &opened.lineage)?;
    let mut territory_ok: HashSet<RecordId> = HashSet::new();
    for incoming in opened.records.iter().chain(&opened.losers) {
        let r = &incoming.record;
        if let Some(local) = locals.get(&r.id).and_then(|l| l.winner.as_ref()) {
            if local.record.kind != r.kind {
                return Err(Refusal::new(
                    Check::Records,
                    format!(
                        "l'enregistrement {} est ici un(e) {} et dans le paquet un(e) {} : demandez un nouvel export",
                        r.id,
                        local.record.kind.label_fr(),
                        r.kind.label_fr()
                    ),
                )
                .into());
            }
        }
    }
    // The rules of a local write, from the sender's point of view: what the bundle carries, then
    // what this store holds. A territory is a territory, a reference points to a record of the
    // kind it names (live or deleted: a deletion made elsewhere at the same time is not an error).
    let carried: HashMap<RecordId, (Kind, bool)> =
        opened.records.iter().map(|i| (i.record.id, (i.record.kind, i.record.deleted))).collect();
    let kind_of = |id: RecordId| -> Result<Option<(Kind, bool)>> {
        match carried.get(&id) {
            Some(k) => Ok(Some(*k)),
            None => records::any_kind(conn, id),
        }
    };
    for incoming in opened.records.iter().chain(&opened.losers) {
        let r = &incoming.record;
        let refuse = |message: String| -> Error {
            Refusal::new(Check::Records, format!("{} {} : {message} ; demandez un nouvel export", r.kind, r.id)).into()
        };
        if let Some(t) = r.territory_id.filter(|t| *t != r.id) {
            if !territory_ok.contains(&t) {
                match kind_of(t)? {
                    None => {
                        return Err(refuse(format!(
                            "son territoire {t} est absent du paquet et de ce magasin (un export complet, sans --since-last, le porte)"
                        )))
                    }
                    Some((k, _)) if k != Kind::Territory => {
                        return Err(refuse(format!("son territoire désigne un(e) {}, pas un territoire", k.label_fr())))
                    }
                    Some(_) => {}
                }
                territory_ok.insert(t);
            }
            if !r.deleted && carried.get(&t).is_some_and(|(_, deleted)| *deleted) {
                return Err(refuse("il appartient à un territoire que ce même paquet supprime".into()));
            }
        }
        for reference in &incoming.references {
            match kind_of(reference.id)? {
                Some((k, _)) if k == reference.kind => {}
                Some((k, _)) => {
                    return Err(refuse(format!(
                        "le champ « {} » désigne un(e) {}, pas un(e) {}",
                        reference.field,
                        k.label_fr(),
                        reference.kind.label_fr()
                    )))
                }
                None => {
                    return Err(refuse(format!(
                        "le champ « {} » désigne un(e) {} absent(e) du paquet et de ce magasin",
                        reference.field,
                        reference.kind.label_fr()
                    )))
                }
            }
        }
        if r.kind == Kind::Attachment && !r.deleted {
            let sha = r.data["sha256"].as_str().unwrap_or_default();
            if !opened.attachments.contains_key(sha) && !blobs::exists(conn, sha)? {
                return Err(Refusal::new(
                    Check::Records,
                    format!("la pièce jointe {} arrive sans son contenu : demandez un nouvel export", r.id),
                )
                .into());
            }
        }
    }

    let plan = merge::plan(&opened.records, &opened.losers, &opened.lineage, &locals);
    for (kind, counts) in &plan.by_kind {
        report.kinds.insert(kind.as_str().to_string(), *counts);
    }
    report.totals = plan.totals();
    for sha in opened.attachments.keys() {
        if !blobs::exists(conn, sha)? {
            report.attachments_added += 1;
        }
    }
    report.message = summary(&report.totals, write);

    if write {
        let now = now_rfc3339();
        merge::apply(conn, &plan, Some(&bundle_id), &now)?;
        for content in opened.attachments.values() {
            blobs::put(conn, content)?;
        }
        // The next local edit must outrank everything seen.
        if let Some(max) = opened.records.iter().chain(&opened.losers).map(|i| i.record.version).max() {
            let mut clock = own.clock;
            clock.observe(&max, wall_ms());
            device::save_clock(conn, &clock)?;
        }
        if key_status == KeyStatus::New {
            insert_key(conn, m.device_id, &key, &m.facilitator, "bundle", Some(&bundle_id))?;
        }
        conn.execute(
            "INSERT INTO imported_bundle (bundle_id, device_id, sequence, covers, created_at, imported_at, file_sha256, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                bundle_id,
                m.device_id.to_string(),
                m.sequence as i64,
                m.covers.mode,
                m.created_at,
                now,
                opened.file_sha256,
                // Kept without the territories' names: a name deleted or changed later must not
                // linger in the history of imports.
                serde_json::to_string(&ImportReport {
                    territories: report.territories.iter().map(|t| TerritoryRef { id: t.id, name: String::new() }).collect(),
                    ..report.clone()
                })?
            ],
        )?;
    }
    Ok(report)
}

fn summary(t: &KindReport, write: bool) -> String {
    let verb = if write { "" } else { "à l'import : " };
    if t.changed() == 0 {
        return format!("{verb}rien de nouveau ({} enregistrement(s) déjà à jour)", t.unchanged);
    }
    format!(
        "{verb}{} ajouté(s), {} modifié(s), {} inchangé(s), {} supprimé(s), {} en conflit",
        t.added, t.updated, t.unchanged, t.deleted, t.in_conflict
    )
}

// ---------------------------------------------------------------- conflicts

impl Api {
    /// Conflicts waiting for a person (and the settled ones when `include_resolved`).
    pub fn conflicts(&self, include_resolved: bool) -> ApiResult<Vec<ConflictView>> {
        Ok(self.store().read(|conn| {
            merge::list_conflicts(conn, include_resolved)?.into_iter().map(|row| view(conn, row)).collect()
        })?)
    }

    /// Settles a conflict: the version kept becomes a new edit that replaces both, knowingly, so
    /// that every store that receives it closes the same conflict.
    pub fn resolve_conflict(&self, id: &str, keep: Keep) -> ApiResult<ConflictView> {
        let id = id.trim();
        let view = self.store().write(|tx| {
            let device = device::require(tx)?;
            let mut rows = if id.len() >= 6 { merge::find_conflict(tx, id)? } else { Vec::new() };
            let row = match rows.len() {
                1 => rows.remove(0),
                0 => return Err(Error::ConflictNotFound(id.to_string())),
                _ => {
                    return Err(Error::ConflictNotFound(format!(
                        "{id} (plusieurs conflits commencent ainsi : donnez l'identifiant entier)"
                    )))
                }
            };
            if row.status != ConflictStatus::Open {
                return Err(Error::ConflictAlreadyResolved(row.id.clone()));
            }
            let (_, current) =
                records::get_any(tx, row.record_id)?.ok_or(Error::NotFound { kind: row.kind, id: row.record_id })?;
            let source = match keep {
                Keep::Winner => current.clone(),
                Keep::Loser => row.loser.clone(),
            };
            let mut clock = device.clock;
            clock.observe(&row.loser.version, wall_ms());
            let above = current.version.max(row.loser.version);
            let version = next_version(&mut clock, &device, Some(&above));
            let settled = Record {
                version,
                updated_at: now_rfc3339(),
                deleted: source.deleted,
                territory_id: source.territory_id,
                data: if source.deleted { Value::Object(Default::default()) } else { source.data.clone() },
                ..current.clone()
            };
            let (title, date) = if settled.deleted {
                (String::new(), None)
            } else {
                let v = kinds::validate(settled.kind, settled.data.clone()).map_err(Error::Invalid)?;
                if let Some(t) = settled.territory_id.filter(|t| *t != settled.id) {
                    if records::get_any(tx, t)?.is_none() {
                        return Err(Error::UnknownTerritory(t));
                    }
                }
                (v.title, v.date)
            };
            // The trigger records "settled replaced current"; this adds "settled replaced the loser".
            records::upsert(tx, &RecordRow { record: &settled, title: &title, date: date.as_deref() })?;
            merge::add_edge(tx, settled.id, &version, &row.loser.version)?;
            if current.version != row.loser.version {
                merge::add_edge(tx, settled.id, &version, &current.version)?;
            }
            let now = now_rfc3339();
            let resolution = match keep {
                Keep::Winner => Resolution::KeepWinner,
                Keep::Loser => Resolution::KeepLoser,
            };
            merge::mark_resolved(tx, &row.id, resolution, &version, &now)?;
            // The other kept losers of the record now stand against the new version.
            let locals = merge::load_locals(tx, [row.record_id], &[])?;
            if let Some(local) = locals.get(&row.record_id) {
                if let Some(p) = merge::plan_record(local, &[]) {
                    let plan = merge::MergePlan { records: vec![p], ..Default::default() };
                    merge::apply(tx, &plan, None, &now)?;
                }
            }
            device::save_clock(tx, &clock)?;
            match merge::find_conflict(tx, &row.id)?.into_iter().next() {
                Some(row) => view(tx, row),
                // Keeping a deletion erased the kept versions, this one included.
                None => view(
                    tx,
                    ConflictRow {
                        status: ConflictStatus::Resolved,
                        resolution: Some(resolution),
                        resolved_at: Some(now),
                        resolved_version: Some(version.to_string()),
                        ..row
                    },
                ),
            }
        })?;
        self.store().checkpoint();
        Ok(view)
    }
}

fn view(conn: &Connection, row: ConflictRow) -> Result<ConflictView> {
    let winner = match records::get_any(conn, row.record_id)? {
        Some((_, r)) => r,
        None => serde_json::from_str(&row.winner_line)?,
    };
    let mut fields = Vec::new();
    if winner.deleted != row.loser.deleted {
        fields.push("deleted".to_string());
    }
    if let (Some(a), Some(b)) = (winner.data.as_object(), row.loser.data.as_object()) {
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            if a.get(k) != b.get(k) {
                fields.push(k.clone());
            }
        }
    }
    let title = if winner.deleted { kinds::title_of(&row.loser) } else { kinds::title_of(&winner) };
    Ok(ConflictView {
        id: row.id,
        record_id: row.record_id,
        kind: row.kind,
        title,
        status: row.status,
        resolution: row.resolution,
        found_at: row.found_at,
        found_in_bundle: row.found_in_bundle,
        resolved_at: row.resolved_at,
        winner,
        loser: row.loser,
        fields,
    })
}

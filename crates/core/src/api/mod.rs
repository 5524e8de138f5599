//! The functions every front end calls: the desktop application, the command line and the tests.
//! Requests and responses are plain serialisable types; errors are [`ApiError`].

mod analysis;
mod attachments;
mod charter;
mod committee;
mod conflicts;
pub mod dispatch;
mod dpo;
mod encryption;
mod error;
mod export;
mod grid;
mod history;
mod import;
mod keys;
mod library;
mod method;
mod national;
mod output;
mod privacy;
mod report;
mod retention;
mod safety;
mod session;
mod settings;
mod synthesis;
pub mod types;
mod workspace;
mod write;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use crate::bundle::{Check as BundleCheck, KindCount, Limits as BundleLimits, TerritoryRef};
pub use crate::store::conflicts::{ConflictStatus, Resolution};
pub use crate::store::search::{SearchHit, SnippetPart};
pub use crate::sync::merge::KindReport;
pub use analysis::*;
pub use charter::ComparisonMaps;
pub use committee::*;
pub use conflicts::*;
pub use dpo::*;
pub use encryption::*;
pub use error::{ApiError, ErrorCode};
pub use export::*;
pub use grid::*;
pub use history::*;
pub use import::*;
pub use keys::*;
pub use library::*;
pub use national::*;
pub use output::{check_output, OutputKind};
pub use privacy::*;
pub use report::*;
pub use retention::{PurgeReport, RetentionSettings, TerritoryRetention, DEFAULT_RETENTION_YEARS};
pub use session::{Session, SessionState};
pub use settings::*;
pub use synthesis::*;
pub use types::*;
pub use workspace::{HqWorkspaceKeys, Workspace, WorkspaceMode};
pub(crate) use write::{check_references, next_version, KindCache};
use write::{kinds_invalid, live_of_kind, removes_text, write_record, write_record_replacing};

use crate::domain::clock::Clock;
use crate::domain::kinds::{self};
use crate::domain::{DeviceId, Kind, Record, RecordId};
use crate::error::Error;
use crate::store::device::{self, DeviceRow};
use crate::store::records::{self, RecordRow};
use crate::store::{search, Store};

pub type ApiResult<T> = std::result::Result<T, ApiError>;

/// Attachments are photos, scanned forms and short recordings, kept in the store itself.
const MAX_ATTACHMENT_BYTES: u64 = 200 << 20;

/// The media type of a file, from its extension (the common kinds an attachment is).
fn media_type_of(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "txt" => "text/plain",
        "odt" => "application/vnd.oasis.opendocument.text",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// A batch at least this large is followed by an optimisation of the search index.
const BULK_OPTIMIZE_THRESHOLD: usize = 1000;

/// Where the desktop application keeps its store: `$MAILLAGE_DB` when set, otherwise
/// `$XDG_DATA_HOME/fr.maillage.desktop/maillage.sqlite3` (`~/.local/share/…` by default).
pub fn default_store_path() -> PathBuf {
    if let Some(p) = std::env::var_os("MAILLAGE_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    data.join("fr.maillage.desktop").join("maillage.sqlite3")
}

/// An open store and what can be done with it.
pub struct Api {
    store: Store,
    /// The last national synthesis, while no record changes.
    synthesis_cache: synthesis::SynthesisCache,
}

impl Api {
    /// Opens the existing store at `path`. Where there is none (a missing or empty file) it
    /// answers [`ErrorCode::NoStore`] and creates nothing: only [`Api::create`] makes a store.
    pub fn open(path: &Path) -> ApiResult<Api> {
        Ok(Api { store: Store::open(path)?, synthesis_cache: Default::default() })
    }

    /// Opens the store at `path`, creating it when there is none (file 0600, missing folders
    /// 0700): the application's first launch. [`Api::init`] then gives it an identity.
    pub fn create(path: &Path) -> ApiResult<Api> {
        tighten_own_data_dir(path);
        Ok(Api { store: Store::create(path)?, synthesis_cache: Default::default() })
    }

    /// `maillage init`: creates the store when there is none and initialises it (see
    /// [`Api::init`]). When this fails, what it created is removed: a failed `init` leaves no
    /// file behind.
    pub fn create_and_init(path: &Path, facilitator: &str) -> ApiResult<(Api, Status)> {
        check_facilitator(facilitator)?;
        tighten_own_data_dir(path);
        let (store, created) = Store::create_tracked(path)?;
        let api = Api { store, synthesis_cache: Default::default() };
        match api.init(facilitator) {
            Ok(status) => Ok((api, status)),
            Err(e) => {
                drop(api);
                created.undo();
                Err(e)
            }
        }
    }

    /// The store itself, for the core's own tests (front ends go through the api's functions).
    #[cfg(feature = "test-support")]
    pub fn store(&self) -> &Store {
        &self.store
    }

    #[cfg(not(feature = "test-support"))]
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_path(&self) -> &Path {
        self.store.path()
    }

    // ------------------------------------------------------------ identity

    /// Creates this device's identity and installs the shipped guide and codebook. Running it
    /// again keeps the identity (and only updates the facilitator's name when one is given).
    pub fn init(&self, facilitator: &str) -> ApiResult<Status> {
        check_facilitator(facilitator)?;
        let facilitator = facilitator.trim();
        self.store.write(|tx| {
            match device::load(tx)? {
                Some(_) => device::set_facilitator(tx, facilitator)?,
                None => {
                    let signing = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
                    let row = DeviceRow {
                        device_id: DeviceId(uuid::Uuid::now_v7()),
                        facilitator: facilitator.to_string(),
                        signing_key: signing.to_bytes(),
                        created_at: now_rfc3339(),
                        clock: Clock::default(),
                    };
                    device::insert(tx, &row)?;
                }
            }
            crate::defaults::install(tx)?;
            Ok(())
        })?;
        self.status()
    }

    /// What the front ends show before anything else: is there an identity, whose, where.
    pub fn status(&self) -> ApiResult<Status> {
        let row = self.store.read(device::load)?;
        Ok(Status {
            initialised: row.is_some(),
            facilitator: row.as_ref().map(|r| r.facilitator.clone()),
            device_id: row.as_ref().map(|r| r.device_id.to_string()),
            store_path: self.store.path().display().to_string(),
            schema_version: crate::store::schema::SCHEMA_VERSION as u32,
        })
    }

    // ------------------------------------------------------------ records

    /// Creates a record, or replaces the data of record `id` (created with that id when absent).
    pub fn put(&self, kind: Kind, id: Option<RecordId>, data: Value) -> ApiResult<Record> {
        let validated = kinds::validate(kind, data).map_err(Error::Invalid)?;
        let (record, removed_text) = self.store.write(|tx| {
            let device = device::require(tx)?;
            let mut clock = device.clock;
            let (record, before) =
                write_record_replacing(tx, &device, &mut clock, &mut KindCache::default(), kind, id, validated)?;
            device::save_clock(tx, &clock)?;
            let removed = before.is_some_and(|b| removes_text(&b.data, &record.data));
            Ok((record, removed))
        })?;
        tracing::info!(kind = %kind, id = %record.id, version = %record.version, "put");
        if removed_text {
            // An edit took words out (a name changed, a sentence cut): they leave the bytes now,
            // not at SQLite's next checkpoint. Typing that only adds text skips this fsync.
            self.store.checkpoint();
        }
        Ok(record)
    }

    /// Creates or replaces many records in one transaction: all are written or none. After a
    /// large batch the search index is optimised.
    pub fn put_many(&self, items: Vec<PutItem>) -> ApiResult<Vec<RecordId>> {
        let large = items.len() >= BULK_OPTIMIZE_THRESHOLD;
        let ids = self.put_many_unoptimized(items)?;
        if large {
            self.optimize_search()?;
        }
        Ok(ids)
    }

    /// Merges the search index after bulk loads (see `store::search::optimize`).
    pub fn optimize_search(&self) -> ApiResult<()> {
        Ok(self.store.write(|tx| search::optimize(tx))?)
    }

    fn put_many_unoptimized(&self, items: Vec<PutItem>) -> ApiResult<Vec<RecordId>> {
        let mut checked = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let validated = kinds::validate(item.kind, item.data).map_err(|mut e| {
                e.message = format!("élément {} : {}", index + 1, e.message);
                Error::Invalid(e)
            })?;
            checked.push((item.kind, item.id, validated));
        }
        Ok(self.store.write(|tx| {
            let device = device::require(tx)?;
            let mut clock = device.clock;
            let mut ids = Vec::with_capacity(checked.len());
            let mut kinds = KindCache::default();
            for (kind, id, validated) in checked {
                ids.push(write_record(tx, &device, &mut clock, &mut kinds, kind, id, validated)?.id);
            }
            device::save_clock(tx, &clock)?;
            Ok(ids)
        })?)
    }

    /// A live record of `kind`.
    pub fn get(&self, kind: Kind, id: RecordId) -> ApiResult<Record> {
        Ok(self.store.read(|conn| live_of_kind(conn, kind, id))?)
    }

    pub fn list(&self, kind: Kind, territory: Option<RecordId>) -> ApiResult<Vec<Record>> {
        Ok(self.store.read(|conn| records::list(conn, kind, territory))?)
    }

    /// Deletes a record: it becomes a tombstone (data cleared) that travels in bundles.
    pub fn delete(&self, kind: Kind, id: RecordId) -> ApiResult<()> {
        let gone = self.store.write(|tx| {
            let device = device::require(tx)?;
            let existing = live_of_kind(tx, kind, id)?;
            workspace::SiegeRule::default().check(tx, kind, existing.territory_id, None)?;
            let mut clock = device.clock;
            // A territory goes with everything in it, in the same change.
            let mut doomed = Vec::new();
            if kind == Kind::Territory {
                doomed.extend(records::live_in_territory(tx, id)?.into_iter().filter(|r| r.id != id));
            }
            doomed.push(existing);
            let now = now_rfc3339();
            for record in &doomed {
                let tombstone = Record {
                    version: next_version(&mut clock, &device, Some(&record.version)),
                    updated_at: now.clone(),
                    deleted: true,
                    data: Value::Object(Default::default()),
                    ..record.clone()
                };
                records::upsert(tx, &RecordRow { record: &tombstone, title: "", date: None })?;
                // Deleted means gone: the versions kept for review go with the record, and the
                // content of an attachment that nothing else shows.
                crate::store::conflicts::delete_of_record(tx, record.id)?;
                if let Some(sha) = record.data["sha256"].as_str().filter(|_| record.kind == Kind::Attachment) {
                    crate::store::blobs::delete_if_unused(tx, sha)?;
                }
            }
            device::save_clock(tx, &clock)?;
            Ok(doomed.len())
        })?;
        self.store.checkpoint();
        tracing::info!(kind = %kind, id = %id, records = gone, "delete");
        Ok(())
    }

    /// Live records per kind (every kind listed, zero included).
    pub fn stats(&self, territory: Option<RecordId>) -> ApiResult<BTreeMap<Kind, u64>> {
        Ok(self.store.read(|conn| records::counts(conn, territory))?)
    }

    pub fn search(&self, req: &SearchRequest) -> ApiResult<Vec<search::SearchHit>> {
        let limit = req.limit.unwrap_or(20).clamp(1, 500);
        Ok(self.store.read(|conn| search::search(conn, &req.query, req.kind, req.territory_id, limit))?)
    }

    /// Every live record as canonical JSON lines, in id order: two stores holding the same
    /// records write the same bytes, whatever their history.
    pub fn dump_canonical(&self, out: &mut dyn Write) -> ApiResult<u64> {
        let mut n = 0u64;
        self.store.read(|conn| {
            records::for_each(conn, false, |record| {
                n += 1;
                writeln!(out, "{}", crate::domain::record_line(&record)).map_err(|e| Error::io("stdout", e))
            })
        })?;
        Ok(n)
    }

    // ------------------------------------------------------------ attachments

    /// Keeps a file (a photo of a flip chart, a signed consent form, a recording) as an attachment
    /// of a territory, and of one of its records when `record_id` is given: the bytes once in the
    /// store by their SHA-256, the attachment record pointing at them, in one transaction.
    pub fn attach_file(&self, req: &AttachRequest) -> ApiResult<Record> {
        let path = Path::new(&req.path);
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !meta.is_file() {
            return Err(Error::io(path, std::io::Error::other("ce n'est pas un fichier")).into());
        }
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::Invalid(kinds_invalid(
                "path",
                &format!("une pièce jointe ne peut dépasser {} Mo", MAX_ATTACHMENT_BYTES >> 20),
            ))
            .into());
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let data = serde_json::json!({
            "territory_id": req.territory_id,
            "record_id": req.record_id,
            "name": name,
            "media_type": media_type_of(&name),
            "sha256": crate::hash::sha256_hex(&bytes),
            "size": bytes.len() as u64,
            "description": req.description,
        });
        let validated = kinds::validate(Kind::Attachment, data).map_err(Error::Invalid)?;
        Ok(self.store.write(|tx| {
            let device = device::require(tx)?;
            let mut clock = device.clock;
            crate::store::blobs::put(tx, &bytes)?;
            let record =
                write_record(tx, &device, &mut clock, &mut KindCache::default(), Kind::Attachment, None, validated)?;
            device::save_clock(tx, &clock)?;
            Ok(record)
        })?)
    }

    /// The bytes of an attachment.
    pub fn attachment_content(&self, id: RecordId) -> ApiResult<Vec<u8>> {
        let record = self.get(Kind::Attachment, id)?;
        let sha = record.data["sha256"].as_str().unwrap_or_default().to_string();
        self.store
            .read(|conn| crate::store::blobs::get(conn, &sha))?
            .ok_or_else(|| Error::NotFound { kind: Kind::Attachment, id }.into())
    }

    // ------------------------------------------------------------ demo

    /// Adds a realistic demo territory (deterministic for a given seed).
    pub fn demo(&self, req: &DemoRequest) -> ApiResult<DemoReport> {
        let items = crate::demo::generate(req).map_err(Error::Invalid)?;
        let territory_id = items.first().and_then(|i| i.id).expect("the demo starts with its territory");
        let ids = self.put_many(items)?;
        Ok(DemoReport { territory_id, records: ids.len() as u32 })
    }
}

// ---------------------------------------------------------------- writing

fn check_facilitator(facilitator: &str) -> ApiResult<()> {
    let facilitator = facilitator.trim();
    if facilitator.is_empty() {
        return Err(Error::Invalid(kinds_invalid("facilitator", "indiquez votre nom (animateur·rice)")).into());
    }
    if facilitator.chars().count() > 120 {
        return Err(Error::Invalid(kinds_invalid("facilitator", "le nom dépasse 120 caractères")).into());
    }
    // The name goes into every bundle's manifest, which importers hold to the same rule.
    if facilitator.chars().any(kinds::is_forbidden_char) {
        return Err(Error::Invalid(kinds_invalid(
            "facilitator",
            "le nom contient un caractère invisible (caractère de contrôle) : retirez-le",
        ))
        .into());
    }
    Ok(())
}

/// The application's own data folder (`…/fr.maillage.desktop`), made 0755 by earlier versions,
/// is made 0700. Only that one: a folder chosen with `--db` or `MAILLAGE_DB` is left as it is.
fn tighten_own_data_dir(path: &Path) {
    #[cfg(unix)]
    if std::env::var_os("MAILLAGE_DB").is_none_or(|p| p.is_empty()) && path == default_store_path() {
        use std::os::unix::fs::PermissionsExt;
        if let Some(dir) = path.parent() {
            if let Ok(meta) = std::fs::metadata(dir) {
                if meta.is_dir() && meta.permissions().mode() & 0o077 != 0 {
                    let owner_only = std::fs::Permissions::from_mode(meta.permissions().mode() & 0o700);
                    let _ = std::fs::set_permissions(dir, owner_only);
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `2026-11-22` → `22/11/2026`.
pub fn french_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

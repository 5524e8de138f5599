//! The functions every front end calls: the desktop application, the command line and the tests.
//! Requests and responses are plain serialisable types; errors are [`ApiError`].

pub mod dispatch;
mod error;
mod conflicts;
mod export;
mod import;
mod keys;
mod output;
mod settings;
pub mod types;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use error::{ApiError, ErrorCode};
pub use conflicts::*;
pub use export::*;
pub use import::*;
pub use keys::*;
pub use output::{check_output, OutputKind};
pub use settings::*;
pub use types::*;
pub use crate::bundle::{Check as BundleCheck, Limits as BundleLimits};
pub use crate::store::conflicts::{ConflictStatus, Resolution};
pub use crate::sync::merge::KindReport;

use crate::domain::clock::{wall_ms, Clock};
use crate::domain::kinds::{self, Validated};
use crate::domain::{vocabulary, DeviceId, Kind, Record, RecordId, Version};
use crate::error::Error;
use crate::store::device::{self, DeviceRow};
use crate::store::records::{self, RecordRow};
use crate::store::{backup, search, Store};

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
}

impl Api {
    /// Opens the existing store at `path`. Where there is none (a missing or empty file) it
    /// answers [`ErrorCode::NoStore`] and creates nothing: only [`Api::create`] makes a store.
    pub fn open(path: &Path) -> ApiResult<Api> {
        Ok(Api { store: Store::open(path)? })
    }

    /// Opens the store at `path`, creating it when there is none (file 0600, missing folders
    /// 0700): the application's first launch. [`Api::init`] then gives it an identity.
    pub fn create(path: &Path) -> ApiResult<Api> {
        tighten_own_data_dir(path);
        Ok(Api { store: Store::create(path)? })
    }

    /// `maillage init`: creates the store when there is none and initialises it (see
    /// [`Api::init`]). When this fails, what it created is removed: a failed `init` leaves no
    /// file behind.
    pub fn create_and_init(path: &Path, facilitator: &str) -> ApiResult<(Api, Status)> {
        check_facilitator(facilitator)?;
        tighten_own_data_dir(path);
        let (store, created) = Store::create_tracked(path)?;
        let api = Api { store };
        match api.init(facilitator) {
            Ok(status) => Ok((api, status)),
            Err(e) => {
                drop(api);
                created.undo();
                Err(e)
            }
        }
    }

    pub fn store(&self) -> &Store {
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
            let before = match id {
                Some(id) => records::get_any(tx, id)?.map(|(_, r)| r),
                None => None,
            };
            let record = write_record(tx, &device, &mut clock, &mut KindCache::default(), kind, id, validated)?;
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
        self.store.write(|tx| {
            let device = device::require(tx)?;
            let existing = live_of_kind(tx, kind, id)?;
            let mut clock = device.clock;
            let version = next_version(&mut clock, &device, Some(&existing.version));
            let tombstone = Record {
                version,
                updated_at: now_rfc3339(),
                deleted: true,
                data: Value::Object(Default::default()),
                ..existing
            };
            records::upsert(tx, &RecordRow { record: &tombstone, title: "", date: None })?;
            // Deleted means gone: the versions kept for review go with the record.
            crate::store::conflicts::delete_of_record(tx, id)?;
            device::save_clock(tx, &clock)?;
            Ok(())
        })?;
        self.store.checkpoint();
        tracing::info!(kind = %kind, id = %id, "delete");
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

    // ------------------------------------------------------------ method helpers

    /// Turns decision `index` of a workshop into an action of the plan, and links the two, in one
    /// transaction. Returns the new action.
    pub fn decision_to_action(&self, workshop_id: RecordId, index: u32) -> ApiResult<Record> {
        Ok(self.store.write(|tx| {
            let device = device::require(tx)?;
            let mut clock = device.clock;
            let workshop = live_of_kind(tx, Kind::Workshop, workshop_id)?;
            let mut data: kinds::Workshop = serde_json::from_value(workshop.data.clone())?;
            let decision = data.decisions.get(index as usize).ok_or_else(|| {
                Error::Invalid(kinds_invalid("decisions", "cette décision n'existe pas dans l'atelier"))
            })?;
            if let Some(existing) = decision.action_id {
                if let Ok(action) = live_of_kind(tx, Kind::Action, existing) {
                    return Ok(action);
                }
            }
            let action = serde_json::json!({
                "territory_id": data.territory_id,
                "title": decision.text,
                "status": "retenue",
                "source_workshop_id": workshop_id,
                "notes": format!("Décision de l'atelier du {}", french_date(&data.date)),
            });
            let action = kinds::validate(Kind::Action, action).map_err(Error::Invalid)?;
            let mut kinds = KindCache::default();
            let action = write_record(tx, &device, &mut clock, &mut kinds, Kind::Action, None, action)?;
            data.decisions[index as usize].action_id = Some(action.id);
            let updated = kinds::validate(Kind::Workshop, serde_json::to_value(&data)?).map_err(Error::Invalid)?;
            write_record(tx, &device, &mut clock, &mut kinds, Kind::Workshop, Some(workshop_id), updated)?;
            device::save_clock(tx, &clock)?;
            Ok(action)
        })?)
    }

    /// What has been done in a territory, step by step of the method.
    pub fn territory_overview(&self, territory: RecordId) -> ApiResult<TerritoryOverview> {
        Ok(self.store.read(|conn| {
            let record = live_of_kind(conn, Kind::Territory, territory)?;
            let counts = records::counts(conn, Some(territory))?;
            let mut last: BTreeMap<String, String> = BTreeMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT kind, MAX(updated_at) FROM record WHERE territory_id = ?1 AND deleted = 0 GROUP BY kind",
            )?;
            let rows =
                stmt.query_map([territory.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (kind, at) = row?;
                last.insert(kind, at);
            }
            let steps = step_kinds()
                .into_iter()
                .map(|(step, kinds)| {
                    let count = |k: &Kind| counts.get(k).copied().unwrap_or(0) as u32;
                    StepSummary {
                        step: step.code().to_string(),
                        label: step.label().to_string(),
                        counts: kinds.iter().map(|k| (k.as_str().to_string(), count(k))).collect(),
                        last_activity: kinds.iter().filter_map(|k| last.get(k.as_str()).cloned()).max(),
                    }
                })
                .collect();
            Ok(TerritoryOverview { territory: record, steps })
        })?)
    }

    /// The closed lists of the method with their French labels, and the kinds' names.
    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            lists: vocabulary::all_lists()
                .into_iter()
                .map(|(name, list)| {
                    (
                        name.to_string(),
                        list.into_iter().map(|c| Choice { code: c.code.into(), label: c.label.into() }).collect(),
                    )
                })
                .collect(),
            kinds: Kind::ALL.iter().map(|k| Choice { code: k.as_str().into(), label: k.label_fr().into() }).collect(),
            good_practices: crate::defaults::good_practices(),
        }
    }

    // ------------------------------------------------------------ safety

    /// Integrity, foreign keys, search index and record data: every problem found, in words.
    pub fn check(&self) -> ApiResult<CheckReport> {
        Ok(self.store.read(crate::store::check::run)?)
    }

    /// Writes a consistent copy of the store to `out` (mode 0600) while writes go on. An existing
    /// backup at `out` is replaced only with `force`; the store itself, a bundle or any other
    /// file never (see [`check_output`]).
    pub fn backup(&self, out: &Path, force: bool) -> ApiResult<BackupReport> {
        check_output(self.store.path(), out, OutputKind::Backup, force)?;
        let bytes = backup::backup(&self.store, out)?;
        Ok(BackupReport { path: out.display().to_string(), bytes })
    }

    /// Gathers the log files (ids, codes, timings — no record text) into `out`, for support.
    pub fn save_log(&self, out: &Path) -> ApiResult<u64> {
        Ok(crate::log::collect(&crate::log::dir_for(self.store.path()), out)?)
    }

    /// Where "backup now" writes: a `sauvegardes` folder beside the store.
    pub fn backup_dir(&self) -> PathBuf {
        self.store.path().parent().map(Path::to_path_buf).unwrap_or_default().join("sauvegardes")
    }

    /// A backup in [`Api::backup_dir`], named after the time.
    pub fn backup_now(&self) -> ApiResult<BackupReport> {
        let name = format!("maillage-{}.sqlite3", chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f"));
        self.backup(&self.backup_dir().join(name), false)
    }

    /// The backups in [`Api::backup_dir`], newest first.
    pub fn list_backups(&self) -> ApiResult<Vec<BackupReport>> {
        let dir = self.backup_dir();
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "sqlite3") {
                    let bytes = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    out.push(BackupReport { path: path.display().to_string(), bytes });
                }
            }
        }
        out.sort_by(|a, b| b.path.cmp(&a.path));
        Ok(out)
    }

    /// Replaces the store with the backup `file`, keeping the current one aside. Only when this
    /// is the only window or command that has the store open ([`ErrorCode::Busy`], "fermez
    /// Maillage puis recommencez", otherwise, and nothing changes).
    pub fn restore(&self, file: &Path) -> ApiResult<RestoreReport> {
        let aside = backup::restore(&self.store, file)?;
        Ok(RestoreReport {
            restored_from: file.display().to_string(),
            previous_store_kept_at: aside.display().to_string(),
        })
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

fn kinds_invalid(field: &str, message: &str) -> kinds::Invalid {
    kinds::Invalid { field: field.to_string(), message: message.to_string() }
}

fn live_of_kind(conn: &rusqlite::Connection, kind: Kind, id: RecordId) -> crate::error::Result<Record> {
    match records::get_any(conn, id)? {
        Some((_, r)) if r.deleted => Err(Error::NotFound { kind, id }),
        Some((_, r)) if r.kind != kind => Err(Error::WrongKind { id, expected: kind, actual: r.kind }),
        Some((_, r)) => Ok(r),
        None => Err(Error::NotFound { kind, id }),
    }
}

/// A version for a local edit: above every reading so far and above the version it replaces.
pub(crate) fn next_version(clock: &mut Clock, device: &DeviceRow, replaces: Option<&Version>) -> Version {
    let wall = wall_ms();
    if let Some(old) = replaces {
        clock.observe(old, wall);
    }
    let mut version = clock.tick(wall, device.device_id);
    if let Some(old) = replaces {
        // The version replaced may come from a device whose clock ran far ahead, beyond what
        // the clock adopts: still outrank it, carrying into the next millisecond when its counter
        // is at its maximum (never saturate: a lower version would poison every later export).
        if version <= *old || (version.ms, version.counter) <= (old.ms, old.counter) {
            version = crate::domain::clock::above(old, device.device_id);
        }
    }
    debug_assert!(replaces.is_none_or(|old| version > *old));
    version
}

/// Whether `new` lost any word that `old` held (in any text of the data): then the old text must
/// leave the bytes at once. Text that only grew (typing) keeps every word, prefixes included.
fn removes_text(old: &Value, new: &Value) -> bool {
    fn words<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.extend(s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())),
            Value::Array(a) => a.iter().for_each(|x| words(x, out)),
            Value::Object(m) => m.values().for_each(|x| words(x, out)),
            _ => {}
        }
    }
    let haystack = crate::canonical::to_string(new);
    let mut old_words = Vec::new();
    words(old, &mut old_words);
    old_words.iter().any(|w| !haystack.contains(w))
}

/// The kinds of live records already looked up or written in one transaction: a batch (a demo,
/// an import of many records) checks its references without asking the store again and again.
#[derive(Default)]
struct KindCache(std::collections::HashMap<RecordId, Option<Kind>>);

impl KindCache {
    fn live_kind(&mut self, tx: &rusqlite::Connection, id: RecordId) -> crate::error::Result<Option<Kind>> {
        if let Some(kind) = self.0.get(&id) {
            return Ok(*kind);
        }
        let kind = records::live_kind(tx, id)?;
        self.0.insert(id, kind);
        Ok(kind)
    }
}

fn write_record(
    tx: &rusqlite::Connection,
    device: &DeviceRow,
    clock: &mut Clock,
    kinds: &mut KindCache,
    kind: Kind,
    id: Option<RecordId>,
    mut validated: Validated,
) -> crate::error::Result<Record> {
    let existing = match id {
        Some(id) => records::get_any(tx, id)?.map(|(_, r)| r),
        None => None,
    };
    if let Some(old) = &existing {
        if old.kind != kind {
            return Err(Error::WrongKind { id: old.id, expected: kind, actual: old.kind });
        }
        if old.deleted {
            return Err(Error::NotFound { kind, id: old.id });
        }
    }
    let id = id.unwrap_or_default();
    let territory_id = if kind == Kind::Territory {
        Some(id)
    } else {
        if let Some(t) = validated.territory_id {
            if kinds.live_kind(tx, t)? != Some(Kind::Territory) {
                return Err(Error::UnknownTerritory(t));
            }
        }
        validated.territory_id
    };
    for reference in &validated.references {
        if kinds.live_kind(tx, reference.id)? != Some(reference.kind) {
            return Err(Error::DanglingReference {
                field: reference.field.to_string(),
                id: reference.id,
                kind: reference.kind,
            });
        }
    }
    if kind == Kind::Person && validated.data["pseudonym"].as_str().is_some_and(str::is_empty) {
        validated.data["pseudonym"] = Value::String(crate::privacy::pseudonym_for(id));
    }
    if kind == Kind::Attachment {
        let sha = validated.data["sha256"].as_str().unwrap_or_default();
        if !crate::store::blobs::exists(tx, sha)? {
            return Err(Error::Invalid(kinds_invalid(
                "sha256",
                "le contenu de cette pièce jointe n'est pas dans le magasin : ajoutez d'abord le fichier",
            )));
        }
    }
    let now = now_rfc3339();
    let version = next_version(clock, device, existing.as_ref().map(|r| &r.version));
    let record = Record {
        id,
        kind,
        territory_id,
        version,
        created_by: existing.as_ref().map(|r| r.created_by.clone()).unwrap_or_else(|| device.facilitator.clone()),
        created_device: existing.as_ref().map(|r| r.created_device).unwrap_or(device.device_id),
        created_at: existing.as_ref().map(|r| r.created_at.clone()).unwrap_or_else(|| now.clone()),
        updated_at: now,
        deleted: false,
        data: validated.data,
    };
    let row = RecordRow { record: &record, title: &validated.title, date: validated.date.as_deref() };
    if existing.is_some() {
        records::upsert(tx, &row)?;
    } else {
        records::insert_new(tx, &row)?;
    }
    kinds.0.insert(record.id, Some(kind));
    Ok(record)
}

fn step_kinds() -> Vec<(vocabulary::MethodStep, Vec<Kind>)> {
    use vocabulary::MethodStep::*;
    vec![
        (Lancement, vec![Kind::Roadmap, Kind::Organisation]),
        (EtatDesLieux, vec![Kind::Interview, Kind::Person, Kind::CooperationLink]),
        (Experimentations, vec![Kind::Workshop, Kind::Action]),
        (Evaluation, vec![Kind::Indicator, Kind::Measurement, Kind::Practice]),
    ]
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn extreme_u64() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(wall_ms()),
            Just(wall_ms() + 3_600_000),
            Just(crate::domain::clock::MAX_VERSION_MS),
            Just(u64::MAX - 1),
            any::<u64>().prop_map(|v| v % (crate::domain::clock::MAX_VERSION_MS + 1)),
        ]
    }

    fn extreme_u32() -> impl Strategy<Value = u32> {
        prop_oneof![Just(0u32), Just(1u32), Just(u32::MAX - 1), Just(u32::MAX), any::<u32>()]
    }

    fn extreme_device() -> impl Strategy<Value = DeviceId> {
        prop_oneof![Just(uuid::Uuid::nil()), Just(uuid::Uuid::max()), any::<u128>().prop_map(uuid::Uuid::from_u128)]
            .prop_map(DeviceId)
    }

    proptest! {
        /// Whatever was received (time, counter, device id at their extremes) and whatever the
        /// clock holds, a local edit's version is strictly above the version it replaces.
        #[test]
        fn a_local_edit_always_outranks_what_it_replaces(
            ms in extreme_u64(), counter in extreme_u32(), device in extreme_device(),
            clock_ms in extreme_u64(), clock_counter in extreme_u32(), mine in extreme_device(),
        ) {
            let old = Version { ms, counter, device };
            let row = DeviceRow {
                device_id: mine,
                facilitator: "Camille".into(),
                signing_key: [1; 32],
                created_at: now_rfc3339(),
                clock: Clock::at(clock_ms, clock_counter),
            };
            let mut clock = row.clock;
            let next = next_version(&mut clock, &row, Some(&old));
            prop_assert!(next > old, "{next} must outrank {old}");
            prop_assert!(next.to_string() > old.to_string(), "the text form sorts the same way");
            prop_assert_eq!(next.device, mine);
        }
    }
}

//! Export: a bundle of this store, all of it or what changed since the previous one; read from
//! one snapshot, written with no lock held.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{now_rfc3339, Api, ApiResult};
use crate::bundle::{self, seal, Coverage, KindCount, Manifest, TerritoryRef, FORMAT_VERSION};
use crate::domain::{kinds, Kind, Record, RecordId};
use crate::error::{Error, Result};
use crate::store::device::{self};
use crate::store::records::{self, StoredLine};
use crate::store::{blobs, conflicts, exports, lineage};

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
    /// The territories to carry; when empty, every territory but the demonstrations.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<RecordId>>", optional))]
    pub territories: Vec<RecordId>,
    /// With no territory named, carry the demonstration territories too.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub include_demo: bool,
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
    /// Erasure markers carried (every person erased on this device or known here to be).
    pub erasures: u64,
    /// Bytes of JSON lines carried.
    pub json_bytes: u64,
    /// Size of the file.
    pub bytes: u64,
    pub sealed_for: Vec<String>,
    /// The territories the bundle carries (id and name), for the summary.
    pub territories: Vec<TerritoryRef>,
}

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
        let written =
            bundle::write_bundle(&req.out, prepared.manifest, &prepared.signing, prepared.entries, &recipients)?;
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
            erasures: prepared.erasures,
            json_bytes: prepared.json_bytes,
            bytes: written.bytes,
            sealed_for: written.manifest.sealed_for.clone(),
            territories: written.manifest.territories.clone(),
        };
        self.store().write(|tx| {
            if exports::last_sequence(tx)? + 1 != sequence {
                return Err(Error::Busy);
            }
            exports::record(
                tx,
                &exports::ExportEntry {
                    sequence,
                    bundle_id: &written.manifest.bundle_id.to_string(),
                    created_at: &written.manifest.created_at,
                    covers: &written.manifest.covers.mode,
                    selection: &selection_key(req),
                    from_change: prepared.from_change,
                    to_change: prepared.to_change,
                    records: prepared.records,
                    bytes: written.bytes,
                    sealed_for: &serde_json::to_string(&written.manifest.sealed_for)?,
                    file_name: &file_name,
                },
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
    erasures: u64,
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

/// The territories an export carries: those named (each must be a territory), or every territory
/// but the demonstrations (all of them with `include_demo`). Deleted territories go too, so that
/// their deletion travels.
fn selection(conn: &Connection, req: &ExportRequest) -> Result<HashSet<RecordId>> {
    let all = records::list_any(conn, Kind::Territory)?;
    if !req.territories.is_empty() {
        for t in &req.territories {
            if !all.iter().any(|r| r.id == *t) {
                return Err(Error::Invalid(kinds::Invalid {
                    field: "territories".into(),
                    message: "le champ « territories » désigne un territoire absent de ce magasin".into(),
                }));
            }
        }
        return Ok(req.territories.iter().copied().collect());
    }
    Ok(all.into_iter().filter(|r| req.include_demo || r.data["demo"] != Value::Bool(true)).map(|r| r.id).collect())
}

/// What an export covers, as its log line says: "since the last export" means since the last
/// export of the same territories.
fn selection_key(req: &ExportRequest) -> String {
    if req.territories.is_empty() {
        return if req.include_demo { "*+demo".into() } else { "*".into() };
    }
    let mut ids: Vec<String> = req.territories.iter().map(RecordId::to_string).collect();
    ids.sort();
    ids.dedup();
    ids.join(",")
}

fn gather(tx: &Connection, req: &ExportRequest, progress: &mut dyn FnMut(ExportProgress)) -> Result<Prepared> {
    let device = device::require(tx)?;
    let selected = selection(tx, req)?;
    let selection_key = selection_key(req);
    let last = exports::last(tx, &selection_key)?;
    let sequence = exports::last_sequence(tx)? + 1;
    let since = if req.since_last { last } else { None };
    let from_change = since.map(|l| l.1).unwrap_or(0);
    let to_change = exports::last_change(tx)?;

    // What to carry: changed records (all of them for a full export), the winners of the losers
    // kept here, and the territories they point to (so that every bundle stands on its own).
    let mut wanted: HashSet<RecordId> = HashSet::new();
    if since.is_some() {
        wanted.extend(exports::changed_since(tx, from_change)?);
    }
    let loser_lines = conflicts::travelling_losers(tx)?;
    wanted.extend(loser_lines.iter().map(|(id, _)| *id));
    let everything = since.is_none();
    let mut c = Carried::default();
    let total = records::count_all(tx)?;
    let mut read = 0u64;
    progress(ExportProgress { stage: ExportStage::Reading, records: 0, total });
    records::for_each_stored_line(tx, |stored| {
        read += 1;
        if read.is_multiple_of(2000) {
            progress(ExportProgress { stage: ExportStage::Reading, records: read, total });
        }
        // Programme-wide records (guides, themes) go with every bundle; others with their territory.
        // Headquarters' own records (its library, its committee, its meetings) never travel in a
        // device's bundle: headquarters sends them in its own, signed (`api::library`).
        let in_selection = stored.territory_id.is_none_or(|t| selected.contains(&t)) && !stored.kind.headquarters_own();
        if in_selection && (everything || wanted.contains(&stored.id)) {
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
    // Losers travel with their record only.
    let loser_lines: Vec<(RecordId, String)> =
        loser_lines.into_iter().filter(|(id, _)| included.contains(id)).collect();

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
        edges = lineage::all_edges(tx, |id| included.contains(&id))?;
    } else {
        for id in &included {
            edges.extend(lineage::edges_of(tx, *id)?);
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
    // Every erasure marker, whatever the territories carried: a few bytes each, and what makes
    // every store erase the same persons (an id and a day, no name).
    let erased = crate::store::privacy::erasures(tx)?;
    if !erased.is_empty() {
        let mut buf = Vec::new();
        for e in &erased {
            buf.extend_from_slice(e.erasure.line().as_bytes());
            buf.push(b'\n');
        }
        entries.push((bundle::ERASURES.to_string(), buf));
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
        device_key: crate::hash::hex(&signing.verifying_key().to_bytes()),
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
        erasures: erased.len() as u64,
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
        let line = crate::domain::record_line(record);
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

//! Verify and import bundles: every check first, then all of it or nothing, once.
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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::keys::{key_mismatch, this_device_key};
use super::{now_rfc3339, Api, ApiResult};
use crate::bundle::{self, fingerprint, seal, Check, Limits, OpenedBundle, Refusal, TerritoryRef};
use crate::domain::clock::wall_ms;
use crate::domain::{Kind, RecordId};
use crate::error::{Error, Result};
use crate::store::device::{self};
use crate::store::records::{self};
use crate::store::{blobs, device_keys, imports};
use crate::sync::erasure::ImportErasures;
use crate::sync::merge::{self, KindReport};

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
    /// Headquarters' library bundle, signed by the headquarters key trusted here.
    Headquarters,
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
    /// Erasure markers this bundle brought that this store did not have: erased here now.
    #[serde(default)]
    pub erasures_received: u64,
    /// What the bundle carried of erased persons and left out: their records, their attachments
    /// and the passages attributed to them (an older bundle replayed never brings them back).
    #[serde(default)]
    pub erased_left_out: u64,
    /// Live records of a territory deleted here (and not brought back by this bundle), left out:
    /// the deletion wins, as it would for a local write into a deleted territory.
    #[serde(default)]
    pub deleted_territory_left_out: u64,
    /// One French sentence summing up.
    pub message: String,
}

impl Api {
    /// Every check of an import, and the report it would give, without writing.
    pub fn verify_bundle(&self, file: &Path, identity: Option<&Path>) -> ApiResult<ImportReport> {
        self.import_bundle(file, &ImportOptions { identity: identity.map(Path::to_path_buf), dry_run: true })
    }

    /// Imports one bundle file in one transaction: every check first, then all of it or nothing.
    /// Importing the same bundle again changes nothing and says so.
    pub fn import_bundle(&self, file: &Path, opts: &ImportOptions) -> ApiResult<ImportReport> {
        // In headquarters' workspace, its own key (in the data folder) opens sealed bundles.
        let identity = match opts.identity.as_deref() {
            Some(path) => Some(seal::read_identity(path)?),
            None => self.workspace_identity()?,
        };
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
            self.store().read(|conn| import_in(conn, label, opened, false))?
        } else {
            let report = self.store().write(|tx| import_in(tx, label, opened, true))?;
            if report.erasures_received > 0 || report.erased_left_out > 0 {
                // Someone was erased here, or a name learned from what was left out replaced.
                self.after_erasure();
            } else {
                self.store().checkpoint();
            }
            tracing::info!(bundle = %report.bundle_id, device = %report.device_id, added = report.totals.added,
                           updated = report.totals.updated, deleted = report.totals.deleted,
                           conflicts = report.totals.in_conflict, already = report.already_imported, "import");
            report
        };
        Ok(report)
    }
}

fn import_in(conn: &Connection, label: &str, mut opened: OpenedBundle, write: bool) -> Result<ImportReport> {
    let m = &opened.manifest;
    let own = device::require(conn)?;
    let key = crate::hash::unhex::<32>(&m.device_key).ok_or_else(|| {
        Refusal::new(Check::Signature, "la clé de l'appareil indiquée par le manifeste est illisible")
    })?;
    let claimed = fingerprint(&key);

    // The device's key: headquarters' trusted key for its library bundle; otherwise this
    // device's own, the one recorded before, or a first one (trusted on first use).
    let library = m.covers.mode == super::library::LIBRARY_MODE;
    let key_status = if library {
        super::library::check_library_bundle(conn, &opened)?;
        KeyStatus::Headquarters
    } else if m.device_id == own.device_id {
        let mine = this_device_key(&own);
        if mine.public_key != m.device_key {
            return Err(key_mismatch(&m.device_id, &mine.fingerprint, &claimed).into());
        }
        KeyStatus::ThisDevice
    } else {
        match device_keys::get(conn, m.device_id)? {
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
    if !library {
        super::library::check_device_bundle(&opened)?;
    }
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
        erasures_received: 0,
        erased_left_out: 0,
        deleted_territory_left_out: 0,
        message: String::new(),
    };
    let seen = imports::seen(conn, &bundle_id)?;
    if seen {
        report.already_imported = true;
        report.message = "déjà importé, rien n'a changé".into();
        return Ok(report);
    }

    // Erasures (`sync::erasure`): what the bundle carries of persons erased here or by its own
    // markers is scrubbed first; the markers new here erase in place now (rolled back with the
    // rest if a check fails), so that the merge compares scrubbed versions only.
    let erasures = ImportErasures::read(conn, &opened.erasures, &opened.records)?;
    if let Some(e) = &erasures {
        let left = e.filter(&mut opened.records, &mut opened.losers, &mut opened.lineage, &mut opened.attachments);
        report.erasures_received = e.new.len() as u64;
        report.erased_left_out = left.records + left.passages;
        if write {
            e.apply(conn, &bundle_id, &now_rfc3339())?;
        }
    }

    // A live record of a territory deleted here stays out, unless the bundle brings the
    // territory back with a newer version: no record lives in a deleted territory.
    report.deleted_territory_left_out = leave_out_deleted_territories(conn, &mut opened.records)?;

    // Checks that need the store, before any write.
    let ids: Vec<RecordId> = opened.records.iter().map(|r| r.record.id).collect();
    let mut locals = merge::load_locals(conn, ids.iter().copied(), &opened.lineage)?;
    if let (Some(e), false) = (&erasures, write) {
        // A dry run erases nothing: the versions held here are scrubbed in memory instead.
        for local in locals.values_mut() {
            if let Some(winner) = local.winner.as_mut() {
                if !e.scrub_version(winner, &mut Default::default()) {
                    local.winner = None;
                }
            }
        }
    }
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
        // Headquarters' sheets and meetings point to practices and territories of every
        // territory: most are not on this device, and the library shows the sheet's own text.
        let references = if library { &[][..] } else { &incoming.references[..] };
        for reference in references {
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
    report.message = summary(&report, write);

    if write {
        let now = now_rfc3339();
        // The records this import writes move up in `record_change` together: the range is the
        // provenance of their versions (`record_provenance`).
        let before = imports::last_change(conn)?;
        merge::apply(conn, &plan, Some(&bundle_id), &now)?;
        for content in opened.attachments.values() {
            blobs::put(conn, content)?;
        }
        // An attachment deleted by this bundle takes its content with it.
        blobs::delete_orphans(conn)?;
        // The next local edit must outrank everything seen.
        if let Some(max) = opened.records.iter().chain(&opened.losers).map(|i| i.record.version).max() {
            let mut clock = own.clock;
            clock.observe(&max, wall_ms());
            device::save_clock(conn, &clock)?;
        }
        if key_status == KeyStatus::New {
            device_keys::insert(conn, m.device_id, &key, &m.facilitator, "bundle", Some(&bundle_id), &now_rfc3339())?;
        }
        let kept = serde_json::to_string(&ImportReport {
            // Kept without the territories' names: a name deleted or changed later must not
            // linger in the history of imports.
            territories: report.territories.iter().map(|t| TerritoryRef { id: t.id, name: String::new() }).collect(),
            ..report.clone()
        })?;
        imports::record(
            conn,
            &imports::ImportEntry {
                bundle_id: &bundle_id,
                device_id: &m.device_id.to_string(),
                sequence: m.sequence,
                covers: &m.covers.mode,
                created_at: &m.created_at,
                imported_at: &now,
                file_sha256: &opened.file_sha256,
                report: &kept,
            },
        )?;
        imports::record_changes(conn, &bundle_id, before, imports::last_change(conn)?)?;
    }
    Ok(report)
}

/// Drops the live records whose territory is deleted in this store and not revived by a newer
/// version in the bundle; returns how many.
fn leave_out_deleted_territories(conn: &Connection, incoming: &mut Vec<crate::domain::Incoming>) -> Result<u64> {
    let carried: HashMap<RecordId, crate::domain::Version> =
        incoming.iter().filter(|i| !i.record.deleted).map(|i| (i.record.id, i.record.version)).collect();
    let mut gone: HashMap<RecordId, bool> = HashMap::new();
    let before = incoming.len();
    let mut keep = Vec::with_capacity(before);
    for i in incoming.drain(..) {
        let r = &i.record;
        let territory = r.territory_id.filter(|t| *t != r.id);
        let out = match territory {
            Some(t) if !r.deleted => match gone.get(&t) {
                Some(g) => *g,
                None => {
                    let g = match records::get_any(conn, t)? {
                        Some((_, local)) if local.deleted => carried.get(&t).is_none_or(|v| *v < local.version),
                        _ => false,
                    };
                    gone.insert(t, g);
                    g
                }
            },
            _ => false,
        };
        if !out {
            keep.push(i);
        }
    }
    *incoming = keep;
    Ok((before - incoming.len()) as u64)
}

fn summary(report: &ImportReport, write: bool) -> String {
    let t = &report.totals;
    let verb = if write { "" } else { "à l'import : " };
    let mut out = if t.changed() == 0 {
        format!("{verb}rien de nouveau ({} enregistrement(s) déjà à jour)", t.unchanged)
    } else {
        format!(
            "{verb}{} ajouté(s), {} modifié(s), {} inchangé(s), {} supprimé(s), {} en conflit",
            t.added, t.updated, t.unchanged, t.deleted, t.in_conflict
        )
    };
    if report.erasures_received > 0 {
        out.push_str(&format!(" ; {} personne(s) effacée(s) partout", report.erasures_received));
    }
    if report.deleted_territory_left_out > 0 {
        out.push_str(&format!(
            " ; {} enregistrement(s) d'un territoire supprimé ici écarté(s)",
            report.deleted_territory_left_out
        ));
    }
    if report.erased_left_out > 0 {
        out.push_str(&format!(
            " ; {} élément(s) de personnes effacées écarté(s) (fiche, pièce jointe ou passage)",
            report.erased_left_out
        ));
    }
    out
}

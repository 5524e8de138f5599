//! Headquarters' memory: every bundle imported (`import_history`), and where a record's current
//! version came from (`record_provenance`: the device and facilitator that made it, the bundle
//! that brought it).
//!
//! ```
//! use maillage_core::api::Api;
//! use maillage_core::domain::Kind;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! api.init("Camille").unwrap();
//! let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
//! let p = api.record_provenance(Kind::Territory, t.id).unwrap();
//! assert!(p.made_here && p.bundle.is_none());
//! assert_eq!(p.facilitator.as_deref(), Some("Camille"));
//! assert!(api.import_history().unwrap().is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::keys::this_device_key;
use super::write::live_of_kind;
use super::{Api, ApiResult, KeyStatus};
use crate::domain::{DeviceId, Kind, RecordId};
use crate::store::national::{imported_bundles, ImportedBundle};
use crate::store::{device, device_keys, provenance, records};
use crate::sync::merge::KindReport;

/// A bundle imported here, as the history of imports shows it (no file path: only the file's
/// bare name, as it was when imported).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedBundleView {
    pub bundle_id: String,
    /// When this store imported it (RFC 3339, UTC).
    pub imported_at: String,
    /// When the device made it (RFC 3339, from its manifest).
    pub created_at: String,
    pub device_id: String,
    /// The facilitator the bundle named.
    pub facilitator: String,
    /// The device key's fingerprint (8 groups of 4 hex digits).
    pub device_fingerprint: String,
    /// How the device's key was known when the bundle came (a first bundle: `new`, « à vérifier »).
    pub key_status: Option<KeyStatus>,
    /// Its number among the device's bundles.
    pub sequence: u64,
    /// `full` (everything) or `since` (the changes since an earlier bundle).
    pub covers: String,
    pub since_sequence: Option<u64>,
    /// The names of the territories it carried, by name, as they are named here now (a
    /// territory deleted since is left out; `territory_ids` lists them all).
    pub territories: Vec<String>,
    pub territory_ids: Vec<RecordId>,
    pub sealed: bool,
    /// The file's name when imported (never its folder).
    pub file_name: String,
    /// What it changed, per kind and in all.
    pub kinds: BTreeMap<String, KindReport>,
    pub totals: KindReport,
    pub attachments_added: u64,
    /// The import's French summary (« 12 ajouté(s), 3 modifié(s)… »).
    pub message: String,
}

/// The bundle that brought a record's current version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvenanceBundle {
    pub bundle_id: String,
    pub imported_at: String,
    pub created_at: String,
    pub sequence: u64,
    /// The device that made the bundle (not always the one that made the version: a bundle
    /// relays what its device received).
    pub device_id: String,
    pub facilitator: String,
}

/// Who made a record's current version, and how it came here.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub record_id: RecordId,
    pub kind: Kind,
    /// The current version (`ms.counter.device`).
    pub version: String,
    /// When that version was made (RFC 3339, on its device).
    pub updated_at: String,
    /// The device that made it (from the version).
    pub device_id: String,
    /// That device's facilitator: this device's own, or the name its key was first seen with.
    pub facilitator: Option<String>,
    pub device_fingerprint: Option<String>,
    /// The version was made on this device.
    pub made_here: bool,
    /// A shipped default (guide, codebook) never edited: made by no one.
    pub shipped_default: bool,
    /// Who created the record, and when (its envelope).
    pub created_by: String,
    pub created_at: String,
    /// The bundle whose import brought the current version; none when it was made here (or
    /// imported before this Maillage kept track of it).
    pub bundle: Option<ProvenanceBundle>,
}

/// The few fields of a kept import report the history reads, each optional (older reports).
#[derive(Deserialize, Default)]
struct Kept {
    #[serde(default)]
    file: String,
    #[serde(default)]
    facilitator: String,
    #[serde(default)]
    device_fingerprint: String,
    #[serde(default)]
    key_status: Option<KeyStatus>,
    #[serde(default)]
    since_sequence: Option<u64>,
    #[serde(default)]
    territories: Vec<crate::bundle::TerritoryRef>,
    #[serde(default)]
    sealed: bool,
    #[serde(default)]
    kinds: BTreeMap<String, KindReport>,
    #[serde(default)]
    totals: KindReport,
    #[serde(default)]
    attachments_added: u64,
    #[serde(default)]
    message: String,
}

fn kept(b: &ImportedBundle) -> Kept {
    serde_json::from_str(&b.report).unwrap_or_default()
}

/// Only the file's own name: a report never keeps a folder, but be sure.
fn bare_name(file: &str) -> String {
    file.rsplit(['/', '\\']).next().unwrap_or_default().to_string()
}

impl Api {
    /// Every bundle imported here, the latest import first.
    pub fn import_history(&self) -> ApiResult<Vec<ImportedBundleView>> {
        let (bundles, known, names) = self.store().read(|conn| {
            let known: HashMap<String, device_keys::KnownDevice> =
                device_keys::list(conn)?.into_iter().map(|k| (k.device_id.clone(), k)).collect();
            let names: HashMap<RecordId, String> = records::list(conn, Kind::Territory, None)?
                .into_iter()
                .map(|r| (r.id, r.data["name"].as_str().unwrap_or_default().to_string()))
                .collect();
            Ok((imported_bundles(conn)?, known, names))
        })?;
        let mut out: Vec<ImportedBundleView> = bundles
            .iter()
            .map(|b| {
                let k = kept(b);
                let key = known.get(&b.device_id);
                let mut territories: Vec<String> =
                    k.territories.iter().filter_map(|t| names.get(&t.id).cloned()).collect();
                territories.sort_by_key(|n| n.to_lowercase());
                ImportedBundleView {
                    bundle_id: b.bundle_id.clone(),
                    imported_at: b.imported_at.clone(),
                    created_at: b.created_at.clone(),
                    device_id: b.device_id.clone(),
                    facilitator: if k.facilitator.is_empty() {
                        key.map(|d| d.facilitator.clone()).unwrap_or_default()
                    } else {
                        k.facilitator
                    },
                    device_fingerprint: if k.device_fingerprint.is_empty() {
                        key.map(|d| d.fingerprint.clone()).unwrap_or_default()
                    } else {
                        k.device_fingerprint
                    },
                    key_status: k.key_status,
                    sequence: b.sequence,
                    covers: b.covers.clone(),
                    since_sequence: k.since_sequence,
                    territories,
                    territory_ids: k.territories.iter().map(|t| t.id).collect(),
                    sealed: k.sealed,
                    file_name: bare_name(&k.file),
                    kinds: k.kinds,
                    totals: k.totals,
                    attachments_added: k.attachments_added,
                    message: k.message,
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// Where the current version of a live record came from: the device and facilitator that
    /// made it, and the bundle whose import brought it (none when it was made here).
    pub fn record_provenance(&self, kind: Kind, id: RecordId) -> ApiResult<Provenance> {
        Ok(self.store().read(|conn| {
            let record = live_of_kind(conn, kind, id)?;
            let own = device::load(conn)?;
            let maker: DeviceId = record.version.device;
            let made_here = own.as_ref().is_some_and(|d| d.device_id == maker);
            let shipped_default = maker == DeviceId::SHIPPED;
            let (facilitator, device_fingerprint) = match &own {
                Some(d) if made_here => {
                    let me = this_device_key(d);
                    (Some(me.facilitator), Some(me.fingerprint))
                }
                _ => match device_keys::get(conn, maker)? {
                    Some(k) => (Some(k.facilitator), Some(k.fingerprint)),
                    None => (None, None),
                },
            };
            let bundle = provenance::bundle_of_record(conn, id)?.map(|b| ProvenanceBundle {
                facilitator: kept(&b).facilitator,
                bundle_id: b.bundle_id,
                imported_at: b.imported_at,
                created_at: b.created_at,
                sequence: b.sequence,
                device_id: b.device_id,
            });
            Ok(Provenance {
                record_id: record.id,
                kind: record.kind,
                version: record.version.to_string(),
                updated_at: record.updated_at.clone(),
                device_id: maker.to_string(),
                facilitator,
                device_fingerprint,
                made_here,
                shipped_default,
                created_by: record.created_by.clone(),
                created_at: record.created_at.clone(),
                bundle,
            })
        })?)
    }
}

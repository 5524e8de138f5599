//! The manifest of a bundle: what the source device signs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{DeviceId, RecordId};

/// What a bundle is, signed by its source device (Ed25519 over the exact bytes of
/// `manifest.json`, written as canonical JSON).
///
/// Do not reorder, rename or remove fields: they are the file format, read by every Maillage that
/// imports the file. A change is a new [`super::FORMAT_VERSION`]; readers refuse unknown fields.
/// The recipients a bundle is sealed for are inside, so that they are signed too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`super::FORMAT_VERSION`] of the writer; read first, before anything else.
    pub format: u32,
    /// The store schema version of the writer (`store::schema::SCHEMA_VERSION`).
    pub schema_version: u32,
    /// UUID v7 of this bundle: importing the same id twice changes nothing.
    pub bundle_id: Uuid,
    pub device_id: DeviceId,
    /// The device's Ed25519 public key, 64 lowercase hex digits.
    pub device_key: String,
    /// The facilitator of the source device, as they named themselves.
    pub facilitator: String,
    /// The territories the records belong to.
    pub territories: Vec<TerritoryRef>,
    /// RFC 3339, UTC, on the source device.
    pub created_at: String,
    pub covers: Coverage,
    /// 1, 2, 3… for each bundle this device exported.
    pub sequence: u64,
    /// The age recipients (`age1…`) the file was sealed for; empty when not sealed.
    pub sealed_for: Vec<String>,
    /// Record lines per kind (`records/<kind>.jsonl`), live and tombstones.
    pub counts: BTreeMap<String, KindCount>,
    /// Every entry besides `manifest.json` and `manifest.sig`, sorted by name.
    pub entries: Vec<EntryDigest>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritoryRef {
    pub id: RecordId,
    /// The territory's name, or "" when it was deleted.
    pub name: String,
}

/// What part of the device's store a bundle carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// `full`: every record; `since`: what changed after the bundle `since_sequence`.
    pub mode: String,
    pub since_sequence: Option<u64>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindCount {
    pub live: u64,
    pub deleted: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryDigest {
    pub name: String,
    pub size: u64,
    /// SHA-256 of the entry's bytes, lowercase hex.
    pub sha256: String,
}

impl Manifest {
    /// The bytes that are signed and written as `manifest.json`.
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::canonical::to_string(&serde_json::to_value(self).expect("a manifest serialises")).into_bytes()
    }
}

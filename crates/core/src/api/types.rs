//! Requests and responses of the api, as front ends send and receive them (JSON).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::defaults::GoodPractice;
pub use crate::demo::DemoRequest;
pub use crate::domain::PutItem;
use crate::domain::{Kind, Record, RecordId};
pub use crate::store::check::CheckReport;

/// The store and this device, as the front ends show them first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub initialised: bool,
    pub facilitator: Option<String>,
    pub device_id: Option<String>,
    pub store_path: String,
    pub schema_version: u32,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub territory_id: Option<RecordId>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vocabulary {
    pub lists: BTreeMap<String, Vec<Choice>>,
    pub kinds: Vec<Choice>,
    /// The best-practice grid of the programme (seed 004).
    pub good_practices: Vec<GoodPractice>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSummary {
    pub step: String,
    pub label: String,
    /// Live records per kind that count for this step.
    pub counts: BTreeMap<String, u32>,
    /// Latest change (RFC 3339) among them.
    pub last_activity: Option<String>,
    /// What the step asks for, as the records show it: done or still to do.
    pub checklist: Vec<ChecklistItem>,
    /// Every item of the checklist is done.
    pub reached: bool,
    /// Something of the step is there: a record it counts, or an item of its checklist done.
    pub begun: bool,
}

/// One thing a step of the method asks for ("12 entretiens dont 3 complets").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub code: String,
    /// In French, with the counts.
    pub label: String,
    pub done: bool,
    /// The kind of record the item is about: the screen that does it.
    pub kind: Kind,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TerritoryOverview {
    pub territory: Record,
    pub steps: Vec<StepSummary>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    pub path: String,
    pub bytes: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub restored_from: String,
    pub previous_store_kept_at: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoReport {
    pub territory_id: RecordId,
    pub records: u32,
}

/// A file to keep as an attachment.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(optional_fields = nullable))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachRequest {
    pub territory_id: RecordId,
    /// The record the file belongs to (an interview, a workshop, a person's consent form…).
    #[serde(default)]
    pub record_id: Option<RecordId>,
    /// The file to read.
    pub path: String,
    #[serde(default)]
    pub description: String,
}

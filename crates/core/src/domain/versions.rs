//! A version of a record as it travels between stores: checked, with what the store derives from
//! it ([`Incoming`]); and the lineage edges that say which version replaced which, knowingly.

use serde::{Deserialize, Serialize};

use super::{record_line, Record, RecordId, Version};

/// A record version from elsewhere, checked, with what the store needs to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub record: Record,
    /// Its canonical line (`domain::record_line`): its identity in merges and conflicts.
    pub line: String,
    pub title: String,
    pub date: Option<String>,
    /// The records its data points to (empty for a tombstone and for a version already stored).
    pub references: Vec<crate::domain::kinds::Reference>,
}

impl Incoming {
    /// The version the store holds: never written back by a merge (only a version from elsewhere
    /// is), so its title and date are not needed.
    pub fn stored(record: Record) -> Self {
        let line = record_line(&record);
        Incoming { record, line, title: String::new(), date: None, references: Vec::new() }
    }

    /// A version with the title and date the store derives from its data (the merge's tests build
    /// versions so; a bundle's are checked by `bundle::read::check_record`).
    #[cfg(test)]
    pub fn from_record(record: Record) -> Self {
        let (title, date, references) = if record.deleted {
            (String::new(), None, Vec::new())
        } else {
            match super::kinds::validate(record.kind, record.data.clone()) {
                Ok(v) => (v.title, v.date, v.references),
                Err(_) => (String::new(), None, Vec::new()),
            }
        };
        let line = record_line(&record);
        Incoming { record, line, title, date, references }
    }
}

/// One line of `lineage.jsonl`: `version` replaced `parent` knowingly.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineageEdge {
    pub record_id: RecordId,
    pub version: Version,
    pub parent: Version,
}

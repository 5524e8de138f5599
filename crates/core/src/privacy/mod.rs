//! Personal data: the rules that decide what may leave, what an erasure removes and what a
//! retention purge keeps. Pure functions of the records (no store here): the store-side work is
//! `sync::erasure` and `api::privacy` / `api::retention`.
//!
//! - [`consent`]: whose words a passage holds ([`speakers`]) and whether it may leave the
//!   interview ([`exportable_passages`], the one rule every export and report asks).
//! - [`scrub`]: what an erasure marker does to any version of any record (the same on every
//!   store, for what it holds and for what arrives later).
//! - [`purge`]: what a retention purge strips from a territory's records (aggregates kept).

pub mod consent;
pub mod purge;
pub mod scrub;

use serde::{Deserialize, Serialize};

use crate::domain::RecordId;

pub use consent::{exportable_passages, passage_gate, speakers, withheld_sentence};
pub use scrub::{scrub, Erased, KnownName, Scrubbed};

/// A pseudonym derived from a person's id: the same on every device, meaningless outside.
pub fn pseudonym_for(id: RecordId) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("maillage:pseudonym:{id}").as_bytes());
    let code: String = digest[..3].iter().map(|b| format!("{b:02X}")).collect();
    format!("Personne {code}")
}

/// A person's pseudonym as the national exports show it: the one recorded, or the derived one.
pub fn pseudonym_of(id: RecordId, recorded: &str) -> String {
    if recorded.trim().is_empty() {
        pseudonym_for(id)
    } else {
        recorded.trim().to_string()
    }
}

/// An erasure marker: all that remains of an erased person, travelling in bundles
/// (`erasures.jsonl`, one canonical line each) so that every store erases them the same way and
/// no later bundle brings them back. Only an id and a day: no name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Erasure {
    pub person_id: RecordId,
    /// `YYYY-MM-DD`, the day it was erased on the device that erased it.
    pub erased_on: String,
}

impl Erasure {
    /// Its line in a bundle's `erasures.jsonl`.
    pub fn line(&self) -> String {
        crate::canonical::to_string(&serde_json::to_value(self).expect("an erasure serialises"))
    }
}

/// Today on this computer, `YYYY-MM-DD`.
pub fn today() -> String {
    chrono::Local::now().date_naive().format("%Y-%m-%d").to_string()
}

/// `2026-11-22` → `22/11/2026`.
pub(crate) fn french_day(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

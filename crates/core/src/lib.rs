//! # maillage-core
//!
//! Everything Maillage knows, with no user interface: the domain (record kinds, the method's
//! vocabulary), the local SQLite store, full-text search, the hybrid clock that orders edits
//! across devices, the shipped defaults and demo data, and [`api::Api`], the functions that the
//! desktop application, the `maillage` command line and the tests all call.
//!
//! ```
//! use maillage_core::api::{Api, SearchRequest};
//! use maillage_core::domain::Kind;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! api.init("Camille").unwrap();
//! let territory = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "cite_educative"})).unwrap();
//! api.put(Kind::Interview, None, json!({
//!     "territory_id": territory.id, "title": "Principale du collège", "date": "2026-11-22",
//!     "notes": "Les élèves arrivent tôt"})).unwrap();
//! let hits = api.search(&SearchRequest { query: "eleves".into(), ..Default::default() }).unwrap();
//! assert_eq!(hits.len(), 1);
//! ```

pub mod analysis;
pub mod api;
// The store, the merge and the bundle format are reached through `api` only (where a rule is
// checked); tests and the fuzzer see them with the `test-support` feature.
#[cfg(feature = "test-support")]
pub mod bundle;
#[cfg(not(feature = "test-support"))]
mod bundle;
pub mod canonical;
pub mod defaults;
pub mod demo;
pub mod domain;
pub mod error;
pub mod hash;
pub mod log;
mod national;
pub mod privacy;
pub mod refusal;
pub mod report;
#[cfg(feature = "test-support")]
pub mod store;
#[cfg(not(feature = "test-support"))]
mod store;
#[cfg(feature = "test-support")]
pub mod sync;
#[cfg(not(feature = "test-support"))]
mod sync;

pub use api::{Api, ApiError, ApiResult};
pub use domain::{Kind, Record, RecordId};

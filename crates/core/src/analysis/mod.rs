//! The shared diagnosis and the evaluation, computed: the cooperation network at a date and
//! its measures, two dates compared, the themes' co-occurrences and the verbatims that may
//! leave, and the files other tools read (GEXF and GraphML for Gephi, a REFI-QDA project for
//! qualitative analysis software). Pure computation over records: no SQL, no I/O — `api`
//! reads the records (`api/analysis/`) and writes the files.

pub mod compare;
pub mod graph_files;
pub mod measures;
pub mod network;
pub mod qdpx;
pub mod themes;
mod xml;

pub use compare::{LinkChange, MeasureChange, NetworkComparison};
pub use network::{network_at, BetweennessScore, LinkEdge, Network, NetworkMeasures, OrganisationNode};

//! The analysis as files other tools open: the cooperation network for Gephi (GEXF, GraphML)
//! and the interviews with their coding for qualitative analysis software (REFI-QDA `.qdpx`).
//! Written like every output (`check_output`): never over the store or a file of another kind,
//! an earlier file of the same kind only with `force`; 0600, under a temporary name, synced,
//! then renamed.

use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::network::{is_territory, unknown_territory};
use crate::analysis::themes::Speakers;
use crate::analysis::{graph_files, qdpx};
use crate::api::output::{check_output, OutputKind};
use crate::api::{Api, ApiResult};
use crate::domain::kinds::{Interview, Territory};
use crate::domain::{Kind, RecordId};
use crate::error::Error;
use crate::store::records;

/// The file format of a network.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkFormat {
    /// GEXF 1.3 (Gephi's own).
    Gexf,
    Graphml,
}

/// A network file written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkFileReport {
    pub path: String,
    pub bytes: u64,
    pub nodes: u32,
    pub edges: u32,
}

/// A REFI-QDA project written.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QdpxReport {
    pub path: String,
    pub bytes: u64,
    /// Interviews with at least one passage that may leave.
    pub sources: u32,
    /// Passages that left (each a paragraph of its source).
    pub passages: u32,
    /// Coded selections (passages tagged with a theme of the grid).
    pub selections: u32,
    /// Passages consent kept out.
    pub withheld: u32,
}

/// Writes `bytes` to `out` as every export does (`national::write_atomically`: 0600, under a
/// temporary name, synced, renamed).
fn write_file(out: &Path, bytes: &[u8]) -> ApiResult<u64> {
    Ok(crate::national::write_atomically(out, |mut f| f.write_all(bytes).map_err(|e| Error::io(out, e)))?)
}

impl Api {
    /// The cooperation network of a territory at `at` as a GEXF or GraphML file at `out`.
    pub fn export_network(
        &self,
        territory_id: RecordId,
        at: Option<&str>,
        format: NetworkFormat,
        out: &Path,
        force: bool,
    ) -> ApiResult<NetworkFileReport> {
        let network = self.analysis_network(territory_id, at)?;
        check_output(self.store_path(), out, OutputKind::Graph, force)?;
        let text = match format {
            NetworkFormat::Gexf => graph_files::gexf(&network),
            NetworkFormat::Graphml => graph_files::graphml(&network),
        };
        let bytes = write_file(out, text.as_bytes())?;
        tracing::info!(nodes = network.nodes.len(), edges = network.edges.len(), bytes, "network file");
        Ok(NetworkFileReport {
            path: out.display().to_string(),
            bytes,
            nodes: network.nodes.len() as u32,
            edges: network.edges.len() as u32,
        })
    }

    /// A territory's interviews and their coding as a REFI-QDA project at `out` (`*.qdpx`):
    /// only the passages consent lets leave (`analysis::qdpx` says how).
    pub fn export_qdpx(&self, territory_id: RecordId, out: &Path, force: bool) -> ApiResult<QdpxReport> {
        let t = Some(territory_id);
        let read = self.store().read(|conn| {
            if !is_territory(conn, territory_id)? {
                return Ok(None);
            }
            Ok(Some((
                records::get_any(conn, territory_id)?.map(|(_, r)| r),
                records::list(conn, Kind::Theme, None)?,
                records::list(conn, Kind::Interview, t)?,
                records::list(conn, Kind::Organisation, t)?,
                records::list(conn, Kind::Person, t)?,
            )))
        })?;
        let (territory, themes, interviews, organisations, persons) = read.ok_or_else(unknown_territory)?;
        check_output(self.store_path(), out, OutputKind::Qdpx, force)?;
        let name = territory
            .and_then(|r| serde_json::from_value::<Territory>(r.data).ok())
            .map(|t| t.name)
            .unwrap_or_else(|| "Maillage".into());
        let themes: Vec<(RecordId, crate::domain::kinds::Theme, u32)> =
            super::codebook_order(themes).into_iter().map(|(r, t, d)| (r.id, t, d)).collect();
        let mut interviews: Vec<(RecordId, Interview)> =
            interviews.into_iter().filter_map(|r| Some((r.id, serde_json::from_value(r.data).ok()?))).collect();
        interviews.sort_by(|a, b| (&a.1.date, a.0).cmp(&(&b.1.date, b.0)));
        let speakers = Speakers::from_records(&organisations, &persons);
        let (qde, sources, summary) =
            qdpx::project(&name, &super::super::now_rfc3339(), &themes, &interviews, &speakers);
        let zipped = qdpx::zip(&qde, &sources).map_err(|e| Error::io(out, e))?;
        let bytes = write_file(out, &zipped)?;
        tracing::info!(sources = summary.sources, selections = summary.selections, bytes, "qdpx");
        Ok(QdpxReport {
            path: out.display().to_string(),
            bytes,
            sources: summary.sources,
            passages: summary.passages,
            selections: summary.selections,
            withheld: summary.withheld,
        })
    }
}

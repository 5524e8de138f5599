//! The documents the method produces, as DOCX files a facilitator finishes in Word or
//! LibreOffice: the **diagnostic partagé** (end of step 2) and the **évaluation** (step 4).
//!
//! Pure layout: `api/report.rs` reads the territory (through the analysis and the consent
//! rules: only verbatims [`crate::privacy::consent::exportable_passages`] lets out ever reach
//! these structs) and hands over plain structs; this module draws the pictures (`picture/`)
//! and writes the document (`docx.rs`), with French typography (`french.rs`). No store, no I/O.

mod charter;
mod diagnostic;
mod docx;
mod evaluation;
pub mod french;
pub mod picture;

pub use charter::{charter_docx, CharterDocument, CharterPartnerLine};
pub use diagnostic::{diagnostic_docx, ActionLine, CategoryMet, Cover, Diagnostic, RoadmapPart, ThemePart, Verbatim};
pub use evaluation::{comparison_svgs, evaluation_docx, Evaluation, IndicatorPart};

use crate::analysis::{Network, NetworkMeasures};
use crate::domain::RecordId;
use picture::map::{MapInput, MapLink, MapNode};

/// Why a document could not be made (never the user's input: a bug of ours or the library's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError;

impl From<picture::RenderError> for ReportError {
    fn from(_: picture::RenderError) -> Self {
        ReportError
    }
}

impl From<docx_rs::DocxError> for ReportError {
    fn from(_: docx_rs::DocxError) -> Self {
        ReportError
    }
}

/// The map of a network: its organisations (those in `signatories` marked as signatories of
/// the charter) and links.
pub fn map_of(network: &Network, title: Option<String>, legend: bool, signatories: &[RecordId]) -> MapInput {
    MapInput {
        title,
        nodes: network
            .nodes
            .iter()
            .map(|n| MapNode {
                id: n.organisation_id,
                name: n.name.clone(),
                category: n.category,
                signatory: signatories.contains(&n.organisation_id),
            })
            .collect(),
        links: network
            .edges
            .iter()
            .map(|e| MapLink {
                from: e.from_organisation_id,
                to: e.to_organisation_id,
                intensity: e.intensity,
                change: None,
            })
            .collect(),
        legend,
    }
}

/// The scale a map is rendered at: sharp when small, lighter on a big territory (drawing
/// thousands of curves costs time in proportion to the pixels; 1.0 is still ~180 dpi on the page).
pub(crate) fn map_scale(nodes: usize, sharp: f32) -> f32 {
    if nodes > 60 {
        sharp / 1.5
    } else {
        sharp
    }
}

/// The measures of a network as the documents show them: a French name and a French value
/// (the analysis' list of measures, `analysis::compare::measure_list`).
pub fn measure_rows(m: &NetworkMeasures) -> Vec<(String, String)> {
    crate::analysis::compare::measure_list(m)
        .into_iter()
        .map(|(code, label, value)| (label.to_string(), measure_value(code, value)))
        .collect()
}

/// A measure's value in French: shares as percentages, the mean degree with decimals, counts whole.
pub(crate) fn measure_value(code: &str, value: f64) -> String {
    match code {
        "density" | "degree_centralisation" | "cross_category_share" => french::percent(value),
        "mean_degree" => french::number(value),
        _ => format!("{}", value.round() as i64),
    }
}

/// The five organisations most « between » the others, as lines.
pub(crate) fn betweenness_lines(m: &NetworkMeasures) -> Vec<String> {
    m.betweenness.iter().map(|b| format!("{} ({})", b.name, french::number(b.value))).collect()
}

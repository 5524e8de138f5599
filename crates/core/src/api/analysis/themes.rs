//! The themes of a territory (or of all): the grid's counts (`theme_grid`), their
//! co-occurrences and the verbatims that may leave (`crate::analysis::themes`).

use serde::Serialize;

use super::network::{is_territory, unknown_territory};
use super::ThemeGrid;
use crate::analysis::themes::{theme_insights, Speakers, ThemeInsights, ThemeRef};
use crate::api::{Api, ApiResult};
use crate::domain::kinds::Interview;
use crate::domain::{Kind, RecordId};
use crate::store::records;

/// The themes' analysis: the grid (`categories`, `rows`), then co-occurrences and verbatims.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeAnalysis {
    /// None: every territory.
    pub territory_id: Option<RecordId>,
    #[serde(flatten)]
    pub grid: ThemeGrid,
    #[serde(flatten)]
    pub insights: ThemeInsights,
}

impl Api {
    /// The themes of a territory (of every territory when `None`): passages and interviews per
    /// theme and actor category, co-occurrences, and the verbatims that consent lets leave
    /// (`privacy::exportable_passages`), by actor category, with the number held back.
    pub fn analysis_themes(&self, territory: Option<RecordId>) -> ApiResult<ThemeAnalysis> {
        let read = self.store().read(|conn| {
            if let Some(t) = territory {
                if !is_territory(conn, t)? {
                    return Ok(None);
                }
            }
            Ok(Some((
                records::list(conn, Kind::Interview, territory)?,
                records::list(conn, Kind::Organisation, territory)?,
                records::list(conn, Kind::Person, territory)?,
            )))
        })?;
        let (interviews, organisations, persons) = read.ok_or_else(unknown_territory)?;
        let grid = self.theme_grid(territory)?;
        let speakers = Speakers::from_records(&organisations, &persons);
        let themes: Vec<ThemeRef> = grid
            .rows
            .iter()
            .map(|r| ThemeRef { theme_id: r.theme_id, code: r.code.clone(), label: r.label.clone() })
            .collect();
        let interviews: Vec<(RecordId, Interview)> =
            interviews.into_iter().filter_map(|r| Some((r.id, serde_json::from_value(r.data).ok()?))).collect();
        let insights = theme_insights(&themes, &interviews, &speakers);
        Ok(ThemeAnalysis { territory_id: territory, grid, insights })
    }
}

//! The computed views of the method, in one place for the window, the command line and
//! headquarters: the thematic analysis grid and the action plan's order.

mod files;
mod indicators;
mod network;
mod themes;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{Api, ApiResult};
use crate::domain::kinds::{Action, Interview, Theme};
use crate::domain::{Kind, Record, RecordId};

pub use crate::analysis::themes::{ThemeInsights, ThemePair, ThemeVerbatims, Verbatim};
pub use crate::analysis::{
    BetweennessScore, LinkChange, LinkEdge, MeasureChange, Network, NetworkComparison, NetworkMeasures,
    OrganisationNode,
};
pub use files::{NetworkFileReport, NetworkFormat, QdpxReport};
pub use indicators::{ActionsInMonth, IndicatorAnalysis, IndicatorProgress, MeasurementPoint};
pub use themes::ThemeAnalysis;

/// One theme of the grid: how often passages were tagged with it, in how many interviews, how
/// many of them are verbatims, and by actor category.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeRow {
    pub theme_id: RecordId,
    pub code: String,
    pub label: String,
    /// 0 for a theme of the codebook's first level, 1 for a sub-theme.
    pub depth: u32,
    pub passages: u32,
    pub interviews: u32,
    pub quotes: u32,
    /// Passages per actor category (a passage counts for each category its interview speaks for).
    pub by_category: BTreeMap<String, u32>,
}

/// The thematic analysis grid of a territory: every theme of the codebook in its order, and the
/// actor categories met, most tagged first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeGrid {
    pub categories: Vec<String>,
    pub rows: Vec<ThemeRow>,
}

/// The themes in the codebook's order: each first-level theme by code, followed by its
/// sub-themes by code (depth 0 and 1). The grid of a territory and headquarters' synthesis.
pub(super) fn codebook_order(themes: Vec<Record>) -> Vec<(Record, Theme, u32)> {
    let mut parsed: Vec<(Record, Theme)> = themes.into_iter().filter_map(|r| Some((r.clone(), data(&r)?))).collect();
    parsed.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    let mut out = Vec::with_capacity(parsed.len());
    for (r, t) in parsed.iter().filter(|(_, t)| t.parent_id.is_none()) {
        out.push((r.clone(), t.clone(), 0));
        for (cr, ct) in parsed.iter().filter(|(_, ct)| ct.parent_id == Some(r.id)) {
            out.push((cr.clone(), ct.clone(), 1));
        }
    }
    out
}

/// An action of the plan with its priority score.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedAction {
    pub action: Record,
    /// Impact × feasibility, when both are given.
    pub score: Option<u32>,
}

fn data<T: serde::de::DeserializeOwned>(r: &Record) -> Option<T> {
    serde_json::from_value(r.data.clone()).ok()
}

impl Api {
    /// The thematic analysis grid of a territory (of every territory when `None`).
    pub fn theme_grid(&self, territory: Option<RecordId>) -> ApiResult<ThemeGrid> {
        let interviews = self.list(Kind::Interview, territory)?;
        let themes = self.list(Kind::Theme, None)?;
        let speakers = crate::analysis::themes::Speakers::from_records(
            &self.list(Kind::Organisation, territory)?,
            &self.list(Kind::Person, territory)?,
        );

        #[derive(Default)]
        struct Count {
            passages: u32,
            interviews: BTreeSet<RecordId>,
            quotes: u32,
            by_category: BTreeMap<String, u32>,
        }
        let mut counts: HashMap<RecordId, Count> = HashMap::new();
        let mut used: BTreeMap<String, u32> = BTreeMap::new();
        for record in &interviews {
            let Some(iv) = data::<Interview>(record) else { continue };
            // The categories an interview speaks for: its organisations, and its persons' (one rule,
            // `analysis::themes::Speakers`).
            let categories: Vec<String> =
                speakers.interview_categories(&iv).into_iter().map(|c| c.code().to_string()).collect();
            for passage in &iv.passages {
                for theme in &passage.theme_ids {
                    let c = counts.entry(*theme).or_default();
                    c.passages += 1;
                    c.quotes += u32::from(passage.quote);
                    c.interviews.insert(record.id);
                    for cat in &categories {
                        *c.by_category.entry(cat.clone()).or_default() += 1;
                        *used.entry(cat.clone()).or_default() += 1;
                    }
                }
            }
        }
        let mut categories: Vec<(String, u32)> = used.into_iter().collect();
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        let mut rows = Vec::new();
        let row = |r: &Record, t: &Theme, depth: u32, counts: &HashMap<RecordId, Count>| {
            let c = counts.get(&r.id);
            ThemeRow {
                theme_id: r.id,
                code: t.code.clone(),
                label: t.label.clone(),
                depth,
                passages: c.map_or(0, |c| c.passages),
                interviews: c.map_or(0, |c| c.interviews.len() as u32),
                quotes: c.map_or(0, |c| c.quotes),
                by_category: c.map(|c| c.by_category.clone()).unwrap_or_default(),
            }
        };
        for (r, t, depth) in codebook_order(themes) {
            rows.push(row(&r, &t, depth, &counts));
        }
        Ok(ThemeGrid { categories: categories.into_iter().map(|(c, _)| c).collect(), rows })
    }

    /// The action plan of a territory in the order it suggests: the rank given first (actions
    /// without a rank after), then the highest impact × feasibility, then the title.
    pub fn action_plan(&self, territory: RecordId) -> ApiResult<Vec<PlannedAction>> {
        let mut plan: Vec<(PlannedAction, Option<u32>, String)> = self
            .list(Kind::Action, Some(territory))?
            .into_iter()
            .filter_map(|r| {
                let a: Action = data(&r)?;
                let title = crate::domain::text::fold(&a.title);
                Some((PlannedAction { score: a.priority.score(), action: r }, a.priority.rank, title))
            })
            .collect();
        plan.sort_by(|a, b| {
            let rank = |x: &Option<u32>| x.unwrap_or(u32::MAX);
            rank(&a.1).cmp(&rank(&b.1)).then_with(|| b.0.score.cmp(&a.0.score)).then_with(|| a.2.cmp(&b.2))
        });
        Ok(plan.into_iter().map(|(p, _, _)| p).collect())
    }
}

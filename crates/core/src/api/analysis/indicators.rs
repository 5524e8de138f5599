//! The evaluation's figures for a territory: each indicator from its baseline to its latest
//! measurement against its target, and the actions by status over time.
//!
//! Whether a target is reached is the national synthesis' rule (`synthesis::target_met`, one
//! rule); the latest measurement is the latest by date, then by last edit, as there.
//! *Decision — « over time »:* an action's status has no history of its own (only its current
//! status travels), so the actions are counted by the month they start (`start_date`) and their
//! current status; actions without a start date are counted apart.

use std::collections::BTreeMap;

use serde::Serialize;

use super::network::{is_territory, unknown_territory};
use crate::api::synthesis::target_met;
use crate::api::{Api, ApiResult, Choice};
use crate::domain::kinds::{Action, Indicator, Measurement};
use crate::domain::vocabulary::ActionStatus;
use crate::domain::{Kind, RecordId};
use crate::store::records;

/// A dated value of an indicator.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasurementPoint {
    /// `AAAA-MM-JJ`.
    pub date: String,
    pub value: f64,
}

/// An indicator from its baseline to its latest measurement, against its target.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorProgress {
    pub indicator_id: RecordId,
    pub name: String,
    pub unit: String,
    pub action_id: Option<RecordId>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub latest_value: Option<f64>,
    pub latest_date: Option<String>,
    /// (latest − baseline) / (target − baseline): 0 at the baseline, 1 at the target (below 0
    /// or above 1 when it went the other way or beyond). None without baseline, target or
    /// measurement, or when the target is the baseline.
    pub progress: Option<f64>,
    /// The latest measurement reached the target (the national synthesis' rule).
    pub met: Option<bool>,
    /// Every measurement, by date (the chart).
    pub measurements: Vec<MeasurementPoint>,
}

/// Actions started in one month, by current status.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActionsInMonth {
    /// `AAAA-MM`.
    pub month: String,
    /// In the order of `action_statuses`.
    pub counts: Vec<u32>,
}

/// A territory's indicators and actions.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorAnalysis {
    pub territory_id: RecordId,
    /// By name.
    pub indicators: Vec<IndicatorProgress>,
    /// The statuses of an action (the vocabulary's order).
    pub action_statuses: Vec<Choice>,
    /// Actions by current status, in that order.
    pub actions: Vec<u32>,
    /// Actions by the month they start, oldest first.
    pub actions_by_month: Vec<ActionsInMonth>,
    /// Actions without a start date, by status.
    pub actions_undated: Vec<u32>,
}

/// (latest − baseline) / (target − baseline), when it means something.
fn progress(baseline: Option<f64>, target: Option<f64>, latest: Option<f64>) -> Option<f64> {
    let (b, t, l) = (baseline?, target?, latest?);
    ((t - b).abs() > f64::EPSILON).then(|| (l - b) / (t - b))
}

impl Api {
    /// A territory's indicators against their targets, and its actions by status over time.
    pub fn analysis_indicators(&self, territory_id: RecordId) -> ApiResult<IndicatorAnalysis> {
        self.analysis_indicators_until(territory_id, None)
    }

    /// [`Api::analysis_indicators`] as it stood on `until` (`AAAA-MM-JJ`): measurements taken
    /// after that day are left out (the evaluation of a period ends on its last day).
    pub fn analysis_indicators_until(
        &self,
        territory_id: RecordId,
        until: Option<&str>,
    ) -> ApiResult<IndicatorAnalysis> {
        let read = self.store().read(|conn| {
            if !is_territory(conn, territory_id)? {
                return Ok(None);
            }
            let t = Some(territory_id);
            Ok(Some((
                records::list(conn, Kind::Indicator, t)?,
                records::list(conn, Kind::Measurement, t)?,
                records::list(conn, Kind::Action, t)?,
            )))
        })?;
        let (indicators, measurements, actions) = read.ok_or_else(unknown_territory)?;

        let mut series: BTreeMap<RecordId, Vec<(String, String, f64)>> = BTreeMap::new();
        for r in &measurements {
            if let Ok(m) = serde_json::from_value::<Measurement>(r.data.clone()) {
                if until.is_none_or(|u| m.date.as_str() <= u) {
                    series.entry(m.indicator_id).or_default().push((m.date, r.updated_at.clone(), m.value));
                }
            }
        }
        let mut out: Vec<IndicatorProgress> = indicators
            .iter()
            .filter_map(|r| {
                let i: Indicator = serde_json::from_value(r.data.clone()).ok()?;
                let mut points = series.remove(&r.id).unwrap_or_default();
                points.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
                let last = points.last();
                let latest_value = last.map(|p| p.2);
                Some(IndicatorProgress {
                    indicator_id: r.id,
                    progress: progress(i.baseline, i.target, latest_value),
                    met: target_met(i.baseline, i.target, latest_value),
                    latest_date: last.map(|p| p.0.clone()),
                    latest_value,
                    name: i.name,
                    unit: i.unit,
                    action_id: i.action_id,
                    baseline: i.baseline,
                    target: i.target,
                    measurements: points.into_iter().map(|(date, _, value)| MeasurementPoint { date, value }).collect(),
                })
            })
            .collect();
        out.sort_by_cached_key(|i| (crate::domain::text::fold(&i.name), i.indicator_id));

        let statuses = ActionStatus::ALL;
        let mut by_status = vec![0u32; statuses.len()];
        let mut undated = vec![0u32; statuses.len()];
        let mut by_month: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for r in &actions {
            let Ok(a) = serde_json::from_value::<Action>(r.data.clone()) else { continue };
            let Some(s) = statuses.iter().position(|s| *s == a.status) else { continue };
            by_status[s] += 1;
            match a.start_date.as_deref().and_then(|d| d.get(..7)) {
                Some(month) => by_month.entry(month.to_string()).or_insert_with(|| vec![0; statuses.len()])[s] += 1,
                None => undated[s] += 1,
            }
        }
        Ok(IndicatorAnalysis {
            territory_id,
            indicators: out,
            action_statuses: statuses
                .iter()
                .map(|s| Choice { code: s.code().into(), label: s.label().into() })
                .collect(),
            actions: by_status,
            actions_by_month: by_month.into_iter().map(|(month, counts)| ActionsInMonth { month, counts }).collect(),
            actions_undated: undated,
        })
    }
}

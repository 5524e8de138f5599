//! The action plan and its evaluation: actions, indicators, measurements.

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// Priority of an action: a rank, or impact × feasibility (1 to 5 each).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    pub rank: Option<u32>,
    pub impact: Option<u8>,
    pub feasibility: Option<u8>,
}

impl Priority {
    /// Impact × feasibility (1 to 25), when both are given: the order the plan suggests.
    pub fn score(&self) -> Option<u32> {
        Some(u32::from(self.impact?) * u32::from(self.feasibility?))
    }
}

/// Action of the plan (step 3).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ActionData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub territory_id: RecordId,
    pub title: String,
    #[serde(default)]
    pub objective: String,
    /// Hypothèse de changement.
    #[serde(default)]
    pub hypothesis: String,
    pub lead_organisation_id: Option<RecordId>,
    #[serde(default)]
    pub partner_ids: Vec<RecordId>,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default = "default_action_status")]
    pub status: ActionStatus,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    #[serde(default)]
    pub resources: String,
    /// The workshop whose decision created this action.
    pub source_workshop_id: Option<RecordId>,
    /// The library sheet (a practice published by headquarters) this action was inspired by
    /// (« S'en inspirer »). Not a checked reference: the library is not on every device that
    /// receives the action (a co-facilitator's may not have imported it yet).
    pub inspired_by: Option<RecordId>,
    #[serde(default)]
    pub notes: String,
}

fn default_action_status() -> ActionStatus {
    ActionStatus::Idee
}

impl KindData for Action {
    const KIND: Kind = Kind::Action;
    fn normalise(&mut self) {
        trim(&mut self.title);
        // An empty date field is no date (the form sends "" when a date is cleared).
        for date in [&mut self.start_date, &mut self.end_date] {
            if date.as_deref().is_some_and(|d| d.trim().is_empty()) {
                *date = None;
            }
        }
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        max_len("title", &self.title, 300)?;
        check_opt_date("start_date", &self.start_date)?;
        check_opt_date("end_date", &self.end_date)?;
        if let (Some(s), Some(e)) = (&self.start_date, &self.end_date) {
            if e < s {
                return Err(Invalid::new("end_date", "la date de fin précède la date de début"));
            }
        }
        if let Some(i) = self.priority.impact {
            check_range("priority.impact", i as f64, 1.0, 5.0)?;
        }
        if let Some(f) = self.priority.feasibility {
            check_range("priority.feasibility", f as f64, 1.0, 5.0)?;
        }
        Ok(())
    }
    in_territory_titled_by!(title);
    fn date(&self) -> Option<String> {
        self.start_date.clone()
    }
    fn references(&self) -> Vec<Reference> {
        opt_ref("lead_organisation_id", Kind::Organisation, &self.lead_organisation_id)
            .into_iter()
            .chain(refs("partner_ids", Kind::Organisation, &self.partner_ids))
            .chain(opt_ref("source_workshop_id", Kind::Workshop, &self.source_workshop_id))
            .collect()
    }
}

/// Indicateur (step 4).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "IndicatorData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub territory_id: RecordId,
    pub action_id: Option<RecordId>,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    #[serde(default)]
    pub notes: String,
}

impl KindData for Indicator {
    const KIND: Kind = Kind::Indicator;
    fn normalise(&mut self) {
        trim(&mut self.name);
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        check_finite("baseline", self.baseline)?;
        check_finite("target", self.target)
    }
    in_territory_titled_by!(name);
    fn references(&self) -> Vec<Reference> {
        opt_ref("action_id", Kind::Action, &self.action_id).into_iter().collect()
    }
}

/// Mesure: a dated value of an indicator.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "MeasurementData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    pub territory_id: RecordId,
    pub indicator_id: RecordId,
    pub date: String,
    pub value: f64,
    #[serde(default)]
    pub comment: String,
}

impl KindData for Measurement {
    const KIND: Kind = Kind::Measurement;
    fn validate(&self) -> Check {
        check_date("date", &self.date)?;
        check_finite("value", Some(self.value))
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        format!("Mesure du {}", self.date)
    }
    fn date(&self) -> Option<String> {
        Some(self.date.clone())
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference { field: "indicator_id", id: self.indicator_id, kind: Kind::Indicator }]
    }
}

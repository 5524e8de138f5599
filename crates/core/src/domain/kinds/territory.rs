//! Territoire and feuille de route (step 1 of the method).

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// Territoire.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TerritoryData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    pub name: String,
    pub kind: TerritoryKind,
    /// "93", "2A", "971"…
    pub departement_code: Option<String>,
    #[serde(default)]
    pub communes: Vec<String>,
    pub programme: Option<String>,
    #[serde(default)]
    pub notes: String,
    /// A demonstration territory (fictitious people and structures): marked « Démonstration »
    /// everywhere, left out of bundles unless asked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub demo: bool,
    /// The day the programme ends on this territory: its personal data and free texts are kept
    /// for the retention period after it, then « à purger » (`api::territories_due`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub end_date: Option<String>,
    /// The day its persons and free texts were purged (`api::purge_territory`), aggregates kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub purged_on: Option<String>,
    /// Items of the cooperation grid ticked by hand, with a note (`api::cooperation_grid`; the
    /// others are ticked from the records).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(as = "Option<Vec<GridCheck>>", optional))]
    pub grid_checks: Vec<GridCheck>,
}

/// An item of the cooperation grid ticked by hand: its code, the day, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridCheck {
    pub code: GridPractice,
    pub checked_on: String,
    #[serde(default)]
    pub note: String,
}

impl KindData for Territory {
    const KIND: Kind = Kind::Territory;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.communes.iter_mut().for_each(trim);
        self.communes.retain(|c| !c.is_empty());
        for date in [&mut self.end_date, &mut self.purged_on] {
            if date.as_deref().is_some_and(|d| d.trim().is_empty()) {
                *date = None;
            }
        }
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)?;
        check_opt_date("end_date", &self.end_date)?;
        check_opt_date("purged_on", &self.purged_on)?;
        let mut seen = std::collections::HashSet::new();
        for check in &self.grid_checks {
            if !seen.insert(check.code) {
                return Err(Invalid::new(
                    "grid_checks",
                    "une pratique de la grille figure deux fois dans « grid_checks »",
                ));
            }
            check_date("grid_checks.checked_on", &check.checked_on)?;
            max_len("grid_checks.note", &check.note, 2000)?;
        }
        if let Some(code) = &self.departement_code {
            let ok = matches!(code.len(), 2 | 3)
                && (code.chars().all(|c| c.is_ascii_digit()) || code == "2A" || code == "2B");
            if !ok {
                return Err(Invalid::new(
                    "departement_code",
                    "le champ « departement_code » attend un code de département (exemples : 93, 2A, 971)",
                ));
            }
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        None // a territory is its own territory: the store uses the record's id
    }
    fn title(&self) -> String {
        self.name.clone()
    }
}

/// Feuille de route (step 1, one per territory).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RoadmapData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roadmap {
    pub territory_id: RecordId,
    #[serde(default)]
    pub stakes: String,
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub questions: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    #[serde(default)]
    pub sub_territories: Vec<String>,
    #[serde(default)]
    pub organisation_ids: Vec<RecordId>,
    #[serde(default)]
    pub actors_note: String,
    /// COPIL territorial, groupe de travail, COPIL national: how the project is run.
    #[serde(default)]
    pub project_organisation: String,
    pub launched_on: Option<String>,
}

impl KindData for Roadmap {
    const KIND: Kind = Kind::Roadmap;
    fn normalise(&mut self) {
        self.objectives.iter_mut().for_each(trim);
        self.objectives.retain(|c| !c.is_empty());
        self.sub_territories.iter_mut().for_each(trim);
        self.sub_territories.retain(|c| !c.is_empty());
    }
    fn validate(&self) -> Check {
        check_opt_date("launched_on", &self.launched_on)
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        "Feuille de route".to_string()
    }
    fn date(&self) -> Option<String> {
        self.launched_on.clone()
    }
    fn references(&self) -> Vec<Reference> {
        refs("organisation_ids", Kind::Organisation, &self.organisation_ids).collect()
    }
}

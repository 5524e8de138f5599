//! Objectif commun and charte de coopération: the cooperation grid's "définir un but commun"
//! and "formaliser et structurer la coopération" (seed 004).

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// Objectif commun: the goal and the ideal transformation scenario a territory's partners agreed
/// on (in a workshop, on a day), with the indicators that follow it. Its versions over time are
/// the record's history (what the COPIL agreed, when).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CommonGoalData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonGoal {
    pub territory_id: RecordId,
    pub goal: String,
    /// « Un scénario idéal de transformation ».
    #[serde(default)]
    pub scenario: String,
    #[serde(default)]
    pub indicator_ids: Vec<RecordId>,
    /// The workshop where it was written or agreed.
    pub workshop_id: Option<RecordId>,
    /// The day the partners (the COPIL) agreed on it; none while it is a draft.
    pub agreed_on: Option<String>,
}

impl KindData for CommonGoal {
    const KIND: Kind = Kind::CommonGoal;
    fn normalise(&mut self) {
        trim(&mut self.goal);
        if self.agreed_on.as_deref().is_some_and(|d| d.trim().is_empty()) {
            self.agreed_on = None;
        }
        dedup(&mut self.indicator_ids);
    }
    fn validate(&self) -> Check {
        required("goal", &self.goal)?;
        max_len("goal", &self.goal, 2000)?;
        check_opt_date("agreed_on", &self.agreed_on)
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.goal.chars().take(120).collect()
    }
    fn date(&self) -> Option<String> {
        self.agreed_on.clone()
    }
    fn references(&self) -> Vec<Reference> {
        refs("indicator_ids", Kind::Indicator, &self.indicator_ids)
            .chain(opt_ref("workshop_id", Kind::Workshop, &self.workshop_id))
            .collect()
    }
}

/// A partner organisation of a charter: what it gains by taking part, what it commits to, who
/// represents it (a role or a name, as the partners write it on the document they sign).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharterPartner {
    pub organisation_id: RecordId,
    #[serde(default)]
    pub interest: String,
    #[serde(default)]
    pub commitments: String,
    #[serde(default)]
    pub representative: String,
}

/// Charte de coopération: « un document pérenne et transmissible incluant les valeurs, les règles
/// et les objectifs », with each partner's interest, commitments and representative. Brouillon →
/// en discussion → adoptée (on a day, in a workshop); its revisions are the record's history.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CharterData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Charter {
    pub territory_id: RecordId,
    #[serde(default = "default_charter_title")]
    pub title: String,
    #[serde(default)]
    pub values: String,
    /// Rules of working together: sharing information, confidentiality, meetings, decisions.
    #[serde(default)]
    pub rules: String,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub partners: Vec<CharterPartner>,
    #[serde(default = "default_charter_status")]
    pub status: CharterStatus,
    pub adopted_on: Option<String>,
    /// The workshop where it was adopted.
    pub workshop_id: Option<RecordId>,
}

fn default_charter_title() -> String {
    "Charte de coopération".into()
}

fn default_charter_status() -> CharterStatus {
    CharterStatus::Brouillon
}

impl KindData for Charter {
    const KIND: Kind = Kind::Charter;
    fn normalise(&mut self) {
        trim(&mut self.title);
        if self.title.is_empty() {
            self.title = default_charter_title();
        }
        if self.adopted_on.as_deref().is_some_and(|d| d.trim().is_empty()) {
            self.adopted_on = None;
        }
        for p in &mut self.partners {
            trim(&mut p.representative);
        }
    }
    fn validate(&self) -> Check {
        max_len("title", &self.title, 300)?;
        check_opt_date("adopted_on", &self.adopted_on)?;
        if self.status == CharterStatus::Adoptee && self.adopted_on.is_none() {
            return Err(Invalid::new(
                "adopted_on",
                "une charte adoptée a une date d'adoption : remplissez le champ « adopted_on »",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for p in &self.partners {
            if !seen.insert(p.organisation_id) {
                return Err(Invalid::new(
                    "partners",
                    "une structure figure deux fois parmi les partenaires de la charte",
                ));
            }
            max_len("partners.representative", &p.representative, 200)?;
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn date(&self) -> Option<String> {
        self.adopted_on.clone()
    }
    fn references(&self) -> Vec<Reference> {
        self.partners
            .iter()
            .map(|p| Reference { field: "partners.organisation_id", id: p.organisation_id, kind: Kind::Organisation })
            .chain(opt_ref("workshop_id", Kind::Workshop, &self.workshop_id))
            .collect()
    }
}

fn dedup(ids: &mut Vec<RecordId>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
}

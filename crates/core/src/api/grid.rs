//! The cooperation grid (seed 004, « Quelles bonnes pratiques pour coopérer ? ») as a territory's
//! checklist: each good practice ticked from evidence in the records, or by hand with a note;
//! and, at headquarters, how many territories have ticked each.
//!
//! The evidence rules live here, once; the territory's screen, the command line and the
//! national count all read [`Api::cooperation_grid`].

use serde::Serialize;

use super::method::{agree, plural, Facts};
use super::*;
use crate::domain::kinds::{GridCheck, Territory};
use crate::domain::vocabulary::GridPractice;

/// One good practice of the grid, for one territory.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridItem {
    pub code: String,
    pub phase_label: String,
    pub practice: String,
    pub how: String,
    /// Ticked, from the records or by hand.
    pub done: bool,
    /// What the records show (« Carte : 25 structures, 36 liens »); empty when they show
    /// nothing this item could be ticked from.
    pub evidence: String,
    /// The records are enough to tick it.
    pub from_records: bool,
    /// Ticked by hand: the day and the note.
    pub by_hand: Option<GridCheck>,
    /// The kind of record whose screen does it (for the link), if any.
    pub kind: Option<Kind>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CooperationGrid {
    pub territory_id: RecordId,
    pub items: Vec<GridItem>,
    pub done: u32,
    pub total: u32,
}

/// Headquarters: one good practice across the territories.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GridCount {
    pub code: String,
    pub practice: String,
    pub territories_done: u32,
    pub territories: u32,
}

/// Whether the records tick `code`, and what they show.
fn evidence(code: &str, f: &Facts) -> (bool, String, Option<Kind>) {
    match code {
        "cartographie" => (
            f.organisations >= 3 && f.links >= 1,
            format!(
                "Carte : {}, {}",
                plural(f.organisations, "structure", "structures"),
                plural(f.links, "lien", "liens")
            ),
            Some(Kind::CooperationLink),
        ),
        "diagnostic_partage" => match (&f.last_copil, f.interviews_complete) {
            (Some(day), n) if n > 0 => (
                true,
                format!("{} complets, COPIL du {}", plural(n, "entretien", "entretiens"), french_date(day)),
                Some(Kind::Workshop),
            ),
            (_, n) => (
                false,
                format!("{} complets, pas encore de COPIL", plural(n, "entretien", "entretiens")),
                Some(Kind::Interview),
            ),
        },
        "but_commun" => match &f.goal_agreed_on {
            Some(day) => (true, format!("Objectif commun convenu le {}", french_date(day)), Some(Kind::CommonGoal)),
            None => (false, "Pas d'objectif commun convenu".into(), Some(Kind::CommonGoal)),
        },
        "indicateurs_suivi" => (
            f.goal_agreed_on.is_some() && f.goal_indicators > 0,
            format!("{} de suivi de l'objectif commun", plural(f.goal_indicators, "indicateur", "indicateurs")),
            Some(Kind::Indicator),
        ),
        "interconnaissance" => (
            f.exchange_workshops > 0,
            format!("{} d'échanges ou du Club", plural(f.exchange_workshops, "temps", "temps")),
            Some(Kind::Workshop),
        ),
        "charte" => match &f.charter_adopted_on {
            Some(day) => (
                true,
                format!(
                    "Charte adoptée le {} ({})",
                    french_date(day),
                    plural(f.charter_partners, "partenaire", "partenaires")
                ),
                Some(Kind::Charter),
            ),
            None => (false, "Pas de charte adoptée".into(), Some(Kind::Charter)),
        },
        "coordination" => (
            f.copils >= 2,
            format!("{} {}", plural(f.copils, "COPIL", "COPIL"), agree(f.copils, "tenu", "tenus")),
            Some(Kind::Workshop),
        ),
        // Communication and adjusting roles leave no trace the records can show: by hand.
        "ajustement" => (
            false,
            format!("{} mesurés deux fois", plural(f.indicators_measured_twice, "indicateur", "indicateurs")),
            Some(Kind::Indicator),
        ),
        _ => (false, String::new(), None),
    }
}

impl Api {
    /// The grid's good practices for `territory`: ticked from the records, or by hand.
    pub fn cooperation_grid(&self, territory: RecordId) -> ApiResult<CooperationGrid> {
        let (facts, checks) = self.store.read(|conn| {
            let t = write::live_of_kind(conn, Kind::Territory, territory)?;
            let checks = serde_json::from_value::<Territory>(t.data).map(|t| t.grid_checks).unwrap_or_default();
            Ok((Facts::read(conn, territory)?, checks))
        })?;
        let items: Vec<GridItem> = crate::defaults::good_practices()
            .into_iter()
            .map(|g| {
                let (from_records, evidence, kind) = evidence(&g.code, &facts);
                let by_hand = checks.iter().find(|c| c.code.code() == g.code).cloned();
                GridItem {
                    done: from_records || by_hand.is_some(),
                    code: g.code,
                    phase_label: g.phase_label,
                    practice: g.practice,
                    how: g.how,
                    evidence,
                    from_records,
                    by_hand,
                    kind,
                }
            })
            .collect();
        let done = items.iter().filter(|i| i.done).count() as u32;
        Ok(CooperationGrid { territory_id: territory, total: items.len() as u32, done, items })
    }

    /// Ticks (with a note, today) or unticks an item of the grid by hand: an edit of the
    /// territory, which travels.
    pub fn set_grid_check(
        &self,
        territory: RecordId,
        code: &str,
        checked: bool,
        note: &str,
    ) -> ApiResult<CooperationGrid> {
        let Some(code) = GridPractice::ALL.iter().copied().find(|g| g.code() == code) else {
            return Err(Error::Invalid(kinds::Invalid::new(
                "code",
                "ce n'est pas un code de la grille de coopération",
            ))
            .into());
        };
        let record = self.get(Kind::Territory, territory)?;
        let mut data = record.data.clone();
        let mut checks: Vec<GridCheck> = serde_json::from_value(data["grid_checks"].clone()).unwrap_or_default();
        checks.retain(|c| c.code != code);
        if checked {
            checks.push(GridCheck { code, checked_on: crate::privacy::today(), note: note.trim().to_string() });
        }
        data["grid_checks"] = serde_json::to_value(&checks).map_err(Error::from)?;
        self.put(Kind::Territory, Some(territory), data)?;
        self.cooperation_grid(territory)
    }

    /// Headquarters: for each good practice, how many territories (demonstrations left out)
    /// have it ticked.
    pub fn national_grid(&self) -> ApiResult<Vec<GridCount>> {
        let territories: Vec<RecordId> = self
            .list(Kind::Territory, None)?
            .into_iter()
            .filter(|t| !t.data["demo"].as_bool().unwrap_or(false))
            .map(|t| t.id)
            .collect();
        let mut counts: Vec<GridCount> = crate::defaults::good_practices()
            .into_iter()
            .map(|g| GridCount {
                code: g.code,
                practice: g.practice,
                territories_done: 0,
                territories: territories.len() as u32,
            })
            .collect();
        for t in territories {
            for item in self.cooperation_grid(t)?.items {
                if let Some(c) = counts.iter_mut().find(|c| c.code == item.code) {
                    c.territories_done += u32::from(item.done);
                }
            }
        }
        Ok(counts)
    }
}

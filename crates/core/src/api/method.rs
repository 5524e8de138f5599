//! The method's helpers: a decision becomes an action, what a territory has done step by step,
//! the vocabulary of the method.

use super::*;
use crate::domain::kinds::{self};
use crate::domain::{vocabulary, Kind, Record, RecordId};
use crate::error::Error;
use crate::store::device::{self};
use crate::store::records::{self};

impl Api {
    /// Turns decision `index` of a workshop into an action of the plan, and links the two, in one
    /// transaction. Returns the new action.
    pub fn decision_to_action(&self, workshop_id: RecordId, index: u32) -> ApiResult<Record> {
        Ok(self.store.write(|tx| {
            let device = device::require(tx)?;
            let mut clock = device.clock;
            let workshop = live_of_kind(tx, Kind::Workshop, workshop_id)?;
            let mut data: kinds::Workshop = serde_json::from_value(workshop.data.clone())?;
            let decision = data.decisions.get(index as usize).ok_or_else(|| {
                Error::Invalid(kinds_invalid("decisions", "cette décision n'existe pas dans l'atelier"))
            })?;
            if let Some(existing) = decision.action_id {
                if let Ok(action) = live_of_kind(tx, Kind::Action, existing) {
                    return Ok(action);
                }
            }
            let action = serde_json::json!({
                "territory_id": data.territory_id,
                "title": decision.text,
                "status": "retenue",
                "source_workshop_id": workshop_id,
                "notes": format!("Décision de l'atelier du {}", french_date(&data.date)),
            });
            let action = kinds::validate(Kind::Action, action).map_err(Error::Invalid)?;
            let mut kinds = KindCache::default();
            let action = write_record(tx, &device, &mut clock, &mut kinds, Kind::Action, None, action)?;
            data.decisions[index as usize].action_id = Some(action.id);
            let updated = kinds::validate(Kind::Workshop, serde_json::to_value(&data)?).map_err(Error::Invalid)?;
            write_record(tx, &device, &mut clock, &mut kinds, Kind::Workshop, Some(workshop_id), updated)?;
            device::save_clock(tx, &clock)?;
            Ok(action)
        })?)
    }

    /// What has been done in a territory, step by step of the method.
    pub fn territory_overview(&self, territory: RecordId) -> ApiResult<TerritoryOverview> {
        Ok(self.store.read(|conn| {
            let record = live_of_kind(conn, Kind::Territory, territory)?;
            let counts = records::counts(conn, Some(territory))?;
            let last = records::last_activity(conn, territory)?;
            let facts = Facts::read(conn, territory)?;
            let steps = step_kinds()
                .into_iter()
                .map(|(step, kinds)| {
                    let count = |k: &Kind| counts.get(k).copied().unwrap_or(0) as u32;
                    let checklist = facts.checklist(step);
                    let any_record = kinds.iter().any(|k| count(k) > 0);
                    StepSummary {
                        step: step.code().to_string(),
                        label: step.label().to_string(),
                        counts: kinds.iter().map(|k| (k.as_str().to_string(), count(k))).collect(),
                        last_activity: kinds.iter().filter_map(|k| last.get(k.as_str()).cloned()).max(),
                        reached: checklist.iter().all(|i| i.done),
                        begun: any_record || checklist.iter().any(|i| i.done),
                        checklist,
                    }
                })
                .collect();
            Ok(TerritoryOverview { territory: record, steps })
        })?)
    }

    /// The closed lists of the method with their French labels, and the kinds' names.
    pub fn vocabulary(&self) -> Vocabulary {
        Vocabulary {
            lists: vocabulary::all_lists()
                .into_iter()
                .map(|(name, list)| {
                    (
                        name.to_string(),
                        list.into_iter().map(|c| Choice { code: c.code.into(), label: c.label.into() }).collect(),
                    )
                })
                .collect(),
            kinds: Kind::ALL.iter().map(|k| Choice { code: k.as_str().into(), label: k.label_fr().into() }).collect(),
            good_practices: crate::defaults::good_practices(),
        }
    }
}

fn step_kinds() -> Vec<(vocabulary::MethodStep, Vec<Kind>)> {
    use vocabulary::MethodStep::*;
    vec![
        (Lancement, vec![Kind::Roadmap, Kind::Organisation]),
        (EtatDesLieux, vec![Kind::Interview, Kind::Person, Kind::CooperationLink]),
        (Experimentations, vec![Kind::Workshop, Kind::Action]),
        (Evaluation, vec![Kind::Indicator, Kind::Measurement, Kind::Practice]),
    ]
}

/// What the records of a territory say about the method, for the steps' checklists.
#[derive(Default)]
pub(super) struct Facts {
    pub(super) roadmap_filled: bool,
    pub(super) organisations: u32,
    pub(super) interviews: u32,
    pub(super) interviews_complete: u32,
    pub(super) links: u32,
    pub(super) copils: u32,
    pub(super) actions_kept: u32,
    pub(super) actions_ranked: u32,
    pub(super) indicators: u32,
    pub(super) indicators_measured_twice: u32,
    pub(super) practices: u32,
    /// The latest COPIL's day.
    pub(super) last_copil: Option<String>,
    /// Workshops of interconnaissance: ateliers d'échanges and the Club's sessions.
    pub(super) exchange_workshops: u32,
    /// The common goal agreed on (the latest day), and how many indicators follow it.
    pub(super) goal_agreed_on: Option<String>,
    pub(super) goal_indicators: u32,
    /// The adopted charter's day and its partners.
    pub(super) charter_adopted_on: Option<String>,
    pub(super) charter_partners: u32,
}

/// `n` and the word that agrees with it ("1 lien", "6 liens", "0 lien").
pub(super) fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

/// The word alone, agreeing with `n`.
pub(super) fn agree<'a>(n: u32, one: &'a str, many: &'a str) -> &'a str {
    if n > 1 {
        many
    } else {
        one
    }
}

impl Facts {
    pub(super) fn read(conn: &rusqlite::Connection, territory: RecordId) -> crate::error::Result<Facts> {
        use crate::domain::kinds::{Action, Charter, CommonGoal, Interview, Roadmap, Workshop};
        use crate::domain::vocabulary::{ActionStatus, CharterStatus, InterviewStatus, WorkshopKind};
        let list = |kind| records::list(conn, kind, Some(territory));
        let parse = |r: &Record| r.data.clone();
        let mut f = Facts::default();
        for r in list(Kind::Roadmap)? {
            if let Ok(m) = serde_json::from_value::<Roadmap>(parse(&r)) {
                f.roadmap_filled |= !m.stakes.trim().is_empty() && !m.objectives.is_empty();
            }
        }
        f.organisations = list(Kind::Organisation)?.len() as u32;
        for r in list(Kind::Interview)? {
            f.interviews += 1;
            if let Ok(i) = serde_json::from_value::<Interview>(parse(&r)) {
                f.interviews_complete +=
                    u32::from(matches!(i.status, InterviewStatus::Complet | InterviewStatus::Valide));
            }
        }
        f.links = list(Kind::CooperationLink)?.len() as u32;
        for r in list(Kind::Workshop)? {
            if let Ok(w) = serde_json::from_value::<Workshop>(parse(&r)) {
                f.copils += u32::from(w.kind == WorkshopKind::Copil);
                if w.kind == WorkshopKind::Copil && f.last_copil.as_deref().is_none_or(|d| d < w.date.as_str()) {
                    f.last_copil = Some(w.date.clone());
                }
                f.exchange_workshops += u32::from(matches!(w.kind, WorkshopKind::AtelierEchanges | WorkshopKind::Club));
            }
        }
        for r in list(Kind::Action)? {
            if let Ok(a) = serde_json::from_value::<Action>(parse(&r)) {
                if matches!(a.status, ActionStatus::Retenue | ActionStatus::EnCours | ActionStatus::Realisee) {
                    f.actions_kept += 1;
                    f.actions_ranked += u32::from(a.priority.rank.is_some() || a.priority.score().is_some());
                }
            }
        }
        let indicators = list(Kind::Indicator)?;
        f.indicators = indicators.len() as u32;
        let measurements = list(Kind::Measurement)?;
        for i in &indicators {
            let n = measurements.iter().filter(|m| m.data["indicator_id"] == serde_json::json!(i.id)).count();
            f.indicators_measured_twice += u32::from(n >= 2);
        }
        f.practices = list(Kind::Practice)?.len() as u32;
        for r in list(Kind::CommonGoal)? {
            if let Ok(g) = serde_json::from_value::<CommonGoal>(parse(&r)) {
                if let Some(day) = g.agreed_on.filter(|d| f.goal_agreed_on.as_deref().is_none_or(|l| l < d.as_str())) {
                    f.goal_agreed_on = Some(day);
                    f.goal_indicators = g.indicator_ids.len() as u32;
                }
            }
        }
        for r in list(Kind::Charter)? {
            if let Ok(c) = serde_json::from_value::<Charter>(parse(&r)) {
                if c.status == CharterStatus::Adoptee {
                    f.charter_adopted_on = c.adopted_on;
                    f.charter_partners = c.partners.len() as u32;
                }
            }
        }
        Ok(f)
    }

    pub(super) fn checklist(&self, step: vocabulary::MethodStep) -> Vec<ChecklistItem> {
        use vocabulary::MethodStep::*;
        let item =
            |code: &str, label: String, done: bool, kind: Kind| ChecklistItem { code: code.into(), label, done, kind };
        match step {
            Lancement => vec![
                item(
                    "feuille_de_route",
                    if self.roadmap_filled {
                        "Feuille de route remplie".into()
                    } else {
                        "Feuille de route à remplir (enjeux, objectifs)".into()
                    },
                    self.roadmap_filled,
                    Kind::Roadmap,
                ),
                item(
                    "acteurs",
                    format!(
                        "{} {}",
                        plural(self.organisations, "structure", "structures"),
                        agree(self.organisations, "repérée", "repérées")
                    ),
                    self.organisations >= 3,
                    Kind::Organisation,
                ),
            ],
            EtatDesLieux => vec![
                item(
                    "entretiens",
                    format!(
                        "{} dont {} {}",
                        plural(self.interviews, "entretien", "entretiens"),
                        self.interviews_complete,
                        agree(self.interviews_complete, "complet", "complets")
                    ),
                    self.interviews_complete >= 1,
                    Kind::Interview,
                ),
                item(
                    "carte",
                    format!(
                        "{} de coopération {}",
                        plural(self.links, "lien", "liens"),
                        agree(self.links, "cartographié", "cartographiés")
                    ),
                    self.links >= 1,
                    Kind::CooperationLink,
                ),
                item(
                    "diagnostic",
                    if self.copils > 0 {
                        "Diagnostic partagé présenté en COPIL".into()
                    } else {
                        "Diagnostic partagé à présenter en COPIL".into()
                    },
                    self.copils > 0 && self.interviews_complete > 0,
                    Kind::Workshop,
                ),
            ],
            Experimentations => vec![item(
                "actions",
                format!(
                    "{} {}, dont {} {}",
                    plural(self.actions_kept, "action", "actions"),
                    agree(self.actions_kept, "retenue", "retenues"),
                    self.actions_ranked,
                    agree(self.actions_ranked, "classée", "classées")
                ),
                self.actions_kept > 0 && self.actions_ranked == self.actions_kept,
                Kind::Action,
            )],
            Evaluation => vec![
                item(
                    "indicateurs",
                    format!(
                        "{} dont {} {} deux fois",
                        plural(self.indicators, "indicateur", "indicateurs"),
                        self.indicators_measured_twice,
                        agree(self.indicators_measured_twice, "mesuré", "mesurés")
                    ),
                    self.indicators > 0 && self.indicators_measured_twice == self.indicators,
                    Kind::Indicator,
                ),
                item(
                    "pratiques",
                    format!(
                        "{} {}",
                        plural(self.practices, "pratique", "pratiques"),
                        agree(self.practices, "inspirante", "inspirantes")
                    ),
                    self.practices > 0,
                    Kind::Practice,
                ),
            ],
        }
    }
}

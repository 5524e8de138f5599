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
            let steps = step_kinds()
                .into_iter()
                .map(|(step, kinds)| {
                    let count = |k: &Kind| counts.get(k).copied().unwrap_or(0) as u32;
                    StepSummary {
                        step: step.code().to_string(),
                        label: step.label().to_string(),
                        counts: kinds.iter().map(|k| (k.as_str().to_string(), count(k))).collect(),
                        last_activity: kinds.iter().filter_map(|k| last.get(k.as_str()).cloned()).max(),
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

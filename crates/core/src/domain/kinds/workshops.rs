//! Ateliers and réunions: participants, notes, decisions.

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub person_id: Option<RecordId>,
    pub organisation_id: Option<RecordId>,
    /// For someone who is not (yet) among the actors.
    #[serde(default)]
    pub name: String,
    #[serde(default = "default_attendance")]
    pub attendance: Attendance,
}

fn default_attendance() -> Attendance {
    Attendance::Present
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopNote {
    pub question: String,
    #[serde(default)]
    pub text: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub text: String,
    /// The action this decision became, once it did.
    pub action_id: Option<RecordId>,
}

/// Atelier / réunion.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "WorkshopData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workshop {
    pub territory_id: RecordId,
    pub kind: WorkshopKind,
    pub title: String,
    pub date: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub agenda: Vec<String>,
    #[serde(default)]
    pub notes: Vec<WorkshopNote>,
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

impl KindData for Workshop {
    const KIND: Kind = Kind::Workshop;
    fn normalise(&mut self) {
        trim(&mut self.title);
        self.agenda.iter_mut().for_each(trim);
        self.agenda.retain(|a| !a.is_empty());
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        check_date("date", &self.date)?;
        for d in &self.decisions {
            required("decisions.text", &d.text)?;
        }
        for p in &self.participants {
            if p.person_id.is_none() && p.organisation_id.is_none() && p.name.trim().is_empty() {
                return Err(Invalid::new(
                    "participants",
                    "chaque participant doit être une personne, une structure ou un nom",
                ));
            }
        }
        Ok(())
    }
    in_territory_titled_by!(title);
    fn date(&self) -> Option<String> {
        Some(self.date.clone())
    }
    fn references(&self) -> Vec<Reference> {
        let mut out = Vec::new();
        for p in &self.participants {
            out.extend(opt_ref("participants.person_id", Kind::Person, &p.person_id));
            out.extend(opt_ref("participants.organisation_id", Kind::Organisation, &p.organisation_id));
        }
        for d in &self.decisions {
            out.extend(opt_ref("decisions.action_id", Kind::Action, &d.action_id));
        }
        out
    }
}

//! The selection committee of inspiring practices (seed 003), at headquarters: each member's
//! review of a proposed practice, and the committee's sheet — its decision, the version edited
//! for publication, the publication in the library. Both belong to no territory: they are
//! headquarters' own records (a territory's proposal stays as its facilitator wrote it).

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

/// A committee member's review of a proposed practice: relevance, originality and
/// effectiveness, 1 to 4 each, and a comment.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PracticeReviewData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PracticeReview {
    pub practice_id: RecordId,
    /// The member (an institution, or a name as the committee writes it).
    pub reviewer: String,
    pub relevance: u8,
    pub originality: u8,
    pub effectiveness: u8,
    #[serde(default)]
    pub comment: String,
    pub reviewed_on: String,
}

impl KindData for PracticeReview {
    const KIND: Kind = Kind::PracticeReview;
    fn normalise(&mut self) {
        trim(&mut self.reviewer);
    }
    fn validate(&self) -> Check {
        required("reviewer", &self.reviewer)?;
        max_len("reviewer", &self.reviewer, 200)?;
        for (field, value) in
            [("relevance", self.relevance), ("originality", self.originality), ("effectiveness", self.effectiveness)]
        {
            check_range(field, f64::from(value), 1.0, 4.0)?;
        }
        max_len("comment", &self.comment, 4000)?;
        check_date("reviewed_on", &self.reviewed_on)
    }
    fn territory_id(&self) -> Option<RecordId> {
        None
    }
    fn title(&self) -> String {
        format!("Avis de {}", self.reviewer)
    }
    fn date(&self) -> Option<String> {
        Some(self.reviewed_on.clone())
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference { field: "practice_id", id: self.practice_id, kind: Kind::Practice }]
    }
}

/// The committee's sheet of a proposed practice: its decision with the reasons, and for a
/// retained one the version edited for publication (prefilled from the proposal, co-written
/// with the territory), the library themes, and the day it was published.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "LibrarySheetData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibrarySheet {
    pub practice_id: RecordId,
    pub decision: CommitteeDecision,
    #[serde(default)]
    pub reasons: String,
    pub decided_on: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub means: String,
    #[serde(default)]
    pub keys_to_success: String,
    #[serde(default)]
    pub expected_results: String,
    #[serde(default)]
    pub difficulties: String,
    /// The library's themes (headquarters' editable list).
    #[serde(default)]
    pub themes: Vec<String>,
    /// The categories of actors the practice involves (what the library filters on): prefilled
    /// from the organisations of the action it comes from.
    #[serde(default)]
    pub actor_categories: Vec<ActorCategory>,
    /// Where it comes from, never a person: the kind of territory and its département.
    pub territory_kind: Option<TerritoryKind>,
    pub departement_code: Option<String>,
    /// The day it was published in the library; none until then.
    pub published_on: Option<String>,
}

impl KindData for LibrarySheet {
    const KIND: Kind = Kind::LibrarySheet;
    fn normalise(&mut self) {
        trim(&mut self.title);
        self.themes.iter_mut().for_each(trim);
        self.themes.retain(|t| !t.is_empty());
        if self.published_on.as_deref().is_some_and(|d| d.trim().is_empty()) {
            self.published_on = None;
        }
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        max_len("title", &self.title, 300)?;
        check_date("decided_on", &self.decided_on)?;
        check_opt_date("published_on", &self.published_on)?;
        if self.decision == CommitteeDecision::Ecartee && self.published_on.is_some() {
            return Err(Invalid::new("published_on", "une pratique écartée par le comité ne se publie pas"));
        }
        if self.decision == CommitteeDecision::Ecartee && self.reasons.trim().is_empty() {
            return Err(Invalid::new(
                "reasons",
                "une pratique écartée l'est pour des raisons : remplissez le champ « reasons »",
            ));
        }
        for theme in &self.themes {
            max_len("themes", theme, 120)?;
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        None
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn date(&self) -> Option<String> {
        self.published_on.clone().or_else(|| Some(self.decided_on.clone()))
    }
    fn references(&self) -> Vec<Reference> {
        vec![Reference { field: "practice_id", id: self.practice_id, kind: Kind::Practice }]
    }
}

/// A national meeting headquarters holds: the national steering committee (three times a year)
/// or an exchange session of the Club. Who took part is written by territory, as a function or a
/// structure (« cheffe de projet de la cité éducative »), never a private person's details;
/// decisions and follow-ups name the territories they concern, which receive them in
/// headquarters' library bundle.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "NationalMeetingData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationalMeeting {
    pub meeting_kind: NationalMeetingKind,
    pub held_on: String,
    pub title: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub participants: Vec<MeetingParticipant>,
    #[serde(default)]
    pub decisions: Vec<MeetingDecision>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

/// A participant of a national meeting: the territory they came for (none: headquarters or a
/// national partner), their function or structure, and whether they attended.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingParticipant {
    pub territory_id: Option<RecordId>,
    pub who: String,
    #[serde(default = "yes")]
    pub present: bool,
}

fn yes() -> bool {
    true
}

/// A decision of a national meeting and the territories it concerns (none: every territory).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingDecision {
    pub text: String,
    #[serde(default)]
    pub territory_ids: Vec<RecordId>,
}

/// A follow-up a national meeting assigned to a territory, with its due day.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub text: String,
    pub territory_id: RecordId,
    pub due_on: Option<String>,
    #[serde(default)]
    pub done: bool,
}

impl KindData for NationalMeeting {
    const KIND: Kind = Kind::NationalMeeting;
    fn normalise(&mut self) {
        trim(&mut self.title);
        self.participants.iter_mut().for_each(|p| trim(&mut p.who));
        self.decisions.iter_mut().for_each(|d| trim(&mut d.text));
        for f in &mut self.follow_ups {
            trim(&mut f.text);
            if f.due_on.as_deref().is_some_and(|d| d.trim().is_empty()) {
                f.due_on = None;
            }
        }
    }
    fn validate(&self) -> Check {
        check_date("held_on", &self.held_on)?;
        required("title", &self.title)?;
        max_len("title", &self.title, 300)?;
        max_len("agenda", &self.agenda, 20_000)?;
        max_len("notes", &self.notes, 100_000)?;
        for p in &self.participants {
            required("participants.who", &p.who)?;
            max_len("participants.who", &p.who, 200)?;
        }
        for d in &self.decisions {
            required("decisions.text", &d.text)?;
            max_len("decisions.text", &d.text, 4000)?;
        }
        for f in &self.follow_ups {
            required("follow_ups.text", &f.text)?;
            max_len("follow_ups.text", &f.text, 4000)?;
            check_opt_date("follow_ups.due_on", &f.due_on)?;
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        None
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn date(&self) -> Option<String> {
        Some(self.held_on.clone())
    }
    fn references(&self) -> Vec<Reference> {
        let participants = self.participants.iter().filter_map(|p| p.territory_id);
        let decided = self.decisions.iter().flat_map(|d| d.territory_ids.iter().copied());
        let followed = self.follow_ups.iter().map(|f| f.territory_id);
        participants
            .chain(decided)
            .chain(followed)
            .map(|id| Reference { field: "territory_id", id, kind: Kind::Territory })
            .collect()
    }
}

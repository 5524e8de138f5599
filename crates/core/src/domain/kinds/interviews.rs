//! Interview guides, interviews (answers, passages, verbatims) and the themes of the codebook.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::*;
use crate::domain::vocabulary::*;
use crate::domain::{Kind, RecordId};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideQuestion {
    pub code: String,
    pub text: String,
    #[serde(default)]
    pub hint: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideSection {
    pub code: String,
    pub title: String,
    pub questions: Vec<GuideQuestion>,
}

/// Guide d'entretien: ordered sections and questions.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "InterviewGuideData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterviewGuide {
    pub territory_id: Option<RecordId>,
    #[serde(default)]
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub sections: Vec<GuideSection>,
}

impl InterviewGuide {
    pub fn questions(&self) -> impl Iterator<Item = &GuideQuestion> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }
}

impl KindData for InterviewGuide {
    const KIND: Kind = Kind::InterviewGuide;
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        let mut codes: Vec<&str> = self.questions().map(|q| q.code.as_str()).collect();
        for q in self.questions() {
            required("sections.questions.code", &q.code)?;
            required("sections.questions.text", &q.text)?;
        }
        codes.sort_unstable();
        if codes.windows(2).any(|w| w[0] == w[1]) {
            return Err(Invalid::new("sections", "deux questions du guide portent le même code"));
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        self.territory_id
    }
    fn title(&self) -> String {
        self.title.clone()
    }
}

/// A passage of an interview (an answer or the free notes) tagged with themes, or kept as a quote.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Passage {
    /// A question code of the guide, or "notes".
    pub source: String,
    /// The passage itself, as selected.
    pub text: String,
    #[serde(default)]
    pub theme_ids: Vec<RecordId>,
    /// A verbatim (*verbatim*) worth quoting.
    #[serde(default)]
    pub quote: bool,
    /// The person of the interview who said it. When absent, the passage is attributed to every
    /// person of the interview (`privacy::speakers`): their consents decide whether it may leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub person_id: Option<RecordId>,
}

/// Entretien d'acteur.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "InterviewData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interview {
    pub territory_id: RecordId,
    pub title: String,
    pub date: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub interviewer: String,
    #[serde(default)]
    pub person_ids: Vec<RecordId>,
    #[serde(default)]
    pub organisation_ids: Vec<RecordId>,
    pub guide_id: Option<RecordId>,
    /// Answer text per question code of the guide.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub theme_ids: Vec<RecordId>,
    #[serde(default)]
    pub passages: Vec<Passage>,
    #[serde(default)]
    pub consent: Consent,
    #[serde(default = "default_interview_status")]
    pub status: InterviewStatus,
}

fn default_interview_status() -> InterviewStatus {
    InterviewStatus::Brouillon
}

impl KindData for Interview {
    const KIND: Kind = Kind::Interview;
    fn normalise(&mut self) {
        trim(&mut self.title);
        self.answers.retain(|_, text| !text.is_empty());
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        max_len("title", &self.title, 300)?;
        check_date("date", &self.date)?;
        for p in &self.passages {
            required("passages.text", &p.text)?;
            if p.person_id.is_some_and(|id| !self.person_ids.contains(&id)) {
                return Err(Invalid::new(
                    "passages.person_id",
                    "un passage est attribué à l'une des personnes de l'entretien : ajoutez-la d'abord aux personnes interrogées",
                ));
            }
        }
        self.consent.validate("consent")
    }
    in_territory_titled_by!(title);
    fn date(&self) -> Option<String> {
        Some(self.date.clone())
    }
    fn references(&self) -> Vec<Reference> {
        let passage_themes = self.passages.iter().flat_map(|p| refs("passages.theme_ids", Kind::Theme, &p.theme_ids));
        refs("person_ids", Kind::Person, &self.person_ids)
            .chain(refs("organisation_ids", Kind::Organisation, &self.organisation_ids))
            .chain(opt_ref("guide_id", Kind::InterviewGuide, &self.guide_id))
            .chain(refs("theme_ids", Kind::Theme, &self.theme_ids))
            .chain(passage_themes)
            .collect()
    }
}

/// Thème of the codebook (grille d'analyse).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ThemeData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    pub territory_id: Option<RecordId>,
    pub code: String,
    pub label: String,
    pub parent_id: Option<RecordId>,
    #[serde(default)]
    pub description: String,
}

impl KindData for Theme {
    const KIND: Kind = Kind::Theme;
    fn normalise(&mut self) {
        trim(&mut self.label);
        trim(&mut self.code);
    }
    fn validate(&self) -> Check {
        required("code", &self.code)?;
        required("label", &self.label)
    }
    fn territory_id(&self) -> Option<RecordId> {
        self.territory_id
    }
    fn title(&self) -> String {
        self.label.clone()
    }
    fn references(&self) -> Vec<Reference> {
        opt_ref("parent_id", Kind::Theme, &self.parent_id).into_iter().collect()
    }
}

//! The fields of each kind of record and their invariants.
//!
//! Each kind is a struct that deserialises from the `data` of a [`super::Record`] and refuses
//! unknown fields. [`validate`] turns any JSON into the canonical data of a kind, or into a
//! [`Invalid`] error that names the field and says, in French, what to do.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::vocabulary::*;
use super::{Kind, RecordId};

/// Why some data is not a valid record: the field, and a French sentence a facilitator can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Invalid { field: field.to_string(), message: message.into() }
    }
}

type Check = std::result::Result<(), Invalid>;

/// A reference from one record to another, checked by the store before a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub field: &'static str,
    pub id: RecordId,
    pub kind: Kind,
}

/// What the store needs to know of a valid record besides its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Validated {
    pub data: serde_json::Value,
    pub territory_id: Option<RecordId>,
    pub title: String,
    pub date: Option<String>,
    pub references: Vec<Reference>,
}

/// Behaviour shared by the data of every kind.
pub trait KindData: Serialize + DeserializeOwned {
    const KIND: Kind;
    /// Trims text and fills what can be derived (a pseudonym, a default title).
    fn normalise(&mut self) {}
    fn validate(&self) -> Check;
    fn territory_id(&self) -> Option<RecordId>;
    fn title(&self) -> String;
    fn date(&self) -> Option<String> {
        None
    }
    fn references(&self) -> Vec<Reference> {
        Vec::new()
    }
}

// ---------------------------------------------------------------- checks

fn required(field: &str, value: &str) -> Check {
    if value.trim().is_empty() {
        Err(Invalid::new(field, format!("le champ « {field} » est obligatoire")))
    } else {
        Ok(())
    }
}

fn max_len(field: &str, value: &str, max: usize) -> Check {
    if value.chars().count() > max {
        Err(Invalid::new(field, format!("le champ « {field} » dépasse {max} caractères")))
    } else {
        Ok(())
    }
}

/// A calendar day as `YYYY-MM-DD` that exists (no 30 February), between 1900 and 2200.
pub fn check_date(field: &str, value: &str) -> Check {
    let bad = || {
        Invalid::new(
            field,
            format!("le champ « {field} » attend une date existante au format AAAA-MM-JJ (entre 1900 et 2200)"),
        )
    };
    if value.len() != 10 {
        return Err(bad());
    }
    let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
    let year = chrono::Datelike::year(&day);
    if !(1900..=2200).contains(&year) {
        return Err(bad());
    }
    Ok(())
}

fn check_opt_date(field: &str, value: &Option<String>) -> Check {
    match value {
        Some(v) if !v.is_empty() => check_date(field, v),
        _ => Ok(()),
    }
}

fn check_range(field: &str, value: f64, min: f64, max: f64) -> Check {
    if !value.is_finite() || value < min || value > max {
        Err(Invalid::new(field, format!("le champ « {field} » doit être compris entre {min} et {max}")))
    } else {
        Ok(())
    }
}

fn check_finite(field: &str, value: Option<f64>) -> Check {
    match value {
        Some(v) if !v.is_finite() => Err(Invalid::new(field, format!("le champ « {field} » doit être un nombre"))),
        _ => Ok(()),
    }
}

fn trim(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_string();
    }
}

fn refs<'a>(field: &'static str, kind: Kind, ids: &'a [RecordId]) -> impl Iterator<Item = Reference> + 'a {
    ids.iter().map(move |id| Reference { field, id: *id, kind })
}

fn opt_ref(field: &'static str, kind: Kind, id: &Option<RecordId>) -> Option<Reference> {
    id.map(|id| Reference { field, id, kind })
}

// ---------------------------------------------------------------- kinds

/// Territoire.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "TerritoryData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Territory {
    pub name: String,
    pub kind: TerritoryKind,
    /// "93", "2A", "971"…
    #[serde(default)]
    pub departement_code: Option<String>,
    #[serde(default)]
    pub communes: Vec<String>,
    #[serde(default)]
    pub programme: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl KindData for Territory {
    const KIND: Kind = Kind::Territory;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.communes.iter_mut().for_each(trim);
        self.communes.retain(|c| !c.is_empty());
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)?;
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
    #[serde(default)]
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

/// Structure / acteur.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "OrganisationData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub territory_id: RecordId,
    pub name: String,
    pub category: ActorCategory,
    #[serde(default = "default_engagement")]
    pub engagement: Engagement,
    #[serde(default)]
    pub fields: Vec<InterventionField>,
    #[serde(default)]
    pub sub_territory: Option<String>,
    #[serde(default)]
    pub notes: String,
}

fn default_engagement() -> Engagement {
    Engagement::Professionnel
}

impl KindData for Organisation {
    const KIND: Kind = Kind::Organisation;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.fields.sort();
        self.fields.dedup();
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
}

/// A person's consent to the use of what they say, and how it was collected.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub status: ConsentStatus,
    #[serde(default)]
    pub date: Option<String>,
    /// "formulaire signé", "oral, enregistré"…
    #[serde(default)]
    pub how: String,
}

impl Default for Consent {
    fn default() -> Self {
        Consent { status: ConsentStatus::Pending, date: None, how: String::new() }
    }
}

impl Consent {
    fn validate(&self, field: &str) -> Check {
        check_opt_date(&format!("{field}.date"), &self.date)?;
        if matches!(self.status, ConsentStatus::Given | ConsentStatus::Withdrawn) && self.date.is_none() {
            return Err(Invalid::new(
                &format!("{field}.date"),
                "indiquez la date à laquelle le consentement a été donné ou retiré",
            ));
        }
        Ok(())
    }
}

/// Personne.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PersonData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub territory_id: RecordId,
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organisation_id: Option<RecordId>,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub consent: Consent,
    /// A stable pseudonym used in exports for the national level; derived when left empty.
    #[serde(default)]
    pub pseudonym: String,
    #[serde(default)]
    pub notes: String,
}

impl KindData for Person {
    const KIND: Kind = Kind::Person;
    fn normalise(&mut self) {
        trim(&mut self.name);
        trim(&mut self.pseudonym);
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        max_len("name", &self.name, 200)?;
        self.consent.validate("consent")
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
    fn references(&self) -> Vec<Reference> {
        opt_ref("organisation_id", Kind::Organisation, &self.organisation_id).into_iter().collect()
    }
}

/// Lien de coopération between two organisations.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "CooperationLinkData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CooperationLink {
    pub territory_id: RecordId,
    pub from_organisation_id: RecordId,
    pub to_organisation_id: RecordId,
    pub kind: LinkKind,
    /// 0 (none) to 3 (strong).
    pub intensity: u8,
    pub observed_on: String,
    /// The interview or workshop where the link was observed.
    #[serde(default)]
    pub source_id: Option<RecordId>,
    #[serde(default)]
    pub notes: String,
}

impl KindData for CooperationLink {
    const KIND: Kind = Kind::CooperationLink;
    fn validate(&self) -> Check {
        if self.intensity > 3 {
            return Err(Invalid::new(
                "intensity",
                "le champ « intensity » attend l'intensité du lien, de 0 à 3",
            ));
        }
        if self.from_organisation_id == self.to_organisation_id {
            return Err(Invalid::new("to_organisation_id", "un lien relie deux structures différentes"));
        }
        check_date("observed_on", &self.observed_on)
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        format!("Lien de coopération ({})", self.kind.label())
    }
    fn date(&self) -> Option<String> {
        Some(self.observed_on.clone())
    }
    fn references(&self) -> Vec<Reference> {
        vec![
            Reference { field: "from_organisation_id", id: self.from_organisation_id, kind: Kind::Organisation },
            Reference { field: "to_organisation_id", id: self.to_organisation_id, kind: Kind::Organisation },
        ]
    }
}

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
    #[serde(default)]
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
    #[serde(default)]
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
        }
        self.consent.validate("consent")
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.title.clone()
    }
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
    #[serde(default)]
    pub territory_id: Option<RecordId>,
    pub code: String,
    pub label: String,
    #[serde(default)]
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

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    #[serde(default)]
    pub person_id: Option<RecordId>,
    #[serde(default)]
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
    #[serde(default)]
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
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.title.clone()
    }
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

/// Priority of an action: a rank, or impact × feasibility (1 to 5 each).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    #[serde(default)]
    pub rank: Option<u32>,
    #[serde(default)]
    pub impact: Option<u8>,
    #[serde(default)]
    pub feasibility: Option<u8>,
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
    #[serde(default)]
    pub lead_organisation_id: Option<RecordId>,
    #[serde(default)]
    pub partner_ids: Vec<RecordId>,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default = "default_action_status")]
    pub status: ActionStatus,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub resources: String,
    /// The workshop whose decision created this action.
    #[serde(default)]
    pub source_workshop_id: Option<RecordId>,
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
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.title.clone()
    }
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
    #[serde(default)]
    pub action_id: Option<RecordId>,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
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
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
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

/// Pratique inspirante: the sheet of the programme (objectives, means, keys to success, results,
/// difficulties, contacts).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PracticeData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Practice {
    #[serde(default)]
    pub territory_id: Option<RecordId>,
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
    pub obtained_results: String,
    #[serde(default)]
    pub difficulties: String,
    #[serde(default)]
    pub contacts: String,
    #[serde(default)]
    pub theme_ids: Vec<RecordId>,
    #[serde(default)]
    pub action_id: Option<RecordId>,
    #[serde(default = "default_practice_status")]
    pub status: PracticeStatus,
}

fn default_practice_status() -> PracticeStatus {
    PracticeStatus::Brouillon
}

impl KindData for Practice {
    const KIND: Kind = Kind::Practice;
    fn normalise(&mut self) {
        trim(&mut self.title);
    }
    fn validate(&self) -> Check {
        required("title", &self.title)?;
        max_len("title", &self.title, 300)
    }
    fn territory_id(&self) -> Option<RecordId> {
        self.territory_id
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn references(&self) -> Vec<Reference> {
        refs("theme_ids", Kind::Theme, &self.theme_ids)
            .chain(opt_ref("action_id", Kind::Action, &self.action_id))
            .collect()
    }
}

/// Pièce jointe: a file kept by its content hash (the bytes live in the store's blob table).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "AttachmentData"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub territory_id: RecordId,
    /// The record the file belongs to (an interview, a workshop, a person's consent form…).
    #[serde(default)]
    pub record_id: Option<RecordId>,
    pub name: String,
    #[serde(default)]
    pub media_type: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    pub size: u64,
    #[serde(default)]
    pub description: String,
}

impl KindData for Attachment {
    const KIND: Kind = Kind::Attachment;
    fn normalise(&mut self) {
        trim(&mut self.name);
        self.sha256 = self.sha256.to_ascii_lowercase();
    }
    fn validate(&self) -> Check {
        required("name", &self.name)?;
        if self.name.contains('/') || self.name.contains('\\') || self.name.contains('\0') {
            return Err(Invalid::new("name", "le nom d'une pièce jointe ne peut pas contenir de chemin"));
        }
        if self.sha256.len() != 64 || !self.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Invalid::new("sha256", "l'empreinte SHA-256 doit compter 64 chiffres hexadécimaux"));
        }
        Ok(())
    }
    fn territory_id(&self) -> Option<RecordId> {
        Some(self.territory_id)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
}

// ---------------------------------------------------------------- dispatch

fn validate_as<T: KindData>(value: serde_json::Value) -> std::result::Result<Validated, Invalid> {
    check_text(&value, &mut String::new())?;
    let mut data: T = serde_path_to_error::deserialize(value).map_err(|e| explain_json_error(T::KIND, &e))?;
    data.normalise();
    data.validate()?;
    Ok(Validated {
        territory_id: data.territory_id(),
        title: data.title(),
        date: data.date(),
        references: data.references(),
        data: serde_json::to_value(&data).expect("a validated record serialises"),
    })
}

/// Checks `value` as the data of `kind` and returns its canonical form.
pub fn validate(kind: Kind, value: serde_json::Value) -> std::result::Result<Validated, Invalid> {
    if !value.is_object() {
        return Err(Invalid::new("", format!("les données d'un(e) {} doivent être un objet JSON", kind.label_fr())));
    }
    match kind {
        Kind::Territory => validate_as::<Territory>(value),
        Kind::Roadmap => validate_as::<Roadmap>(value),
        Kind::Organisation => validate_as::<Organisation>(value),
        Kind::Person => validate_as::<Person>(value),
        Kind::CooperationLink => validate_as::<CooperationLink>(value),
        Kind::InterviewGuide => validate_as::<InterviewGuide>(value),
        Kind::Interview => validate_as::<Interview>(value),
        Kind::Theme => validate_as::<Theme>(value),
        Kind::Workshop => validate_as::<Workshop>(value),
        Kind::Action => validate_as::<Action>(value),
        Kind::Indicator => validate_as::<Indicator>(value),
        Kind::Measurement => validate_as::<Measurement>(value),
        Kind::Practice => validate_as::<Practice>(value),
        Kind::Attachment => validate_as::<Attachment>(value),
    }
}

/// A character that has no place in a record's text: the C0 controls other than tab, line feed
/// and carriage return, and DEL (a NUL inside a name, an escape sequence…).
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Refuses control characters anywhere in the text of `value` (keys included), naming the field.
fn check_text(value: &serde_json::Value, path: &mut String) -> Check {
    use serde_json::Value;
    let bad = |path: &str| {
        let field = field_name(path);
        Invalid::new(
            &field,
            format!("le champ « {field} » contient un caractère invisible (caractère de contrôle) : retirez-le"),
        )
    };
    match value {
        Value::String(text) if text.chars().any(is_forbidden_char) => Err(bad(path)),
        Value::Array(items) => {
            let len = path.len();
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            let len = path.len();
            for (key, item) in map {
                if key.chars().any(is_forbidden_char) {
                    return Err(bad(path));
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_text(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A field name fit to be shown: a name the application defines (letters, digits, `_`, `.`,
/// indices), never text someone typed. Anything else is "un champ".
fn field_name(path: &str) -> String {
    let plain = !path.is_empty()
        && path.len() <= 80
        && path.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '[' | ']'));
    if plain {
        path.to_string()
    } else {
        "(champ inconnu)".to_string()
    }
}

/// What serde expected, in French, from the end of its English message ("…, expected a string").
fn expected_fr(raw: &str) -> &'static str {
    let expected = raw.rsplit("expected ").next().unwrap_or("");
    let e = expected.to_ascii_lowercase();
    if e.contains("uuid") {
        "un identifiant (UUID)"
    } else if e.starts_with("a string") || e.contains("char") {
        "du texte"
    } else if e.contains("bool") {
        "vrai ou faux (true / false)"
    } else if e.contains("sequence") || e.contains("array") || e.contains("tuple") {
        "une liste"
    } else if e.starts_with("struct") || e.contains("map") {
        "un objet (des champs entre accolades)"
    } else if e.starts_with('u') || e.starts_with('i') || e.contains("integer") {
        "un nombre entier positif"
    } else if e.starts_with('f') || e.contains("number") {
        "un nombre"
    } else if e.contains("version") {
        "une version (ms.compteur.appareil)"
    } else {
        "une valeur d'une autre forme"
    }
}

/// Turns serde's error into a French sentence that names the field and what is expected, and
/// never repeats the value received (it can be a name, a note, anything a person typed).
fn explain_json_error(kind: Kind, e: &serde_path_to_error::Error<serde_json::Error>) -> Invalid {
    let raw = e.inner().to_string();
    let at = e.path().to_string();
    let at = if at == "." { String::new() } else { at };
    let join = |name: &str| if at.is_empty() { name.to_string() } else { format!("{at}.{name}") };
    let quoted = |s: &str| s.split('`').nth(1).unwrap_or("").to_string();
    let what = kind.label_fr();
    if raw.starts_with("missing field") {
        let f = field_name(&join(&quoted(&raw)));
        Invalid::new(&f, format!("le champ « {f} » est obligatoire pour un(e) {what}"))
    } else if raw.starts_with("unknown field") {
        let f = field_name(&join(&quoted(&raw)));
        Invalid::new(&f, format!("le champ « {f} » n'existe pas pour un(e) {what}"))
    } else if raw.starts_with("unknown variant") {
        let f = field_name(&at);
        // The values listed come from the application's own lists, not from the input.
        let allowed = raw.split("expected ").nth(1).unwrap_or("").replace('`', "");
        let allowed = allowed.trim_start_matches("one of ");
        Invalid::new(&f, format!("le champ « {f} » n'accepte que ces valeurs : {allowed}"))
    } else if raw.starts_with("invalid length") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » n'a pas le nombre d'éléments attendu"))
    } else if raw.starts_with("invalid type") || raw.starts_with("invalid value") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » attend {}", expected_fr(&raw)))
    } else if raw.contains("UUID") || raw.contains("uuid") {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » attend un identifiant (UUID)"))
    } else {
        let f = field_name(&at);
        Invalid::new(&f, format!("le champ « {f} » n'a pas la forme attendue pour un(e) {what}"))
    }
}

/// The display title of a record (empty for a tombstone).
pub fn title_of(record: &super::Record) -> String {
    if record.deleted {
        return String::new();
    }
    validate(record.kind, record.data.clone()).map(|v| v.title).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn territory() -> String {
        RecordId::new().to_string()
    }

    #[test]
    fn an_impossible_date_is_refused_with_the_field_named() {
        let err = validate(Kind::Interview, json!({"territory_id": territory(), "title": "A", "date": "2026-02-30"}))
            .unwrap_err();
        assert_eq!(err.field, "date");
        assert!(!err.message.contains("2026-02-30"), "a message never echoes the value: {}", err.message);
        assert!(err.message.contains("AAAA-MM-JJ"), "{}", err.message);
    }

    #[test]
    fn an_empty_title_is_refused() {
        let err = validate(Kind::Action, json!({"territory_id": territory(), "title": "   "})).unwrap_err();
        assert_eq!(err.field, "title");
        assert!(err.message.contains("obligatoire"));
    }

    #[test]
    fn intensity_above_three_is_refused() {
        let err = validate(
            Kind::CooperationLink,
            json!({"territory_id": territory(), "from_organisation_id": territory(), "to_organisation_id": territory(),
                   "kind": "information", "intensity": 4, "observed_on": "2026-01-10"}),
        )
        .unwrap_err();
        assert_eq!(err.field, "intensity");
    }

    #[test]
    fn an_unknown_field_is_named_in_french() {
        let err = validate(Kind::Territory, json!({"name": "X", "kind": "qpv", "colour": "red"})).unwrap_err();
        assert!(err.message.contains("colour") && err.message.contains("n'existe pas"), "{}", err.message);
    }

    #[test]
    fn an_unknown_territory_kind_lists_the_possible_values() {
        let err = validate(Kind::Territory, json!({"name": "X", "kind": "planet"})).unwrap_err();
        assert!(!err.message.contains("planet") && err.message.contains("cite_educative"), "{}", err.message);
        assert_eq!(err.field, "kind");
    }

    #[test]
    fn canonical_data_fills_defaults_and_trims() {
        let v = validate(Kind::Territory, json!({"name": "  Orly ", "kind": "commune"})).unwrap();
        assert_eq!(v.data["name"], "Orly");
        assert_eq!(v.data["communes"], json!([]));
        assert_eq!(v.title, "Orly");
    }

    #[test]
    fn a_wrong_type_names_the_field_and_never_echoes_the_value() {
        let err = validate(
            Kind::Person,
            json!({"territory_id": territory(), "name": "P", "consent": "Jean Secretname a refusé"}),
        )
        .unwrap_err();
        assert_eq!(err.field, "consent");
        assert!(!err.message.contains("Secretname"), "{}", err.message);
        assert!(err.message.contains("objet"), "{}", err.message);
    }

    #[test]
    fn a_control_character_is_refused_with_the_field_named() {
        let err = validate(Kind::Territory, json!({"name": "Or\u{0}ly", "kind": "qpv"})).unwrap_err();
        assert_eq!(err.field, "name");
        let ok = validate(Kind::Territory, json!({"name": "Orly", "kind": "qpv", "notes": "ligne 1\nligne 2"}));
        assert!(ok.is_ok(), "line breaks are text: {ok:?}");
    }

    #[test]
    fn given_consent_needs_a_date() {
        let err =
            validate(Kind::Person, json!({"territory_id": territory(), "name": "P", "consent": {"status": "given"}}))
                .unwrap_err();
        assert_eq!(err.field, "consent.date");
    }
}

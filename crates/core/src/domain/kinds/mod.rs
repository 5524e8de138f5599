//! The fields of each kind of record and their invariants.
//!
//! Each kind is a struct that deserialises from the `data` of a [`super::Record`] and refuses
//! unknown fields. [`validate`] turns any JSON into the canonical data of a kind, or into a
//! [`Invalid`] error that names the field and says, in French, what to do.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{Kind, RecordId};

mod actors;
mod charter;
mod committee;
mod explain;
mod interviews;
mod plan;
mod practices;
mod territory;
mod workshops;

pub use actors::*;
pub use charter::*;
pub use committee::*;
pub(crate) use explain::field_name;
pub use explain::is_forbidden_char;
use explain::{check_text, explain_json_error, fit};
pub use interviews::*;
pub use plan::*;
pub use practices::*;
pub use territory::*;
pub use workshops::*;

/// Why some data is not a valid record: the field, and a French sentence a facilitator can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    /// A refusal of `field`; where the message names the field (« field »), it is named in French.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        let message = message.into().replace(&format!("« {field} »"), &format!("« {} »", explain::field_label(field)));
        Invalid { field: field.to_string(), message }
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

/// The `territory_id` and `title` of a kind that belongs to one territory and is titled by one
/// of its text fields.
macro_rules! in_territory_titled_by {
    ($field:ident) => {
        fn territory_id(&self) -> Option<RecordId> {
            Some(self.territory_id)
        }
        fn title(&self) -> String {
            self.$field.clone()
        }
    };
}
use in_territory_titled_by;

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
    if value.trim().is_empty() {
        return Err(Invalid::new(field, format!("le champ « {field} » est obligatoire : indiquez une date")));
    }
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

// ---------------------------------------------------------------- dispatch

fn validate_as<T: KindData>(value: serde_json::Value) -> std::result::Result<Validated, Invalid> {
    check_text(&value, &mut String::new())?;
    let mut data: T = fit(value).map_err(|e| explain_json_error(T::KIND, &e))?;
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
        return Err(Invalid::new(
            "data",
            format!("le champ « data » d'un(e) {} attend un objet JSON (des champs entre accolades)", kind.label_fr()),
        ));
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
        Kind::CommonGoal => validate_as::<CommonGoal>(value),
        Kind::Charter => validate_as::<Charter>(value),
        Kind::PracticeReview => validate_as::<PracticeReview>(value),
        Kind::LibrarySheet => validate_as::<LibrarySheet>(value),
        Kind::NationalMeeting => validate_as::<NationalMeeting>(value),
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
mod tests_table;

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

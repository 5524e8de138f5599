//! What a retention purge keeps of a territory's records: the aggregates the programme reads —
//! passages per theme and per actor category, actions, indicators and measurements, the
//! cooperation map by category, workshops and their attendance — and none of the free texts or
//! names. Persons themselves are erased (`scrub`); attachments are deleted.
//!
//! [`strip`] is idempotent, and a record "holds personal data" ([`holds_personal_data`]) exactly
//! when a purge would still change it.

use serde_json::{Map, Value};

use super::french_day;
use crate::domain::vocabulary::WorkshopKind;
use crate::domain::Kind;

/// What a passage's text becomes: its themes and its place in the interview are kept.
pub const PURGED_TEXT: &str = "[texte purgé]";
/// A participant known only by a name becomes this (their attendance is kept).
pub const PURGED_PARTICIPANT: &str = "Participant·e";

fn clear(map: &mut Map<String, Value>, keys: &[&str]) {
    for key in keys {
        if let Some(v) = map.get_mut(*key) {
            match v {
                Value::String(s) => s.clear(),
                Value::Array(a) => a.clear(),
                Value::Object(o) => o.clear(),
                _ => {}
            }
        }
    }
}

/// The data of a record of the territory once purged on `today`. Persons and attachments are not
/// stripped but erased and deleted: their data comes back unchanged.
pub fn strip(kind: Kind, data: &Value, today: &str) -> Value {
    let mut out = data.clone();
    let Some(map) = out.as_object_mut() else { return out };
    let day = map.get("date").and_then(Value::as_str).map(french_day).unwrap_or_default();
    match kind {
        Kind::Territory => {
            clear(map, &["notes"]);
            if map.get("purged_on").and_then(Value::as_str).is_none() {
                map.insert("purged_on".into(), Value::String(today.to_string()));
            }
        }
        Kind::Roadmap => clear(map, &["stakes", "context", "questions", "actors_note", "project_organisation"]),
        Kind::Organisation | Kind::CooperationLink | Kind::Indicator => clear(map, &["notes"]),
        Kind::Action => clear(map, &["notes", "resources"]),
        Kind::Measurement => clear(map, &["comment"]),
        Kind::Practice => clear(map, &["contacts"]),
        // Headquarters' own records, in no territory: a territory's purge never reaches them.
        Kind::PracticeReview | Kind::LibrarySheet | Kind::NationalMeeting => {}
        Kind::CommonGoal => {
            clear(map, &["scenario"]);
            map.insert("goal".into(), Value::String(PURGED_TEXT.into()));
        }
        Kind::Charter => {
            clear(map, &["values", "rules", "objectives"]);
            // Who adhered stays (the cooperation map by category); what each wrote goes.
            if let Some(partners) = map.get_mut("partners").and_then(Value::as_array_mut) {
                for p in partners.iter_mut().filter_map(Value::as_object_mut) {
                    clear(p, &["interest", "commitments", "representative"]);
                }
            }
        }
        Kind::Interview => {
            clear(map, &["place", "interviewer", "person_ids", "answers", "notes"]);
            map.insert("title".into(), Value::String(format!("Entretien du {day}")));
            if let Some(passages) = map.get_mut("passages").and_then(Value::as_array_mut) {
                for p in passages.iter_mut().filter_map(Value::as_object_mut) {
                    p.insert("text".into(), Value::String(PURGED_TEXT.into()));
                    p.remove("person_id");
                }
            }
        }
        Kind::Workshop => {
            clear(map, &["place", "agenda", "notes"]);
            let label = map
                .get("kind")
                .and_then(|k| serde_json::from_value::<WorkshopKind>(k.clone()).ok())
                .map(WorkshopKind::label)
                .unwrap_or("Atelier");
            map.insert("title".into(), Value::String(format!("{label} du {day}")));
            if let Some(participants) = map.get_mut("participants").and_then(Value::as_array_mut) {
                for p in participants.iter_mut().filter_map(Value::as_object_mut) {
                    let by_structure = p.get("organisation_id").is_some_and(|o| !o.is_null());
                    p.insert("person_id".into(), Value::Null);
                    let name = if by_structure { "" } else { PURGED_PARTICIPANT };
                    p.insert("name".into(), Value::String(name.into()));
                }
            }
        }
        Kind::Person | Kind::Attachment | Kind::InterviewGuide | Kind::Theme => {}
    }
    out
}

/// Whether a live record holds personal data or free text: a person, an attachment, or any record
/// a purge would still change (a territory only for its notes).
pub fn holds_personal_data(kind: Kind, data: &Value) -> bool {
    match kind {
        Kind::Person | Kind::Attachment => true,
        Kind::Territory => data["notes"].as_str().is_some_and(|n| !n.is_empty()),
        _ => strip(kind, data, "") != *data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_purged_interview_keeps_its_themes_and_loses_its_words_once_for_all() {
        let theme = "0192c3a4-0000-7000-8000-000000000009";
        let data = json!({"title": "Entretien avec Jeanne Martin", "date": "2026-02-03", "place": "Mairie",
            "interviewer": "Camille", "person_ids": ["0192c3a4-0000-7000-8000-000000000001"],
            "answers": {"q1": "Oui"}, "notes": "N", "theme_ids": [theme], "status": "complet",
            "passages": [{"source": "q1", "text": "Mot", "theme_ids": [theme], "quote": true,
                          "person_id": "0192c3a4-0000-7000-8000-000000000001"}]});
        assert!(holds_personal_data(Kind::Interview, &data));
        let purged = strip(Kind::Interview, &data, "2030-01-01");
        assert_eq!(purged["title"], "Entretien du 03/02/2026");
        assert_eq!(
            purged["passages"],
            json!([{"source": "q1", "text": PURGED_TEXT, "theme_ids": [theme], "quote": true}])
        );
        assert_eq!(purged["answers"], json!({}));
        assert_eq!(purged["theme_ids"], json!([theme]));
        assert!(!holds_personal_data(Kind::Interview, &purged), "a purge changes it no more");
    }

    #[test]
    fn a_workshop_keeps_its_attendance() {
        let data = json!({"kind": "copil", "title": "COPIL avec Mme X", "date": "2026-03-01", "place": "P",
            "participants": [{"name": "Mme X", "person_id": null, "organisation_id": null, "attendance": "present"}],
            "agenda": ["a"], "notes": [], "decisions": []});
        let purged = strip(Kind::Workshop, &data, "2030-01-01");
        assert_eq!(purged["participants"][0]["name"], PURGED_PARTICIPANT);
        assert_eq!(purged["participants"][0]["attendance"], "present");
        assert!(purged["title"].as_str().unwrap().ends_with("du 01/03/2026"));
        assert!(!holds_personal_data(Kind::Workshop, &purged));
    }
}

//! Every rule of every kind, as a table: a valid record, then one change that breaks one rule and
//! the field the refusal must name. The refusal never repeats the value it refused.

use serde_json::{json, Value};

use super::*;

const T: &str = "0192c3a4-0000-7000-8000-000000000001";
const O: &str = "0192c3a4-0000-7000-8000-000000000002";
const O2: &str = "0192c3a4-0000-7000-8000-000000000003";
const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A valid record of each kind, the smallest one.
fn base(kind: Kind) -> Value {
    match kind {
        Kind::Territory => json!({"name": "Orly", "kind": "commune"}),
        Kind::Roadmap => json!({"territory_id": T}),
        Kind::Organisation => json!({"territory_id": T, "name": "PMI", "category": "autre_association"}),
        Kind::Person => json!({"territory_id": T, "name": "Mme Lefort"}),
        Kind::CooperationLink => json!({"territory_id": T, "from_organisation_id": O, "to_organisation_id": O2,
                                        "kind": "information", "intensity": 2, "observed_on": "2026-11-22"}),
        Kind::InterviewGuide => json!({"code": "g", "title": "Guide",
                                       "sections": [{"code": "s", "title": "S", "questions": [{"code": "q1", "text": "Q ?"}]}]}),
        Kind::Interview => json!({"territory_id": T, "title": "Principale", "date": "2026-11-22"}),
        Kind::Theme => json!({"code": "freins", "label": "Freins"}),
        Kind::Workshop => json!({"territory_id": T, "kind": "copil", "title": "COPIL", "date": "2026-11-22"}),
        Kind::Action => json!({"territory_id": T, "title": "Petit-déjeuner des partenaires"}),
        Kind::Indicator => json!({"territory_id": T, "name": "Partenaires présents"}),
        Kind::Measurement => json!({"territory_id": T, "indicator_id": O, "date": "2026-11-22", "value": 3}),
        Kind::Practice => json!({"title": "Référent unique"}),
        Kind::Attachment => json!({"territory_id": T, "name": "photo.jpg", "sha256": SHA, "size": 10}),
        Kind::CommonGoal => json!({"territory_id": T, "goal": "Aucun élève sans solution à la rentrée"}),
        Kind::Charter => json!({"territory_id": T}),
        Kind::PracticeReview => json!({"practice_id": O, "reviewer": "Département", "relevance": 3, "originality": 2,
                                       "effectiveness": 4, "reviewed_on": "2026-11-22"}),
        Kind::LibrarySheet => {
            json!({"practice_id": O, "decision": "retenue", "decided_on": "2026-11-22", "title": "Référent unique"})
        }
        Kind::NationalMeeting => json!({"meeting_kind": "copil_national", "held_on": "2026-11-22",
                                        "title": "Comité de pilotage national de novembre"}),
    }
}

/// Merges `change` into `base` (objects key by key; anything else replaces).
fn merged(mut base: Value, change: &Value) -> Value {
    if let (Some(b), Some(c)) = (base.as_object_mut(), change.as_object()) {
        for (k, v) in c {
            if v.is_null() {
                b.remove(k);
            } else {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    base
}

#[test]
fn every_base_record_is_valid() {
    for kind in Kind::ALL {
        if let Err(e) = validate(kind, base(kind)) {
            panic!("{kind}: {e:?}");
        }
    }
}

#[test]
fn every_rule_of_every_kind_refuses_with_its_field_named() {
    let secret = "Zorglub-Secret";
    let long = "x".repeat(301);
    #[rustfmt::skip]
    let table: Vec<(Kind, Value, &str)> = vec![
        (Kind::Territory, json!({"name": "  "}), "name"),
        (Kind::Territory, json!({"name": "x".repeat(201)}), "name"),
        (Kind::Territory, json!({"kind": secret}), "kind"),
        (Kind::Territory, json!({"departement_code": secret}), "departement_code"),
        (Kind::Territory, json!({"communes": secret}), "communes"),
        (Kind::Territory, json!({"colour": "rouge"}), "colour"),
        (Kind::Territory, json!({"name": null}), "name"),
        (Kind::Territory, json!({"grid_checks": [{"code": secret, "checked_on": "2026-01-01"}]}), "grid_checks[0].code"),
        (Kind::Territory, json!({"grid_checks": [{"code": "charte", "checked_on": "2026-01-01"}, {"code": "charte", "checked_on": "2026-01-02"}]}), "grid_checks"),
        (Kind::Territory, json!({"grid_checks": [{"code": "charte", "checked_on": secret}]}), "grid_checks.checked_on"),
        (Kind::Roadmap, json!({"launched_on": secret}), "launched_on"),
        (Kind::Roadmap, json!({"territory_id": secret}), "territory_id"),
        (Kind::Roadmap, json!({"objectives": [secret, 3]}), "objectives[1]"),
        (Kind::Organisation, json!({"name": ""}), "name"),
        (Kind::Organisation, json!({"category": secret}), "category"),
        (Kind::Organisation, json!({"engagement": secret}), "engagement"),
        (Kind::Organisation, json!({"fields": [secret]}), "fields[0]"),
        (Kind::Person, json!({"name": " "}), "name"),
        (Kind::Person, json!({"consent": secret}), "consent"),
        (Kind::Person, json!({"consent": {"status": "given"}}), "consent.date"),
        (Kind::Person, json!({"consent": {"status": "withdrawn"}}), "consent.date"),
        (Kind::Person, json!({"consent": {"status": "given", "date": secret}}), "consent.date"),
        (Kind::Person, json!({"consent": {"status": secret}}), "consent.status"),
        (Kind::Person, json!({"organisation_id": secret}), "organisation_id"),
        (Kind::CooperationLink, json!({"intensity": 4}), "intensity"),
        (Kind::CooperationLink, json!({"intensity": -1}), "intensity"),
        (Kind::CooperationLink, json!({"to_organisation_id": O}), "to_organisation_id"),
        (Kind::CooperationLink, json!({"observed_on": "2026-02-30"}), "observed_on"),
        (Kind::CooperationLink, json!({"kind": secret}), "kind"),
        (Kind::InterviewGuide, json!({"title": ""}), "title"),
        (Kind::InterviewGuide, json!({"sections": [{"code": "s", "title": "S", "questions": [{"code": "", "text": "Q"}]}]}), "sections.questions.code"),
        (Kind::InterviewGuide, json!({"sections": [{"code": "s", "title": "S", "questions": [{"code": "q", "text": " "}]}]}), "sections.questions.text"),
        (Kind::InterviewGuide, json!({"sections": [{"code": "s", "title": "S", "questions": [{"code": "q", "text": "A"}, {"code": "q", "text": "B"}]}]}), "sections"),
        (Kind::Interview, json!({"title": ""}), "title"),
        (Kind::Interview, json!({"title": long}), "title"),
        (Kind::Interview, json!({"date": secret}), "date"),
        (Kind::Interview, json!({"date": "1850-01-01"}), "date"),
        (Kind::Interview, json!({"passages": [{"source": "notes", "text": " "}]}), "passages.text"),
        (Kind::Interview, json!({"status": secret}), "status"),
        (Kind::Interview, json!({"answers": {"q1": 3}}), "answers.q1"),
        (Kind::Interview, json!({"person_ids": [secret]}), "person_ids[0]"),
        (Kind::Theme, json!({"code": " "}), "code"),
        (Kind::Theme, json!({"label": ""}), "label"),
        (Kind::Workshop, json!({"title": ""}), "title"),
        (Kind::Workshop, json!({"date": secret}), "date"),
        (Kind::Workshop, json!({"kind": secret}), "kind"),
        (Kind::Workshop, json!({"decisions": [{"text": " "}]}), "decisions.text"),
        (Kind::Workshop, json!({"participants": [{"name": " "}]}), "participants"),
        (Kind::Workshop, json!({"participants": [{"name": "A", "attendance": secret}]}), "participants[0].attendance"),
        (Kind::Action, json!({"title": ""}), "title"),
        (Kind::Action, json!({"title": long}), "title"),
        (Kind::Action, json!({"start_date": secret}), "start_date"),
        (Kind::Action, json!({"start_date": "2026-05-01", "end_date": "2026-04-01"}), "end_date"),
        (Kind::Action, json!({"priority": {"impact": 6}}), "priority.impact"),
        (Kind::Action, json!({"priority": {"feasibility": 0}}), "priority.feasibility"),
        (Kind::Action, json!({"status": secret}), "status"),
        (Kind::Indicator, json!({"name": ""}), "name"),
        (Kind::Indicator, json!({"baseline": secret}), "baseline"),
        (Kind::Measurement, json!({"date": "2026-13-01"}), "date"),
        (Kind::Measurement, json!({"value": secret}), "value"),
        (Kind::Measurement, json!({"indicator_id": null}), "indicator_id"),
        (Kind::Practice, json!({"title": ""}), "title"),
        (Kind::Practice, json!({"title": long}), "title"),
        (Kind::Practice, json!({"status": secret}), "status"),
        (Kind::Attachment, json!({"name": "../etc/passwd"}), "name"),
        (Kind::Attachment, json!({"name": ""}), "name"),
        (Kind::Attachment, json!({"sha256": "abc"}), "sha256"),
        (Kind::Attachment, json!({"size": -3}), "size"),
        (Kind::CommonGoal, json!({"goal": " "}), "goal"),
        (Kind::CommonGoal, json!({"agreed_on": secret}), "agreed_on"),
        (Kind::CommonGoal, json!({"indicator_ids": [secret]}), "indicator_ids[0]"),
        (Kind::Charter, json!({"status": secret}), "status"),
        (Kind::Charter, json!({"status": "adoptee"}), "adopted_on"),
        (Kind::Charter, json!({"adopted_on": "2026-02-30"}), "adopted_on"),
        (Kind::Charter, json!({"partners": [{"organisation_id": O}, {"organisation_id": O}]}), "partners"),
        (Kind::Charter, json!({"partners": [{"organisation_id": O, "representative": "y".repeat(201)}]}), "partners.representative"),
        (Kind::Charter, json!({"partners": [{"organisation_id": secret}]}), "partners[0].organisation_id"),
        (Kind::PracticeReview, json!({"relevance": 5}), "relevance"),
        (Kind::PracticeReview, json!({"originality": 0}), "originality"),
        (Kind::PracticeReview, json!({"effectiveness": secret}), "effectiveness"),
        (Kind::PracticeReview, json!({"reviewer": " "}), "reviewer"),
        (Kind::PracticeReview, json!({"reviewed_on": "2026-02-30"}), "reviewed_on"),
        (Kind::LibrarySheet, json!({"decision": secret}), "decision"),
        (Kind::LibrarySheet, json!({"decision": "ecartee"}), "reasons"),
        (Kind::LibrarySheet, json!({"decision": "ecartee", "reasons": "Trop local", "published_on": "2026-12-01"}), "published_on"),
        (Kind::LibrarySheet, json!({"title": ""}), "title"),
        (Kind::NationalMeeting, json!({"meeting_kind": secret}), "meeting_kind"),
        (Kind::NationalMeeting, json!({"held_on": "2026-02-30"}), "held_on"),
        (Kind::NationalMeeting, json!({"title": " "}), "title"),
        (Kind::NationalMeeting, json!({"participants": [{"territory_id": secret, "who": "Cheffe de projet"}]}), "participants[0].territory_id"),
        (Kind::NationalMeeting, json!({"participants": [{"territory_id": T, "who": " "}]}), "participants.who"),
        (Kind::NationalMeeting, json!({"decisions": [{"text": " "}]}), "decisions.text"),
        (Kind::NationalMeeting, json!({"follow_ups": [{"text": "Envoyer le bilan", "territory_id": T, "due_on": "2026-13-01"}]}), "follow_ups.due_on"),
        (Kind::Action, json!({"inspired_by": secret}), "inspired_by"),
    ];
    for (kind, change, field) in &table {
        let data = merged(base(*kind), change);
        let err = validate(*kind, data).expect_err(&format!("{kind} {change} must be refused"));
        assert_eq!(err.field, *field, "{kind} {change}: {}", err.message);
        assert!(!err.message.contains(secret) && !err.message.contains("Zorglub"), "{kind} {change}: {}", err.message);
    }
    // Every kind has at least one rule in the table.
    for kind in Kind::ALL {
        assert!(table.iter().any(|(k, _, _)| *k == kind), "no refusal tested for {kind}");
    }
}

#[test]
fn an_empty_end_date_is_no_date() {
    let v = validate(Kind::Action, merged(base(Kind::Action), &json!({"start_date": "2026-05-01", "end_date": ""})))
        .unwrap();
    assert_eq!(v.data["end_date"], Value::Null);
}

/// An optional field left out reads as none (serde's derive does so for every `Option` field, with
/// no `#[serde(default)]`), through the same path as every record: `validate`.
#[test]
fn a_missing_optional_field_reads_as_none() {
    let optional: &[(Kind, &[&str])] = &[
        (Kind::Territory, &["departement_code", "programme"]),
        (Kind::Roadmap, &["launched_on"]),
        (Kind::Organisation, &["sub_territory"]),
        (Kind::Person, &["organisation_id"]),
        (Kind::CooperationLink, &["source_id"]),
        (Kind::InterviewGuide, &["territory_id"]),
        (Kind::Interview, &["guide_id"]),
        (Kind::Theme, &["territory_id", "parent_id"]),
        (Kind::Action, &["lead_organisation_id", "start_date", "end_date", "source_workshop_id", "inspired_by"]),
        (Kind::Indicator, &["action_id", "baseline", "target"]),
        (Kind::Practice, &["territory_id", "action_id"]),
        (Kind::Attachment, &["record_id"]),
        (Kind::CommonGoal, &["workshop_id", "agreed_on"]),
        (Kind::Charter, &["adopted_on", "workshop_id"]),
        (Kind::LibrarySheet, &["territory_kind", "departement_code", "published_on"]),
    ];
    for (kind, fields) in optional {
        let data = validate(*kind, base(*kind)).unwrap_or_else(|e| panic!("{kind}: {e:?}")).data;
        for field in *fields {
            assert_eq!(data.get(field), Some(&Value::Null), "{kind}.{field}");
        }
    }
    // The same inside nested objects.
    let action = validate(Kind::Action, merged(base(Kind::Action), &json!({"priority": {}}))).unwrap();
    assert_eq!(action.data["priority"], json!({"rank": null, "impact": null, "feasibility": null}));
    let person =
        validate(Kind::Person, merged(base(Kind::Person), &json!({"consent": {"status": "pending"}}))).unwrap();
    assert_eq!(person.data["consent"]["date"], Value::Null);
    let workshop = json!({"participants": [{"name": "A"}], "decisions": [{"text": "D"}]});
    let workshop = validate(Kind::Workshop, merged(base(Kind::Workshop), &workshop)).unwrap();
    assert_eq!(workshop.data["participants"][0]["person_id"], Value::Null);
    assert_eq!(workshop.data["decisions"][0]["action_id"], Value::Null);
}

//! Consent that governs what leaves: a passage (tagged or verbatim) is attributed to persons, and
//! it may appear outside its interview — a national export, a report — only when the interview's
//! consent and every one of those persons' consent is *given*.
//!
//! [`exportable_passages`] is the one function every export and report asks; the interview screen
//! shows the same answer passage by passage, with [`withheld_sentence`] counting what stays.

use crate::domain::kinds::{Interview, Passage};
use crate::domain::vocabulary::ConsentStatus;
use crate::domain::RecordId;

/// The persons whose words a passage holds: the one it is attributed to, or, when it names
/// none, every person of the interview (who said what is not known: each of them).
pub fn speakers(interview: &Interview, passage: &Passage) -> Vec<RecordId> {
    match passage.person_id {
        Some(p) => vec![p],
        None => interview.person_ids.clone(),
    }
}

/// How strongly a consent state holds a passage back: refused first, then withdrawn, then not
/// collected; given holds nothing back.
fn severity(status: ConsentStatus) -> u8 {
    match status {
        ConsentStatus::Refused => 3,
        ConsentStatus::Withdrawn => 2,
        ConsentStatus::Pending => 1,
        ConsentStatus::Given => 0,
    }
}

/// Why `passage` may not leave its interview: the consent state that holds it back (the
/// interview's own, or one of its speakers'; a person this store does not hold counts as not
/// collected). `None`: it may leave.
pub fn passage_gate(
    interview: &Interview,
    passage: &Passage,
    consent_of: &dyn Fn(RecordId) -> Option<ConsentStatus>,
) -> Option<ConsentStatus> {
    std::iter::once(interview.consent.status)
        .chain(speakers(interview, passage).into_iter().map(|p| consent_of(p).unwrap_or(ConsentStatus::Pending)))
        .filter(|s| *s != ConsentStatus::Given)
        .max_by_key(|s| severity(*s))
}

/// The passages of `interview` that may appear outside it, with their rank in the interview
/// (0-based): the one rule for national exports and reports.
pub fn exportable_passages<'a>(
    interview: &'a Interview,
    consent_of: &dyn Fn(RecordId) -> Option<ConsentStatus>,
) -> Vec<(usize, &'a Passage)> {
    interview.passages.iter().enumerate().filter(|(_, p)| passage_gate(interview, p, consent_of).is_none()).collect()
}

fn reason(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Pending => "consentement non recueilli",
        ConsentStatus::Refused => "consentement refusé",
        ConsentStatus::Withdrawn => "consentement retiré",
        ConsentStatus::Given => "consentement donné",
    }
}

/// « 3 verbatims non exportables : consentement non recueilli » — `what` is `(singular, plural)`,
/// `held` the reason of each passage held back. `None` when nothing is held back. Several
/// reasons are counted each: « … : consentement non recueilli (2), consentement retiré (1) ».
pub fn withheld_sentence(what: (&str, &str), held: &[ConsentStatus]) -> Option<String> {
    if held.is_empty() {
        return None;
    }
    let n = held.len();
    let (noun, adjective) = if n == 1 { (what.0, "non exportable") } else { (what.1, "non exportables") };
    let mut reasons: Vec<(ConsentStatus, usize)> = Vec::new();
    for s in held {
        match reasons.iter_mut().find(|(r, _)| r == s) {
            Some((_, count)) => *count += 1,
            None => reasons.push((*s, 1)),
        }
    }
    reasons.sort_by_key(|(s, _)| std::cmp::Reverse(severity(*s)));
    let because = if reasons.len() == 1 {
        reason(reasons[0].0).to_string()
    } else {
        reasons.iter().map(|(s, c)| format!("{} ({c})", reason(*s))).collect::<Vec<_>>().join(", ")
    };
    Some(format!("{n} {noun} {adjective} : {because}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn interview(persons: &[RecordId], passages: serde_json::Value) -> Interview {
        serde_json::from_value(json!({
            "territory_id": RecordId::new(), "title": "E", "date": "2026-01-01", "person_ids": persons,
            "passages": passages, "consent": {"status": "given", "date": "2026-01-01"}}))
        .unwrap()
    }

    #[test]
    fn a_passage_leaves_only_when_every_speaker_consented() {
        let (a, b) = (RecordId::new(), RecordId::new());
        let iv = interview(
            &[a, b],
            json!([{"source": "q1", "text": "x", "quote": true},
                   {"source": "q1", "text": "y", "quote": true, "person_id": a},
                   {"source": "q1", "text": "z", "person_id": b}]),
        );
        let consent = |p: RecordId| Some(if p == a { ConsentStatus::Given } else { ConsentStatus::Withdrawn });
        let out: Vec<usize> = exportable_passages(&iv, &consent).into_iter().map(|(i, _)| i).collect();
        assert_eq!(out, [1], "attributed to a alone; the others hold b's words");
        assert_eq!(passage_gate(&iv, &iv.passages[2], &consent), Some(ConsentStatus::Withdrawn));
        let unknown = |_: RecordId| None;
        assert_eq!(passage_gate(&iv, &iv.passages[1], &unknown), Some(ConsentStatus::Pending));
    }

    #[test]
    fn the_interview_s_own_consent_holds_back_too() {
        let a = RecordId::new();
        let mut iv = interview(&[a], json!([{"source": "notes", "text": "x"}]));
        iv.consent.status = ConsentStatus::Refused;
        assert_eq!(passage_gate(&iv, &iv.passages[0], &|_| Some(ConsentStatus::Given)), Some(ConsentStatus::Refused));
    }

    #[test]
    fn the_sentence_counts_and_names_the_reasons() {
        let v = ("verbatim", "verbatims");
        assert_eq!(withheld_sentence(v, &[]), None);
        assert_eq!(
            withheld_sentence(v, &[ConsentStatus::Pending; 3]).unwrap(),
            "3 verbatims non exportables : consentement non recueilli"
        );
        assert_eq!(
            withheld_sentence(v, &[ConsentStatus::Refused]).unwrap(),
            "1 verbatim non exportable : consentement refusé"
        );
        assert_eq!(
            withheld_sentence(v, &[ConsentStatus::Pending, ConsentStatus::Withdrawn, ConsentStatus::Pending]).unwrap(),
            "3 verbatims non exportables : consentement retiré (1), consentement non recueilli (2)"
        );
    }
}

//! What an erasure does to one version of one record: the same function on every store, for the
//! versions it holds when the marker arrives (records and kept conflict versions, rewritten in
//! place) and for every version that arrives afterwards (an older bundle replayed).
//!
//! By id, everywhere and whatever the store knows: the person's record and the attachments of
//! their record go ([`Scrubbed::Dropped`]); an interview loses them from its persons and loses the
//! passages attributed to them (`consent::speakers`: a passage that names nobody holds every
//! interviewee's words); a workshop's participant keeps their attendance under their derived
//! pseudonym. By name, where the store knows it (it held the person when the marker arrived, or
//! the bundle carries the person it skips): the exact name in any text of the person's territory
//! becomes their pseudonym.

use std::collections::HashSet;

use serde_json::Value;

use crate::domain::{Kind, RecordId};

/// An erased person's name as this store knows it while erasing them (never kept afterwards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownName {
    pub person_id: RecordId,
    pub territory_id: RecordId,
    pub name: String,
    pub pseudonym: String,
}

/// The erased persons, and the names known of some of them.
#[derive(Debug, Clone, Copy)]
pub struct Erased<'a> {
    pub ids: &'a HashSet<RecordId>,
    pub names: &'a [KnownName],
}

#[derive(Debug, Clone, PartialEq)]
pub enum Scrubbed {
    /// Nothing of an erased person in it.
    Kept,
    /// The record itself goes: an erased person, or an attachment of their record.
    Dropped,
    /// The same version without what the erasure takes out.
    Changed { data: Value, passages_removed: u32 },
}

/// A name shorter than this is not looked for in texts (a lone initial would rewrite every word).
const MIN_NAME_CHARS: usize = 3;

fn erased_id(ids: &HashSet<RecordId>, value: &Value) -> bool {
    value.as_str().and_then(|s| RecordId::parse(s).ok()).is_some_and(|id| ids.contains(&id))
}

/// One version of a record, against the erasures: `territory` is its envelope's territory (its
/// own id for a territory), `deleted` whether it is a tombstone (which holds nothing).
pub fn scrub(
    kind: Kind,
    id: RecordId,
    territory: Option<RecordId>,
    deleted: bool,
    data: &Value,
    erased: &Erased<'_>,
) -> Scrubbed {
    if erased.ids.contains(&id) {
        return Scrubbed::Dropped;
    }
    if deleted {
        return Scrubbed::Kept;
    }
    if kind == Kind::Attachment && erased_id(erased.ids, &data["record_id"]) {
        return Scrubbed::Dropped;
    }
    let mut out = data.clone();
    let mut passages_removed = 0u32;
    match kind {
        Kind::Interview => {
            let among = out["person_ids"].as_array().is_some_and(|ps| ps.iter().any(|p| erased_id(erased.ids, p)));
            if let Some(persons) = out.get_mut("person_ids").and_then(Value::as_array_mut) {
                persons.retain(|p| !erased_id(erased.ids, p));
            }
            if let Some(passages) = out.get_mut("passages").and_then(Value::as_array_mut) {
                let before = passages.len();
                passages.retain(|p| match p.get("person_id").filter(|v| !v.is_null()) {
                    Some(person) => !erased_id(erased.ids, person),
                    None => !among,
                });
                passages_removed = (before - passages.len()) as u32;
            }
        }
        Kind::Workshop => {
            if let Some(participants) = out.get_mut("participants").and_then(Value::as_array_mut) {
                for p in participants.iter_mut().filter(|p| erased_id(erased.ids, &p["person_id"])) {
                    let person = p["person_id"].as_str().and_then(|s| RecordId::parse(s).ok());
                    if let (Some(person), Some(map)) = (person, p.as_object_mut()) {
                        map.insert("person_id".into(), Value::Null);
                        map.insert("name".into(), Value::String(super::pseudonym_for(person)));
                    }
                }
            }
        }
        _ => {}
    }
    for known in erased.names.iter().filter(|n| territory == Some(n.territory_id)) {
        replace_in_texts(&mut out, &known.name, &known.pseudonym);
    }
    if out == *data {
        Scrubbed::Kept
    } else {
        Scrubbed::Changed { data: out, passages_removed }
    }
}

/// Replaces `name` by `pseudonym` in every text of `value` (not in keys).
pub fn replace_in_texts(value: &mut Value, name: &str, pseudonym: &str) {
    match value {
        Value::String(s) => {
            if let Some(new) = replace_name(s, name, pseudonym) {
                *s = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_in_texts(v, name, pseudonym)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_in_texts(v, name, pseudonym)),
        _ => {}
    }
}

/// `text` with every occurrence of `name` that stands as words of its own (not inside a longer
/// word) replaced by `pseudonym`; `None` when there is none.
pub fn replace_name(text: &str, name: &str, pseudonym: &str) -> Option<String> {
    let name = name.trim();
    if name.chars().filter(|c| c.is_alphanumeric()).count() < MIN_NAME_CHARS || !text.contains(name) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + name.len()..].chars().next();
        let bounded = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        out.push_str(&rest[..at]);
        if bounded(before) && bounded(after) {
            out.push_str(pseudonym);
            changed = true;
        } else {
            out.push_str(name);
        }
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_name_is_replaced_where_it_stands_as_words() {
        let p = "Personne 3FA09C";
        assert_eq!(
            replace_name("Vu Jeanne Martin, puis Jeanne Martine.", "Jeanne Martin", p).unwrap(),
            "Vu Personne 3FA09C, puis Jeanne Martine."
        );
        assert_eq!(replace_name("Jeanne Martin", "Jeanne Martin", p).unwrap(), p);
        assert_eq!(replace_name("MJeanne Martin", "Jeanne Martin", p), None);
        assert_eq!(replace_name("A et B", "A", p), None, "an initial alone is not looked for");
    }

    #[test]
    fn an_interview_loses_the_person_and_the_passages_that_hold_their_words() {
        let (gone, stays, t) = (RecordId::new(), RecordId::new(), RecordId::new());
        let ids: HashSet<RecordId> = [gone].into();
        let names = [KnownName {
            person_id: gone,
            territory_id: t,
            name: "Jeanne Martin".into(),
            pseudonym: "Personne AAAAAA".into(),
        }];
        let erased = Erased { ids: &ids, names: &names };
        let data = json!({"person_ids": [gone, stays], "notes": "Jeanne Martin a dit", "passages": [
            {"source": "q1", "text": "à deux"},
            {"source": "q1", "text": "le sien", "person_id": gone},
            {"source": "q1", "text": "l'autre", "person_id": stays}]});
        let Scrubbed::Changed { data: out, passages_removed } =
            scrub(Kind::Interview, RecordId::new(), Some(t), false, &data, &erased)
        else {
            panic!("changed")
        };
        assert_eq!(passages_removed, 2);
        assert_eq!(out["person_ids"], json!([stays]));
        assert_eq!(out["passages"], json!([{"source": "q1", "text": "l'autre", "person_id": stays}]));
        assert_eq!(out["notes"], "Personne AAAAAA a dit");
        assert_eq!(scrub(Kind::Person, gone, Some(t), false, &json!({}), &erased), Scrubbed::Dropped);
        let elsewhere = scrub(Kind::Action, RecordId::new(), Some(RecordId::new()), false, &data, &erased);
        assert!(matches!(elsewhere, Scrubbed::Kept), "another territory's texts are not looked at");
        let attachment = json!({"record_id": gone, "name": "consentement.pdf"});
        assert_eq!(scrub(Kind::Attachment, RecordId::new(), Some(t), false, &attachment, &erased), Scrubbed::Dropped);
    }
}

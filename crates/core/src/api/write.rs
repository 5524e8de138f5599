//! Every local write goes through here: the kind's rules, the references, the version that
//! outranks what it replaces.

use serde_json::Value;

use super::*;
use crate::domain::clock::{wall_ms, Clock};
use crate::domain::kinds::{self, Validated};
use crate::domain::{Kind, Record, RecordId, Version};
use crate::error::Error;
use crate::store::device::DeviceRow;
use crate::store::records::{self, RecordRow};

pub(super) fn kinds_invalid(field: &str, message: &str) -> kinds::Invalid {
    kinds::Invalid { field: field.to_string(), message: message.to_string() }
}

pub(super) fn live_of_kind(conn: &rusqlite::Connection, kind: Kind, id: RecordId) -> crate::error::Result<Record> {
    match records::get_any(conn, id)? {
        Some((_, r)) if r.deleted => Err(Error::NotFound { kind, id }),
        Some((_, r)) if r.kind != kind => Err(Error::WrongKind { id, expected: kind, actual: r.kind }),
        Some((_, r)) => Ok(r),
        None => Err(Error::NotFound { kind, id }),
    }
}

/// A version for a local edit: above every reading so far and above the version it replaces.
pub(crate) fn next_version(clock: &mut Clock, device: &DeviceRow, replaces: Option<&Version>) -> Version {
    let wall = wall_ms();
    if let Some(old) = replaces {
        clock.observe(old, wall);
    }
    let mut version = clock.tick(wall, device.device_id);
    if let Some(old) = replaces {
        // The version replaced may come from a device whose clock ran far ahead, beyond what
        // the clock adopts: still outrank it, carrying into the next millisecond when its counter
        // is at its maximum (never saturate: a lower version would poison every later export).
        if version <= *old || (version.ms, version.counter) <= (old.ms, old.counter) {
            version = crate::domain::clock::above(old, device.device_id);
        }
    }
    debug_assert!(replaces.is_none_or(|old| version > *old));
    version
}

/// Whether `new` lost any word that `old` held (in any text of the data): then the old text must
/// leave the bytes at once. Text that only grew (typing) keeps every word, prefixes included.
pub(super) fn removes_text(old: &Value, new: &Value) -> bool {
    fn words<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::String(s) => out.extend(s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())),
            Value::Array(a) => a.iter().for_each(|x| words(x, out)),
            Value::Object(m) => m.values().for_each(|x| words(x, out)),
            _ => {}
        }
    }
    let haystack = crate::canonical::to_string(new);
    let mut old_words = Vec::new();
    words(old, &mut old_words);
    old_words.iter().any(|w| !haystack.contains(w))
}

/// The kinds of live records already looked up or written in one transaction: a batch (a demo,
/// an import of many records) checks its references without asking the store again and again.
/// It also carries headquarters' rule (read once per transaction, see `workspace.rs`).
#[derive(Default)]
pub(crate) struct KindCache {
    kinds: std::collections::HashMap<RecordId, Option<Kind>>,
    pub(super) siege: super::workspace::SiegeRule,
}

impl KindCache {
    fn live_kind(&mut self, tx: &rusqlite::Connection, id: RecordId) -> crate::error::Result<Option<Kind>> {
        if let Some(kind) = self.kinds.get(&id) {
            return Ok(*kind);
        }
        let kind = records::live_kind(tx, id)?;
        self.kinds.insert(id, kind);
        Ok(kind)
    }
}

/// The rules of every write that need the store: a record's territory is a live territory, and
/// each reference points to a live record of the kind it names. Returns the record's territory.
pub(crate) fn check_references(
    tx: &rusqlite::Connection,
    kinds: &mut KindCache,
    kind: Kind,
    id: RecordId,
    validated: &Validated,
) -> crate::error::Result<Option<RecordId>> {
    let territory_id = if kind == Kind::Territory {
        Some(id)
    } else {
        if let Some(t) = validated.territory_id {
            if kinds.live_kind(tx, t)? != Some(Kind::Territory) {
                return Err(Error::UnknownTerritory(t));
            }
        }
        validated.territory_id
    };
    for reference in &validated.references {
        if kinds.live_kind(tx, reference.id)? != Some(reference.kind) {
            return Err(Error::DanglingReference {
                field: reference.field.to_string(),
                id: reference.id,
                kind: reference.kind,
            });
        }
    }
    Ok(territory_id)
}

pub(super) fn write_record(
    tx: &rusqlite::Connection,
    device: &DeviceRow,
    clock: &mut Clock,
    kinds: &mut KindCache,
    kind: Kind,
    id: Option<RecordId>,
    validated: Validated,
) -> crate::error::Result<Record> {
    write_record_replacing(tx, device, clock, kinds, kind, id, validated).map(|(record, _)| record)
}

/// [`write_record`], also giving back the version it replaced (read once, for the caller too).
pub(super) fn write_record_replacing(
    tx: &rusqlite::Connection,
    device: &DeviceRow,
    clock: &mut Clock,
    kinds: &mut KindCache,
    kind: Kind,
    id: Option<RecordId>,
    mut validated: Validated,
) -> crate::error::Result<(Record, Option<Record>)> {
    let existing = match id {
        Some(id) => records::get_any(tx, id)?.map(|(_, r)| r),
        None => None,
    };
    if let Some(old) = &existing {
        if old.kind != kind {
            return Err(Error::WrongKind { id: old.id, expected: kind, actual: old.kind });
        }
        if old.deleted {
            return Err(Error::NotFound { kind, id: old.id });
        }
    }
    let id = id.unwrap_or_default();
    let territory_id = check_references(tx, kinds, kind, id, &validated)?;
    let demo_now = (kind == Kind::Territory).then(|| validated.data["demo"].as_bool().unwrap_or(false));
    kinds.siege.check(tx, kind, territory_id, demo_now)?;
    if kind == Kind::Person && validated.data["pseudonym"].as_str().is_some_and(str::is_empty) {
        validated.data["pseudonym"] = Value::String(crate::privacy::pseudonym_for(id));
    }
    if kind == Kind::Attachment {
        let sha = validated.data["sha256"].as_str().unwrap_or_default();
        if !crate::store::blobs::exists(tx, sha)? {
            return Err(Error::Invalid(kinds_invalid(
                "sha256",
                "le contenu de cette pièce jointe n'est pas dans le magasin : ajoutez d'abord le fichier",
            )));
        }
    }
    let now = now_rfc3339();
    let version = next_version(clock, device, existing.as_ref().map(|r| &r.version));
    let record = Record {
        id,
        kind,
        territory_id,
        version,
        created_by: existing.as_ref().map(|r| r.created_by.clone()).unwrap_or_else(|| device.facilitator.clone()),
        created_device: existing.as_ref().map(|r| r.created_device).unwrap_or(device.device_id),
        created_at: existing.as_ref().map(|r| r.created_at.clone()).unwrap_or_else(|| now.clone()),
        updated_at: now,
        deleted: false,
        data: validated.data,
    };
    let row = RecordRow { record: &record, title: &validated.title, date: validated.date.as_deref() };
    if existing.is_some() {
        records::upsert(tx, &row)?;
    } else {
        records::insert_new(tx, &row)?;
    }
    kinds.kinds.insert(record.id, Some(kind));
    Ok((record, existing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn extreme_u64() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(wall_ms()),
            Just(wall_ms() + 3_600_000),
            Just(crate::domain::clock::MAX_VERSION_MS),
            Just(u64::MAX - 1),
            any::<u64>().prop_map(|v| v % (crate::domain::clock::MAX_VERSION_MS + 1)),
        ]
    }

    fn extreme_u32() -> impl Strategy<Value = u32> {
        prop_oneof![Just(0u32), Just(1u32), Just(u32::MAX - 1), Just(u32::MAX), any::<u32>()]
    }

    fn extreme_device() -> impl Strategy<Value = DeviceId> {
        prop_oneof![Just(uuid::Uuid::nil()), Just(uuid::Uuid::max()), any::<u128>().prop_map(uuid::Uuid::from_u128)]
            .prop_map(DeviceId)
    }

    proptest! {
        /// Whatever was received (time, counter, device id at their extremes) and whatever the
        /// clock holds, a local edit's version is strictly above the version it replaces.
        #[test]
        fn a_local_edit_always_outranks_what_it_replaces(
            ms in extreme_u64(), counter in extreme_u32(), device in extreme_device(),
            clock_ms in extreme_u64(), clock_counter in extreme_u32(), mine in extreme_device(),
        ) {
            let old = Version { ms, counter, device };
            let row = DeviceRow {
                device_id: mine,
                facilitator: "Camille".into(),
                signing_key: [1; 32],
                created_at: now_rfc3339(),
                clock: Clock::at(clock_ms, clock_counter),
            };
            let mut clock = row.clock;
            let next = next_version(&mut clock, &row, Some(&old));
            prop_assert!(next > old, "{next} must outrank {old}");
            prop_assert!(next.to_string() > old.to_string(), "the text form sorts the same way");
            prop_assert_eq!(next.device, mine);
        }
    }
}

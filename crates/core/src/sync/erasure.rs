//! Erasure that travels: an erasure marker applied to this store, in place and in the caller's
//! transaction ([`apply`]: the same on the store that erases and on every store that imports the
//! marker), and what a bundle brings scrubbed before it is merged ([`ImportErasures::filter`]), so
//! that a replayed older bundle never brings an erased person back.
//!
//! *In place*: the versions this store holds keep their version and lose what the erasure takes
//! out (`privacy::scrub`), their kept conflict versions too. Every store that holds the marker
//! holds the same scrubbed version, and a version arriving later is scrubbed the same way before
//! the merge compares them: nothing new to review, no version written (see ARCHITECTURE.md,
//! "Privacy").

use std::collections::{BTreeMap, HashSet};

use rusqlite::Connection;
use serde_json::Value;

use crate::domain::kinds::{self, Person};
use crate::domain::{record_line, Incoming, Kind, LineageEdge, Record, RecordId};
use crate::error::Result;
use crate::privacy::{pseudonym_of, scrub, Erased, Erasure, KnownName, Scrubbed};
use crate::refusal::{Check, Refusal};
use crate::store::conflicts::{ConflictStatus, Resolution};
use crate::store::privacy::{self as store, RewrittenConflict};
use crate::store::records::{self, RecordRow};
use crate::store::{blobs, conflicts};

/// What an erasure changed in this store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// The persons' records and their attachments, gone.
    pub records_removed: u64,
    /// Records rewritten in place (a passage removed, a name replaced…).
    pub records_rewritten: u64,
    pub passages_removed: u64,
    /// Kept conflict versions rewritten or erased.
    pub conflicts_changed: u64,
}

/// A person to erase from this store, and their name when this store knows it.
#[derive(Debug, Clone)]
pub struct Target {
    pub person_id: RecordId,
    pub known: Option<KnownName>,
    /// Only their name in texts (the person was erased here before: a bundle replayed now shows
    /// their name).
    pub name_only: bool,
}

/// The name of a live person record, for the time of an erasure.
pub fn known_name(record: &Record) -> Option<KnownName> {
    if record.kind != Kind::Person || record.deleted {
        return None;
    }
    let person: Person = serde_json::from_value(record.data.clone()).ok()?;
    Some(KnownName {
        person_id: record.id,
        territory_id: record.territory_id?,
        pseudonym: pseudonym_of(record.id, &person.pseudonym),
        name: person.name,
    })
}

/// A version rewritten without what the erasure takes out: its canonical data, title and date
/// as every store derives them.
fn rewritten(record: &Record, data: Value) -> (Record, String, Option<String>, Vec<kinds::Reference>) {
    let (data, title, date, references) = match kinds::validate(record.kind, data.clone()) {
        Ok(v) => (v.data, v.title, v.date, v.references),
        Err(_) => (data, String::new(), None, Vec::new()),
    };
    (Record { data, ..record.clone() }, title, date, references)
}

fn scrub_record(record: &Record, erased: &Erased<'_>) -> Scrubbed {
    scrub(record.kind, record.id, record.territory_id, record.deleted, &record.data, erased)
}

/// Erases `targets` from this store, in place: their records and the attachments of their
/// records go (contents too when nothing else shows them); the interviews and workshops that
/// point to them and the texts of their territory that name them are rewritten; so are the
/// conflict versions kept for review. `ids` is every person erased here (the targets included).
pub fn apply(tx: &Connection, targets: &[Target], ids: &HashSet<RecordId>, now: &str) -> Result<Applied> {
    let mut applied = Applied::default();
    let names: Vec<KnownName> = targets.iter().filter_map(|t| t.known.clone()).collect();
    let erased = Erased { ids, names: &names };
    let remove = |tx: &Connection, id: RecordId, applied: &mut Applied| -> Result<()> {
        if let Some(gone) = store::remove_record(tx, id)? {
            applied.records_removed += 1;
            if let Some(sha) = gone.data["sha256"].as_str().filter(|_| gone.kind == Kind::Attachment) {
                blobs::delete_if_unused(tx, sha)?;
            }
        }
        Ok(())
    };
    let mut needles: Vec<String> = Vec::new();
    for t in targets.iter().filter(|t| !t.name_only) {
        for attachment in store::attachments_of(tx, t.person_id)? {
            remove(tx, attachment, &mut applied)?;
        }
        remove(tx, t.person_id, &mut applied)?;
        needles.push(t.person_id.to_string());
    }
    let mut candidates = if needles.is_empty() { Vec::new() } else { store::pointing_to_any(tx, &needles)? };
    for known in &names {
        let quoted = serde_json::to_string(&known.name)?;
        let needle = quoted[1..quoted.len() - 1].to_string();
        if known.name.trim().chars().count() >= 3 {
            candidates.extend(store::in_territory_holding(tx, known.territory_id, &needle)?);
            needles.push(needle);
        }
    }
    let mut seen = HashSet::new();
    for record in candidates {
        if !seen.insert(record.id) {
            continue;
        }
        match scrub_record(&record, &erased) {
            Scrubbed::Kept => {}
            Scrubbed::Dropped => remove(tx, record.id, &mut applied)?,
            Scrubbed::Changed { data, passages_removed } => {
                let (record, title, date, _) = rewritten(&record, data);
                records::upsert(tx, &RecordRow { record: &record, title: &title, date: date.as_deref() })?;
                applied.records_rewritten += 1;
                applied.passages_removed += u64::from(passages_removed);
            }
        }
    }
    let mut seen = HashSet::new();
    for needle in &needles {
        for row in store::conflicts_holding(tx, needle)? {
            if !seen.insert(row.id.clone()) {
                continue;
            }
            let winner: Record = serde_json::from_str(&row.winner_line)?;
            let scrubbed = |r: &Record| match scrub_record(r, &erased) {
                Scrubbed::Kept => Some(r.clone()),
                Scrubbed::Dropped => None,
                Scrubbed::Changed { data, .. } => Some(rewritten(r, data).0),
            };
            let (Some(loser), Some(winner)) = (scrubbed(&row.loser), scrubbed(&winner)) else {
                conflicts::delete(tx, &row.id)?;
                applied.conflicts_changed += 1;
                continue;
            };
            let (loser_line, winner_line) = (record_line(&loser), record_line(&winner));
            if loser_line == row.loser_line && winner_line == row.winner_line {
                continue; // the name of another territory's person: not this record's
            }
            applied.conflicts_changed += 1;
            let identical = loser.deleted == winner.deleted && loser.data == winner.data;
            let (status, resolution) = if row.status == ConflictStatus::Open && identical {
                (ConflictStatus::Resolved, Some(Resolution::Identical))
            } else {
                (row.status, row.resolution)
            };
            store::rewrite_conflict(
                tx,
                &RewrittenConflict {
                    old_id: &row.id,
                    new_id: &super::merge::conflict_id(&loser_line),
                    loser_line: &loser_line,
                    winner_line: &winner_line,
                    status,
                    resolution,
                    now,
                },
            )?;
        }
    }
    Ok(applied)
}

/// What a bundle carried of erased persons and was left out of the merge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Records (persons, their attachments, the kept versions of them).
    pub records: u64,
    /// Passages attributed to them, taken out of the interviews carried.
    pub passages: u64,
}

/// The erasures an import works with: this store's and the bundle's.
#[derive(Debug, Clone)]
pub struct ImportErasures {
    pub ids: HashSet<RecordId>,
    /// The bundle's markers this store did not have.
    pub new: Vec<Erasure>,
    /// Names known during this import (never kept): of the persons a new marker erases that this
    /// store holds, and of the erased persons the bundle itself carries.
    pub names: Vec<KnownName>,
}

impl ImportErasures {
    /// Reads what this store knows; `None` when neither it nor the bundle erased anyone (the
    /// import then does no work for erasures). A marker naming a record of another kind than a
    /// person, here or in the bundle, is refused.
    pub fn read(conn: &Connection, markers: &[Erasure], records: &[Incoming]) -> Result<Option<ImportErasures>> {
        let stored = store::erased_ids(conn)?;
        let new: Vec<Erasure> = markers.iter().filter(|e| !stored.contains(&e.person_id)).cloned().collect();
        if stored.is_empty() && new.is_empty() {
            return Ok(None);
        }
        let refuse = |kind: Kind, id: RecordId| -> crate::error::Error {
            Refusal::new(
                Check::Records,
                format!(
                    "l'effacement {id} désigne un(e) {}, pas une personne : ce paquet a été modifié ; ne l'importez pas et demandez un nouvel export",
                    kind.label_fr()
                ),
            )
            .into()
        };
        let mut names = Vec::new();
        for e in &new {
            if let Some((_, r)) = records::get_any(conn, e.person_id)? {
                if r.kind != Kind::Person {
                    return Err(refuse(r.kind, r.id));
                }
                names.extend(known_name(&r));
            }
        }
        let mut ids = stored;
        ids.extend(new.iter().map(|e| e.person_id));
        for incoming in records.iter().filter(|i| ids.contains(&i.record.id)) {
            let r = &incoming.record;
            if r.kind != Kind::Person {
                return Err(refuse(r.kind, r.id));
            }
            if !names.iter().any(|n| n.person_id == r.id) {
                names.extend(known_name(r));
            }
        }
        Ok(Some(ImportErasures { ids, new, names }))
    }

    /// Scrubs what a bundle brings: the erased persons and their attachments left out (the
    /// contents only they showed too), the versions that point to them or name them rewritten,
    /// kept versions and lineage of what was left out dropped.
    pub fn filter(
        &self,
        records: &mut Vec<Incoming>,
        losers: &mut Vec<Incoming>,
        lineage: &mut Vec<LineageEdge>,
        attachments: &mut BTreeMap<String, Vec<u8>>,
    ) -> LeftOut {
        let mut left = LeftOut::default();
        let mut keep = |incoming: &mut Incoming| self.scrub_version(incoming, &mut left);
        records.retain_mut(&mut keep);
        losers.retain_mut(&mut keep);
        let carried: HashSet<RecordId> = records.iter().map(|i| i.record.id).collect();
        losers.retain(|l| carried.contains(&l.record.id));
        lineage.retain(|e| carried.contains(&e.record_id));
        let shown: HashSet<&str> = records
            .iter()
            .filter(|i| i.record.kind == Kind::Attachment && !i.record.deleted)
            .filter_map(|i| i.record.data["sha256"].as_str())
            .collect();
        attachments.retain(|sha, _| shown.contains(sha.as_str()));
        left
    }

    /// Scrubs one version (from the bundle, or as this store holds it); `false` when it is left
    /// out altogether.
    pub fn scrub_version(&self, incoming: &mut Incoming, left: &mut LeftOut) -> bool {
        let erased = Erased { ids: &self.ids, names: &self.names };
        match scrub_record(&incoming.record, &erased) {
            Scrubbed::Kept => true,
            Scrubbed::Dropped => {
                left.records += 1;
                false
            }
            Scrubbed::Changed { data, passages_removed } => {
                left.passages += u64::from(passages_removed);
                let (record, title, date, references) = rewritten(&incoming.record, data);
                *incoming = Incoming { line: record_line(&record), record, title, date, references };
                true
            }
        }
    }

    /// Erases here what the bundle's new markers erase (recorded with the bundle that brought
    /// them), and the names of erased persons the bundle carried from this store's texts.
    pub fn apply(&self, tx: &Connection, bundle_id: &str, now: &str) -> Result<Applied> {
        let mut targets = Vec::new();
        for e in &self.new {
            store::insert(tx, e, now, Some(bundle_id))?;
            let known = self.names.iter().find(|n| n.person_id == e.person_id).cloned();
            targets.push(Target { person_id: e.person_id, known, name_only: false });
        }
        for n in self.names.iter().filter(|n| !self.new.iter().any(|e| e.person_id == n.person_id)) {
            targets.push(Target { person_id: n.person_id, known: Some(n.clone()), name_only: true });
        }
        apply(tx, &targets, &self.ids, now)
    }
}

//! Merging record versions from elsewhere: first a pure plan ([`plan`]), then applied in one
//! transaction ([`apply`]).
//!
//! ## The rules
//!
//! - **Winner.** Of all the versions of a record a store has seen, the one with the highest
//!   [`Version`] holds the record (the version's order ends with the device id, so two devices
//!   never tie). Two different contents under one version can only come from a forged or
//!   damaged source; the greater canonical line wins then, so the choice stays deterministic.
//!   "The highest ever seen" does not depend on the order things arrive in: any set of bundles
//!   imported in any order gives the same records, byte for byte.
//! - **Deletions** are versions like any other (tombstones): a deletion travels, and replaying an
//!   older bundle brings only older versions, which lose.
//! - **Lineage.** A local edit records the version it replaced ("`version` replaced `parent`,
//!   knowingly"); the edges travel in bundles and only accumulate. A version named as a parent is
//!   *superseded*: someone saw it and replaced it.
//! - **Conflicts.** A version that loses is kept whole in the `conflict` table when it is a
//!   *head* (no edge names it as a parent: nobody replaced it knowingly) and its content (data
//!   and deleted flag) differs from the winner's: a concurrent edit, a concurrent deletion, or
//!   an edit made while another device deleted the record. A live version older than a deletion
//!   that was made *knowing it* is a parent of the tombstone, hence superseded, hence not a
//!   conflict: that is a deletion, not a disagreement. A loser whose content equals the winner's
//!   is kept as `identical` (nothing to review) and reopens if a winner with other content
//!   arrives. A kept loser is closed as `superseded` as soon as an edge names it as a parent, on
//!   whichever store the edge arrives.
//!
//! With these rules the open conflicts are also the same on every store that has seen the same
//! versions: "the heads other than the winner whose content differs from it".

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::domain::{Incoming, Kind, LineageEdge, Record, RecordId, Version};
use crate::error::Result;
pub use crate::store::conflicts::{ConflictRow, ConflictStatus, Resolution};
use crate::store::records::{self, RecordRow};
use crate::store::{conflicts, lineage};

/// The id of a conflict: first 16 hex digits of the SHA-256 of the losing line, so that the same
/// conflict has the same id on every store.
pub fn conflict_id(loser_line: &str) -> String {
    crate::hash::sha256_hex(loser_line.as_bytes())[..16].to_string()
}

/// What the store holds for one record before a merge.
#[derive(Debug, Clone, Default)]
pub struct Local {
    pub winner: Option<Incoming>,
    pub conflicts: Vec<ConflictRow>,
    /// Versions that some lineage edge (here or in the bundle) names as a parent.
    pub parents: HashSet<Version>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Added,
    Updated,
    Unchanged,
    Deleted,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConflictChange {
    Insert {
        id: String,
        record_id: RecordId,
        kind: Kind,
        loser: Box<Incoming>,
        winner_line: String,
        winner_version: Version,
        status: ConflictStatus,
        resolution: Option<Resolution>,
    },
    Update {
        id: String,
        winner_line: String,
        winner_version: Version,
        status: ConflictStatus,
        resolution: Option<Resolution>,
    },
    /// A kept version that a deletion outranks: erased (deleted means gone, losers included).
    Drop { id: String },
}

/// The plan for one record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPlan {
    pub record_id: RecordId,
    pub kind: Kind,
    /// The new winner, when it is not the version the store holds.
    pub write: Option<Incoming>,
    pub outcome: Outcome,
    pub conflicts: Vec<ConflictChange>,
    /// Conflicts this merge opens (new, or reopened).
    pub opened: u32,
}

/// Counts per kind, as the import report shows them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct KindReport {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub deleted: u64,
    pub in_conflict: u64,
}

impl KindReport {
    pub fn add(&mut self, other: &KindReport) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.deleted += other.deleted;
        self.in_conflict += other.in_conflict;
    }

    /// Records the merge changed (conflicts included).
    pub fn changed(&self) -> u64 {
        self.added + self.updated + self.deleted + self.in_conflict
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergePlan {
    pub records: Vec<RecordPlan>,
    pub edges: Vec<LineageEdge>,
    pub by_kind: BTreeMap<Kind, KindReport>,
}

impl MergePlan {
    pub fn totals(&self) -> KindReport {
        let mut t = KindReport::default();
        for r in self.by_kind.values() {
            t.add(r);
        }
        t
    }
}

fn same_content(a: &Record, b: &Record) -> bool {
    a.deleted == b.deleted && a.data == b.data
}

/// The plan for one record: which version wins, which losers are kept. Pure.
pub fn plan_record(local: &Local, incoming: &[&Incoming]) -> Option<RecordPlan> {
    // Every distinct version in play, by line.
    let mut candidates: Vec<&Incoming> = Vec::new();
    let mut seen = HashSet::new();
    for c in local.winner.iter().chain(incoming.iter().copied()) {
        if seen.insert(c.line.as_str()) {
            candidates.push(c);
        }
    }
    let winner = *candidates.iter().max_by(|a, b| (a.record.version, &a.line).cmp(&(b.record.version, &b.line)))?;
    let record_id = winner.record.id;
    let kind = winner.record.kind;
    let write = match &local.winner {
        Some(l) if l.line == winner.line => None,
        _ => Some(winner.clone()),
    };
    let outcome = match &local.winner {
        None if winner.record.deleted => Outcome::Deleted,
        None => Outcome::Added,
        Some(l) if l.line == winner.line => Outcome::Unchanged,
        Some(l) if winner.record.deleted && !l.record.deleted => Outcome::Deleted,
        Some(_) => Outcome::Updated,
    };

    let rows: HashMap<&str, &ConflictRow> = local.conflicts.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut conflicts = Vec::new();
    let mut opened = 0;
    // The highest deletion seen for the record: every version below it is erased, not kept (a
    // deletion is not reviewed against what it deleted). A function of the versions seen, so
    // every store that saw the same versions keeps the same losers.
    let floor = candidates
        .iter()
        .map(|c| &c.record)
        .chain(local.conflicts.iter().map(|r| &r.loser))
        .filter(|r| r.deleted)
        .map(|r| r.version)
        .max();
    let erased = |loser: &Record| floor.is_some_and(|f| loser.version < f);
    let desired = |loser: &Record| -> (ConflictStatus, Option<Resolution>) {
        if local.parents.contains(&loser.version) {
            (ConflictStatus::Resolved, Some(Resolution::Superseded))
        } else if same_content(loser, &winner.record) {
            (ConflictStatus::Resolved, Some(Resolution::Identical))
        } else {
            (ConflictStatus::Open, None)
        }
    };
    // New losers among the candidates.
    for c in &candidates {
        if c.line == winner.line {
            continue;
        }
        let id = conflict_id(&c.line);
        if rows.contains_key(id.as_str()) {
            continue; // re-evaluated below
        }
        if erased(&c.record) {
            continue;
        }
        let (status, resolution) = desired(&c.record);
        if resolution == Some(Resolution::Superseded) {
            continue; // replaced knowingly: not a conflict, nothing to keep
        }
        if status == ConflictStatus::Open {
            opened += 1;
        }
        conflicts.push(ConflictChange::Insert {
            id,
            record_id,
            kind: c.record.kind,
            loser: Box::new((*c).clone()),
            winner_line: winner.line.clone(),
            winner_version: winner.record.version,
            status,
            resolution,
        });
    }
    // Losers already kept: follow the winner, close the superseded, reopen the identical.
    for row in &local.conflicts {
        if erased(&row.loser) {
            conflicts.push(ConflictChange::Drop { id: row.id.clone() });
            continue;
        }
        if row.resolution.is_some_and(Resolution::is_final) {
            continue;
        }
        let (status, resolution) = desired(&row.loser);
        if status == row.status && resolution == row.resolution && row.winner_line == winner.line {
            continue;
        }
        if status == ConflictStatus::Open && row.status != ConflictStatus::Open {
            opened += 1;
        }
        conflicts.push(ConflictChange::Update {
            id: row.id.clone(),
            winner_line: winner.line.clone(),
            winner_version: winner.record.version,
            status,
            resolution,
        });
    }
    Some(RecordPlan { record_id, kind, write, outcome, conflicts, opened })
}

/// The plan for a whole bundle: `records` (at most one per id) and `losers`, against what the
/// store holds (`locals`, by id, see [`load_locals`]). Pure.
pub fn plan(
    records: &[Incoming],
    losers: &[Incoming],
    edges: &[LineageEdge],
    locals: &HashMap<RecordId, Local>,
) -> MergePlan {
    let mut by_id: BTreeMap<RecordId, Vec<&Incoming>> = BTreeMap::new();
    for r in records.iter().chain(losers) {
        by_id.entry(r.record.id).or_default().push(r);
    }
    let empty = Local::default();
    let mut out = MergePlan { edges: edges.to_vec(), ..Default::default() };
    for (id, incoming) in by_id {
        let local = locals.get(&id).unwrap_or(&empty);
        let Some(p) = plan_record(local, &incoming) else { continue };
        let report = out.by_kind.entry(p.kind).or_default();
        match p.outcome {
            Outcome::Added => report.added += 1,
            Outcome::Updated => report.updated += 1,
            Outcome::Unchanged => report.unchanged += 1,
            Outcome::Deleted => report.deleted += 1,
        }
        report.in_conflict += p.opened as u64;
        if p.write.is_some() || !p.conflicts.is_empty() {
            out.records.push(p);
        }
    }
    out
}

// ---------------------------------------------------------------- reading and applying

/// What the store holds for the records of a bundle: winner, conflicts, and the parents named
/// by the lineage here and in `edges`.
pub fn load_locals(
    conn: &Connection,
    ids: impl IntoIterator<Item = RecordId>,
    edges: &[LineageEdge],
) -> Result<HashMap<RecordId, Local>> {
    let mut out: HashMap<RecordId, Local> = HashMap::new();
    let has_conflicts = conflicts::any(conn)?;
    for id in ids {
        let mut local = Local::default();
        if let Some((_, record)) = records::get_any(conn, id)? {
            local.winner = Some(Incoming::stored(record));
        }
        local.parents.extend(lineage::parents_of(conn, id)?);
        if has_conflicts {
            local.conflicts = conflicts::of_record(conn, id)?;
        }
        if local.winner.is_some() || !local.parents.is_empty() || !local.conflicts.is_empty() {
            out.insert(id, local);
        }
    }
    for e in edges {
        out.entry(e.record_id).or_default().parents.insert(e.parent);
    }
    Ok(out)
}

/// Applies `plan` inside the caller's transaction: lineage edges, winners, conflicts. The caller
/// checked everything before; this only writes.
pub fn apply(tx: &Connection, plan: &MergePlan, found_in_bundle: Option<&str>, now: &str) -> Result<()> {
    lineage::set_merge_in_progress(tx, true)?;
    for e in &plan.edges {
        lineage::add_edge(tx, e.record_id, &e.version, &e.parent)?;
    }
    for p in &plan.records {
        if let Some(w) = &p.write {
            records::upsert(tx, &RecordRow { record: &w.record, title: &w.title, date: w.date.as_deref() })?;
        }
        for change in &p.conflicts {
            match change {
                ConflictChange::Insert {
                    id,
                    record_id,
                    kind,
                    loser,
                    winner_line,
                    winner_version,
                    status,
                    resolution,
                } => {
                    conflicts::insert(
                        tx,
                        &conflicts::NewConflict {
                            id,
                            record_id: *record_id,
                            kind: *kind,
                            loser_version: &loser.record.version,
                            loser_line: &loser.line,
                            winner_version,
                            winner_line,
                            status: *status,
                            resolution: *resolution,
                        },
                        found_in_bundle,
                        now,
                    )?;
                }
                ConflictChange::Drop { id } => conflicts::delete(tx, id)?,
                ConflictChange::Update { id, winner_line, winner_version, status, resolution } => {
                    conflicts::follow_winner(tx, id, winner_version, winner_line, *status, *resolution, now)?;
                }
            }
        }
    }
    lineage::set_merge_in_progress(tx, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DeviceId;
    use serde_json::json;
    use uuid::Uuid;

    fn version(ms: u64, device: u128) -> Version {
        Version { ms, counter: 0, device: DeviceId(Uuid::from_u128(device)) }
    }

    fn territory(id: RecordId, v: Version, name: &str) -> Incoming {
        Incoming::from_record(Record {
            id,
            kind: Kind::Territory,
            territory_id: Some(id),
            version: v,
            created_by: "A".into(),
            created_device: v.device,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            updated_at: "2026-01-01T00:00:00.000Z".into(),
            deleted: false,
            data: crate::domain::kinds::validate(Kind::Territory, json!({"name": name, "kind": "qpv"})).unwrap().data,
        })
    }

    #[test]
    fn the_higher_version_wins_and_a_concurrent_loser_is_kept() {
        let id = RecordId::new();
        let local = Local { winner: Some(territory(id, version(10, 1), "A")), ..Default::default() };
        let remote = territory(id, version(20, 2), "B");
        let p = plan_record(&local, &[&remote]).unwrap();
        assert_eq!(p.write.as_ref().map(|w| &w.line), Some(&remote.line));
        assert_eq!(p.outcome, Outcome::Updated);
        assert_eq!(p.opened, 1, "the local edit was not replaced knowingly: it must be kept");
    }

    #[test]
    fn a_version_replaced_knowingly_is_not_a_conflict() {
        let id = RecordId::new();
        let mut local = Local { winner: Some(territory(id, version(10, 1), "A")), ..Default::default() };
        local.parents.insert(version(10, 1));
        let remote = territory(id, version(20, 2), "B");
        let p = plan_record(&local, &[&remote]).unwrap();
        assert_eq!(p.opened, 0);
        assert!(p.conflicts.is_empty());
    }

    #[test]
    fn the_plan_does_not_depend_on_which_side_holds_which_version() {
        let id = RecordId::new();
        let a = territory(id, version(10, 1), "A");
        let b = territory(id, version(10, 2), "B");
        let p1 = plan_record(&Local { winner: Some(a.clone()), ..Default::default() }, &[&b]).unwrap();
        let p2 = plan_record(&Local { winner: Some(b.clone()), ..Default::default() }, &[&a]).unwrap();
        assert_eq!(p1.write.unwrap().line, b.line, "device 2 breaks the tie");
        assert!(p2.write.is_none());
        assert_eq!((p1.opened, p2.opened), (1, 1));
    }
}

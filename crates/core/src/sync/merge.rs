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
use crate::store::imports::{self, MergedWrite, Overwrite};
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
    /// Where the winner is stored (set with `winner` by [`load_locals`]): a new winner is
    /// written over that row.
    pub row: Option<StoredRow>,
    pub conflicts: Vec<ConflictRow>,
    /// Versions that some lineage edge (here or in the bundle) names as a parent.
    pub parents: HashSet<Version>,
}

/// A record's row in the store: its local row number and the title the index holds for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub seq: i64,
    pub title: String,
}

/// The stored version a new winner replaces: its row, and what the full-text index holds for it
/// (title and body) when it is live, to take its words out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub seq: i64,
    pub indexed: Option<(String, String)>,
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

/// The plan for one record (it borrows the versions it was made from).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPlan<'a> {
    pub record_id: RecordId,
    pub kind: Kind,
    /// The new winner, when it is not the version the store holds.
    pub write: Option<&'a Incoming>,
    /// The stored version `write` replaces (`None`: the store has no row for the record).
    pub replaces: Option<Replaced>,
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
pub struct MergePlan<'a> {
    pub records: Vec<RecordPlan<'a>>,
    pub edges: Vec<LineageEdge>,
    pub by_kind: BTreeMap<Kind, KindReport>,
}

impl MergePlan<'_> {
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
pub fn plan_record<'a>(local: &Local, incoming: &[&'a Incoming]) -> Option<RecordPlan<'a>> {
    fn order(a: &&Incoming, b: &&Incoming) -> std::cmp::Ordering {
        (a.record.version, &a.line).cmp(&(b.record.version, &b.line))
    }
    // Every distinct version in play, by line.
    let mut candidates: Vec<&Incoming> = Vec::new();
    let mut seen = HashSet::new();
    for c in local.winner.iter().chain(incoming.iter().copied()) {
        if seen.insert(c.line.as_str()) {
            candidates.push(c);
        }
    }
    let winner = candidates.iter().copied().max_by(order)?;
    let record_id = winner.record.id;
    let kind = winner.record.kind;
    // A new winner is always one of the incoming versions (borrowed, not copied).
    let write = match &local.winner {
        Some(l) if l.line == winner.line => None,
        _ => incoming.iter().copied().max_by(order),
    };
    let replaces = match (&write, &local.winner, &local.row) {
        (Some(_), Some(stored), Some(row)) => Some(Replaced {
            seq: row.seq,
            indexed: (!stored.record.deleted)
                .then(|| (row.title.clone(), crate::domain::text::searchable_text(&stored.record.data))),
        }),
        _ => None,
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
    Some(RecordPlan { record_id, kind, write, replaces, outcome, conflicts, opened })
}

/// The plan for a whole bundle: `records` (at most one per id) and `losers`, against what the
/// store holds (`locals`, by id, see [`load_locals`]). Pure.
pub fn plan<'a>(
    records: &'a [Incoming],
    losers: &'a [Incoming],
    edges: &[LineageEdge],
    locals: &HashMap<RecordId, Local>,
) -> MergePlan<'a> {
    let mut by_id: BTreeMap<RecordId, Vec<&'a Incoming>> = BTreeMap::new();
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

/// What the store holds for the records of a bundle: winner (read in one query), conflicts,
/// and the parents named by the lineage here and in `edges`.
pub fn load_locals(
    conn: &Connection,
    ids: impl IntoIterator<Item = RecordId>,
    edges: &[LineageEdge],
) -> Result<HashMap<RecordId, Local>> {
    let ids: Vec<RecordId> = ids.into_iter().collect();
    let mut out: HashMap<RecordId, Local> = HashMap::new();
    for stored in records::get_many(conn, &ids)? {
        let local = out.entry(stored.record.id).or_default();
        local.row = Some(StoredRow { seq: stored.seq, title: stored.title });
        local.winner = Some(Incoming::stored(stored.record));
    }
    let has_conflicts = conflicts::any(conn)?;
    for id in ids {
        let parents = lineage::parents_of(conn, id)?;
        let found = if has_conflicts { conflicts::of_record(conn, id)? } else { Vec::new() };
        if !parents.is_empty() || !found.is_empty() {
            let local = out.entry(id).or_default();
            local.parents.extend(parents);
            local.conflicts = found;
        }
    }
    for e in edges {
        out.entry(e.record_id).or_default().parents.insert(e.parent);
    }
    Ok(out)
}

/// Applies `plan` inside the caller's transaction: lineage edges, conflicts, then the winners
/// all at once (rows first, then the full-text index: see [`imports::write_merged`]). The caller
/// checked everything before; this only writes.
pub fn apply(tx: &Connection, plan: &MergePlan, found_in_bundle: Option<&str>, now: &str) -> Result<()> {
    lineage::set_merge_in_progress(tx, true)?;
    for e in &plan.edges {
        lineage::add_edge(tx, e.record_id, &e.version, &e.parent)?;
    }
    for p in &plan.records {
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
    let writes: Vec<MergedWrite<'_>> = plan
        .records
        .iter()
        .filter_map(|p| {
            let w = p.write.as_ref()?;
            Some(MergedWrite {
                row: RecordRow { record: &w.record, title: &w.title, date: w.date.as_deref() },
                replaces: p.replaces.as_ref().map(|r| Overwrite {
                    seq: r.seq,
                    indexed: r.indexed.as_ref().map(|(title, body)| (title.as_str(), body.as_str())),
                }),
                line: Some(&w.line),
            })
        })
        .collect();
    imports::write_merged(tx, &writes)?;
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

    /// A merge larger than a statement's worth of rows, then one that replaces and deletes some
    /// of them: the index follows every row (old words out, new words in, deletions gone).
    #[test]
    fn a_large_merge_then_edits_and_deletions_keep_the_index_in_step() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(&dir.path().join("s.sqlite3")).unwrap();
        let merge = |incoming: Vec<Incoming>| {
            store
                .write(|tx| {
                    let locals = load_locals(tx, incoming.iter().map(|i| i.record.id), &[])?;
                    apply(tx, &plan(&incoming, &[], &[], &locals), Some("paquet"), "2026-01-02T00:00:00.000Z")
                })
                .unwrap()
        };
        let ids: Vec<RecordId> = (0..150).map(|_| RecordId::new()).collect();
        merge(
            ids.iter()
                .enumerate()
                .map(|(i, id)| territory(*id, version(10, 1), &format!("Ville{i}x ancienne")))
                .collect(),
        );
        let mut later: Vec<Incoming> =
            (0..10).map(|i| territory(ids[i], version(20, 2), &format!("Ville{i}x nouvelle"))).collect();
        for id in &ids[10..15] {
            let mut gone = territory(*id, version(20, 2), "x").record;
            (gone.deleted, gone.data) = (true, json!({}));
            later.push(Incoming::from_record(gone));
        }
        merge(later);
        let found = |word: &str| {
            let hits = store.read(|c| crate::store::search::search(c, word, None, None, 1000)).unwrap();
            assert!(hits.iter().all(|h| h.title.contains(word)), "{word}: a hit without the word");
            hits.len()
        };
        assert_eq!((found("ancienne"), found("nouvelle")), (135, 10));
        assert_eq!((found("Ville3x"), found("Ville12x")), (1, 0), "a replaced or deleted record's words are gone");
        let stored = store.read(|c| records::get_many(c, &ids)).unwrap();
        assert_eq!(stored.iter().filter(|s| s.record.deleted).count(), 5);
        assert_eq!(stored.iter().filter(|s| s.title.ends_with("nouvelle")).count(), 10);
    }
}

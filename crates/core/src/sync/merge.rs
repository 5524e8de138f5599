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

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::bundle::LineageEdge;
use crate::domain::{Kind, Record, RecordId, Version};
use crate::error::Result;
use crate::store::records::{self, RecordRow};

/// A record version from elsewhere, checked, with what the store needs to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub record: Record,
    /// Its canonical line (`canonical::record_line`): its identity in merges and conflicts.
    pub line: String,
    pub title: String,
    pub date: Option<String>,
    /// The records its data points to (empty for a tombstone and for a version already stored).
    pub references: Vec<crate::domain::kinds::Reference>,
}

impl Incoming {
    /// The version the store holds: never written back by a merge (only a version from elsewhere
    /// is), so its title and date are not needed.
    pub fn stored(record: Record) -> Self {
        let line = crate::canonical::record_line(&record);
        Incoming { record, line, title: String::new(), date: None, references: Vec::new() }
    }

    /// A version with the title and date the store derives from its data.
    pub fn from_record(record: Record) -> Self {
        let (title, date, references) = if record.deleted {
            (String::new(), None, Vec::new())
        } else {
            match crate::domain::kinds::validate(record.kind, record.data.clone()) {
                Ok(v) => (v.title, v.date, v.references),
                Err(_) => (String::new(), None, Vec::new()),
            }
        };
        let line = crate::canonical::record_line(&record);
        Incoming { record, line, title, date, references }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictStatus {
    Open,
    Resolved,
}

impl ConflictStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictStatus::Open => "open",
            ConflictStatus::Resolved => "resolved",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    KeepWinner,
    KeepLoser,
    Superseded,
    Identical,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::KeepWinner => "keep_winner",
            Resolution::KeepLoser => "keep_loser",
            Resolution::Superseded => "superseded",
            Resolution::Identical => "identical",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "keep_winner" => Some(Resolution::KeepWinner),
            "keep_loser" => Some(Resolution::KeepLoser),
            "superseded" => Some(Resolution::Superseded),
            "identical" => Some(Resolution::Identical),
            _ => None,
        }
    }

    /// Settled for good: a person chose, or the loser was replaced knowingly.
    fn is_final(self) -> bool {
        !matches!(self, Resolution::Identical)
    }
}

/// A row of the `conflict` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub id: String,
    pub record_id: RecordId,
    pub kind: Kind,
    pub loser: Record,
    pub loser_line: String,
    pub winner_line: String,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
    pub found_at: String,
    pub found_in_bundle: Option<String>,
    pub resolved_at: Option<String>,
    pub resolved_version: Option<String>,
}

/// The id of a conflict: first 16 hex digits of the SHA-256 of the losing line, so that the same
/// conflict has the same id on every store.
pub fn conflict_id(loser_line: &str) -> String {
    crate::bundle::sha256_hex(loser_line.as_bytes())[..16].to_string()
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
    let mut parents_stmt = conn.prepare_cached("SELECT parent FROM record_lineage WHERE record_id = ?1")?;
    let has_conflicts: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM conflict)", [], |r| r.get(0))?;
    for id in ids {
        let mut local = Local::default();
        if let Some((_, record)) = records::get_any(conn, id)? {
            local.winner = Some(Incoming::stored(record));
        }
        let key = id.to_string();
        let mut rows = parents_stmt.query([&key])?;
        while let Some(row) = rows.next()? {
            let parent: String = row.get(0)?;
            if let Ok(v) = parent.parse::<Version>() {
                local.parents.insert(v);
            }
        }
        if has_conflicts {
            local.conflicts = conflicts_of(conn, id)?;
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

const CONFLICT_COLUMNS: &str =
    "id, record_id, kind, loser, winner, status, resolution, found_at, found_in_bundle, resolved_at, resolved_version";

fn conflict_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<ConflictRow>> {
    let loser_line: String = row.get(3)?;
    let Ok(loser) = serde_json::from_str::<Record>(&loser_line) else { return Ok(None) };
    let kind: String = row.get(2)?;
    let status: String = row.get(5)?;
    let resolution: Option<String> = row.get(6)?;
    Ok(Some(ConflictRow {
        id: row.get(0)?,
        record_id: loser.id,
        kind: kind.parse().unwrap_or(loser.kind),
        loser,
        loser_line,
        winner_line: row.get(4)?,
        status: if status == "open" { ConflictStatus::Open } else { ConflictStatus::Resolved },
        resolution: resolution.as_deref().and_then(Resolution::parse),
        found_at: row.get(7)?,
        found_in_bundle: row.get(8)?,
        resolved_at: row.get(9)?,
        resolved_version: row.get(10)?,
    }))
}

/// Every conflict row of a record.
pub fn conflicts_of(conn: &Connection, id: RecordId) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE record_id = ?1 ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([id.to_string()], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// Conflict rows, open ones only or all, oldest first.
pub fn list_conflicts(conn: &Connection, include_resolved: bool) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE (?1 OR status = 'open') ORDER BY found_at, id");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([include_resolved], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// One conflict by id (or unique id prefix of at least 6 digits).
pub fn find_conflict(conn: &Connection, id: &str) -> Result<Vec<ConflictRow>> {
    let sql = format!("SELECT {CONFLICT_COLUMNS} FROM conflict WHERE id LIKE ?1 || '%' ORDER BY id LIMIT 2");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([id.to_ascii_lowercase()], conflict_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// Applies `plan` inside the caller's transaction: lineage edges, winners, conflicts. The caller
/// checked everything before; this only writes.
pub fn apply(tx: &Connection, plan: &MergePlan, found_in_bundle: Option<&str>, now: &str) -> Result<()> {
    tx.execute("INSERT OR REPLACE INTO merge_in_progress (singleton) VALUES (1)", [])?;
    {
        let mut edge =
            tx.prepare_cached("INSERT OR IGNORE INTO record_lineage (record_id, version, parent) VALUES (?1, ?2, ?3)")?;
        for e in &plan.edges {
            edge.execute(params![e.record_id.to_string(), e.version.to_string(), e.parent.to_string()])?;
        }
    }
    for p in &plan.records {
        if let Some(w) = &p.write {
            records::upsert(tx, &RecordRow { record: &w.record, title: &w.title, date: w.date.as_deref() })?;
        }
        apply_conflicts(tx, &p.conflicts, found_in_bundle, now)?;
    }
    tx.execute("DELETE FROM merge_in_progress", [])?;
    Ok(())
}

fn apply_conflicts(
    tx: &Connection,
    changes: &[ConflictChange],
    found_in_bundle: Option<&str>,
    now: &str,
) -> Result<()> {
    for change in changes {
        match change {
            ConflictChange::Insert { id, record_id, kind, loser, winner_line, winner_version, status, resolution } => {
                tx.prepare_cached(
                    "INSERT INTO conflict (id, record_id, kind, loser_version, loser, winner_version, winner, found_at,
                                           found_in_bundle, status, resolution, resolved_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                     ON CONFLICT (id) DO NOTHING",
                )?
                .execute(params![
                    id,
                    record_id.to_string(),
                    kind.as_str(),
                    loser.record.version.to_string(),
                    loser.line,
                    winner_version.to_string(),
                    winner_line,
                    now,
                    found_in_bundle,
                    status.as_str(),
                    resolution.map(Resolution::as_str),
                    resolution.map(|_| now),
                ])?;
            }
            ConflictChange::Drop { id } => {
                tx.prepare_cached("DELETE FROM conflict WHERE id = ?1")?.execute([id])?;
            }
            ConflictChange::Update { id, winner_line, winner_version, status, resolution } => {
                tx.prepare_cached(
                    "UPDATE conflict SET winner_version = ?2, winner = ?3, status = ?4, resolution = ?5,
                            resolved_at = CASE WHEN ?5 IS NULL THEN NULL ELSE COALESCE(resolved_at, ?6) END
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    winner_version.to_string(),
                    winner_line,
                    status.as_str(),
                    resolution.map(Resolution::as_str),
                    now
                ])?;
            }
        }
    }
    Ok(())
}

/// Erases every kept version of a record (its deletion here outranks them all).
pub fn drop_conflicts_of(tx: &Connection, record_id: RecordId) -> Result<()> {
    tx.execute("DELETE FROM conflict WHERE record_id = ?1", [record_id.to_string()])?;
    Ok(())
}

/// Records a person's choice on a conflict (the caller wrote the version that settles it).
pub fn mark_resolved(tx: &Connection, id: &str, resolution: Resolution, version: &Version, now: &str) -> Result<()> {
    tx.execute(
        "UPDATE conflict SET status = 'resolved', resolution = ?2, resolved_at = ?3, resolved_version = ?4 WHERE id = ?1",
        params![id, resolution.as_str(), now, version.to_string()],
    )?;
    Ok(())
}

/// Adds a lineage edge outside an import (a resolution also supersedes the loser).
pub fn add_edge(tx: &Connection, record_id: RecordId, version: &Version, parent: &Version) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO record_lineage (record_id, version, parent) VALUES (?1, ?2, ?3)",
        params![record_id.to_string(), version.to_string(), parent.to_string()],
    )?;
    Ok(())
}

/// Lineage edges of one record.
pub fn edges_of(conn: &Connection, record_id: RecordId) -> Result<Vec<LineageEdge>> {
    let mut stmt = conn.prepare_cached("SELECT version, parent FROM record_lineage WHERE record_id = ?1")?;
    let rows = stmt.query_map([record_id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (v, p) = row?;
        if let (Ok(version), Ok(parent)) = (v.parse(), p.parse()) {
            out.push(LineageEdge { record_id, version, parent });
        }
    }
    Ok(out)
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

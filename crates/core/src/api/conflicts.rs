//! Conflicts as a person reviews them, and their resolution (a new version that travels).

use std::collections::BTreeSet;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{next_version, now_rfc3339, Api, ApiResult};
use crate::domain::clock::wall_ms;
use crate::domain::{kinds, Kind, Record, RecordId};
use crate::error::{Error, Result};
use crate::store::device::{self};
use crate::store::records::{self, RecordRow};
use crate::store::{conflicts, lineage};
use crate::sync::merge::{self, ConflictRow, ConflictStatus, Resolution};

/// Which version a person keeps when resolving a conflict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    Winner,
    Loser,
}

/// A conflict as the front ends show it: the two versions side by side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    pub id: String,
    pub record_id: RecordId,
    pub kind: Kind,
    pub title: String,
    pub status: ConflictStatus,
    pub resolution: Option<Resolution>,
    pub found_at: String,
    pub found_in_bundle: Option<String>,
    pub resolved_at: Option<String>,
    /// The version the store holds now.
    pub winner: Record,
    /// The version that lost, whole.
    pub loser: Record,
    /// Top-level fields whose values differ (`deleted` when one side is a deletion).
    pub fields: Vec<String>,
}

impl Api {
    /// Conflicts waiting for a person (and the settled ones when `include_resolved`).
    pub fn conflicts(&self, include_resolved: bool) -> ApiResult<Vec<ConflictView>> {
        Ok(self
            .store()
            .read(|conn| conflicts::list(conn, include_resolved)?.into_iter().map(|row| view(conn, row)).collect())?)
    }

    /// Settles a conflict: the version kept becomes a new edit that replaces both, knowingly, so
    /// that every store that receives it closes the same conflict.
    pub fn resolve_conflict(&self, id: &str, keep: Keep) -> ApiResult<ConflictView> {
        let id = id.trim();
        let view = self.store().write(|tx| {
            let device = device::require(tx)?;
            let mut rows = if id.len() >= 6 { conflicts::find(tx, id)? } else { Vec::new() };
            let row = match rows.len() {
                1 => rows.remove(0),
                0 => return Err(Error::ConflictNotFound(id.to_string())),
                _ => {
                    return Err(Error::ConflictNotFound(format!(
                        "{id} (plusieurs conflits commencent ainsi : donnez l'identifiant entier)"
                    )))
                }
            };
            if row.status != ConflictStatus::Open {
                return Err(Error::ConflictAlreadyResolved(row.id.clone()));
            }
            let (_, current) =
                records::get_any(tx, row.record_id)?.ok_or(Error::NotFound { kind: row.kind, id: row.record_id })?;
            // At headquarters, the territories settle their own conflicts: a choice made here
            // would never reach them.
            super::workspace::SiegeRule::default().check(tx, current.kind, current.territory_id, None)?;
            let source = match keep {
                Keep::Winner => current.clone(),
                Keep::Loser => row.loser.clone(),
            };
            let mut clock = device.clock;
            clock.observe(&row.loser.version, wall_ms());
            let above = current.version.max(row.loser.version);
            let version = next_version(&mut clock, &device, Some(&above));
            let settled = Record {
                version,
                updated_at: now_rfc3339(),
                deleted: source.deleted,
                territory_id: source.territory_id,
                data: if source.deleted { Value::Object(Default::default()) } else { source.data.clone() },
                ..current.clone()
            };
            let (title, date) = if settled.deleted {
                (String::new(), None)
            } else {
                // The version kept is written like any local edit: every rule, references included.
                let v = kinds::validate(settled.kind, settled.data.clone()).map_err(Error::Invalid)?;
                super::check_references(tx, &mut super::KindCache::default(), settled.kind, settled.id, &v)?;
                (v.title, v.date)
            };
            // The trigger records "settled replaced current"; this adds "settled replaced the loser".
            records::upsert(tx, &RecordRow { record: &settled, title: &title, date: date.as_deref() })?;
            lineage::add_edge(tx, settled.id, &version, &row.loser.version)?;
            if current.version != row.loser.version {
                lineage::add_edge(tx, settled.id, &version, &current.version)?;
            }
            let now = now_rfc3339();
            let resolution = match keep {
                Keep::Winner => Resolution::KeepWinner,
                Keep::Loser => Resolution::KeepLoser,
            };
            conflicts::mark_resolved(tx, &row.id, resolution, &version, &now)?;
            // The other kept losers of the record now stand against the new version.
            let locals = merge::load_locals(tx, [row.record_id], &[])?;
            if let Some(local) = locals.get(&row.record_id) {
                if let Some(p) = merge::plan_record(local, &[]) {
                    let plan = merge::MergePlan { records: vec![p], ..Default::default() };
                    merge::apply(tx, &plan, None, &now)?;
                }
            }
            device::save_clock(tx, &clock)?;
            match conflicts::find(tx, &row.id)?.into_iter().next() {
                Some(row) => view(tx, row),
                // Keeping a deletion erased the kept versions, this one included.
                None => view(
                    tx,
                    ConflictRow {
                        status: ConflictStatus::Resolved,
                        resolution: Some(resolution),
                        resolved_at: Some(now),
                        resolved_version: Some(version.to_string()),
                        ..row
                    },
                ),
            }
        })?;
        self.store().checkpoint();
        Ok(view)
    }
}

fn view(conn: &Connection, row: ConflictRow) -> Result<ConflictView> {
    let winner = match records::get_any(conn, row.record_id)? {
        Some((_, r)) => r,
        None => serde_json::from_str(&row.winner_line)?,
    };
    let mut fields = Vec::new();
    if winner.deleted != row.loser.deleted {
        fields.push("deleted".to_string());
    }
    if let (Some(a), Some(b)) = (winner.data.as_object(), row.loser.data.as_object()) {
        let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for k in keys {
            if a.get(k) != b.get(k) {
                fields.push(k.clone());
            }
        }
    }
    let title = if winner.deleted { kinds::title_of(&row.loser) } else { kinds::title_of(&winner) };
    Ok(ConflictView {
        id: row.id,
        record_id: row.record_id,
        kind: row.kind,
        title,
        status: row.status,
        resolution: row.resolution,
        found_at: row.found_at,
        found_in_bundle: row.found_in_bundle,
        resolved_at: row.resolved_at,
        winner,
        loser: row.loser,
        fields,
    })
}

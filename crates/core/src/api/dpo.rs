//! What the data protection officer asks for (`Api::privacy_report`, `maillage privacy report`):
//! persons per consent state, records holding personal data per territory, the oldest of them,
//! the retention days, the erasures done (ids and days, no names) and the backups that still hold
//! someone erased — the facts a processing register and an impact assessment need. Read in one
//! pass over the live records; no name, no text.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::retention::{territory_retention, TerritoryRetention};
use super::*;
use crate::domain::kinds::Person;
use crate::domain::vocabulary::ConsentStatus;
use crate::privacy::purge;

/// Persons by the state of their consent.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConsentCounts {
    pub given: u64,
    pub pending: u64,
    pub refused: u64,
    pub withdrawn: u64,
}

impl ConsentCounts {
    fn add(&mut self, status: ConsentStatus) {
        match status {
            ConsentStatus::Given => self.given += 1,
            ConsentStatus::Pending => self.pending += 1,
            ConsentStatus::Refused => self.refused += 1,
            ConsentStatus::Withdrawn => self.withdrawn += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.given + self.pending + self.refused + self.withdrawn
    }
}

/// One territory in the report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryPrivacy {
    pub retention: TerritoryRetention,
    pub persons: ConsentCounts,
    /// Live records holding personal data or free text, per kind (kinds with none left out).
    pub personal_by_kind: BTreeMap<Kind, u64>,
    /// The creation (RFC 3339, UTC) of the oldest of them.
    pub oldest_personal_at: Option<String>,
}

/// The data protection officer's report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrivacyReport {
    /// RFC 3339, UTC.
    pub made_at: String,
    pub retention_years: u32,
    /// Every live person, by consent.
    pub persons: ConsentCounts,
    /// Every live territory, by name.
    pub territories: Vec<TerritoryPrivacy>,
    pub oldest_personal_at: Option<String>,
    /// Records holding personal data outside any territory (programme-wide practice sheets…).
    pub personal_outside_territories: u64,
    /// Erasures made here or received, oldest first: ids and days, no names.
    pub erasures: Vec<ErasureView>,
    /// Backups of the backup folder that still hold someone erased.
    pub old_backups: Vec<OldBackup>,
}

#[derive(Default)]
struct Tally {
    persons: ConsentCounts,
    by_kind: BTreeMap<Kind, u64>,
    oldest: Option<String>,
}

fn older(current: &mut Option<String>, candidate: &str) {
    if current.as_deref().is_none_or(|c| candidate < c) {
        *current = Some(candidate.to_string());
    }
}

impl Api {
    /// The data protection officer's report (see the module).
    pub fn privacy_report(&self) -> ApiResult<PrivacyReport> {
        let years = self.retention()?.years;
        let today = crate::privacy::today();
        let (territories, tallies, outside) = self.store.snapshot(|conn| {
            let mut tallies: HashMap<RecordId, Tally> = HashMap::new();
            let mut outside = 0u64;
            let mut territories = Vec::new();
            records::for_each(conn, false, |r| {
                if r.kind == Kind::Territory {
                    territories.push(r.clone());
                }
                if !purge::holds_personal_data(r.kind, &r.data) {
                    return Ok(());
                }
                let Some(t) = r.territory_id else {
                    outside += 1;
                    return Ok(());
                };
                let tally = tallies.entry(t).or_default();
                *tally.by_kind.entry(r.kind).or_default() += 1;
                older(&mut tally.oldest, &r.created_at);
                if r.kind == Kind::Person {
                    if let Ok(p) = serde_json::from_value::<Person>(r.data) {
                        tally.persons.add(p.consent.status);
                    }
                }
                Ok(())
            })?;
            Ok((territories, tallies, outside))
        })?;
        let mut persons = ConsentCounts::default();
        let mut oldest: Option<String> = None;
        let mut rows: Vec<TerritoryPrivacy> = territories
            .iter()
            .map(|t| {
                let tally = tallies.get(&t.id);
                let personal = tally.map(|x| x.by_kind.values().sum()).unwrap_or(0);
                let counts = tally.map(|x| x.persons).unwrap_or_default();
                persons.given += counts.given;
                persons.pending += counts.pending;
                persons.refused += counts.refused;
                persons.withdrawn += counts.withdrawn;
                if let Some(o) = tally.and_then(|x| x.oldest.as_deref()) {
                    older(&mut oldest, o);
                }
                TerritoryPrivacy {
                    retention: territory_retention(t, years, &today, personal),
                    persons: counts,
                    personal_by_kind: tally.map(|x| x.by_kind.clone()).unwrap_or_default(),
                    oldest_personal_at: tally.and_then(|x| x.oldest.clone()),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.retention.name.cmp(&b.retention.name));
        Ok(PrivacyReport {
            made_at: now_rfc3339(),
            retention_years: years,
            persons,
            territories: rows,
            oldest_personal_at: oldest,
            personal_outside_territories: outside,
            erasures: self.erasures()?,
            old_backups: self.backups_holding_erased()?,
        })
    }
}

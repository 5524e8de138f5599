//! Retention: each territory's end date, a retention period (a local setting, 2 years unless
//! changed), the territories whose data are « à purger », and the purge itself — persons erased,
//! free texts stripped, aggregates kept — which travels like an erasure: erasure markers for its
//! persons, the stripped versions as ordinary edits.

use serde::Serialize;
use serde_json::Value;

use super::workspace::SiegeRule;
use super::write::{kinds_invalid, live_of_kind, write_record_replacing};
use super::*;
use crate::domain::kinds::Territory;
use crate::privacy::{self, purge, Erasure};
use crate::store::{conflicts, lineage, privacy as erased};
use crate::sync::erasure::{self, known_name, Target};

/// The `setting` row holding the retention period, in years.
const RETENTION_YEARS: &str = "retention_years";
/// The retention period when none was chosen on this computer.
pub const DEFAULT_RETENTION_YEARS: u32 = 2;
const MAX_RETENTION_YEARS: u32 = 50;

/// How long a territory's personal data are kept after its end date (a local setting).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionSettings {
    pub years: u32,
    pub default_years: u32,
}

/// Where a territory stands against the retention period.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerritoryRetention {
    pub territory_id: RecordId,
    pub name: String,
    pub demo: bool,
    /// The programme's end on this territory (none: not set, never due).
    pub end_date: Option<String>,
    /// The end date plus the retention period: from that day on, its data are « à purger ».
    pub retention_until: Option<String>,
    /// « Données à purger »: the day is reached and records still hold personal data.
    pub due: bool,
    /// The day it was purged.
    pub purged_on: Option<String>,
    /// Live records holding personal data or free text (counted for the territories past their
    /// day, and in the data protection report).
    pub personal_records: u64,
}

/// What a purge did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub territory_id: RecordId,
    pub purged_on: String,
    /// Persons erased (their erasure markers travel).
    pub persons_erased: u64,
    /// Records stripped of their free texts, kept for the aggregates (new versions that travel).
    pub records_stripped: u64,
    pub attachments_deleted: u64,
    /// One French sentence summing up.
    pub message: String,
}

/// `end` plus `years` years (29 February → 28 February).
pub(super) fn retention_until(end: &str, years: u32) -> Option<String> {
    let day = chrono::NaiveDate::parse_from_str(end, "%Y-%m-%d").ok()?;
    day.checked_add_months(chrono::Months::new(years.saturating_mul(12))).map(|d| d.format("%Y-%m-%d").to_string())
}

/// A territory's retention facts, `personal` records counted by the caller.
pub(super) fn territory_retention(record: &Record, years: u32, today: &str, personal: u64) -> TerritoryRetention {
    let t: Option<Territory> = serde_json::from_value(record.data.clone()).ok();
    let end_date = t.as_ref().and_then(|t| t.end_date.clone());
    let retention_until = end_date.as_deref().and_then(|d| retention_until(d, years));
    TerritoryRetention {
        territory_id: record.id,
        name: t.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
        demo: t.as_ref().is_some_and(|t| t.demo),
        due: retention_until.as_deref().is_some_and(|u| u <= today) && personal > 0,
        end_date,
        retention_until,
        purged_on: t.and_then(|t| t.purged_on),
        personal_records: personal,
    }
}

fn reached(record: &Record, years: u32, today: &str) -> bool {
    territory_retention(record, years, today, 1).due
}

fn personal_in(conn: &rusqlite::Connection, territory: RecordId) -> crate::error::Result<u64> {
    let records = records::live_in_territory(conn, territory)?;
    Ok(records.iter().filter(|r| purge::holds_personal_data(r.kind, &r.data)).count() as u64)
}

impl Api {
    /// The retention period on this computer.
    pub fn retention(&self) -> ApiResult<RetentionSettings> {
        let years = self.store.read(|c| crate::store::settings::get(c, RETENTION_YEARS))?;
        let years = years.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_RETENTION_YEARS);
        Ok(RetentionSettings { years, default_years: DEFAULT_RETENTION_YEARS })
    }

    /// Sets the retention period (1 to 50 years; a local setting, never in a bundle).
    pub fn set_retention_years(&self, years: u32) -> ApiResult<RetentionSettings> {
        if !(1..=MAX_RETENTION_YEARS).contains(&years) {
            return Err(Error::Invalid(kinds_invalid(
                "years",
                &format!("la durée de conservation se compte en années, de 1 à {MAX_RETENTION_YEARS}"),
            ))
            .into());
        }
        self.store.write(|tx| crate::store::settings::set(tx, RETENTION_YEARS, &years.to_string()))?;
        self.retention()
    }

    /// « Données à purger »: the territories whose end date plus the retention period is reached
    /// and whose records still hold personal data, by name.
    pub fn territories_due(&self) -> ApiResult<Vec<TerritoryRetention>> {
        let years = self.retention()?.years;
        let today = privacy::today();
        Ok(self.store.read(|conn| {
            let mut out = Vec::new();
            for t in records::list(conn, Kind::Territory, None)? {
                if reached(&t, years, &today) {
                    let row = territory_retention(&t, years, &today, personal_in(conn, t.id)?);
                    if row.due {
                        out.push(row);
                    }
                }
            }
            out.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(out)
        })?)
    }

    /// Purges a territory: its persons erased (markers that travel), its attachments deleted,
    /// every other record stripped of names and free texts (`privacy::purge::strip`, new
    /// versions that travel and knowingly replace the versions kept for review), its aggregates
    /// kept — themes of the passages, actor categories, actions, indicators and measurements,
    /// the cooperation map. Refused before the territory's retention day unless `force`. Allowed
    /// in headquarters' workspace (retention binds every copy).
    pub fn purge_territory(&self, territory_id: RecordId, force: bool) -> ApiResult<PurgeReport> {
        let years = self.retention()?.years;
        let today = privacy::today();
        let report = self.store.write(|tx| {
            let territory = live_of_kind(tx, Kind::Territory, territory_id)?;
            if !force && !reached(&territory, years, &today) {
                return Err(Error::Invalid(kinds_invalid(
                    "territory_id",
                    &format!(
                        "ce territoire n'est pas à purger : sa date de fin plus la durée de conservation ({years} an(s)) n'est pas atteinte, ou il n'a pas de date de fin ; pour le purger quand même, confirmez (--force)"
                    ),
                )));
            }
            let device = device::require(tx)?;
            let mut clock = device.clock;
            let mut kinds = KindCache::default();
            kinds.siege = SiegeRule::lifted();
            let now = now_rfc3339();
            let mut report = PurgeReport {
                territory_id,
                purged_on: today.clone(),
                persons_erased: 0,
                records_stripped: 0,
                attachments_deleted: 0,
                message: String::new(),
            };
            let mut persons = Vec::new();
            for r in records::live_in_territory(tx, territory_id)? {
                match r.kind {
                    Kind::Person => persons.push(r),
                    Kind::Attachment => {
                        let tombstone = Record {
                            version: next_version(&mut clock, &device, Some(&r.version)),
                            updated_at: now.clone(),
                            deleted: true,
                            data: Value::Object(Default::default()),
                            ..r.clone()
                        };
                        records::upsert(tx, &records::RecordRow { record: &tombstone, title: "", date: None })?;
                        conflicts::delete_of_record(tx, r.id)?;
                        if let Some(sha) = r.data["sha256"].as_str() {
                            crate::store::blobs::delete_if_unused(tx, sha)?;
                        }
                        report.attachments_deleted += 1;
                    }
                    kind => {
                        let stripped = purge::strip(kind, &r.data, &today);
                        if stripped == r.data {
                            continue;
                        }
                        let validated = kinds::validate(kind, stripped).map_err(Error::Invalid)?;
                        let kept = conflicts::of_record(tx, r.id)?;
                        let (written, _) =
                            write_record_replacing(tx, &device, &mut clock, &mut kinds, kind, Some(r.id), validated)?;
                        // The versions kept for review are replaced knowingly too: the edges travel,
                        // and every store closes them.
                        for c in &kept {
                            if c.loser.version < written.version {
                                lineage::add_edge(tx, r.id, &written.version, &c.loser.version)?;
                            }
                        }
                        conflicts::delete_of_record(tx, r.id)?;
                        report.records_stripped += 1;
                    }
                }
            }
            device::save_clock(tx, &clock)?;
            // The persons last: nothing points to them any more, so their erasure takes no
            // passage out (the passages stay, for their themes).
            let mut targets = Vec::new();
            for p in &persons {
                erased::insert(tx, &Erasure { person_id: p.id, erased_on: today.clone() }, &now, None)?;
                targets.push(Target { person_id: p.id, known: known_name(p), name_only: false });
            }
            erasure::apply(tx, &targets, &erased::erased_ids(tx)?, &now)?;
            report.persons_erased = persons.len() as u64;
            Ok(report)
        })?;
        self.after_erasure();
        tracing::info!(territory = %territory_id, persons = report.persons_erased, stripped = report.records_stripped,
                       attachments = report.attachments_deleted, "purge_territory");
        Ok(PurgeReport {
            message: format!(
                "Territoire purgé : {} personne(s) effacée(s), {} fiche(s) vidée(s) de leurs textes libres, {} pièce(s) jointe(s) supprimée(s) ; les comptes par thème et par catégorie d'acteurs, les actions, les indicateurs et la carte des coopérations sont conservés",
                report.persons_erased, report.records_stripped, report.attachments_deleted
            ),
            ..report
        })
    }
}

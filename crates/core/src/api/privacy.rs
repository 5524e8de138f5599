//! Consent that governs what leaves, and erasure that travels: the interview screen's view of
//! which passages may leave, withdrawing a consent, « Effacer cette personne partout », and the
//! backups that still hold someone erased.
//!
//! ```
//! use maillage_core::api::Api;
//! use maillage_core::domain::Kind;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! api.init("Camille").unwrap();
//! let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap().id;
//! let p = api.put(Kind::Person, None, json!({"territory_id": t, "name": "Jeanne Martin"})).unwrap().id;
//! let i = api.put(Kind::Interview, None, json!({"territory_id": t, "title": "Entretien", "date": "2026-02-03",
//!     "person_ids": [p], "passages": [{"source": "notes", "text": "« On se connaît mal »", "quote": true}],
//!     "consent": {"status": "given", "date": "2026-02-03"}})).unwrap().id;
//! let view = api.interview_consent(i).unwrap();
//! assert_eq!(view.messages, ["1 verbatim non exportable : consentement non recueilli"]);
//! let report = api.erase_person(p).unwrap();
//! assert_eq!(report.passages_removed, 1);
//! assert!(api.get(Kind::Person, p).is_err());
//! ```

use std::collections::HashSet;
use std::path::Path;

use serde::Serialize;

use super::*;
use crate::domain::kinds::Interview;
use crate::domain::vocabulary::ConsentStatus;
use crate::privacy::{self, Erasure};
use crate::store::privacy::{self as store, ErasureRow};
use crate::sync::erasure::{self, known_name, Target};

/// A passage of an interview and whether it may leave it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PassageConsent {
    /// Its rank among the interview's `passages` (from 0).
    pub index: u32,
    pub quote: bool,
    /// The persons whose words it holds: the one it is attributed to, or every person of the
    /// interview.
    pub person_ids: Vec<RecordId>,
    /// It may appear in national exports and reports.
    pub exportable: bool,
    /// What holds it back: the interview's consent or one of its persons' (not collected,
    /// refused, withdrawn).
    pub withheld_by: Option<ConsentStatus>,
}

/// The interview screen's view of consent: passage by passage, and counted.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterviewConsent {
    pub interview_id: RecordId,
    pub passages: Vec<PassageConsent>,
    /// Verbatims that stay in the interview.
    pub withheld_quotes: u32,
    /// Coded passages (not verbatims) that stay in the interview.
    pub withheld_passages: u32,
    /// « 3 verbatims non exportables : consentement non recueilli », then the same sentence for
    /// coded passages; empty when everything may leave.
    pub messages: Vec<String>,
}

/// What « Effacer cette personne partout » did here.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    pub person_id: RecordId,
    pub erased_on: String,
    /// The person's record and the attachments of their record.
    pub records_removed: u64,
    /// Records rewritten: interviews without their passages, texts with their pseudonym.
    pub records_rewritten: u64,
    pub passages_removed: u64,
    /// Versions kept for review rewritten or erased.
    pub conflicts_changed: u64,
    /// Backups of the backup folder that still hold someone erased (see `backups_holding_erased`).
    pub old_backups: u32,
    /// One French sentence summing up (no name).
    pub message: String,
}

/// An erasure, as the data protection officer's report lists it: an id and days, no name.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureView {
    pub person_id: RecordId,
    /// The day the person was erased, on the device that did it.
    pub erased_on: String,
    /// When this store erased them (RFC 3339, UTC).
    pub recorded_at: String,
    /// Erased on this device (otherwise: received in a bundle).
    pub erased_here: bool,
}

/// A backup made before an erasure that still holds the person erased.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OldBackup {
    pub path: String,
    pub bytes: u64,
    /// When it was written (RFC 3339, UTC; empty when the system does not say).
    pub made_at: String,
}

impl From<ErasureRow> for ErasureView {
    fn from(r: ErasureRow) -> Self {
        ErasureView {
            person_id: r.erasure.person_id,
            erased_on: r.erasure.erased_on,
            recorded_at: r.recorded_at,
            erased_here: r.found_in_bundle.is_none(),
        }
    }
}

impl Api {
    /// Which passages of an interview may leave it (`privacy::exportable_passages`, the rule of
    /// every export and report), and how many stay, in French.
    pub fn interview_consent(&self, interview_id: RecordId) -> ApiResult<InterviewConsent> {
        let record = self.get(Kind::Interview, interview_id)?;
        let interview: Interview = serde_json::from_value(record.data).map_err(Error::from)?;
        let mut consents = std::collections::HashMap::new();
        self.store.read(|conn| {
            for p in interview.passages.iter().flat_map(|p| privacy::speakers(&interview, p)) {
                if let std::collections::hash_map::Entry::Vacant(slot) = consents.entry(p) {
                    let consent = match records::get_any(conn, p)? {
                        Some((_, r)) if r.kind == Kind::Person && !r.deleted => {
                            serde_json::from_value::<crate::domain::kinds::Person>(r.data)
                                .ok()
                                .map(|p| p.consent.status)
                        }
                        _ => None,
                    };
                    slot.insert(consent);
                }
            }
            Ok(())
        })?;
        let consent_of = |p: RecordId| consents.get(&p).copied().flatten();
        let mut passages = Vec::new();
        let (mut quotes, mut coded) = (Vec::new(), Vec::new());
        for (index, p) in interview.passages.iter().enumerate() {
            let withheld_by = privacy::passage_gate(&interview, p, &consent_of);
            if let Some(status) = withheld_by {
                (if p.quote { &mut quotes } else { &mut coded }).push(status);
            }
            passages.push(PassageConsent {
                index: index as u32,
                quote: p.quote,
                person_ids: privacy::speakers(&interview, p),
                exportable: withheld_by.is_none(),
                withheld_by,
            });
        }
        let messages = [
            privacy::withheld_sentence(("verbatim", "verbatims"), &quotes),
            privacy::withheld_sentence(("passage codé", "passages codés"), &coded),
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(InterviewConsent {
            interview_id,
            passages,
            withheld_quotes: quotes.len() as u32,
            withheld_passages: coded.len() as u32,
            messages,
        })
    }

    /// Withdraws a person's consent on `date` (`YYYY-MM-DD`; today when none): one ordinary edit
    /// of the person, which travels in bundles; every later export and report on every store
    /// leaves out what is attributed to them.
    pub fn withdraw_consent(&self, person_id: RecordId, date: Option<&str>) -> ApiResult<Record> {
        let date = date.map(str::trim).filter(|d| !d.is_empty()).map(str::to_string).unwrap_or_else(privacy::today);
        let mut data = self.get(Kind::Person, person_id)?.data;
        let how = data["consent"]["how"].clone();
        data["consent"] = serde_json::json!({"status": "withdrawn", "date": date, "how": how.as_str().unwrap_or("")});
        self.put(Kind::Person, Some(person_id), data)
    }

    /// « Effacer cette personne partout »: the person, their contact, the attachments of their
    /// record (a consent form, its content too), the passages attributed to them and the versions
    /// kept for review that hold them are gone from this store; their exact name in the texts of
    /// their territory becomes their pseudonym. What remains is an erasure marker (their id and
    /// today's date) that every bundle carries, so that every store erases them the same way and
    /// no bundle brings them back. Allowed in headquarters' workspace too.
    pub fn erase_person(&self, person_id: RecordId) -> ApiResult<ErasureReport> {
        let erased_on = privacy::today();
        let applied = self.store.write(|tx| {
            match records::get_any(tx, person_id)? {
                Some((_, r)) if r.kind != Kind::Person => {
                    return Err(Error::WrongKind { id: person_id, expected: Kind::Person, actual: r.kind })
                }
                Some(_) => {}
                None => return Err(Error::NotFound { kind: Kind::Person, id: person_id }),
            }
            let person = records::get_any(tx, person_id)?.map(|(_, r)| r);
            let now = now_rfc3339();
            store::insert(tx, &Erasure { person_id, erased_on: erased_on.clone() }, &now, None)?;
            let target = Target { person_id, known: person.as_ref().and_then(known_name), name_only: false };
            erasure::apply(tx, &[target], &store::erased_ids(tx)?, &now)
        })?;
        self.after_erasure();
        let old_backups = self.backups_holding_erased()?.len() as u32;
        tracing::info!(person = %person_id, removed = applied.records_removed, rewritten = applied.records_rewritten,
                       passages = applied.passages_removed, "erase_person");
        let mut message = format!(
            "Personne effacée de ce magasin : {} passage(s) retiré(s), {} fiche(s) réécrite(s) ; l'effacement partira dans les prochains paquets",
            applied.passages_removed, applied.records_rewritten
        );
        if old_backups > 0 {
            message.push_str(&format!(
                " ; {old_backups} sauvegarde(s) antérieure(s) la contiennent encore : supprimez-les"
            ));
        }
        Ok(ErasureReport {
            person_id,
            erased_on,
            records_removed: applied.records_removed,
            records_rewritten: applied.records_rewritten,
            passages_removed: applied.passages_removed,
            conflicts_changed: applied.conflicts_changed,
            old_backups,
            message,
        })
    }

    /// What was erased leaves the bytes now (the file rewritten, the WAL emptied: see
    /// `Store::vacuum`), and the national synthesis is read again.
    pub(super) fn after_erasure(&self) {
        self.store.vacuum();
        self.synthesis_cache.clear();
    }

    /// Every erasure known here, oldest first: ids and days, no names.
    pub fn erasures(&self) -> ApiResult<Vec<ErasureView>> {
        Ok(self.store.read(store::erasures)?.into_iter().map(ErasureView::from).collect())
    }

    /// The backups of the backup folder that still hold a person erased since (listed with their
    /// dates): delete them with [`Api::delete_old_backups`]. A backup that cannot be read is
    /// listed when it is older than the latest erasure.
    pub fn backups_holding_erased(&self) -> ApiResult<Vec<OldBackup>> {
        let (ids, latest) = self.store.read(|c| Ok((store::erased_ids(c)?, store::latest_recorded_at(c)?)))?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for b in self.list_backups()? {
            let path = Path::new(&b.path);
            let made_at = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default();
            let holds = store::backup_holds_any(path, self.store.key().as_ref(), &ids)
                .unwrap_or_else(|| latest.as_deref().is_some_and(|l| made_at.as_str() < l));
            if holds {
                out.push(OldBackup { path: b.path, bytes: b.bytes, made_at });
            }
        }
        Ok(out)
    }

    /// Deletes every backup [`Api::backups_holding_erased`] lists (one button); returns them.
    pub fn delete_old_backups(&self) -> ApiResult<Vec<OldBackup>> {
        let old = self.backups_holding_erased()?;
        for b in &old {
            std::fs::remove_file(&b.path).map_err(|e| Error::io(Path::new(&b.path), e))?;
        }
        tracing::info!(deleted = old.len(), "delete_old_backups");
        Ok(old)
    }

    /// After a restore: the erasures the replaced store knew are made again on the restored one
    /// (a backup made before an erasure must not bring the person back).
    pub(super) fn reapply_erasures(&self, known: Vec<ErasureRow>) -> ApiResult<()> {
        if known.is_empty() {
            return Ok(());
        }
        self.store.write(|tx| {
            let now = now_rfc3339();
            let mut targets = Vec::new();
            for row in &known {
                if store::insert(tx, &row.erasure, &row.recorded_at, row.found_in_bundle.as_deref())? {
                    let person = records::get_any(tx, row.erasure.person_id)?.map(|(_, r)| r);
                    let known = person.as_ref().and_then(known_name);
                    targets.push(Target { person_id: row.erasure.person_id, known, name_only: false });
                }
            }
            let ids: HashSet<RecordId> = store::erased_ids(tx)?;
            erasure::apply(tx, &targets, &ids, &now)
        })?;
        self.after_erasure();
        Ok(())
    }
}

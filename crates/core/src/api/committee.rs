//! The selection committee of inspiring practices, at headquarters (seed 003): the queue of the
//! practices facilitators proposed, each member's review (relevance, originality, effectiveness,
//! 1 to 4), the committee's decision with its reasons, the version edited for publication (the
//! proposal stays as the territory wrote it: both are kept and their differences listed), and
//! the publication in the library with its themes.
//!
//! These are headquarters' own records (`practice_review`, `library_sheet`), in no territory;
//! the committee sits in headquarters' workspace only.

use std::collections::HashMap;

use serde::Serialize;

use super::*;
use crate::domain::kinds::{LibrarySheet, Practice, PracticeReview, Territory};
use crate::domain::vocabulary::{CommitteeDecision, PracticeStatus};

/// The library's themes until headquarters edits the list (ONPE's themes).
pub const DEFAULT_LIBRARY_THEMES: [&str; 8] = [
    "Parents",
    "Enfants et jeunes en difficultés multiples",
    "Entre milieu ouvert et placement",
    "Sortie et autonomie",
    "Violences conjugales",
    "Partenariats entre acteurs",
    "Prévention",
    "Scolarité et réussite éducative",
];
const LIBRARY_THEMES: &str = "library_themes";

/// A member's review, as the committee's queue shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewView {
    pub id: RecordId,
    pub reviewer: String,
    pub relevance: u8,
    pub originality: u8,
    pub effectiveness: u8,
    pub comment: String,
    pub reviewed_on: String,
}

/// A proposed practice before the committee: where it comes from (a kind of territory and a
/// département, never a person), its reviews and their means, the committee's sheet if any.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitteeEntry {
    pub practice_id: RecordId,
    pub title: String,
    pub territory_kind: Option<String>,
    pub departement_code: Option<String>,
    pub reviews: Vec<ReviewView>,
    /// Mean relevance, originality and effectiveness of the reviews (none without a review).
    pub means: Option<[f64; 3]>,
    pub decision: Option<CommitteeDecision>,
    pub reasons: String,
    pub published_on: Option<String>,
    pub sheet_id: Option<RecordId>,
}

/// A field the committee's edited version changed from the proposal.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDifference {
    pub field: String,
    pub label: String,
    pub proposed: String,
    pub edited: String,
}

/// The text fields of a sheet, in the order of the programme's sheet.
const SHEET_FIELDS: [(&str, &str); 7] = [
    ("title", "Titre"),
    ("summary", "Résumé"),
    ("objectives", "Objectifs"),
    ("means", "Moyens"),
    ("keys_to_success", "Clés de réussite"),
    ("expected_results", "Résultats attendus"),
    ("difficulties", "Difficultés"),
];

/// The text fields where the sheet (the committee's edited version) differs from the proposal's
/// data.
pub(super) fn differences(proposal: &serde_json::Value, sheet: &LibrarySheet) -> ApiResult<Vec<FieldDifference>> {
    let edited = serde_json::to_value(sheet).map_err(Error::from)?;
    let text = |v: &serde_json::Value, f: &str| v.get(f).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    Ok(SHEET_FIELDS
        .iter()
        .filter(|(f, _)| text(proposal, f) != text(&edited, f))
        .map(|(f, label)| FieldDifference {
            field: f.to_string(),
            label: label.to_string(),
            proposed: text(proposal, f),
            edited: text(&edited, f),
        })
        .collect())
}

fn refuse(field: &str, message: &str) -> ApiError {
    Error::Invalid(kinds::Invalid::new(field, message)).into()
}

impl Api {
    /// The committee sits in headquarters' workspace.
    fn committee_sits(&self) -> ApiResult<()> {
        if self.workspace()?.mode != Some(WorkspaceMode::Siege) {
            return Err(refuse("mode", "le comité de sélection se tient dans l'espace du siège national"));
        }
        Ok(())
    }

    fn proposed_practice(&self, practice_id: RecordId) -> ApiResult<(Record, Practice)> {
        let record = self.get(Kind::Practice, practice_id)?;
        let practice: Practice = serde_json::from_value(record.data.clone()).map_err(Error::from)?;
        if practice.status == PracticeStatus::Brouillon {
            return Err(refuse(
                "practice_id",
                "cette pratique est encore un brouillon : elle n'a pas été proposée au comité",
            ));
        }
        Ok((record, practice))
    }

    /// The committee's sheet of each practice that has one (the latest edited), read in one pass.
    fn sheets(&self) -> ApiResult<HashMap<RecordId, (String, RecordId, LibrarySheet)>> {
        let mut out: HashMap<RecordId, (String, RecordId, LibrarySheet)> = HashMap::new();
        for r in self.list(Kind::LibrarySheet, None)? {
            let Ok(sheet) = serde_json::from_value::<LibrarySheet>(r.data) else { continue };
            if out.get(&sheet.practice_id).is_none_or(|(at, _, _)| *at <= r.updated_at) {
                out.insert(sheet.practice_id, (r.updated_at, r.id, sheet));
            }
        }
        Ok(out)
    }

    /// The committee's sheet of a practice, when it has one.
    fn sheet_of(&self, practice_id: RecordId) -> ApiResult<Option<(RecordId, LibrarySheet)>> {
        Ok(self.sheets()?.remove(&practice_id).map(|(_, id, s)| (id, s)))
    }

    /// The practices proposed by the territories (and those the committee has decided on), with
    /// their reviews and decisions: the committee's queue, oldest decisions last.
    pub fn committee_queue(&self) -> ApiResult<Vec<CommitteeEntry>> {
        let territories: HashMap<RecordId, Territory> = self
            .list(Kind::Territory, None)?
            .into_iter()
            .filter_map(|r| Some((r.id, serde_json::from_value(r.data).ok()?)))
            .collect();
        let mut reviews: HashMap<RecordId, Vec<ReviewView>> = HashMap::new();
        for r in self.list(Kind::PracticeReview, None)? {
            if let Ok(v) = serde_json::from_value::<PracticeReview>(r.data) {
                reviews.entry(v.practice_id).or_default().push(ReviewView {
                    id: r.id,
                    reviewer: v.reviewer,
                    relevance: v.relevance,
                    originality: v.originality,
                    effectiveness: v.effectiveness,
                    comment: v.comment,
                    reviewed_on: v.reviewed_on,
                });
            }
        }
        let mut sheets = self.sheets()?;
        let mut out = Vec::new();
        for r in self.list(Kind::Practice, None)? {
            let Ok(p) = serde_json::from_value::<Practice>(r.data.clone()) else { continue };
            if p.status == PracticeStatus::Brouillon {
                continue;
            }
            let origin = p.territory_id.and_then(|t| territories.get(&t));
            let mut mine = reviews.remove(&r.id).unwrap_or_default();
            mine.sort_by(|a, b| (&a.reviewed_on, &a.reviewer).cmp(&(&b.reviewed_on, &b.reviewer)));
            let means = (!mine.is_empty()).then(|| {
                let n = mine.len() as f64;
                let mean = |f: fn(&ReviewView) -> u8| mine.iter().map(|v| f64::from(f(v))).sum::<f64>() / n;
                [mean(|v| v.relevance), mean(|v| v.originality), mean(|v| v.effectiveness)]
            });
            let sheet = sheets.remove(&r.id).map(|(_, id, s)| (id, s));
            out.push(CommitteeEntry {
                practice_id: r.id,
                title: p.title,
                territory_kind: origin.map(|t| t.kind.label().to_string()),
                departement_code: origin.and_then(|t| t.departement_code.clone()),
                reviews: mine,
                means,
                decision: sheet.as_ref().map(|(_, s)| s.decision),
                reasons: sheet.as_ref().map(|(_, s)| s.reasons.clone()).unwrap_or_default(),
                published_on: sheet.as_ref().and_then(|(_, s)| s.published_on.clone()),
                sheet_id: sheet.map(|(id, _)| id),
            });
        }
        // Undecided first, then by title.
        out.sort_by_cached_key(|e| (e.decision.is_some(), crate::domain::text::fold(&e.title)));
        Ok(out)
    }

    /// A committee member's review of a proposed practice (1 to 4 each; today).
    pub fn review_practice(
        &self,
        practice_id: RecordId,
        reviewer: &str,
        scores: [u8; 3],
        comment: &str,
    ) -> ApiResult<Record> {
        self.committee_sits()?;
        self.proposed_practice(practice_id)?;
        let [relevance, originality, effectiveness] = scores;
        self.put(
            Kind::PracticeReview,
            None,
            serde_json::json!({"practice_id": practice_id, "reviewer": reviewer, "relevance": relevance,
                               "originality": originality, "effectiveness": effectiveness, "comment": comment,
                               "reviewed_on": crate::privacy::today()}),
        )
    }

    /// The committee's decision (today), with its reasons: a retained practice gets the sheet of
    /// its edited version, prefilled from the proposal; deciding again updates the sheet.
    pub fn decide_practice(&self, practice_id: RecordId, retain: bool, reasons: &str) -> ApiResult<Record> {
        self.committee_sits()?;
        let (record, practice) = self.proposed_practice(practice_id)?;
        let decision = if retain { CommitteeDecision::Retenue } else { CommitteeDecision::Ecartee };
        let (id, mut data) = match self.sheet_of(practice_id)? {
            Some((id, sheet)) => (Some(id), serde_json::to_value(sheet).map_err(Error::from)?),
            None => {
                let origin = match practice.territory_id {
                    Some(t) => {
                        self.get(Kind::Territory, t).ok().and_then(|r| serde_json::from_value::<Territory>(r.data).ok())
                    }
                    None => None,
                };
                let mut data = serde_json::json!({
                    "practice_id": practice_id,
                    "actor_categories": self.practice_actor_categories(&practice)?,
                    "territory_kind": origin.as_ref().map(|t| t.kind),
                    "departement_code": origin.and_then(|t| t.departement_code),
                });
                for (field, _) in SHEET_FIELDS {
                    data[field] = record.data.get(field).cloned().unwrap_or_else(|| serde_json::json!(""));
                }
                (None, data)
            }
        };
        data["decision"] = serde_json::to_value(decision).map_err(Error::from)?;
        data["reasons"] = serde_json::json!(reasons);
        data["decided_on"] = serde_json::json!(crate::privacy::today());
        if !retain {
            data["published_on"] = serde_json::Value::Null;
        }
        self.put(Kind::LibrarySheet, id, data)
    }

    /// Publishes a retained practice in the library (today), under the library's themes (those
    /// given replace the sheet's: none ticked, none kept).
    pub fn publish_practice(&self, practice_id: RecordId, themes: &[String]) -> ApiResult<Record> {
        self.committee_sits()?;
        let Some((id, sheet)) = self.sheet_of(practice_id)? else {
            return Err(refuse(
                "practice_id",
                "le comité ne s'est pas encore prononcé sur cette pratique : décidez d'abord",
            ));
        };
        if sheet.decision != CommitteeDecision::Retenue {
            return Err(refuse("decision", "seule une pratique retenue par le comité se publie"));
        }
        let allowed = self.library_themes()?;
        if themes.iter().any(|t| !allowed.contains(t)) {
            return Err(refuse(
                "themes",
                "les thèmes de la bibliothèque se choisissent dans sa liste (Paramètres du siège)",
            ));
        }
        let mut data = serde_json::to_value(&sheet).map_err(Error::from)?;
        data["published_on"] = serde_json::json!(crate::privacy::today());
        data["themes"] = serde_json::json!(themes);
        self.put(Kind::LibrarySheet, Some(id), data)
    }

    /// Withdraws a published practice from the library (the sheet and its decision stay): it
    /// disappears from the territories' library with headquarters' next library bundle.
    pub fn withdraw_practice(&self, practice_id: RecordId) -> ApiResult<Record> {
        self.committee_sits()?;
        let Some((id, sheet)) = self.sheet_of(practice_id)? else {
            return Err(refuse("practice_id", "cette pratique n'a pas de fiche du comité : rien à retirer"));
        };
        if sheet.published_on.is_none() {
            return Err(refuse("published_on", "cette pratique n'est pas publiée : rien à retirer"));
        }
        let mut data = serde_json::to_value(&sheet).map_err(Error::from)?;
        data["published_on"] = serde_json::Value::Null;
        self.put(Kind::LibrarySheet, Some(id), data)
    }

    /// What the committee's edited version changed from the territory's proposal (both kept).
    pub fn practice_differences(&self, practice_id: RecordId) -> ApiResult<Vec<FieldDifference>> {
        let proposal = self.get(Kind::Practice, practice_id)?;
        let Some((_, sheet)) = self.sheet_of(practice_id)? else { return Ok(Vec::new()) };
        differences(&proposal.data, &sheet)
    }

    /// The library's themes (headquarters' list; ONPE's until edited).
    pub fn library_themes(&self) -> ApiResult<Vec<String>> {
        let stored = self.store.read(|c| crate::store::settings::get(c, LIBRARY_THEMES))?;
        Ok(stored
            .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
            .unwrap_or_else(|| DEFAULT_LIBRARY_THEMES.iter().map(|t| t.to_string()).collect()))
    }

    /// Replaces the library's themes (non-empty, each at most 120 characters, no repeats).
    pub fn set_library_themes(&self, themes: Vec<String>) -> ApiResult<Vec<String>> {
        let themes: Vec<String> = themes.into_iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
        let unique: std::collections::HashSet<&String> = themes.iter().collect();
        if themes.is_empty() || unique.len() != themes.len() || themes.iter().any(|t| t.chars().count() > 120) {
            return Err(refuse(
                "themes",
                "la liste des thèmes : au moins un thème, chacun une fois, 120 caractères au plus",
            ));
        }
        let value = serde_json::to_string(&themes).map_err(Error::from)?;
        self.store.write(|tx| crate::store::settings::set(tx, LIBRARY_THEMES, &value))?;
        self.library_themes()
    }
}

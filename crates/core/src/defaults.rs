//! The defaults shipped with Maillage, written from the programme's documents: the interview
//! guide of the *état des lieux*, the codebook (grille d'analyse) and the best-practice grid.
//!
//! Shipped records have ids derived from their codes and the oldest possible version, so every
//! device holds the very same records (they merge as one) and any edit outranks them.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::kinds::{self, GuideSection};
use crate::domain::{DeviceId, Kind, Record, RecordId, Version};
use crate::error::Result;
use crate::store::records::{self, RecordRow};

const GUIDE: &str = include_str!("../defaults/interview_guide.json");
const CODEBOOK: &str = include_str!("../defaults/codebook.json");
const GOOD_PRACTICES: &str = include_str!("../defaults/good_practices.json");

/// The time stamp of shipped records: the same on every device.
const SHIPPED_AT: &str = "2026-01-01T00:00:00.000Z";
const SHIPPED_BY: &str = "Maillage";

#[derive(Deserialize)]
struct GuideFile {
    code: String,
    title: String,
    description: String,
    sections: Vec<GuideSection>,
}

#[derive(Deserialize)]
struct ThemeNode {
    code: String,
    label: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    children: Vec<ThemeNode>,
}

pub fn guide_id() -> RecordId {
    RecordId::for_default("interview_guide", "guide-etat-des-lieux")
}

pub fn theme_id(code: &str) -> RecordId {
    RecordId::for_default("theme", code)
}

/// The shipped records: the guide, then the themes (parents before children).
pub fn records() -> Vec<(Record, String)> {
    let guide: GuideFile = serde_json::from_str(GUIDE).expect("the shipped guide is valid JSON");
    let mut out = vec![shipped(
        Kind::InterviewGuide,
        RecordId::for_default("interview_guide", &guide.code),
        json!({"code": guide.code, "title": guide.title, "description": guide.description, "sections": guide.sections}),
    )];
    let tree: Vec<ThemeNode> = serde_json::from_str(CODEBOOK).expect("the shipped codebook is valid JSON");
    fn walk(nodes: &[ThemeNode], parent: Option<RecordId>, out: &mut Vec<(Record, String)>) {
        for node in nodes {
            let id = theme_id(&node.code);
            out.push(shipped(
                Kind::Theme,
                id,
                json!({"code": node.code, "label": node.label, "description": node.description, "parent_id": parent}),
            ));
            walk(&node.children, Some(id), out);
        }
    }
    walk(&tree, None, &mut out);
    out
}

fn shipped(kind: Kind, id: RecordId, data: serde_json::Value) -> (Record, String) {
    let v = kinds::validate(kind, data).expect("shipped defaults are valid");
    let record = Record {
        id,
        kind,
        territory_id: None,
        version: Version::SHIPPED,
        created_by: SHIPPED_BY.into(),
        created_device: DeviceId::SHIPPED,
        created_at: SHIPPED_AT.into(),
        updated_at: SHIPPED_AT.into(),
        deleted: false,
        data: v.data,
    };
    (record, v.title)
}

/// Adds the shipped records that the store does not hold yet (never overwrites an edit).
pub fn install(conn: &rusqlite::Connection) -> Result<()> {
    for (record, title) in records() {
        if records::get_any(conn, record.id)?.is_none() {
            records::upsert(conn, &RecordRow { record: &record, title: &title, date: None })?;
        }
    }
    Ok(())
}

/// Whether `record` is exactly one of the shipped defaults, byte for byte: the only records that
/// may carry the reserved version and pseudo-device.
pub fn is_shipped_exactly(record: &Record) -> bool {
    shipped_lines().get(&record.id).is_some_and(|line| *line == crate::domain::record_line(record))
}

/// Whether `id` is the id of a shipped default (edited or not).
pub fn is_shipped_id(id: RecordId) -> bool {
    shipped_lines().contains_key(&id)
}

fn shipped_lines() -> &'static std::collections::HashMap<RecordId, String> {
    static LINES: std::sync::OnceLock<std::collections::HashMap<RecordId, String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| records().into_iter().map(|(r, _)| (r.id, crate::domain::record_line(&r))).collect())
}

/// A row of the programme's best-practice grid (seed 004).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoodPractice {
    /// Stable code of the row (`cartographie`, `charte`…): the territory's checklist ticks it.
    pub code: String,
    pub phase: String,
    pub phase_label: String,
    pub practice: String,
    pub how: String,
}

pub fn good_practices() -> Vec<GoodPractice> {
    static GRID: std::sync::OnceLock<Vec<GoodPractice>> = std::sync::OnceLock::new();
    GRID.get_or_init(|| serde_json::from_str(GOOD_PRACTICES).expect("the shipped best-practice grid is valid JSON"))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codebook_carries_the_freins_of_the_programme() {
        let labels: Vec<String> =
            records().into_iter().filter(|(r, _)| r.kind == Kind::Theme).map(|(_, t)| t).collect();
        for expected in ["Postures professionnelles", "Systèmes de valeurs", "Interconnaissance"] {
            assert!(labels.iter().any(|l| l.contains(expected)), "missing theme {expected}: {labels:?}");
        }
    }

    #[test]
    fn the_guide_has_questions_with_unique_codes() {
        let (guide, _) = records().into_iter().find(|(r, _)| r.kind == Kind::InterviewGuide).unwrap();
        let guide: kinds::InterviewGuide = serde_json::from_value(guide.data).unwrap();
        assert!(guide.questions().count() >= 15, "the état des lieux guide should be substantial");
    }

    #[test]
    fn the_best_practice_grid_has_its_nine_rows() {
        assert_eq!(good_practices().len(), 9);
        // The grid's rows carry the codes of the closed list, in its order.
        let codes: Vec<String> = good_practices().into_iter().map(|g| g.code).collect();
        let list: Vec<&str> = crate::domain::vocabulary::GridPractice::ALL.iter().map(|g| g.code()).collect();
        assert_eq!(codes, list);
    }
}

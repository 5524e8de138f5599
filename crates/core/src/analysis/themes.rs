//! The themes of the grid beyond their counts: which themes are tagged in the same interviews
//! (co-occurrence), and the verbatims of each theme that may leave their interview — only what
//! `privacy::exportable_passages` lets leave, attributed by actor category, never by name —
//! with the number held back.
//!
//! *Who speaks for which category:* an interview speaks for its structures' categories and its
//! persons' structures' (as the grid counts, `api::theme_grid`); a verbatim attributed to one
//! person (`Passage.person_id`) speaks for that person's structure when it is known, otherwise
//! for the interview's categories.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::domain::kinds::{Interview, Organisation, Passage, Person};
use crate::domain::vocabulary::{ActorCategory, ConsentStatus};
use crate::domain::{Record, RecordId};

/// What the analysis needs to know of the persons and organisations: categories and consent.
#[derive(Debug, Clone, Default)]
pub struct Speakers {
    category_of_organisation: HashMap<RecordId, ActorCategory>,
    organisation_of_person: HashMap<RecordId, RecordId>,
    consent_of_person: HashMap<RecordId, ConsentStatus>,
}

impl Speakers {
    /// From live organisation and person records (others are ignored).
    pub fn from_records(organisations: &[Record], persons: &[Record]) -> Self {
        let mut s = Speakers::default();
        for r in organisations.iter().filter(|r| !r.deleted) {
            if let Ok(o) = serde_json::from_value::<Organisation>(r.data.clone()) {
                s.category_of_organisation.insert(r.id, o.category);
            }
        }
        for r in persons.iter().filter(|r| !r.deleted) {
            if let Ok(p) = serde_json::from_value::<Person>(r.data.clone()) {
                s.consent_of_person.insert(r.id, p.consent.status);
                if let Some(o) = p.organisation_id {
                    s.organisation_of_person.insert(r.id, o);
                }
            }
        }
        s
    }

    /// A person's consent, as `privacy::exportable_passages` asks it (none: not in this store).
    pub fn consent_of(&self, person: RecordId) -> Option<ConsentStatus> {
        self.consent_of_person.get(&person).copied()
    }

    /// The categories an interview speaks for: its structures', then its persons' structures'.
    pub fn interview_categories(&self, interview: &Interview) -> Vec<ActorCategory> {
        let persons = interview.person_ids.iter().filter_map(|p| self.organisation_of_person.get(p));
        let mut out = Vec::new();
        for o in interview.organisation_ids.iter().chain(persons) {
            if let Some(&c) = self.category_of_organisation.get(o) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// The categories a passage speaks for (see the module's documentation).
    pub fn passage_categories(&self, interview: &Interview, passage: &Passage) -> Vec<ActorCategory> {
        let own = passage
            .person_id
            .and_then(|p| self.organisation_of_person.get(&p))
            .and_then(|o| self.category_of_organisation.get(o));
        match own {
            Some(&c) => vec![c],
            None => self.interview_categories(interview),
        }
    }
}

/// A theme of the grid, as the analysis needs it.
#[derive(Debug, Clone)]
pub struct ThemeRef {
    pub theme_id: RecordId,
    pub code: String,
    pub label: String,
}

/// Two themes tagged in the same interviews.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemePair {
    pub theme_a: RecordId,
    pub theme_b: RecordId,
    /// Interviews in which both are tagged.
    pub interviews: u32,
}

/// A verbatim that may leave its interview, attributed by actor category.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verbatim {
    pub interview_id: RecordId,
    /// The interview's date, `AAAA-MM-JJ`.
    pub date: String,
    pub text: String,
    /// The categories it speaks for (codes), never a name.
    pub categories: Vec<ActorCategory>,
}

/// The verbatims of one theme that may leave, and how many are held back by consent.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeVerbatims {
    pub theme_id: RecordId,
    pub code: String,
    pub label: String,
    /// By interview date.
    pub verbatims: Vec<Verbatim>,
    /// Verbatims tagged with this theme that consent keeps in their interview.
    pub withheld: u32,
}

/// Co-occurrences and verbatims of the themes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeInsights {
    /// `[a][b]`: interviews in which themes `a` and `b` (the grid's order) are both tagged; the
    /// diagonal is the interviews tagged with the theme.
    pub co_occurrence: Vec<Vec<u32>>,
    /// The pairs of different themes tagged together, most frequent first.
    pub pairs: Vec<ThemePair>,
    /// Per theme of the grid, in its order.
    pub verbatims: Vec<ThemeVerbatims>,
    /// Verbatims (tagged with a theme of the grid or not) that consent keeps in their interview.
    pub withheld_quotes: u32,
    /// « 3 verbatims non exportables : consentement non recueilli », when any is held back.
    pub withheld_message: Option<String>,
}

/// The co-occurrences and verbatims of `themes` (the grid's order) in `interviews`.
pub fn theme_insights(themes: &[ThemeRef], interviews: &[(RecordId, Interview)], speakers: &Speakers) -> ThemeInsights {
    let row: HashMap<RecordId, usize> = themes.iter().enumerate().map(|(i, t)| (t.theme_id, i)).collect();
    let n = themes.len();
    let mut co = vec![vec![0u32; n]; n];
    let mut verbatims: Vec<Vec<(String, RecordId, usize, Verbatim)>> = vec![Vec::new(); n];
    let mut withheld = vec![0u32; n];
    let mut held_reasons: Vec<ConsentStatus> = Vec::new();
    let consent_of = |p: RecordId| speakers.consent_of(p);
    for (id, iv) in interviews {
        let tagged: BTreeSet<usize> =
            iv.passages.iter().flat_map(|p| p.theme_ids.iter().filter_map(|t| row.get(t).copied())).collect();
        for &a in &tagged {
            for &b in &tagged {
                co[a][b] += 1;
            }
        }
        let leaving: Vec<usize> =
            crate::privacy::exportable_passages(iv, &consent_of).into_iter().map(|(i, _)| i).collect();
        for (index, passage) in iv.passages.iter().enumerate().filter(|(_, p)| p.quote) {
            let rows: BTreeSet<usize> = passage.theme_ids.iter().filter_map(|t| row.get(t).copied()).collect();
            if !leaving.contains(&index) {
                if let Some(reason) = crate::privacy::passage_gate(iv, passage, &consent_of) {
                    held_reasons.push(reason);
                }
                rows.iter().for_each(|&r| withheld[r] += 1);
                continue;
            }
            let categories = speakers.passage_categories(iv, passage);
            for r in rows {
                let v = Verbatim {
                    interview_id: *id,
                    date: iv.date.clone(),
                    text: passage.text.clone(),
                    categories: categories.clone(),
                };
                verbatims[r].push((iv.date.clone(), *id, index, v));
            }
        }
    }
    let mut pairs: Vec<ThemePair> = Vec::new();
    for a in 0..n {
        for b in a + 1..n {
            if co[a][b] > 0 {
                pairs.push(ThemePair {
                    theme_a: themes[a].theme_id,
                    theme_b: themes[b].theme_id,
                    interviews: co[a][b],
                });
            }
        }
    }
    // Most frequent first; equal counts keep the grid's order.
    pairs.sort_by_key(|p| std::cmp::Reverse(p.interviews));
    let verbatims = themes
        .iter()
        .zip(verbatims)
        .zip(withheld)
        .map(|((t, mut list), withheld)| {
            list.sort_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
            ThemeVerbatims {
                theme_id: t.theme_id,
                code: t.code.clone(),
                label: t.label.clone(),
                verbatims: list.into_iter().map(|(_, _, _, v)| v).collect(),
                withheld,
            }
        })
        .collect();
    ThemeInsights {
        co_occurrence: co,
        pairs,
        verbatims,
        withheld_quotes: held_reasons.len() as u32,
        withheld_message: crate::privacy::withheld_sentence(("verbatim", "verbatims"), &held_reasons),
    }
}

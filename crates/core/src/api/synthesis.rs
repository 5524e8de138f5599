//! « Synthèse nationale »: what every territory's records say together — the themes of the
//! analysis grid by territory and by actor category, the actions by status, the indicators
//! against their targets, the cooperation links by kind and intensity. Computed here, from live
//! records read in one snapshot (`store/national.rs`), with the rules of a territory's own
//! views: a passage counts for each of its themes, and for each actor category its interview
//! speaks for (its structures' and its persons' structures', as `theme_grid`).
//!
//! Matrices are dense, in the orders of the axes given beside them: `theme_territory.passages[t][k]`
//! is theme `themes[t]` in territory `territories[k]`. Demonstration territories are included,
//! flagged (as on the dashboard).
//!
//! ```
//! use maillage_core::api::Api;
//! use maillage_core::domain::Kind;
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! api.init("Siège").unwrap();
//! let t = api.put(Kind::Territory, None, json!({"name": "Orly", "kind": "commune"})).unwrap();
//! api.put(Kind::Action, None, json!({"territory_id": t.id, "title": "Café des parents", "status": "en_cours"})).unwrap();
//! let s = api.national_synthesis().unwrap();
//! let status = s.action_statuses.iter().position(|c| c.code == "en_cours").unwrap();
//! assert_eq!(s.actions[status], [1]);
//! assert_eq!(s.themes.len(), 17, "the codebook's themes, in its order");
//! ```

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::analysis::codebook_order;
use super::{Api, ApiResult, Choice};
use crate::domain::kinds::Territory;
use crate::domain::vocabulary::{ActionStatus, ActorCategory, LinkKind};
use crate::domain::{Kind, RecordId};
use crate::error::Result;
use crate::store::national as queries;

/// A territory, a column of the synthesis.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthesisTerritory {
    pub territory_id: RecordId,
    pub name: String,
    pub demo: bool,
}

/// A theme of the analysis grid, a row of the synthesis.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SynthesisTheme {
    pub theme_id: RecordId,
    pub code: String,
    pub label: String,
    /// 0 for a theme of the codebook's first level, 1 for a sub-theme.
    pub depth: u32,
}

/// Coded passages and distinct interviews, `[row][column]`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountMatrix {
    pub passages: Vec<Vec<u32>>,
    pub interviews: Vec<Vec<u32>>,
}

/// An indicator of a territory, against its target.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorAcross {
    pub territory_id: RecordId,
    pub territory: String,
    pub indicator_id: RecordId,
    pub name: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// The latest measurement (by date): its value and date (`AAAA-MM-JJ`).
    pub latest_value: Option<f64>,
    pub latest_date: Option<String>,
    pub measurements: u32,
    /// The latest measurement reached the target: at or above it, or at or below it when the
    /// target is below the baseline (a decrease is sought). None without a target or a measurement.
    pub met: Option<bool>,
}

/// Headquarters' synthesis of every territory.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NationalSynthesis {
    /// The columns: every live territory, in the dashboard's order (by name).
    pub territories: Vec<SynthesisTerritory>,
    /// The rows of the theme matrices: the codebook in its order.
    pub themes: Vec<SynthesisTheme>,
    /// Themes × territories: `[theme][territory]`.
    pub theme_territory: CountMatrix,
    /// The actor categories (the vocabulary's list, in its order).
    pub categories: Vec<Choice>,
    /// Themes × actor categories: `[theme][category]`, every territory together.
    pub theme_category: CountMatrix,
    /// The statuses of an action (the vocabulary's list, in its order).
    pub action_statuses: Vec<Choice>,
    /// Actions by status × territory: `[status][territory]`.
    pub actions: Vec<Vec<u32>>,
    /// Every indicator, by territory (the dashboard's order) then name.
    pub indicators: Vec<IndicatorAcross>,
    /// The kinds of cooperation link (the vocabulary's list, in its order).
    pub link_kinds: Vec<Choice>,
    /// A link's intensity, 0 (none) to 3 (strong): `code` is the number.
    pub link_intensities: Vec<Choice>,
    /// Cooperation links per territory by kind × intensity: `[territory][kind][intensity]`.
    pub links: Vec<Vec<Vec<u32>>>,
}

/// The labels of a link's intensity, as the links' screen shows them.
const INTENSITIES: [&str; 4] = ["aucun", "faible", "régulier", "fort"];

/// The few fields of each kind the synthesis reads (the others are skipped unparsed).
#[derive(Deserialize)]
struct InterviewTags {
    #[serde(default)]
    passages: Vec<PassageTags>,
    #[serde(default)]
    organisation_ids: Vec<RecordId>,
    #[serde(default)]
    person_ids: Vec<RecordId>,
}

#[derive(Deserialize)]
struct PassageTags {
    #[serde(default)]
    theme_ids: Vec<RecordId>,
}

#[derive(Deserialize)]
struct OrgCategory {
    category: ActorCategory,
}

#[derive(Deserialize)]
struct PersonOrg {
    #[serde(default)]
    organisation_id: Option<RecordId>,
}

#[derive(Deserialize)]
struct LinkFacts {
    kind: LinkKind,
    intensity: u8,
}

#[derive(Deserialize)]
struct IndicatorFacts {
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    baseline: Option<f64>,
    #[serde(default)]
    target: Option<f64>,
}

#[derive(Deserialize)]
struct MeasurementFacts {
    indicator_id: RecordId,
    date: String,
    value: f64,
}

fn choices<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str, label: impl Fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|v| Choice { code: code(*v).into(), label: label(*v).into() }).collect()
}

fn zeros(rows: usize, columns: usize) -> Vec<Vec<u32>> {
    vec![vec![0; columns]; rows]
}

/// Whether `latest` reached `target`: upwards, or downwards when the target is below the baseline.
pub(super) fn target_met(baseline: Option<f64>, target: Option<f64>, latest: Option<f64>) -> Option<bool> {
    let (target, latest) = (target?, latest?);
    Some(match baseline {
        Some(b) if target < b => latest <= target,
        _ => latest >= target,
    })
}

/// The last synthesis computed, with the highest `record_change` it saw: every change of a
/// record moves that number up, so an equal one means the same records (emptied by a restore).
#[derive(Default)]
pub(super) struct SynthesisCache(std::sync::Mutex<Option<(i64, NationalSynthesis)>>);

impl SynthesisCache {
    pub(super) fn clear(&self) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = None;
        }
    }
}

impl Api {
    /// Headquarters' synthesis of every territory (see the module's documentation). Computed
    /// again only when a record changed since the last one.
    pub fn national_synthesis(&self) -> ApiResult<NationalSynthesis> {
        let started = std::time::Instant::now();
        let cache = &self.synthesis_cache;
        let (out, fresh) = self.store().snapshot(|conn| {
            let seen = crate::store::imports::last_change(conn)?;
            if let Some((at, kept)) = cache.0.lock().ok().as_deref().and_then(Option::as_ref) {
                if *at == seen {
                    return Ok((kept.clone(), false));
                }
            }
            let computed = synthesis(conn)?;
            if let Ok(mut kept) = cache.0.lock() {
                *kept = Some((seen, computed.clone()));
            }
            Ok((computed, true))
        })?;
        tracing::info!(
            territories = out.territories.len(),
            fresh,
            ms = started.elapsed().as_millis() as u64,
            "synthesis"
        );
        Ok(out)
    }
}

fn synthesis(conn: &rusqlite::Connection) -> Result<NationalSynthesis> {
    // The columns: live territories, by name as on the dashboard.
    let mut territories: Vec<SynthesisTerritory> = Vec::new();
    queries::for_each_live_unordered(conn, Kind::Territory, |r| {
        if let Ok(t) = serde_json::from_str::<Territory>(r.data) {
            territories.push(SynthesisTerritory { territory_id: r.id, name: t.name, demo: t.demo });
        }
        Ok(())
    })?;
    territories
        .sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.territory_id.cmp(&b.territory_id)));
    let column: HashMap<RecordId, usize> = territories.iter().enumerate().map(|(i, t)| (t.territory_id, i)).collect();

    // The rows: the codebook.
    let theme_records = crate::store::records::list(conn, Kind::Theme, None)?;
    let themes: Vec<SynthesisTheme> = codebook_order(theme_records)
        .into_iter()
        .map(|(r, t, depth)| SynthesisTheme { theme_id: r.id, code: t.code, label: t.label, depth })
        .collect();
    let row: HashMap<RecordId, usize> = themes.iter().enumerate().map(|(i, t)| (t.theme_id, i)).collect();

    // Who an interview speaks for: its structures' categories, and its persons' structures'.
    let mut category_of: HashMap<RecordId, usize> = HashMap::new();
    queries::for_each_live_unordered(conn, Kind::Organisation, |r| {
        if let Ok(o) = serde_json::from_str::<OrgCategory>(r.data) {
            if let Some(i) = ActorCategory::ALL.iter().position(|c| *c == o.category) {
                category_of.insert(r.id, i);
            }
        }
        Ok(())
    })?;
    let mut organisation_of: HashMap<RecordId, RecordId> = HashMap::new();
    queries::for_each_live_unordered(conn, Kind::Person, |r| {
        if let Ok(PersonOrg { organisation_id: Some(o) }) = serde_json::from_str::<PersonOrg>(r.data) {
            organisation_of.insert(r.id, o);
        }
        Ok(())
    })?;

    let categories = choices(ActorCategory::ALL, ActorCategory::code, ActorCategory::label);
    let mut by_territory = CountMatrix {
        passages: zeros(themes.len(), territories.len()),
        interviews: zeros(themes.len(), territories.len()),
    };
    let mut by_category = CountMatrix {
        passages: zeros(themes.len(), categories.len()),
        interviews: zeros(themes.len(), categories.len()),
    };
    queries::for_each_live_unordered(conn, Kind::Interview, |r| {
        let Some(&k) = r.territory_id.as_ref().and_then(|t| column.get(t)) else { return Ok(()) };
        let Ok(iv) = serde_json::from_str::<InterviewTags>(r.data) else { return Ok(()) };
        if iv.passages.iter().all(|p| p.theme_ids.is_empty()) {
            return Ok(());
        }
        let mut speaks_for: Vec<usize> = Vec::new();
        let persons_orgs = iv.person_ids.iter().filter_map(|p| organisation_of.get(p));
        for o in iv.organisation_ids.iter().chain(persons_orgs) {
            if let Some(&c) = category_of.get(o) {
                if !speaks_for.contains(&c) {
                    speaks_for.push(c);
                }
            }
        }
        let mut themes_met: HashSet<usize> = HashSet::new();
        for passage in &iv.passages {
            for theme in &passage.theme_ids {
                let Some(&t) = row.get(theme) else { continue };
                by_territory.passages[t][k] += 1;
                for &c in &speaks_for {
                    by_category.passages[t][c] += 1;
                }
                themes_met.insert(t);
            }
        }
        for t in themes_met {
            by_territory.interviews[t][k] += 1;
            for &c in &speaks_for {
                by_category.interviews[t][c] += 1;
            }
        }
        Ok(())
    })?;

    // Actions by status, from the index of facets (as the dashboard).
    let action_statuses = choices(ActionStatus::ALL, ActionStatus::code, ActionStatus::label);
    let mut actions = zeros(action_statuses.len(), territories.len());
    queries::facets(conn, |kind, territory, facet, n| {
        if kind != Kind::Action {
            return;
        }
        let status = facet.strip_suffix(queries::RANKED).unwrap_or(facet);
        if let (Some(s), Some(&k)) = (ActionStatus::ALL.iter().position(|s| s.code() == status), column.get(&territory))
        {
            actions[s][k] += n as u32;
        }
    })?;

    // Indicators and their latest measurement.
    let mut latest: HashMap<RecordId, (String, String, f64, u32)> = HashMap::new();
    queries::for_each_live_unordered(conn, Kind::Measurement, |r| {
        if let Ok(m) = serde_json::from_str::<MeasurementFacts>(r.data) {
            let e = latest.entry(m.indicator_id).or_insert_with(|| (String::new(), String::new(), m.value, 0));
            e.3 += 1;
            if (m.date.as_str(), r.updated_at) > (e.0.as_str(), e.1.as_str()) {
                (e.0, e.1, e.2) = (m.date, r.updated_at.to_string(), m.value);
            }
        }
        Ok(())
    })?;
    let mut indicators: Vec<(usize, IndicatorAcross)> = Vec::new();
    queries::for_each_live_unordered(conn, Kind::Indicator, |r| {
        let Some(&k) = r.territory_id.as_ref().and_then(|t| column.get(t)) else { return Ok(()) };
        let Ok(i) = serde_json::from_str::<IndicatorFacts>(r.data) else { return Ok(()) };
        let last = latest.get(&r.id);
        let latest_value = last.map(|l| l.2);
        indicators.push((
            k,
            IndicatorAcross {
                territory_id: territories[k].territory_id,
                territory: territories[k].name.clone(),
                indicator_id: r.id,
                met: target_met(i.baseline, i.target, latest_value),
                name: i.name,
                unit: i.unit,
                baseline: i.baseline,
                target: i.target,
                latest_value,
                latest_date: last.map(|l| l.0.clone()),
                measurements: last.map_or(0, |l| l.3),
            },
        ));
        Ok(())
    })?;
    indicators.sort_by(|a, b| {
        (a.0, a.1.name.to_lowercase(), a.1.indicator_id).cmp(&(b.0, b.1.name.to_lowercase(), b.1.indicator_id))
    });

    // Cooperation links by kind and intensity.
    let link_kinds = choices(LinkKind::ALL, LinkKind::code, LinkKind::label);
    let mut links = vec![zeros(link_kinds.len(), INTENSITIES.len()); territories.len()];
    queries::for_each_live_unordered(conn, Kind::CooperationLink, |r| {
        let Some(&k) = r.territory_id.as_ref().and_then(|t| column.get(t)) else { return Ok(()) };
        if let Ok(l) = serde_json::from_str::<LinkFacts>(r.data) {
            if let Some(kind) = LinkKind::ALL.iter().position(|x| *x == l.kind) {
                if let Some(cell) = links[k][kind].get_mut(l.intensity as usize) {
                    *cell += 1;
                }
            }
        }
        Ok(())
    })?;

    Ok(NationalSynthesis {
        theme_territory: by_territory,
        theme_category: by_category,
        categories,
        action_statuses,
        actions,
        indicators: indicators.into_iter().map(|(_, i)| i).collect(),
        link_kinds,
        link_intensities: INTENSITIES
            .iter()
            .enumerate()
            .map(|(n, label)| Choice { code: n.to_string(), label: (*label).into() })
            .collect(),
        links,
        territories,
        themes,
    })
}

#[cfg(test)]
mod tests {
    use super::target_met;

    #[test]
    fn a_target_is_met_upwards_or_downwards_from_the_baseline() {
        assert_eq!(target_met(Some(10.0), Some(20.0), Some(21.0)), Some(true));
        assert_eq!(target_met(Some(10.0), Some(20.0), Some(12.5)), Some(false));
        assert_eq!(target_met(Some(30.0), Some(20.0), Some(18.0)), Some(true), "a decrease is sought");
        assert_eq!(target_met(Some(30.0), Some(20.0), Some(25.0)), Some(false));
        assert_eq!(target_met(None, Some(20.0), Some(20.0)), Some(true));
        assert_eq!(target_met(Some(1.0), None, Some(20.0)), None);
        assert_eq!(target_met(Some(1.0), Some(2.0), None), None);
    }
}

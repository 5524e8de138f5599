//! Two dates of a territory's cooperation network side by side: each measure at both dates and
//! its change, the links that appeared, disappeared, grew stronger or weaker, and the
//! organisations that joined the network.
//!
//! *Decision — who joined:* an organisation has no date of its own (its record's creation is
//! when someone typed it, not when it joined), so every live organisation is an actor at both
//! dates; an organisation *joins* when it has at least one link at the second date and none at
//! the first.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::network::{Network, NetworkInputs, NetworkMeasures, OrganisationNode};
use crate::domain::vocabulary::LinkKind;
use crate::domain::RecordId;

/// One measure at both dates.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureChange {
    /// The measure's name in [`NetworkMeasures`] (`density`…; `isolated` is their number,
    /// `links_1`… the links of each intensity).
    pub measure: String,
    /// Its French name, for tables.
    pub label: String,
    pub from: f64,
    pub to: f64,
    /// `to − from`.
    pub change: f64,
}

/// A pair of organisations whose link changed between the two dates (intensity 0: no link).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkChange {
    pub from_organisation_id: RecordId,
    pub from_name: String,
    pub to_organisation_id: RecordId,
    pub to_name: String,
    pub kind_before: Option<LinkKind>,
    pub kind_after: Option<LinkKind>,
    pub intensity_before: u8,
    pub intensity_after: u8,
}

/// The network at two dates and what changed between them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkComparison {
    pub territory_id: RecordId,
    /// `AAAA-MM-JJ`, the earlier date.
    pub from: String,
    pub to: String,
    /// Every measure at both dates, in a fixed order.
    pub measures: Vec<MeasureChange>,
    /// Pairs linked at `to`, not at `from`.
    pub new_links: Vec<LinkChange>,
    /// Pairs linked at `from`, not at `to`.
    pub lost_links: Vec<LinkChange>,
    /// Pairs linked at both dates, more intense at `to`.
    pub strengthened: Vec<LinkChange>,
    /// Pairs linked at both dates, less intense at `to`.
    pub weakened: Vec<LinkChange>,
    /// Organisations with a link at `to` and none at `from`.
    pub joined: Vec<OrganisationNode>,
    /// The two networks, for the maps side by side.
    pub network_from: Network,
    pub network_to: Network,
}

/// The measures compared, with their French names.
/// The measures of a network in their order: code, French name, value — the one list the
/// comparison, the reports and the window show.
pub fn measure_list(m: &NetworkMeasures) -> Vec<(&'static str, &'static str, f64)> {
    let by = |i: &str| f64::from(m.links_by_intensity.get(i).copied().unwrap_or(0));
    vec![
        ("actors", "Acteurs", f64::from(m.actors)),
        ("links", "Liens", f64::from(m.links)),
        ("links_1", "Liens faibles", by("1")),
        ("links_2", "Liens réguliers", by("2")),
        ("links_3", "Liens forts", by("3")),
        ("density", "Densité", m.density),
        ("mean_degree", "Degré moyen", m.mean_degree),
        ("degree_centralisation", "Centralisation des degrés", m.degree_centralisation),
        ("isolated", "Acteurs isolés", m.isolated.len() as f64),
        ("components", "Composantes connexes", f64::from(m.components)),
        ("cross_category_share", "Part des liens entre catégories différentes", m.cross_category_share),
    ]
}

/// Compares the network of `inputs` at `from` and at `to` (both `AAAA-MM-JJ`, already checked).
pub(crate) fn compare(inputs: &NetworkInputs, territory_id: RecordId, from: &str, to: &str) -> NetworkComparison {
    let before = inputs.at(territory_id, Some(from));
    let after = inputs.at(territory_id, Some(to));
    let measures = measure_list(&before.measures)
        .into_iter()
        .zip(measure_list(&after.measures))
        .map(|((measure, label, a), (_, _, b))| MeasureChange {
            measure: measure.into(),
            label: label.into(),
            from: a,
            to: b,
            change: b - a,
        })
        .collect();

    let names: HashMap<RecordId, &str> = inputs.nodes.iter().map(|n| (n.organisation_id, n.name.as_str())).collect();
    let position: HashMap<RecordId, usize> =
        inputs.nodes.iter().enumerate().map(|(i, n)| (n.organisation_id, i)).collect();
    let pairs = |n: &Network| -> HashMap<(RecordId, RecordId), (LinkKind, u8)> {
        n.edges.iter().map(|e| ((e.from_organisation_id, e.to_organisation_id), (e.kind, e.intensity))).collect()
    };
    let (was, is) = (pairs(&before), pairs(&after));
    let mut all: Vec<(RecordId, RecordId)> = was.keys().chain(is.keys()).copied().collect();
    all.sort_by_key(|(a, b)| {
        let (pa, pb) = (position[a], position[b]);
        (pa.min(pb), pa.max(pb))
    });
    all.dedup();
    let (mut new_links, mut lost_links, mut strengthened, mut weakened) = (vec![], vec![], vec![], vec![]);
    for pair in all {
        let (old, new) = (was.get(&pair), is.get(&pair));
        let change = LinkChange {
            from_organisation_id: pair.0,
            from_name: names.get(&pair.0).copied().unwrap_or_default().to_string(),
            to_organisation_id: pair.1,
            to_name: names.get(&pair.1).copied().unwrap_or_default().to_string(),
            kind_before: old.map(|o| o.0),
            kind_after: new.map(|n| n.0),
            intensity_before: old.map_or(0, |o| o.1),
            intensity_after: new.map_or(0, |n| n.1),
        };
        match (old, new) {
            (None, Some(_)) => new_links.push(change),
            (Some(_), None) => lost_links.push(change),
            (Some(o), Some(n)) if n.1 > o.1 => strengthened.push(change),
            (Some(o), Some(n)) if n.1 < o.1 => weakened.push(change),
            _ => {}
        }
    }
    let isolated_before: HashSet<RecordId> = before.measures.isolated.iter().copied().collect();
    let isolated_after: HashSet<RecordId> = after.measures.isolated.iter().copied().collect();
    let joined = inputs
        .nodes
        .iter()
        .filter(|n| isolated_before.contains(&n.organisation_id) && !isolated_after.contains(&n.organisation_id))
        .cloned()
        .collect();
    NetworkComparison {
        territory_id,
        from: from.to_string(),
        to: to.to_string(),
        measures,
        new_links,
        lost_links,
        strengthened,
        weakened,
        joined,
        network_from: before,
        network_to: after,
    }
}

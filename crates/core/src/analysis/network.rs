//! The cooperation network of a territory at a date: its organisations as nodes, and for each
//! pair of organisations the latest observation of a link between them on or before the date
//! (the direction of an observation does not matter: a pair is unordered). An observation of
//! intensity 0 says « no link » and removes the pair's earlier link.
//!
//! *Ties:* two observations of the same pair on the same day: the one edited last
//! (`updated_at`) holds, then the higher record id — any store holding the same records draws
//! the same network.
//!
//! The measures ([`NetworkMeasures`]) are computed in [`super::measures`].

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::kinds::{CooperationLink, Organisation};
use crate::domain::vocabulary::{ActorCategory, LinkKind};
use crate::domain::{Record, RecordId};

/// An organisation of the territory, a node of the map.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationNode {
    pub organisation_id: RecordId,
    pub name: String,
    pub category: ActorCategory,
}

/// A link of the map: a pair of organisations (`from` the one with the smaller id) and the
/// latest observation of it on or before the date, of intensity 1 to 3.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkEdge {
    /// The cooperation link record observed.
    pub link_id: RecordId,
    pub from_organisation_id: RecordId,
    pub to_organisation_id: RecordId,
    pub kind: LinkKind,
    /// 1 (weak) to 3 (strong).
    pub intensity: u8,
    /// `AAAA-MM-JJ`.
    pub observed_on: String,
}

/// An organisation among the five most « between » others.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BetweennessScore {
    pub organisation_id: RecordId,
    pub name: String,
    /// Betweenness centrality divided by (actors−1)(actors−2)/2: 1 for the centre of a star.
    pub value: f64,
}

/// The measures of a network (see the definitions, repeated on each field).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkMeasures {
    /// Live organisations of the territory.
    pub actors: u32,
    /// Pairs whose latest observation has intensity ≥ 1 (a pair counted once).
    pub links: u32,
    /// Links per intensity: always the keys "1", "2" and "3".
    pub links_by_intensity: std::collections::BTreeMap<String, u32>,
    /// 2·links / (actors·(actors−1)); 0 under two actors.
    pub density: f64,
    /// 2·links / actors; 0 without actors.
    pub mean_degree: f64,
    /// Freeman: Σ(max degree − degree) / ((actors−1)(actors−2)); 0 under three actors.
    pub degree_centralisation: f64,
    /// The five highest betweenness values above zero, highest first (then by name).
    pub betweenness: Vec<BetweennessScore>,
    /// Organisations without any link, by name.
    pub isolated: Vec<RecordId>,
    /// Connected components, an isolated organisation counting as one.
    pub components: u32,
    /// Share of links between two organisations of different categories; 0 without links.
    pub cross_category_share: f64,
}

/// The cooperation network of a territory at a date: measures, nodes and edges (what the map
/// draws).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub territory_id: RecordId,
    /// The date (`AAAA-MM-JJ`) the network is drawn at; none: every observation.
    pub at: Option<String>,
    #[serde(flatten)]
    pub measures: NetworkMeasures,
    /// Every organisation, by name.
    pub nodes: Vec<OrganisationNode>,
    /// Every link, by the names of its two organisations.
    pub edges: Vec<LinkEdge>,
}

/// One observation of a link, parsed.
#[derive(Debug, Clone)]
pub(crate) struct Observation {
    pub link_id: RecordId,
    pub updated_at: String,
    pub link: CooperationLink,
}

/// A territory's organisations and link observations, parsed once, from which the network at
/// any date is drawn (a comparison draws two).
#[derive(Debug, Clone, Default)]
pub(crate) struct NetworkInputs {
    pub nodes: Vec<OrganisationNode>,
    pub observations: Vec<Observation>,
}

impl NetworkInputs {
    /// From live records (others and unreadable ones are left out). Nodes are sorted by name.
    pub fn from_records(organisations: &[Record], links: &[Record]) -> Self {
        let mut nodes: Vec<OrganisationNode> = organisations
            .iter()
            .filter(|r| !r.deleted)
            .filter_map(|r| {
                let o: Organisation = serde_json::from_value(r.data.clone()).ok()?;
                Some(OrganisationNode { organisation_id: r.id, name: o.name, category: o.category })
            })
            .collect();
        sort_nodes(&mut nodes);
        let observations = links
            .iter()
            .filter(|r| !r.deleted)
            .filter_map(|r| {
                let link: CooperationLink = serde_json::from_value(r.data.clone()).ok()?;
                Some(Observation { link_id: r.id, updated_at: r.updated_at.clone(), link })
            })
            .collect();
        NetworkInputs { nodes, observations }
    }

    /// The network at `at` (`AAAA-MM-JJ`, already checked; none: every observation).
    pub fn at(&self, territory_id: RecordId, at: Option<&str>) -> Network {
        let index: HashMap<RecordId, usize> =
            self.nodes.iter().enumerate().map(|(i, n)| (n.organisation_id, i)).collect();
        // The latest observation of each unordered pair of known organisations.
        let mut latest: HashMap<(usize, usize), &Observation> = HashMap::new();
        for o in &self.observations {
            if at.is_some_and(|at| o.link.observed_on.as_str() > at) {
                continue;
            }
            let (Some(&a), Some(&b)) = (index.get(&o.link.from_organisation_id), index.get(&o.link.to_organisation_id))
            else {
                continue;
            };
            if a == b {
                continue;
            }
            let pair = (a.min(b), a.max(b));
            let later = |kept: &Observation| {
                (o.link.observed_on.as_str(), o.updated_at.as_str(), o.link_id)
                    > (kept.link.observed_on.as_str(), kept.updated_at.as_str(), kept.link_id)
            };
            match latest.get(&pair) {
                Some(kept) if !later(kept) => {}
                _ => {
                    latest.insert(pair, o);
                }
            }
        }
        let mut pairs: Vec<((usize, usize), &Observation)> =
            latest.into_iter().filter(|(_, o)| o.link.intensity >= 1).collect();
        // Nodes are sorted by name: their indexes order the edges by names.
        pairs.sort_by_key(|(pair, _)| *pair);
        let edges: Vec<LinkEdge> = pairs
            .iter()
            .map(|(_, o)| {
                let (a, b) = (o.link.from_organisation_id, o.link.to_organisation_id);
                LinkEdge {
                    link_id: o.link_id,
                    from_organisation_id: a.min(b),
                    to_organisation_id: a.max(b),
                    kind: o.link.kind,
                    intensity: o.link.intensity,
                    observed_on: o.link.observed_on.clone(),
                }
            })
            .collect();
        let measures = super::measures::measure(&self.nodes, &edges);
        Network { territory_id, at: at.map(str::to_string), measures, nodes: self.nodes.clone(), edges }
    }
}

/// Nodes by name (case and accents folded), then id.
pub(crate) fn sort_nodes(nodes: &mut [OrganisationNode]) {
    nodes.sort_by_cached_key(|n| (crate::domain::text::fold(&n.name), n.organisation_id));
}

/// The cooperation network of `territory_id` at `at` (`AAAA-MM-JJ`; none: every observation),
/// from the territory's live organisation and cooperation link records.
pub fn network_at(territory_id: RecordId, organisations: &[Record], links: &[Record], at: Option<&str>) -> Network {
    NetworkInputs::from_records(organisations, links).at(territory_id, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocabulary::ActorCategory;

    fn id(n: u128) -> RecordId {
        RecordId(uuid::Uuid::from_u128(n))
    }

    fn observation(link: u128, from: u128, to: u128, intensity: u8, on: &str, edited: &str) -> Observation {
        let link_data = serde_json::json!({"territory_id": id(99), "from_organisation_id": id(from),
            "to_organisation_id": id(to), "kind": "information", "intensity": intensity, "observed_on": on});
        Observation { link_id: id(link), updated_at: edited.into(), link: serde_json::from_value(link_data).unwrap() }
    }

    fn inputs(observations: Vec<Observation>) -> NetworkInputs {
        let nodes = [(1, "A"), (2, "B"), (3, "C")]
            .map(|(n, name)| OrganisationNode {
                organisation_id: id(n),
                name: name.into(),
                category: ActorCategory::Caf,
            })
            .to_vec();
        NetworkInputs { nodes, observations }
    }

    #[test]
    fn on_the_same_day_the_observation_edited_last_holds_in_either_direction() {
        let i = inputs(vec![
            observation(10, 1, 2, 2, "2026-03-01", "2026-03-02T10:00:00.000Z"),
            observation(11, 2, 1, 0, "2026-03-01", "2026-03-02T09:00:00.000Z"),
        ]);
        let n = i.at(id(99), Some("2026-03-01"));
        assert_eq!(n.edges.len(), 1, "the 0 was edited earlier: the link holds");
        assert_eq!((n.edges[0].link_id, n.edges[0].intensity), (id(10), 2));
        let i = inputs(vec![
            observation(10, 1, 2, 2, "2026-03-01", "2026-03-02T10:00:00.000Z"),
            observation(11, 2, 1, 0, "2026-03-01", "2026-03-02T11:00:00.000Z"),
        ]);
        assert!(i.at(id(99), None).edges.is_empty(), "the 0 edited later removes it");
    }

    #[test]
    fn a_link_to_an_organisation_not_on_the_map_is_ignored() {
        let i = inputs(vec![observation(10, 1, 7, 3, "2026-03-01", "x"), observation(11, 3, 2, 1, "2026-03-02", "x")]);
        let n = i.at(id(99), Some("2026-12-31"));
        assert_eq!(n.edges.len(), 1);
        assert_eq!(
            (n.edges[0].from_organisation_id, n.edges[0].to_organisation_id),
            (id(2), id(3)),
            "smaller id first"
        );
        assert_eq!(n.measures.isolated, [id(1)]);
    }
}

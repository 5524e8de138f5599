//! The measures of a cooperation network, on an undirected, unweighted graph (intensity is kept
//! on the edges for the map, not in the measures). Betweenness is Brandes' algorithm: one
//! breadth-first search per organisation, O(actors × links) — 500 organisations and 3,000 links
//! take about 20 ms (`make bench`, `analysis.measures_only_ms`).

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::network::{BetweennessScore, LinkEdge, NetworkMeasures, OrganisationNode};

/// How many organisations the betweenness ranking names.
pub const BETWEENNESS_TOP: usize = 5;

/// The measures of the graph whose nodes are `nodes` and edges `edges` (each pair once, both
/// ends among `nodes`; an edge naming an unknown organisation is ignored).
pub fn measure(nodes: &[OrganisationNode], edges: &[LinkEdge]) -> NetworkMeasures {
    let n = nodes.len();
    let index: HashMap<_, usize> = nodes.iter().enumerate().map(|(i, node)| (node.organisation_id, i)).collect();
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut links_by_intensity: BTreeMap<String, u32> = (1..=3).map(|i: u8| (i.to_string(), 0)).collect();
    let (mut links, mut cross) = (0u32, 0u32);
    for e in edges {
        let (Some(&a), Some(&b)) = (index.get(&e.from_organisation_id), index.get(&e.to_organisation_id)) else {
            continue;
        };
        if a == b || adjacency[a].contains(&b) {
            continue;
        }
        adjacency[a].push(b);
        adjacency[b].push(a);
        links += 1;
        cross += u32::from(nodes[a].category != nodes[b].category);
        if let Some(count) = links_by_intensity.get_mut(&e.intensity.to_string()) {
            *count += 1;
        }
    }
    let degree: Vec<usize> = adjacency.iter().map(Vec::len).collect();
    let nf = n as f64;
    let density = if n >= 2 { 2.0 * f64::from(links) / (nf * (nf - 1.0)) } else { 0.0 };
    let mean_degree = if n >= 1 { 2.0 * f64::from(links) / nf } else { 0.0 };
    let degree_centralisation = if n >= 3 {
        let max = degree.iter().copied().max().unwrap_or(0);
        degree.iter().map(|d| (max - d) as f64).sum::<f64>() / ((nf - 1.0) * (nf - 2.0))
    } else {
        0.0
    };
    let raw = brandes(&adjacency);
    let mut betweenness: Vec<BetweennessScore> = if n >= 3 {
        let scale = (nf - 1.0) * (nf - 2.0) / 2.0;
        raw.iter()
            .enumerate()
            .filter(|(_, v)| **v > 1e-12)
            .map(|(i, v)| BetweennessScore {
                organisation_id: nodes[i].organisation_id,
                name: nodes[i].name.clone(),
                value: v / scale,
            })
            .collect()
    } else {
        Vec::new()
    };
    // Nodes come sorted by name: a stable sort by value keeps that order among equals.
    betweenness.sort_by(|a, b| b.value.total_cmp(&a.value));
    betweenness.truncate(BETWEENNESS_TOP);
    NetworkMeasures {
        actors: n as u32,
        links,
        links_by_intensity,
        density,
        mean_degree,
        degree_centralisation,
        betweenness,
        isolated: (0..n).filter(|&i| degree[i] == 0).map(|i| nodes[i].organisation_id).collect(),
        components: components(&adjacency),
        cross_category_share: if links > 0 { f64::from(cross) / f64::from(links) } else { 0.0 },
    }
}

/// Connected components (an isolated node is one).
fn components(adjacency: &[Vec<usize>]) -> u32 {
    let mut seen = vec![false; adjacency.len()];
    let mut count = 0;
    let mut stack = Vec::new();
    for start in 0..adjacency.len() {
        if seen[start] {
            continue;
        }
        count += 1;
        seen[start] = true;
        stack.push(start);
        while let Some(v) = stack.pop() {
            for &w in &adjacency[v] {
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
    }
    count
}

/// Betweenness centrality of each node of an undirected, unweighted graph (Brandes 2001): the
/// number of shortest paths between two other nodes that go through it, each pair's paths
/// sharing one unit. Unnormalised; each unordered pair counted once.
fn brandes(adjacency: &[Vec<usize>]) -> Vec<f64> {
    let n = adjacency.len();
    let mut centrality = vec![0.0; n];
    let mut stack: Vec<usize> = Vec::with_capacity(n);
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut sigma = vec![0.0f64; n];
    let mut distance = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    let mut queue = VecDeque::with_capacity(n);
    for s in 0..n {
        if adjacency[s].is_empty() {
            continue;
        }
        stack.clear();
        predecessors.iter_mut().for_each(Vec::clear);
        sigma.fill(0.0);
        distance.fill(-1);
        delta.fill(0.0);
        sigma[s] = 1.0;
        distance[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adjacency[v] {
                if distance[w] < 0 {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
                if distance[w] == distance[v] + 1 {
                    sigma[w] += sigma[v];
                    predecessors[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &predecessors[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                centrality[w] += delta[w];
            }
        }
    }
    // Every unordered pair was walked from both of its ends.
    centrality.iter_mut().for_each(|c| *c /= 2.0);
    centrality
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::vocabulary::{ActorCategory, LinkKind};
    use crate::domain::RecordId;

    /// `n` organisations named "A", "B"… (the first `split` of one category, the others of
    /// another) and the edges given by index.
    fn graph(n: usize, split: usize, pairs: &[(usize, usize)]) -> (Vec<OrganisationNode>, Vec<LinkEdge>) {
        let nodes: Vec<OrganisationNode> = (0..n)
            .map(|i| OrganisationNode {
                organisation_id: RecordId(uuid::Uuid::from_u128(i as u128 + 1)),
                name: ((b'A' + i as u8) as char).to_string(),
                category: if i < split { ActorCategory::EducationNationale } else { ActorCategory::Caf },
            })
            .collect();
        let edges = pairs
            .iter()
            .map(|&(a, b)| LinkEdge {
                link_id: RecordId::new(),
                from_organisation_id: nodes[a].organisation_id,
                to_organisation_id: nodes[b].organisation_id,
                kind: LinkKind::Information,
                intensity: 1 + (a + b) as u8 % 3,
                observed_on: "2026-01-01".into(),
            })
            .collect();
        (nodes, edges)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_star_is_fully_centralised_around_its_centre() {
        // A at the centre of B, C, D, E.
        let (nodes, edges) = graph(5, 5, &[(0, 1), (0, 2), (0, 3), (0, 4)]);
        let m = measure(&nodes, &edges);
        assert_eq!((m.actors, m.links, m.components), (5, 4, 1));
        assert!(close(m.density, 0.4), "2·4 / (5·4) = 0.4, got {}", m.density);
        assert!(close(m.mean_degree, 1.6));
        assert!(close(m.degree_centralisation, 1.0), "(4·3) / (4·3) = 1, got {}", m.degree_centralisation);
        assert_eq!(m.betweenness.len(), 1, "leaves lie on no shortest path");
        assert_eq!(m.betweenness[0].name, "A");
        assert!(close(m.betweenness[0].value, 1.0), "6 pairs of leaves / 6");
        assert!(m.isolated.is_empty());
        assert!(close(m.cross_category_share, 0.0));
    }

    #[test]
    fn a_path_has_its_middle_most_between() {
        // A — B — C — D, two categories: A, B | C, D.
        let (nodes, edges) = graph(4, 2, &[(0, 1), (1, 2), (2, 3)]);
        let m = measure(&nodes, &edges);
        assert!(close(m.density, 0.5));
        assert!(close(m.mean_degree, 1.5));
        // max degree 2: (2−1)+(2−2)+(2−2)+(2−1) = 2, over 3·2.
        assert!(close(m.degree_centralisation, 2.0 / 6.0));
        // B lies between A–C and A–D: 2 of the (3·2)/2 = 3 pairs without it.
        let names: Vec<&str> = m.betweenness.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["B", "C"], "equal values by name");
        assert!(close(m.betweenness[0].value, 2.0 / 3.0));
        assert!(close(m.betweenness[1].value, 2.0 / 3.0));
        assert!(close(m.cross_category_share, 1.0 / 3.0), "only B — C crosses categories");
        assert_eq!(m.links_by_intensity.keys().collect::<Vec<_>>(), ["1", "2", "3"]);
        assert_eq!(m.links_by_intensity.values().sum::<u32>(), 3);
    }

    #[test]
    fn two_components_and_an_isolated_organisation_are_three_components() {
        // A — B — C, D — E, F alone.
        let (nodes, edges) = graph(6, 3, &[(0, 1), (1, 2), (3, 4)]);
        let m = measure(&nodes, &edges);
        assert_eq!(m.components, 3);
        assert_eq!(m.isolated, [nodes[5].organisation_id]);
        assert!(close(m.density, 6.0 / 30.0));
        // degrees 1,2,1,1,1,0: Σ(2−d) = 1+0+1+1+1+2 = 6, over 5·4.
        assert!(close(m.degree_centralisation, 6.0 / 20.0));
        // B between A and C: 1 / (5·4/2).
        assert_eq!(m.betweenness.len(), 1);
        assert!(close(m.betweenness[0].value, 0.1));
    }

    #[test]
    fn a_cycle_shares_its_shortest_paths() {
        // A square: each pair of opposite corners has two shortest paths, each corner carries half of one.
        let (nodes, edges) = graph(4, 4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
        let m = measure(&nodes, &edges);
        assert_eq!(m.betweenness.len(), 4);
        for b in &m.betweenness {
            assert!(close(b.value, 0.5 / 3.0), "{} has {}", b.name, b.value);
        }
        assert!(close(m.degree_centralisation, 0.0));
    }

    #[test]
    fn empty_and_tiny_graphs_divide_by_nothing() {
        let (nodes, edges) = graph(0, 0, &[]);
        let m = measure(&nodes, &edges);
        assert_eq!((m.actors, m.links, m.components), (0, 0, 0));
        assert_eq!((m.density, m.mean_degree, m.degree_centralisation, m.cross_category_share), (0.0, 0.0, 0.0, 0.0));

        let (nodes, edges) = graph(1, 1, &[]);
        let m = measure(&nodes, &edges);
        assert_eq!((m.actors, m.components, m.isolated.len()), (1, 1, 1));
        assert_eq!((m.density, m.mean_degree, m.degree_centralisation), (0.0, 0.0, 0.0));

        let (nodes, edges) = graph(2, 1, &[(0, 1)]);
        let m = measure(&nodes, &edges);
        assert_eq!((m.links, m.components), (1, 1));
        assert_eq!((m.density, m.mean_degree), (1.0, 1.0));
        assert_eq!(m.degree_centralisation, 0.0, "under three actors: 0, not a division by zero");
        assert!(m.betweenness.is_empty());
        assert_eq!(m.cross_category_share, 1.0);

        let (nodes, edges) = graph(5, 5, &[]);
        let m = measure(&nodes, &edges);
        assert_eq!((m.links, m.components, m.isolated.len()), (0, 5, 5));
        assert_eq!((m.density, m.degree_centralisation, m.cross_category_share), (0.0, 0.0, 0.0));
    }

    #[test]
    fn five_highest_only() {
        // A path of 9: the 7 inner nodes are all between others.
        let pairs: Vec<(usize, usize)> = (0..8).map(|i| (i, i + 1)).collect();
        let (nodes, edges) = graph(9, 9, &pairs);
        let m = measure(&nodes, &edges);
        assert_eq!(m.betweenness.len(), BETWEENNESS_TOP);
        assert_eq!(m.betweenness[0].name, "E", "the middle of the path");
        assert!(m.betweenness.windows(2).all(|w| w[0].value >= w[1].value));
    }
}

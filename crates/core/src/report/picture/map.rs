//! The cooperation map: organisations on a ring, grouped by actor category (in the list's
//! order, then by name), links drawn as curves through the centre, wider the more intense.
//!
//! *Decision — a ring, not a force layout:* the same organisations always sit at the same
//! places whatever the links, so two dates drawn with one [`Layout`] compare at a glance, and
//! the same input gives the same bytes (no randomness, no iteration to converge). A category is
//! an arc of the ring, its colour in the legend.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use serde::Serialize;

use super::{escape, n, shorten, FONT_FAMILY};
use crate::domain::vocabulary::ActorCategory;
use crate::domain::RecordId;
use crate::report::french;

/// An organisation on the map.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapNode {
    pub id: RecordId,
    pub name: String,
    pub category: ActorCategory,
    /// Signed the territory's adopted charter: drawn with a ring.
    pub signatory: bool,
}

/// What became of a link between two dates (the later map shows it).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkMark {
    New,
    Strengthened,
    Weakened,
    /// A link of the earlier date that is gone: drawn dashed.
    Lost,
}

/// A link between two organisations of the map, intensity 1 to 3.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapLink {
    pub from: RecordId,
    pub to: RecordId,
    pub intensity: u8,
    pub change: Option<LinkMark>,
}

/// What the map shows.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MapInput {
    /// Above the map (« Au 12 mars 2026 »); none: no title.
    pub title: Option<String>,
    pub nodes: Vec<MapNode>,
    pub links: Vec<MapLink>,
    /// The legend of categories (and of the changes, when links carry some) on the right.
    pub legend: bool,
}

/// Where each organisation sits: computed once from a set of organisations, so that maps of
/// two dates drawn with the same layout put everyone at the same place.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    positions: HashMap<RecordId, (f64, f64, f64)>,
}

const RING: f64 = 225.0;
// Room around the ring for names of 26 characters on every side, and the title above.
const CX: f64 = 430.0;
const CY: f64 = 475.0;
const MAP_WIDTH: f64 = 860.0;
const LEGEND_WIDTH: f64 = 330.0;
/// Beyond this many organisations, only the most connected are named.
const NAMED_ALL_UP_TO: usize = 60;
const NAMED_MOST_CONNECTED: usize = 25;

/// The colour of each actor category, in the list's order (families of institutions in
/// neighbouring hues: Département, Commune, État).
const PALETTE: [&str; 17] = [
    "#1f5fa8", // Éducation nationale
    "#c0392b", "#e0735a", "#a93270", // Département: ASE, PMI, service social
    "#1e8449", "#52be80", "#0e6655", // Commune: CCAS, éducation, jeunesse
    "#5b3f9e", "#8e72c8", "#3d2f6b", // État: préfecture, PJJ, justice
    "#d68910", "#9a6a00", // CAF, MSA
    "#2e86c1", "#17a5a5", "#7f8c8d", // prévention spécialisée, centre social, autre association
    "#e67e22", "#34495e", // parents / habitants, élus
];

/// The colour of `category` on every map and legend.
pub fn category_colour(category: ActorCategory) -> &'static str {
    let i = ActorCategory::ALL.iter().position(|c| *c == category).unwrap_or(0);
    PALETTE[i % PALETTE.len()]
}

/// Places `nodes` on the ring: by category in the list's order, then by name, then by id.
pub fn layout(nodes: &[MapNode]) -> Layout {
    let mut sorted: Vec<&MapNode> = nodes.iter().collect();
    sorted.sort_by(|a, b| a.category.cmp(&b.category).then_with(|| a.name.cmp(&b.name)).then_with(|| a.id.cmp(&b.id)));
    sorted.dedup_by_key(|n| n.id);
    let count = sorted.len();
    // A gap between categories, worth one place each.
    let groups = {
        let mut cats: Vec<ActorCategory> = sorted.iter().map(|n| n.category).collect();
        cats.dedup();
        cats.len()
    };
    let slots = (count + if groups > 1 { groups } else { 0 }).max(1) as f64;
    let mut positions = HashMap::with_capacity(count);
    let mut slot = 0usize;
    let mut previous: Option<ActorCategory> = None;
    for node in sorted {
        if previous.is_some_and(|p| p != node.category) {
            slot += 1;
        }
        previous = Some(node.category);
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * slot as f64 / slots;
        positions.insert(node.id, (CX + RING * angle.cos(), CY + RING * angle.sin(), angle));
        slot += 1;
    }
    Layout { positions }
}

/// The map as SVG, laid out with [`layout`] of its own organisations.
pub fn map_svg(input: &MapInput) -> String {
    map_svg_with(input, &layout(&input.nodes))
}

/// The map as SVG with a given layout (organisations missing from it are not drawn).
pub fn map_svg_with(input: &MapInput, layout: &Layout) -> String {
    let width = if input.legend { MAP_WIDTH + LEGEND_WIDTH } else { MAP_WIDTH };
    let height = if input.legend { (CY * 2.0).max(legend_height(input) + 40.0) } else { CY * 2.0 };
    let mut svg = String::with_capacity(64 * (input.nodes.len() + input.links.len()) + 2048);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" font-family="{FONT_FAMILY}">"#,
        n(width),
        n(height),
        n(width),
        n(height)
    );
    svg.push_str(r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    if let Some(title) = &input.title {
        let _ = write!(
            svg,
            r##"<text x="{}" y="34" font-size="22" font-weight="600" fill="#1b2733" text-anchor="middle">{}</text>"##,
            n(CX),
            escape(title)
        );
    }

    let mut degree: HashMap<RecordId, u32> = HashMap::new();
    let mut links: Vec<&MapLink> = input
        .links
        .iter()
        .filter(|l| l.from != l.to && layout.positions.contains_key(&l.from) && layout.positions.contains_key(&l.to))
        .collect();
    // Lost links under the others, then the weaker under the stronger: the same order each time.
    links.sort_by_key(|l| (l.change != Some(LinkMark::Lost), l.intensity, l.from.min(l.to), l.from.max(l.to)));
    // Hundreds of links would blacken the ring: the more there are, the fainter and thinner
    // each one, so that where many cross still reads darker than where few do.
    let crowd = (150.0 / links.len().max(1) as f64).sqrt().clamp(0.15, 1.0);
    let thin = if links.len() > 300 { 0.55 } else { 1.0 };
    svg.push_str(r#"<g fill="none" stroke-linecap="round">"#);
    for link in &links {
        let (x1, y1, _) = layout.positions[&link.from];
        let (x2, y2, _) = layout.positions[&link.to];
        if link.change != Some(LinkMark::Lost) {
            *degree.entry(link.from).or_default() += 1;
            *degree.entry(link.to).or_default() += 1;
        }
        // The curve's control point: the chord's middle pulled two thirds of the way to the centre.
        let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
        let (qx, qy) = (mx + (CX - mx) * 0.66, my + (CY - my) * 0.66);
        let width = match link.intensity {
            0 | 1 => 1.0,
            2 => 2.4,
            _ => 4.2,
        };
        let (colour, opacity, dash) = match link.change {
            Some(LinkMark::New) => ("#1e8449", 0.85, ""),
            Some(LinkMark::Strengthened) => ("#1f5fa8", 0.85, ""),
            Some(LinkMark::Weakened) => ("#d68910", 0.85, ""),
            Some(LinkMark::Lost) => ("#c0392b", 0.7, r#" stroke-dasharray="6 5""#),
            None => ("#4a5a6a", 0.45, ""),
        };
        let _ = write!(
            svg,
            r#"<path d="M{} {}Q{} {} {} {}" stroke="{colour}" stroke-opacity="{}" stroke-width="{}"{dash}/>"#,
            n(x1),
            n(y1),
            n(qx),
            n(qy),
            n(x2),
            n(y2),
            n(opacity * crowd),
            n(width * thin)
        );
    }
    svg.push_str("</g>");

    // Organisations, and the names of all of them (or of the most connected on a big map).
    let mut nodes: Vec<&MapNode> = input.nodes.iter().filter(|n| layout.positions.contains_key(&n.id)).collect();
    nodes.sort_by_key(|n| n.id);
    nodes.dedup_by_key(|n| n.id);
    let named: Vec<RecordId> = if nodes.len() <= NAMED_ALL_UP_TO {
        nodes.iter().map(|n| n.id).collect()
    } else {
        let mut by_degree: Vec<(u32, RecordId)> =
            nodes.iter().map(|n| (degree.get(&n.id).copied().unwrap_or(0), n.id)).collect();
        by_degree.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        by_degree.into_iter().take(NAMED_MOST_CONNECTED).map(|(_, id)| id).collect()
    };
    let small = nodes.len() > NAMED_ALL_UP_TO;
    for node in &nodes {
        let (x, y, _) = layout.positions[&node.id];
        let d = degree.get(&node.id).copied().unwrap_or(0) as f64;
        let r = if small { 2.5 + d.sqrt() * 0.8 } else { 5.0 + d.sqrt() * 2.0 }.min(14.0)
            * if input.legend { 1.0 } else { 1.3 };
        let _ = write!(
            svg,
            r##"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#ffffff" stroke-width="1.2"/>"##,
            n(x),
            n(y),
            n(r),
            category_colour(node.category)
        );
        if node.signatory {
            let _ = write!(
                svg,
                r##"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="#1b2733" stroke-width="1.6"/>"##,
                n(x),
                n(y),
                n(r + 3.5)
            );
        }
    }
    // Names along the radius, outside the ring: they never overlap their neighbours' (read
    // left to right on both halves).
    // A map without its legend is drawn small (two side by side): larger names.
    let scale = if input.legend { 1.0 } else { 1.35 };
    let font = scale
        * if small {
            10.0
        } else if nodes.len() > 30 {
            11.0
        } else {
            12.5
        };
    for node in nodes.iter().filter(|n| named.contains(&n.id)) {
        let (x, y, angle) = layout.positions[&node.id];
        let (lx, ly) = (x + 13.0 * angle.cos(), y + 13.0 * angle.sin());
        let (rotation, anchor) =
            if angle.cos() >= -1e-9 { (angle.to_degrees(), "start") } else { (angle.to_degrees() + 180.0, "end") };
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="{}" fill="#1b2733" text-anchor="{anchor}" dominant-baseline="central" transform="rotate({} {} {})">{}</text>"##,
            n(lx),
            n(ly),
            n(font),
            n(rotation),
            n(lx),
            n(ly),
            escape(&french::typography(&shorten(&node.name, 26)))
        );
    }
    if nodes.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="16" fill="#5d6d7e" text-anchor="middle">Aucune structure à cette date</text>"##,
            n(CX),
            n(CY)
        );
    }
    if input.legend {
        legend(&mut svg, input);
    }
    svg.push_str("</svg>");
    svg
}

fn categories_present(input: &MapInput) -> BTreeMap<ActorCategory, u32> {
    let mut seen = std::collections::HashSet::new();
    let mut out = BTreeMap::new();
    for node in input.nodes.iter().filter(|n| seen.insert(n.id)) {
        *out.entry(node.category).or_insert(0) += 1;
    }
    out
}

fn has_changes(input: &MapInput) -> bool {
    input.links.iter().any(|l| l.change.is_some())
}

fn has_signatories(input: &MapInput) -> bool {
    input.nodes.iter().any(|n| n.signatory)
}

fn legend_height(input: &MapInput) -> f64 {
    let rows = categories_present(input).len() as f64;
    60.0 + rows * 24.0
        + 120.0
        + if has_changes(input) { 130.0 } else { 0.0 }
        + if has_signatories(input) { 34.0 } else { 0.0 }
}

fn legend(svg: &mut String, input: &MapInput) {
    let x = MAP_WIDTH + 10.0;
    let mut y = 70.0;
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" font-size="15" font-weight="600" fill="#1b2733">Catégories d'acteurs</text>"##,
        n(x),
        n(y)
    );
    y += 14.0;
    for (category, count) in categories_present(input) {
        y += 24.0;
        let _ = write!(
            svg,
            r##"<circle cx="{}" cy="{}" r="7" fill="{}"/><text x="{}" y="{}" font-size="12" fill="#1b2733">{} ({count})</text>"##,
            n(x + 7.0),
            n(y - 4.0),
            category_colour(category),
            n(x + 22.0),
            n(y),
            escape(&french::typography(&shorten(category.label(), 38)))
        );
    }
    y += 44.0;
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" font-size="15" font-weight="600" fill="#1b2733">Intensité des liens</text>"##,
        n(x),
        n(y)
    );
    for (i, (width, label)) in [(1.0, "1 — faible"), (2.4, "2 — moyenne"), (4.2, "3 — forte")].iter().enumerate()
    {
        let ly = y + 24.0 * (i as f64 + 1.0);
        let _ = write!(
            svg,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4a5a6a" stroke-width="{}"/><text x="{}" y="{}" font-size="12" fill="#1b2733">{label}</text>"##,
            n(x),
            n(ly - 4.0),
            n(x + 34.0),
            n(ly - 4.0),
            n(*width),
            n(x + 44.0),
            n(ly)
        );
    }
    y += 24.0 * 3.0;
    if has_signatories(input) {
        y += 34.0;
        let _ = write!(
            svg,
            r##"<circle cx="{}" cy="{}" r="6" fill="#8a9aaa"/><circle cx="{}" cy="{}" r="9.5" fill="none" stroke="#1b2733" stroke-width="1.6"/><text x="{}" y="{}" font-size="12" fill="#1b2733">signataire de la charte</text>"##,
            n(x + 7.0),
            n(y - 4.0),
            n(x + 7.0),
            n(y - 4.0),
            n(x + 22.0),
            n(y)
        );
    }
    if has_changes(input) {
        y += 40.0;
        let _ = write!(
            svg,
            r##"<text x="{}" y="{}" font-size="15" font-weight="600" fill="#1b2733">Évolution</text>"##,
            n(x),
            n(y)
        );
        let rows = [
            ("#1e8449", "", "lien nouveau"),
            ("#1f5fa8", "", "lien renforcé"),
            ("#d68910", "", "lien affaibli"),
            ("#c0392b", r#" stroke-dasharray="6 5""#, "lien perdu"),
        ];
        for (i, (colour, dash, label)) in rows.iter().enumerate() {
            let ly = y + 24.0 * (i as f64 + 1.0);
            let _ = write!(
                svg,
                r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{colour}" stroke-width="2.4"{dash}/><text x="{}" y="{}" font-size="12" fill="#1b2733">{label}</text>"##,
                n(x),
                n(ly - 4.0),
                n(x + 34.0),
                n(ly - 4.0),
                n(x + 44.0),
                n(ly)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, category: ActorCategory) -> MapNode {
        MapNode { id: RecordId::new(), name: name.into(), category, signatory: false }
    }

    #[test]
    fn the_same_organisations_give_the_same_picture_whatever_their_order() {
        let a = node("Collège Jean Moulin", ActorCategory::EducationNationale);
        let b = node("CS <Les Tilleuls>", ActorCategory::CentreSocial);
        let c = node("CCAS", ActorCategory::CommuneCcas);
        let links = vec![MapLink { from: a.id, to: b.id, intensity: 3, change: None }];
        let one = MapInput {
            title: Some("Au 1er mars".into()),
            nodes: vec![a.clone(), b.clone(), c.clone()],
            links: links.clone(),
            legend: true,
        };
        let two = MapInput { nodes: vec![c, b, a], ..one.clone() };
        assert_eq!(map_svg(&one), map_svg(&two));
        let svg = map_svg(&one);
        assert!(svg.contains("CS &lt;Les Tilleuls&gt;"), "names are escaped");
        assert!(svg.contains("Centre social (1)"), "the legend counts each category");
        assert!(svg.contains(r#"stroke-width="4.2""#), "an intense link is drawn wide");
        assert!(super::super::render_png(&svg, 1.0).is_ok());
    }

    #[test]
    fn categories_sit_together_on_the_ring() {
        let nodes: Vec<MapNode> = (0..6)
            .map(|i| node(&format!("S{i}"), if i % 2 == 0 { ActorCategory::Caf } else { ActorCategory::Elus }))
            .collect();
        let l = layout(&nodes);
        let angle = |id: &RecordId| l.positions[id].2;
        let mut caf: Vec<f64> =
            nodes.iter().filter(|n| n.category == ActorCategory::Caf).map(|n| angle(&n.id)).collect();
        let mut elus: Vec<f64> =
            nodes.iter().filter(|n| n.category == ActorCategory::Elus).map(|n| angle(&n.id)).collect();
        caf.sort_by(f64::total_cmp);
        elus.sort_by(f64::total_cmp);
        assert!(caf.last().unwrap() < elus.first().unwrap(), "one arc per category: {caf:?} {elus:?}");
    }

    #[test]
    fn an_empty_map_says_so() {
        let svg = map_svg(&MapInput::default());
        assert!(svg.contains("Aucune structure"));
        assert!(super::super::render_png(&svg, 1.0).is_ok());
    }
}

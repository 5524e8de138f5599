//! The **évaluation** (step 4): the indicators from their baseline to their latest value
//! against the target, the actions by status, and the cooperation map at two dates side by
//! side with what changed.

use std::collections::HashMap;

use crate::analysis::NetworkComparison;
use crate::domain::vocabulary::ActionStatus;

use super::diagnostic::{cover, ActionLine, Cover};
use super::docx::{Document, TEXT_WIDTH};
use super::picture::map::{layout, map_svg_with, LinkMark, MapLink};
use super::picture::{chart, render_png};
use super::{french, map_of, ReportError};
use crate::domain::RecordId;

/// An indicator and its measurements.
#[derive(Debug, Clone, Default)]
pub struct IndicatorPart {
    pub name: String,
    pub unit: String,
    /// The action it evaluates.
    pub action: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// `(AAAA-MM-JJ, value)` in date order.
    pub measurements: Vec<(String, f64)>,
    /// From the baseline (0) to the target (1), as the analysis computes it.
    pub progress: Option<f64>,
    /// The latest value reached the target (the analysis' rule).
    pub met: Option<bool>,
}

/// Everything the evaluation shows.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub cover: Cover,
    pub indicators: Vec<IndicatorPart>,
    pub actions: Vec<ActionLine>,
    pub comparison: NetworkComparison,
    /// The organisations that signed the adopted charter (marked on the maps).
    pub signatories: Vec<RecordId>,
    /// The adopted charter: its day and its partners' names.
    pub charter: Option<(String, Vec<String>)>,
}

/// The maps of a comparison as SVG, before and after, with one layout for both (every structure
/// at the same place) and the changes marked on the later one: what the evaluation shows, and the
/// window's « comparer deux dates ».
pub fn comparison_svgs(c: &NetworkComparison, signatories: &[RecordId]) -> (String, String) {
    let all = map_of(&c.network_to, None, false, signatories);
    let places = layout(&all.nodes);
    let before = map_of(&c.network_from, None, false, signatories);
    let mut after = map_of(&c.network_to, None, false, signatories);
    mark_changes(&mut after.links, c);
    (map_svg_with(&before, &places), map_svg_with(&after, &places))
}

/// At most this many changed links listed per kind of change.
const LINKS_LISTED: usize = 40;

/// The evaluation as the bytes of a `.docx` file.
pub fn evaluation_docx(e: &Evaluation) -> Result<Vec<u8>, ReportError> {
    let title = format!("Évaluation — {}", e.cover.territory);
    let mut doc = Document::new(&title);
    cover(&mut doc, "Évaluation des effets des actions", &e.cover);
    doc.contents();

    doc.heading1("Indicateurs");
    indicators(&mut doc, &e.indicators)?;

    doc.heading1("Actions par statut");
    actions(&mut doc, &e.actions);

    let c = &e.comparison;
    let (from, to) = (french::long_date(&c.from), french::long_date(&c.to));
    doc.heading1("La coopération entre les deux dates");
    // One layout for both dates; the dates are the captions below the maps.
    let (before, after) = comparison_svgs(c, &e.signatories);
    let scale = super::map_scale(c.network_to.nodes.len().max(c.network_from.nodes.len()), 1.1);
    let left = render_png(&before, scale)?;
    let right = render_png(&after, scale)?;
    doc.pictures_side_by_side((&left, &format!("Au {from}")), (&right, &format!("Au {to} : en vert les liens nouveaux, en bleu renforcés, en orange affaiblis, en rouge pointillé perdus")));
    if let Some((adopted_on, partners)) = &e.charter {
        doc.heading2("Adhésion à la charte de coopération");
        doc.paragraph(&format!(
            "Charte adoptée le {} par {} : {}. Sur les cartes, un cercle entoure les signataires.",
            french::long_date(adopted_on),
            french::count(partners.len(), "partenaire", "partenaires"),
            partners.join(", ")
        ));
        let in_network = c.network_to.nodes.iter().filter(|n| e.signatories.contains(&n.organisation_id)).count();
        doc.paragraph(&format!(
            "Au {to}, {} du réseau sur {} {} signé la charte.",
            french::count(in_network, "structure", "structures"),
            c.network_to.nodes.len(),
            if in_network > 1 { "ont" } else { "a" }
        ));
    }
    doc.heading2("Mesures du réseau");
    let rows: Vec<Vec<String>> = c
        .measures
        .iter()
        .map(|m| {
            let show = |v: f64| super::measure_value(&m.measure, v);
            let change = match m.measure.as_str() {
                "density" | "degree_centralisation" | "cross_category_share" => {
                    format!("{}{} pt", sign(m.change), french::number((m.change * 100.0).abs()))
                }
                _ => format!("{}{}", sign(m.change), french::number(m.change.abs())),
            };
            vec![m.label.clone(), show(m.from), show(m.to), change]
        })
        .collect();
    doc.table(&["Mesure", &format!("Au {from}"), &format!("Au {to}"), "Évolution"], &rows, &[4238, 1800, 1800, 1800]);

    doc.heading2("Liens qui ont changé");
    let kinds = [
        ("Liens nouveaux", &c.new_links),
        ("Liens renforcés", &c.strengthened),
        ("Liens affaiblis", &c.weakened),
        ("Liens perdus", &c.lost_links),
    ];
    let rows: Vec<Vec<String>> =
        kinds.iter().map(|(label, list)| vec![label.to_string(), list.len().to_string()]).collect();
    doc.table(&["Changement", "Nombre"], &rows, &[7638, 2000]);
    for (label, list) in kinds {
        if list.is_empty() {
            continue;
        }
        let rows: Vec<Vec<String>> = list
            .iter()
            .take(LINKS_LISTED)
            .map(|l| {
                vec![
                    format!("{} — {}", l.from_name, l.to_name),
                    intensity(l.intensity_before),
                    intensity(l.intensity_after),
                ]
            })
            .collect();
        doc.paragraph(&format!("{label} :"));
        doc.table(&["Structures", "Avant", "Après"], &rows, &[5638, 2000, 2000]);
        if list.len() > LINKS_LISTED {
            doc.note(&format!("… et {} autres, dans Maillage.", list.len() - LINKS_LISTED));
        }
    }
    if !c.joined.is_empty() {
        doc.heading2("Structures entrées dans le réseau");
        for n in &c.joined {
            doc.bullet(&format!("{} ({})", n.name, n.category.label()));
        }
    }
    Ok(doc.into_bytes()?)
}

fn sign(x: f64) -> &'static str {
    if x > 0.0 {
        "+"
    } else if x < 0.0 {
        "−"
    } else {
        ""
    }
}

fn intensity(i: u8) -> String {
    match i {
        0 => "aucun".into(),
        1 => "1 — faible".into(),
        2 => "2 — moyen".into(),
        _ => "3 — fort".into(),
    }
}

/// The later map's links marked with their change, and the lost ones added (dashed).
fn mark_changes(links: &mut Vec<MapLink>, c: &NetworkComparison) {
    let mut marks: HashMap<(crate::domain::RecordId, crate::domain::RecordId), LinkMark> = HashMap::new();
    for (list, mark) in
        [(&c.new_links, LinkMark::New), (&c.strengthened, LinkMark::Strengthened), (&c.weakened, LinkMark::Weakened)]
    {
        for l in list {
            marks.insert((l.from_organisation_id, l.to_organisation_id), mark);
        }
    }
    for link in links.iter_mut() {
        link.change = marks.get(&(link.from, link.to)).copied();
    }
    for l in &c.lost_links {
        links.push(MapLink {
            from: l.from_organisation_id,
            to: l.to_organisation_id,
            intensity: l.intensity_before,
            change: Some(LinkMark::Lost),
        });
    }
}

fn indicators(doc: &mut Document, list: &[IndicatorPart]) -> Result<(), ReportError> {
    if list.is_empty() {
        doc.note("Aucun indicateur n'est encore défini pour ce territoire.");
        return Ok(());
    }
    let value = |v: Option<f64>| v.map_or("—".to_string(), french::number);
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|i| {
            let latest = i.measurements.last();
            vec![
                i.name.clone(),
                value(i.baseline),
                latest.map_or("—".into(), |(d, v)| format!("{} ({})", french::number(*v), french::short_date(d))),
                value(i.target),
                i.progress.map_or("—".into(), french::percent),
                match i.met {
                    Some(true) => "oui".into(),
                    Some(false) => "non".into(),
                    None => "—".into(),
                },
            ]
        })
        .collect();
    doc.table(
        &["Indicateur", "Référence", "Dernière valeur", "Cible", "Progrès", "Atteinte"],
        &rows,
        &[2738, 1350, 1900, 1150, 1300, 1200],
    );
    for i in list {
        doc.heading2(&i.name);
        if let Some(a) = &i.action {
            doc.labelled_above("Action évaluée", a);
        }
        let png = render_png(
            &chart::chart_svg(&chart::ChartInput {
                unit: i.unit.clone(),
                baseline: i.baseline,
                target: i.target,
                measurements: i.measurements.clone(),
            }),
            1.5,
        )?;
        doc.picture(&png, TEXT_WIDTH * 2 / 3, "");
    }
    Ok(())
}

fn actions(doc: &mut Document, list: &[ActionLine]) {
    if list.is_empty() {
        doc.note("Aucune action dans le plan.");
        return;
    }
    let rows: Vec<Vec<String>> = ActionStatus::ALL
        .iter()
        .map(|s| {
            let titles: Vec<&str> = list.iter().filter(|a| a.status == *s).map(|a| a.title.as_str()).collect();
            vec![s.label().to_string(), titles.len().to_string(), titles.join(" ; ")]
        })
        .collect();
    doc.table(&["Statut", "Nombre", "Actions"], &rows, &[1800, 1100, 6738]);
}

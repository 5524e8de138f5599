//! The **diagnostic partagé**: what step 2 found, for the territory's steering committee.
//!
//! *Decision — brakes, conditions of success and convergences come from the grid:* no record
//! has a field for them (workshops hold notes per question and decisions, interviews their
//! passages); the codebook's themes `freins` (and its five sub-themes: postures, valeurs,
//! référentiels, langage, éthique), `conditions` (and sub-themes) and `convergences` are where
//! the facilitator codes them. Each such theme has its section, with its weight by actor
//! category and its verbatims; every other theme of the grid (besoins, objets, a territory's
//! own) is in « Thèmes de la grille ».

use crate::analysis::Network;
use crate::domain::vocabulary::{ActionStatus, ActorCategory};

use super::docx::{Document, TEXT_WIDTH};
use super::picture::{map, render_png};
use super::{betweenness_lines, french, map_of, measure_rows, ReportError};

/// The cover of a document.
#[derive(Debug, Clone, Default)]
pub struct Cover {
    pub territory: String,
    /// « Cité éducative — Seine-Saint-Denis (93) », communes…
    pub details: Vec<String>,
    /// The first and last day of the work reported (`AAAA-MM-JJ`).
    pub period: Option<(String, String)>,
    pub facilitator: String,
    /// The day the document is made (`AAAA-MM-JJ`).
    pub made_on: String,
    pub demo: bool,
}

/// The feuille de route.
#[derive(Debug, Clone, Default)]
pub struct RoadmapPart {
    pub stakes: String,
    pub context: String,
    pub questions: String,
    pub objectives: Vec<String>,
    pub sub_territories: Vec<String>,
    pub launched_on: Option<String>,
}

/// How many structures of a category were met, in how many interviews.
#[derive(Debug, Clone)]
pub struct CategoryMet {
    pub category: ActorCategory,
    pub organisations: u32,
    pub interviews: u32,
}

/// A verbatim that may leave its interview, and the categories of who said it.
#[derive(Debug, Clone)]
pub struct Verbatim {
    pub text: String,
    pub categories: Vec<ActorCategory>,
}

/// A theme of the grid: its weight, by category, and its verbatims that may leave.
#[derive(Debug, Clone)]
pub struct ThemePart {
    pub code: String,
    pub label: String,
    pub depth: u32,
    pub passages: u32,
    pub interviews: u32,
    pub by_category: Vec<(ActorCategory, u32)>,
    pub verbatims: Vec<Verbatim>,
    /// « 2 verbatims non exportables : consentement non recueilli » (the consent rule's words).
    pub withheld: Option<String>,
}

/// An action of the plan, in the plan's order.
#[derive(Debug, Clone)]
pub struct ActionLine {
    pub title: String,
    pub status: ActionStatus,
    pub rank: Option<u32>,
    /// Impact × feasibility.
    pub score: Option<u32>,
    pub objective: String,
}

/// Everything the diagnostic shows.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub cover: Cover,
    pub roadmap: Option<RoadmapPart>,
    pub interviews: u32,
    pub met: Vec<CategoryMet>,
    pub network: Network,
    /// The organisations that signed the adopted charter (marked on the map).
    pub signatories: Vec<crate::domain::RecordId>,
    pub themes: Vec<ThemePart>,
    pub actions: Vec<ActionLine>,
    /// Dated meetings to come, already written (« 12 mars 2026 — COPIL : … »).
    pub meetings_to_come: Vec<String>,
}

/// At most this many verbatims per theme (the others are counted).
const VERBATIMS_PER_THEME: usize = 8;

fn family(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// The diagnostic as the bytes of a `.docx` file.
pub fn diagnostic_docx(d: &Diagnostic) -> Result<Vec<u8>, ReportError> {
    let title = format!("Diagnostic partagé — {}", d.cover.territory);
    let mut doc = Document::new(&title);
    cover(&mut doc, "Diagnostic partagé de la coopération", &d.cover);
    doc.contents();

    doc.heading1("Feuille de route");
    roadmap(&mut doc, d.roadmap.as_ref());

    doc.heading1("Les acteurs rencontrés");
    met(&mut doc, d);

    doc.heading1("La carte de coopération");
    let at = d.network.at.as_deref().map(french::long_date);
    let map_input = map_of(&d.network, None, true, &d.signatories);
    let png = render_png(&map::map_svg(&map_input), super::map_scale(map_input.nodes.len(), 1.5))?;
    let caption = match &at {
        Some(at) => format!("Les structures du territoire et leurs liens de coopération au {at}."),
        None => {
            "Les structures du territoire et leurs liens de coopération (dernière observation de chaque lien).".into()
        }
    };
    doc.picture(&png, TEXT_WIDTH, &caption);
    doc.heading2("Mesures du réseau");
    let rows: Vec<Vec<String>> = measure_rows(&d.network.measures).into_iter().map(|(l, v)| vec![l, v]).collect();
    doc.table(&["Mesure", "Valeur"], &rows, &[6800, 2838]);
    let between = betweenness_lines(&d.network.measures);
    if !between.is_empty() {
        doc.paragraph("Les structures qui relient le plus les autres (intermédiarité, de 0 à 1) :");
        for line in between {
            doc.bullet(&line);
        }
    }

    let (grid, brakes, conditions, convergences): (Vec<&ThemePart>, Vec<&ThemePart>, Vec<&ThemePart>, Vec<&ThemePart>) = {
        let of = |f: &str| d.themes.iter().filter(|t| family(&t.code) == f).collect::<Vec<_>>();
        let other =
            d.themes.iter().filter(|t| !matches!(family(&t.code), "freins" | "conditions" | "convergences")).collect();
        (other, of("freins"), of("conditions"), of("convergences"))
    };
    doc.heading1("Thèmes de la grille d'analyse");
    themes_overview(&mut doc, &d.themes);
    themes(&mut doc, &grid);

    doc.heading1("Freins à la coopération");
    doc.paragraph("Les divergences et obstacles codés dans les entretiens : postures professionnelles, systèmes de valeurs, référentiels d'intervention, éléments de langage, positions éthiques.");
    themes(&mut doc, &brakes);

    doc.heading1("Conditions de réussite");
    themes(&mut doc, &conditions);

    doc.heading1("Convergences d'action");
    themes(&mut doc, &convergences);

    doc.heading1("Actions proposées");
    actions(&mut doc, &d.actions);

    doc.heading1("Prochaines étapes");
    next_steps(&mut doc, d);

    Ok(doc.into_bytes()?)
}

pub(super) fn cover(doc: &mut Document, kind: &str, c: &Cover) {
    let mut lines: Vec<String> = c.details.clone();
    if let Some((from, to)) = &c.period {
        lines.push(if from == to {
            format!("Le {}", french::long_date(from))
        } else {
            format!("Du {} au {}", french::long_date(from), french::long_date(to))
        });
    }
    if !c.facilitator.trim().is_empty() {
        lines.push(format!("Animation : {}", c.facilitator.trim()));
    }
    lines.push(format!("Document établi le {}", french::long_date(&c.made_on)));
    if c.demo {
        lines.push("Territoire de démonstration : personnes et structures fictives".into());
    }
    doc.cover(kind, &c.territory, &lines);
}

fn roadmap(doc: &mut Document, r: Option<&RoadmapPart>) {
    let Some(r) = r else {
        doc.note("La feuille de route de ce territoire n'est pas encore écrite.");
        return;
    };
    if let Some(day) = &r.launched_on {
        doc.paragraph(&format!("Démarche lancée le {}.", french::long_date(day)));
    }
    for (label, text) in [("Enjeux", &r.stakes), ("Contexte", &r.context), ("Questions à traiter", &r.questions)] {
        if !text.trim().is_empty() {
            doc.labelled(label, text.trim());
        }
    }
    if !r.objectives.is_empty() {
        doc.heading2("Objectifs opérationnels");
        for o in &r.objectives {
            doc.bullet(o);
        }
    }
    if !r.sub_territories.is_empty() {
        doc.labelled("Sous-territoires concernés", &r.sub_territories.join(", "));
    }
    if r.stakes.trim().is_empty() && r.objectives.is_empty() {
        doc.note("Enjeux et objectifs restent à préciser dans la feuille de route.");
    }
}

fn met(doc: &mut Document, d: &Diagnostic) {
    let organisations: u32 = d.met.iter().map(|m| m.organisations).sum();
    doc.paragraph(&format!(
        "{} ; {} rencontrées, par catégorie d'acteurs (les personnes ne sont pas nommées).",
        french::count(d.interviews as usize, "entretien", "entretiens"),
        french::count(organisations as usize, "structure", "structures")
    ));
    if d.met.is_empty() {
        doc.note("Aucun entretien n'est encore rattaché à une structure.");
        return;
    }
    let rows: Vec<Vec<String>> = d
        .met
        .iter()
        .map(|m| vec![m.category.label().to_string(), m.organisations.to_string(), m.interviews.to_string()])
        .collect();
    doc.table(&["Catégorie d'acteurs", "Structures", "Entretiens"], &rows, &[6038, 1800, 1800]);
}

fn themes_overview(doc: &mut Document, all: &[ThemePart]) {
    doc.paragraph("Chaque thème de la grille : passages codés, entretiens où il apparaît, et les catégories d'acteurs qui en parlent le plus.");
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|t| {
            let label = if t.depth > 0 { format!("    {}", t.label) } else { t.label.clone() };
            vec![label, t.passages.to_string(), t.interviews.to_string(), top_categories(t, 3)]
        })
        .collect();
    doc.table(&["Thème", "Passages", "Entretiens", "Surtout"], &rows, &[3300, 1300, 1400, 3638]);
}

fn top_categories(t: &ThemePart, n: usize) -> String {
    let mut by: Vec<&(ActorCategory, u32)> = t.by_category.iter().filter(|(_, c)| *c > 0).collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by.iter().take(n).map(|(c, k)| format!("{} ({k})", c.label())).collect::<Vec<_>>().join(", ")
}

fn themes(doc: &mut Document, list: &[&ThemePart]) {
    let found: Vec<&&ThemePart> = list.iter().filter(|t| t.passages > 0).collect();
    let absent: Vec<&str> = list.iter().filter(|t| t.passages == 0).map(|t| t.label.as_str()).collect();
    for t in found {
        doc.heading2(&t.label);
        doc.paragraph(&format!(
            "{} dans {}.",
            french::count(t.passages as usize, "passage codé", "passages codés"),
            french::count(t.interviews as usize, "entretien", "entretiens")
        ));
        let mut by: Vec<&(ActorCategory, u32)> = t.by_category.iter().filter(|(_, c)| *c > 0).collect();
        by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if !by.is_empty() {
            let rows: Vec<Vec<String>> = by.iter().map(|(c, k)| vec![c.label().to_string(), k.to_string()]).collect();
            doc.table(&["Catégorie d'acteurs", "Passages"], &rows, &[7638, 2000]);
        }
        for v in t.verbatims.iter().take(VERBATIMS_PER_THEME) {
            let by = v.categories.iter().map(|c| c.label()).collect::<Vec<_>>().join(", ");
            doc.quote(&v.text, &by);
        }
        if t.verbatims.len() > VERBATIMS_PER_THEME {
            doc.note(&format!(
                "{} autres verbatims exportables, dans Maillage.",
                t.verbatims.len() - VERBATIMS_PER_THEME
            ));
        }
        if let Some(w) = &t.withheld {
            doc.note(&format!("{w}."));
        }
    }
    if !absent.is_empty() {
        doc.note(&format!("Non rencontré dans les entretiens : {}.", absent.join(", ")));
    }
}

fn actions(doc: &mut Document, list: &[ActionLine]) {
    if list.is_empty() {
        doc.note("Aucune action n'est encore proposée.");
        return;
    }
    doc.paragraph("Dans l'ordre du plan : le rang donné d'abord, puis l'impact × la faisabilité la plus haute.");
    let rows: Vec<Vec<String>> = list
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let title = if a.objective.trim().is_empty() {
                a.title.clone()
            } else {
                format!("{} — {}", a.title, super::picture::shorten(a.objective.trim(), 160))
            };
            let priority = match (a.rank, a.score) {
                (Some(r), Some(s)) => format!("rang {r}, {s}/25"),
                (Some(r), None) => format!("rang {r}"),
                (None, Some(s)) => format!("{s}/25"),
                (None, None) => "—".into(),
            };
            vec![(i + 1).to_string(), title, a.status.label().to_string(), priority]
        })
        .collect();
    doc.table(&["N°", "Action", "Statut", "Priorité"], &rows, &[700, 5738, 1500, 1700]);
}

fn next_steps(doc: &mut Document, d: &Diagnostic) {
    let kept: Vec<&ActionLine> = d.actions.iter().filter(|a| a.status == ActionStatus::Retenue).collect();
    if d.meetings_to_come.is_empty() && kept.is_empty() {
        doc.paragraph("Présenter ce diagnostic au comité de pilotage, puis choisir et hiérarchiser les actions à expérimenter (étape 3 de la démarche).");
        return;
    }
    if !d.meetings_to_come.is_empty() {
        doc.heading2("Rencontres prévues");
        for m in &d.meetings_to_come {
            doc.bullet(m);
        }
    }
    if !kept.is_empty() {
        doc.heading2("Actions retenues à lancer");
        for a in kept {
            doc.bullet(&a.title);
        }
    }
}

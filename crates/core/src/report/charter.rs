//! The charte de coopération as a DOCX to circulate and sign: values, rules, objectives, the
//! common goal it serves, the partners with what each gains and commits to, and one signature
//! block per partner.

use super::docx::Document;
use super::french;
use super::ReportError;

/// A partner as the document shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CharterPartnerLine {
    pub organisation: String,
    pub category: String,
    pub interest: String,
    pub commitments: String,
    pub representative: String,
}

/// Everything the charter document shows, read by `api` from the records.
#[derive(Debug, Clone, PartialEq)]
pub struct CharterDocument {
    pub territory: String,
    pub details: Vec<String>,
    pub title: String,
    /// « Brouillon », « En discussion », « Adoptée ».
    pub status: String,
    pub adopted_on: Option<String>,
    /// The workshop where it was adopted: its title and day.
    pub adopted_in: Option<String>,
    pub values: String,
    pub rules: String,
    pub objectives: String,
    /// The common goal agreed on (goal, scenario, the indicators that follow it).
    pub common_goal: Option<(String, String, Vec<String>)>,
    pub partners: Vec<CharterPartnerLine>,
    pub made_on: String,
    pub demo: bool,
}

/// Paragraphs of a free text: one per line written, the empty ones left out.
fn paragraphs(doc: &mut Document, text: &str, empty: &str) {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        doc.note(empty);
    }
    for line in lines {
        match line.strip_prefix("- ").or_else(|| line.strip_prefix("• ")) {
            Some(item) => doc.bullet(item),
            None => doc.paragraph(line),
        }
    }
}

pub fn charter_docx(c: &CharterDocument) -> Result<Vec<u8>, ReportError> {
    let mut doc = Document::new(&format!("{} — {}", c.title, c.territory));
    // The default title says what the cover's first line says already: the territory instead.
    let (title, mut lines) = if c.title == "Charte de coopération" {
        (c.territory.clone(), Vec::new())
    } else {
        (c.title.clone(), vec![c.territory.clone()])
    };
    lines.extend(c.details.iter().cloned());
    lines.push(match (&c.adopted_on, &c.adopted_in) {
        (Some(day), Some(w)) => format!("Adoptée le {} ({w})", french::long_date(day)),
        (Some(day), None) => format!("Adoptée le {}", french::long_date(day)),
        _ => format!("Version de travail ({}) du {}", c.status.to_lowercase(), french::long_date(&c.made_on)),
    });
    if c.demo {
        lines.push("Démonstration : structures et personnes fictives".into());
    }
    doc.cover("Charte de coopération", &title, &lines);

    doc.heading1("Nos valeurs");
    paragraphs(&mut doc, &c.values, "Valeurs à écrire ensemble.");
    doc.heading1("Nos règles de fonctionnement");
    doc.note("Partage de l'information, confidentialité, rencontres, prises de décision.");
    paragraphs(&mut doc, &c.rules, "Règles à écrire ensemble.");
    doc.heading1("Nos objectifs");
    paragraphs(&mut doc, &c.objectives, "Objectifs à écrire ensemble.");
    if let Some((goal, scenario, indicators)) = &c.common_goal {
        doc.heading2("Notre objectif commun");
        doc.paragraph(goal);
        if !scenario.trim().is_empty() {
            doc.labelled_above("Scénario idéal de transformation", scenario);
        }
        if !indicators.is_empty() {
            doc.paragraph("Indicateurs de suivi :");
            for i in indicators {
                doc.bullet(i);
            }
        }
    }

    doc.heading1("Les partenaires");
    if c.partners.is_empty() {
        doc.note("Aucun partenaire n'est encore inscrit à cette charte.");
    } else {
        let rows: Vec<Vec<String>> = c
            .partners
            .iter()
            .map(|p| vec![p.organisation.clone(), p.category.clone(), p.interest.clone(), p.commitments.clone()])
            .collect();
        doc.table(
            &["Structure", "Catégorie", "Son intérêt à coopérer", "Ses engagements"],
            &rows,
            &[2300, 1700, 2838, 2800],
        );
    }

    doc.heading1("Signatures");
    doc.paragraph(&format!(
        "Les partenaires soussignés adhèrent à la présente charte et s'engagent à la faire vivre ({}).",
        french::count(c.partners.len(), "partenaire", "partenaires")
    ));
    for p in &c.partners {
        doc.heading2(&p.organisation);
        doc.labelled(
            "Représenté·e par",
            if p.representative.trim().is_empty() {
                "……………………………………"
            } else {
                &p.representative
            },
        );
        doc.labelled("Fait à", "……………………………… le ……………………");
        doc.labelled("Signature", "");
        // Room to sign.
        for _ in 0..4 {
            doc.paragraph(" ");
        }
    }
    Ok(doc.into_bytes()?)
}

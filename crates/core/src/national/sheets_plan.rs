//! The rows of the method's later steps: workshops and their decisions, actions, indicators and
//! their measurements, practice sheets.

use rusqlite::Connection;

use super::context::Context;
use super::sheets::{col, joined, place, private, Out, CHANGED, ID, TERRITORY, TERRITORY_ID};
use super::{Cell, Column, Mode, SheetId};
use crate::domain::kinds::{Action, Indicator, Measurement, Practice, Workshop};
use crate::domain::vocabulary::Attendance;
use crate::domain::Kind;
use crate::error::Result;
use crate::store::national::for_each_live;

pub(super) const WORKSHOPS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Type", "nature de la réunion"),
    col("Type (code)", "code de la nature de la réunion"),
    col("Titre", "titre de l'atelier"),
    col("Date", "date de l'atelier"),
    private("Lieu", "lieu de l'atelier"),
    col("Participants", "nombre de participants inscrits"),
    col("Présents", "nombre de participants présents"),
    col("Excusés", "nombre de participants excusés"),
    col("Absents", "nombre de participants absents"),
    col("Structures présentes", "structures des participants présents, séparées par « ; »"),
    private("Participants (noms)", "participants, par leur nom, séparés par « ; »"),
    col("Décisions", "nombre de décisions prises"),
    private("Ordre du jour", "points de l'ordre du jour, un par ligne"),
    private("Notes", "notes prises, « question : note », une par ligne"),
    CHANGED,
];

pub(super) const DECISIONS: &[Column] = &[
    col("Atelier (identifiant)", "identifiant de l'atelier"),
    TERRITORY,
    TERRITORY_ID,
    col("Date de l'atelier", "date de l'atelier"),
    col("Type d'atelier", "nature de la réunion"),
    col("Type d'atelier (code)", "code de la nature de la réunion"),
    col("N°", "rang de la décision dans l'atelier"),
    col("Décision", "texte de la décision"),
    col("Action (identifiant)", "action du plan née de cette décision"),
];

pub(super) const ACTIONS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Titre", "intitulé de l'action"),
    col("Statut", "où en est l'action"),
    col("Statut (code)", "code du statut"),
    col("Rang", "rang de priorité donné par le territoire"),
    col("Impact", "impact attendu, de 1 à 5"),
    col("Faisabilité", "faisabilité, de 1 à 5"),
    col("Score", "impact × faisabilité, de 1 à 25"),
    col("Début", "date de début"),
    col("Fin", "date de fin"),
    col("Structure pilote", "structure qui porte l'action"),
    col("Structure pilote (identifiant)", "son identifiant"),
    col("Partenaires", "structures partenaires, séparées par « ; »"),
    col("Atelier d'origine (identifiant)", "atelier dont une décision a fait naître l'action"),
    col("Objectif", "objectif de l'action"),
    col("Hypothèse de changement", "ce que l'action doit changer, et comment"),
    col("Moyens", "moyens mobilisés"),
    private("Notes", "notes libres"),
    CHANGED,
];

pub(super) const INDICATORS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Action (identifiant)", "action évaluée"),
    col("Nom", "nom de l'indicateur"),
    col("Unité", "unité de mesure"),
    col("Valeur de départ", "valeur au début de l'action"),
    col("Cible", "valeur visée"),
    col("Dernière mesure", "valeur de la mesure la plus récente"),
    col("Date de la dernière mesure", "date de cette mesure"),
    col("Mesures", "nombre de mesures relevées"),
    col(
        "Cible atteinte",
        "« Oui » quand la dernière mesure atteint la cible (dans le sens qui va de la valeur de départ à la cible)",
    ),
    private("Notes", "notes libres"),
    CHANGED,
];

pub(super) const MEASUREMENTS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Indicateur", "nom de l'indicateur mesuré"),
    col("Indicateur (identifiant)", "son identifiant"),
    col("Date", "date de la mesure"),
    col("Valeur", "valeur mesurée"),
    private("Commentaire", "commentaire libre"),
    CHANGED,
];

pub(super) const PRACTICES: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Titre", "titre de la fiche"),
    col("Statut", "où en est la fiche"),
    col("Statut (code)", "code du statut"),
    col("Thèmes", "thèmes de la grille d'analyse, séparés par « ; »"),
    col("Thèmes (codes)", "leurs codes, dans le même ordre"),
    col("Action (identifiant)", "action du plan dont vient la pratique"),
    col("Résumé", "résumé de la pratique"),
    col("Objectifs", "objectifs"),
    col("Moyens", "moyens mobilisés"),
    col("Clés de réussite", "ce qui a fait réussir"),
    col("Résultats attendus", "résultats attendus"),
    col("Résultats obtenus", "résultats obtenus"),
    col("Difficultés", "difficultés rencontrées"),
    private("Contacts", "personnes à contacter"),
    CHANGED,
];

fn parse<T: serde::de::DeserializeOwned>(data: &str) -> Option<T> {
    serde_json::from_str(data).ok()
}

/// Whether `latest` reaches `target`, going from `baseline` towards it.
fn reached(baseline: Option<f64>, target: Option<f64>, latest: Option<f64>) -> Option<bool> {
    let (target, latest) = (target?, latest?);
    Some(if baseline.is_some_and(|b| b > target) { latest <= target } else { latest >= target })
}

pub(super) fn rows(ctx: &Context, conn: &Connection, id: SheetId, row: &mut Vec<Cell>, out: Out<'_>) -> Result<()> {
    match id {
        SheetId::Workshops => for_each_live(conn, Kind::Workshop, |r| {
            let Some(w) = parse::<Workshop>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            let count = |a: Attendance| w.participants.iter().filter(|p| p.attendance == a).count() as u32;
            let mut present: Vec<&str> = w
                .participants
                .iter()
                .filter(|p| p.attendance == Attendance::Present)
                .filter_map(|p| ctx.organisation_name(p.organisation_id))
                .collect();
            present.sort_unstable();
            present.dedup();
            row.push(Cell::text(w.kind.label()));
            row.push(Cell::text(w.kind.code()));
            row.push(Cell::text(w.title));
            row.push(Cell::date(&w.date));
            row.push(Cell::text(w.place));
            row.push(Cell::number(w.participants.len() as u32));
            row.push(Cell::number(count(Attendance::Present)));
            row.push(Cell::number(count(Attendance::Excuse)));
            row.push(Cell::number(count(Attendance::Absent)));
            row.push(Cell::text(joined(present)));
            row.push(Cell::text(if ctx.mode == Mode::Identified {
                let names = w.participants.iter().map(|p| match p.person_id {
                    Some(id) => ctx.person(id),
                    None => p.name.clone(),
                });
                names.filter(|n| !n.is_empty()).collect::<Vec<_>>().join("; ")
            } else {
                String::new()
            }));
            row.push(Cell::number(w.decisions.len() as u32));
            row.push(Cell::text(w.agenda.join("\n")));
            row.push(Cell::text(
                w.notes.iter().map(|n| format!("{} : {}", n.question, n.text)).collect::<Vec<_>>().join("\n"),
            ));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Decisions => for_each_live(conn, Kind::Workshop, |r| {
            let Some(w) = parse::<Workshop>(r.data) else { return Ok(()) };
            for (n, d) in w.decisions.iter().enumerate() {
                row.push(Cell::id(r.id));
                row.push(Cell::opt_text(ctx.territory_name(r.territory_id)));
                row.push(Cell::opt_id(r.territory_id));
                row.push(Cell::date(&w.date));
                row.push(Cell::text(w.kind.label()));
                row.push(Cell::text(w.kind.code()));
                row.push(Cell::number(n as u32 + 1));
                row.push(Cell::text(d.text.as_str()));
                row.push(Cell::opt_id(d.action_id));
                out(row)?;
            }
            Ok(())
        }),
        SheetId::Actions => for_each_live(conn, Kind::Action, |r| {
            let Some(a) = parse::<Action>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            row.push(Cell::text(a.title));
            row.push(Cell::text(a.status.label()));
            row.push(Cell::text(a.status.code()));
            row.push(Cell::opt_number(a.priority.rank.map(f64::from)));
            row.push(Cell::opt_number(a.priority.impact.map(f64::from)));
            row.push(Cell::opt_number(a.priority.feasibility.map(f64::from)));
            row.push(Cell::opt_number(a.priority.score().map(f64::from)));
            row.push(Cell::opt_date(a.start_date.as_deref()));
            row.push(Cell::opt_date(a.end_date.as_deref()));
            row.push(Cell::opt_text(ctx.organisation_name(a.lead_organisation_id)));
            row.push(Cell::opt_id(a.lead_organisation_id));
            row.push(Cell::text(joined(a.partner_ids.iter().filter_map(|p| ctx.organisation_name(Some(*p))))));
            row.push(Cell::opt_id(a.source_workshop_id));
            row.push(Cell::text(a.objective));
            row.push(Cell::text(a.hypothesis));
            row.push(Cell::text(a.resources));
            row.push(Cell::text(a.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Indicators => for_each_live(conn, Kind::Indicator, |r| {
            let Some(i) = parse::<Indicator>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            let latest = ctx.latest.get(&r.id);
            row.push(Cell::opt_id(i.action_id));
            row.push(Cell::text(i.name));
            row.push(Cell::text(i.unit));
            row.push(Cell::opt_number(i.baseline));
            row.push(Cell::opt_number(i.target));
            row.push(Cell::opt_number(latest.map(|l| l.1)));
            row.push(Cell::opt_date(latest.map(|l| l.0.as_str())));
            row.push(Cell::number(latest.map(|l| l.2).unwrap_or(0)));
            row.push(reached(i.baseline, i.target, latest.map(|l| l.1)).map(Cell::yes_no).unwrap_or(Cell::Empty));
            row.push(Cell::text(i.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Measurements => for_each_live(conn, Kind::Measurement, |r| {
            let Some(m) = parse::<Measurement>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            row.push(Cell::opt_text(ctx.indicators.get(&m.indicator_id).map(String::as_str)));
            row.push(Cell::id(m.indicator_id));
            row.push(Cell::date(&m.date));
            row.push(Cell::Number(m.value));
            row.push(Cell::text(m.comment));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Practices => for_each_live(conn, Kind::Practice, |r| {
            let Some(p) = parse::<Practice>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            let (themes, codes) = ctx.themes(&p.theme_ids);
            row.push(Cell::text(p.title));
            row.push(Cell::text(p.status.label()));
            row.push(Cell::text(p.status.code()));
            row.push(Cell::text(themes));
            row.push(Cell::text(codes));
            row.push(Cell::opt_id(p.action_id));
            row.push(Cell::text(p.summary));
            row.push(Cell::text(p.objectives));
            row.push(Cell::text(p.means));
            row.push(Cell::text(p.keys_to_success));
            row.push(Cell::text(p.expected_results));
            row.push(Cell::text(p.obtained_results));
            row.push(Cell::text(p.difficulties));
            row.push(Cell::text(p.contacts));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        _ => unreachable!("the actors' tables are in sheets"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_target_is_reached_in_the_direction_from_the_baseline() {
        use super::reached;
        assert_eq!(reached(Some(10.0), Some(20.0), Some(20.0)), Some(true));
        assert_eq!(reached(Some(10.0), Some(20.0), Some(15.0)), Some(false));
        assert_eq!(reached(Some(30.0), Some(20.0), Some(18.0)), Some(true), "a target below the baseline");
        assert_eq!(reached(None, Some(20.0), None), None);
    }
}

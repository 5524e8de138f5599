//! The tables, in the order of the workbook, and the rows of the territories and the actors:
//! territories, structures, persons, cooperation links, interviews and their coded passages.

use rusqlite::Connection;

use super::context::Context;
use super::{Cell, Column, Mode, Sheet, SheetId};
use crate::domain::kinds::{CooperationLink, Interview, Organisation, Person, Territory};
use crate::domain::vocabulary::InterviewStatus;
use crate::domain::{Kind, RecordId};
use crate::error::Result;
use crate::store::national::for_each_live;

pub(super) type Out<'a> = &'a mut dyn FnMut(&mut Vec<Cell>) -> Result<()>;

pub(super) const fn col(header: &'static str, meaning: &'static str) -> Column {
    Column { header, meaning, identified_only: false }
}

/// A column that names a person or holds free text: only in an identified export.
pub(super) const fn private(header: &'static str, meaning: &'static str) -> Column {
    Column { header, meaning, identified_only: true }
}

pub(super) const ID: Column = col("Identifiant", "identifiant de l'enregistrement (le même sur tous les appareils)");
pub(super) const TERRITORY: Column = col("Territoire", "nom du territoire");
pub(super) const TERRITORY_ID: Column = col("Territoire (identifiant)", "identifiant du territoire");
pub(super) const CHANGED: Column =
    col("Dernière modification (UTC)", "date et heure de la version retenue, en temps universel");

/// The workbook's tables, in order.
pub static SHEETS: &[Sheet] = &[
    Sheet {
        id: SheetId::Territories,
        name: "Territoires",
        file: "territoires.csv",
        row_is: "un territoire",
        columns: TERRITORIES,
    },
    Sheet {
        id: SheetId::Organisations,
        name: "Structures",
        file: "structures.csv",
        row_is: "une structure (acteur)",
        columns: ORGANISATIONS,
    },
    Sheet {
        id: SheetId::Persons,
        name: "Personnes",
        file: "personnes.csv",
        row_is: "une personne rencontrée",
        columns: PERSONS,
    },
    Sheet {
        id: SheetId::Links,
        name: "Liens",
        file: "liens.csv",
        row_is: "un lien de coopération entre deux structures",
        columns: LINKS,
    },
    Sheet {
        id: SheetId::Interviews,
        name: "Entretiens",
        file: "entretiens.csv",
        row_is: "un entretien d'acteur",
        columns: INTERVIEWS,
    },
    Sheet {
        id: SheetId::Passages,
        name: "Passages codés",
        file: "passages_codes.csv",
        row_is: "un passage d'entretien codé par thèmes",
        columns: PASSAGES,
    },
    Sheet {
        id: SheetId::Workshops,
        name: "Ateliers",
        file: "ateliers.csv",
        row_is: "un atelier ou une réunion",
        columns: super::sheets_plan::WORKSHOPS,
    },
    Sheet {
        id: SheetId::Decisions,
        name: "Décisions",
        file: "decisions.csv",
        row_is: "une décision d'atelier",
        columns: super::sheets_plan::DECISIONS,
    },
    Sheet {
        id: SheetId::Actions,
        name: "Actions",
        file: "actions.csv",
        row_is: "une action du plan",
        columns: super::sheets_plan::ACTIONS,
    },
    Sheet {
        id: SheetId::Indicators,
        name: "Indicateurs",
        file: "indicateurs.csv",
        row_is: "un indicateur d'évaluation",
        columns: super::sheets_plan::INDICATORS,
    },
    Sheet {
        id: SheetId::Measurements,
        name: "Mesures",
        file: "mesures.csv",
        row_is: "une mesure d'un indicateur",
        columns: super::sheets_plan::MEASUREMENTS,
    },
    Sheet {
        id: SheetId::Practices,
        name: "Pratiques",
        file: "pratiques.csv",
        row_is: "une fiche de pratique inspirante",
        columns: super::sheets_plan::PRACTICES,
    },
];

const TERRITORIES: &[Column] = &[
    ID,
    col("Nom", "nom du territoire"),
    col("Type", "nature du territoire"),
    col("Type (code)", "code de la nature du territoire"),
    col("Département", "code du département (93, 2A, 971…)"),
    col("Communes", "communes couvertes, séparées par « ; »"),
    col("Programme", "programme dont relève le territoire"),
    col("Démonstration", "« Oui » pour un territoire de démonstration (personnes et structures fictives)"),
    col(
        "Étape atteinte",
        "étape de la méthode où en est le territoire, de 1 (lancement) à 4 (évaluation), d'après ses enregistrements",
    ),
    col("Étape", "nom de cette étape"),
    col("Dernier paquet (UTC)", "date et heure de création du dernier paquet reçu qui porte ce territoire"),
    col("Paquets reçus", "nombre de paquets importés au siège qui portent ce territoire"),
    col("Conflits ouverts", "versions concurrentes en attente d'un choix"),
    private("Animateur·rice·s", "personnes qui ont créé ses enregistrements ou envoyé ses paquets"),
    private("Notes", "notes libres"),
    CHANGED,
];

const ORGANISATIONS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Nom", "nom de la structure"),
    col("Catégorie", "catégorie d'acteur"),
    col("Catégorie (code)", "code de la catégorie d'acteur"),
    col("Engagement", "nature de l'engagement"),
    col("Engagement (code)", "code de la nature de l'engagement"),
    col("Champs d'intervention", "champs d'intervention, séparés par « ; »"),
    col("Champs d'intervention (codes)", "leurs codes, dans le même ordre"),
    col("Sous-territoire", "quartier ou partie du territoire"),
    private("Notes", "notes libres"),
    CHANGED,
];

const PERSONS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Pseudonyme", "pseudonyme stable de la personne (le même dans tous les exports)"),
    private("Nom", "nom de la personne"),
    private("Fonction", "fonction ou rôle"),
    private("Contact", "coordonnées"),
    col("Structure", "structure de la personne"),
    col("Structure (identifiant)", "identifiant de cette structure"),
    col("Consentement", "où en est son consentement à l'usage de ses propos"),
    col("Consentement (code)", "code de l'état du consentement"),
    col("Date du consentement", "date à laquelle il a été donné ou retiré"),
    private("Recueil du consentement", "comment il a été recueilli"),
    private("Notes", "notes libres"),
    CHANGED,
];

const LINKS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    col("Structure A", "première structure du lien"),
    col("Structure A (identifiant)", "son identifiant"),
    col("Structure B", "seconde structure du lien"),
    col("Structure B (identifiant)", "son identifiant"),
    col("Nature", "ce que les deux structures font ensemble"),
    col("Nature (code)", "code de la nature du lien"),
    col("Intensité", "intensité du lien, de 0 (aucun) à 3 (fort)"),
    col("Observé le", "date de l'observation"),
    col("Observé lors de (identifiant)", "entretien ou atelier où le lien a été observé"),
    private("Notes", "notes libres"),
    CHANGED,
];

const INTERVIEWS: &[Column] = &[
    ID,
    TERRITORY,
    TERRITORY_ID,
    private("Titre", "titre de l'entretien"),
    col("Date", "date de l'entretien"),
    private("Lieu", "lieu de l'entretien"),
    col("Statut", "où en est l'entretien"),
    col("Statut (code)", "code du statut"),
    col("Personnes", "personnes rencontrées, par leur pseudonyme (par leur nom et pseudonyme dans un export identifié), séparées par « ; »"),
    col("Structures", "structures représentées, séparées par « ; »"),
    col("Thèmes", "thèmes de la grille d'analyse abordés, séparés par « ; »"),
    col("Thèmes (codes)", "leurs codes, dans le même ordre"),
    col("Passages codés", "nombre de passages codés exportables (consentement donné par l'entretien et par chaque personne à qui le passage est attribué)"),
    col("Verbatims", "nombre de ces passages retenus comme verbatims"),
    col("Consentement", "consentement recueilli pour l'entretien"),
    col("Consentement (code)", "code de l'état du consentement"),
    private("Enquêteur·rice", "qui a mené l'entretien"),
    private("Réponses", "réponses aux questions du guide, « code : réponse », une par ligne"),
    private("Notes", "notes libres"),
    CHANGED,
];

const PASSAGES: &[Column] = &[
    col("Entretien (identifiant)", "identifiant de l'entretien"),
    TERRITORY,
    TERRITORY_ID,
    col("Date de l'entretien", "date de l'entretien"),
    col("N°", "rang du passage dans l'entretien"),
    col("Question", "code de la question du guide dont vient le passage (« notes » : les notes libres)"),
    col("Thèmes", "thèmes codés, séparés par « ; »"),
    col("Thèmes (codes)", "leurs codes, dans le même ordre"),
    col("Verbatim", "« Oui » pour un passage retenu comme verbatim"),
    col("Consentement des personnes", "toujours « Oui » : un passage attribué à une personne dont le consentement n'est pas donné (ou d'un entretien sans consentement) ne figure dans aucun export"),
    col("Texte", "le passage ; dans un export pseudonymisé, seulement les verbatims"),
];

fn parse<T: serde::de::DeserializeOwned>(data: &str) -> Option<T> {
    serde_json::from_str(data).ok()
}

/// The first columns of most tables: the record, its territory's name and id.
pub(super) fn place(ctx: &Context, row: &mut Vec<Cell>, id: RecordId, territory: Option<RecordId>) {
    row.push(Cell::id(id));
    row.push(Cell::opt_text(ctx.territory_name(territory)));
    row.push(Cell::opt_id(territory));
}

pub(super) fn joined<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("; ")
}

pub(super) fn rows(ctx: &Context, conn: &Connection, id: SheetId, row: &mut Vec<Cell>, out: Out<'_>) -> Result<()> {
    match id {
        SheetId::Territories => for_each_live(conn, Kind::Territory, |r| {
            let Some(t) = parse::<Territory>(r.data) else { return Ok(()) };
            let facts = ctx.facts.get(&r.id).cloned().unwrap_or_default();
            row.push(Cell::id(r.id));
            row.push(Cell::text(t.name));
            row.push(Cell::text(t.kind.label()));
            row.push(Cell::text(t.kind.code()));
            row.push(Cell::opt_text(t.departement_code.as_deref()));
            row.push(Cell::text(t.communes.join("; ")));
            row.push(Cell::opt_text(t.programme.as_deref()));
            row.push(Cell::yes_no(t.demo));
            row.push(if facts.step > 0 { Cell::number(facts.step) } else { Cell::Empty });
            row.push(Cell::text(facts.step_label));
            row.push(facts.last_bundle_at.as_deref().map(Cell::datetime).unwrap_or(Cell::Empty));
            row.push(Cell::number(facts.bundles));
            row.push(Cell::number(facts.open_conflicts));
            row.push(Cell::text(facts.facilitators.join("; ")));
            row.push(Cell::text(t.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Organisations => for_each_live(conn, Kind::Organisation, |r| {
            let Some(o) = parse::<Organisation>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            row.push(Cell::text(o.name));
            row.push(Cell::text(o.category.label()));
            row.push(Cell::text(o.category.code()));
            row.push(Cell::text(o.engagement.label()));
            row.push(Cell::text(o.engagement.code()));
            row.push(Cell::text(joined(o.fields.iter().map(|f| f.label()))));
            row.push(Cell::text(joined(o.fields.iter().map(|f| f.code()))));
            row.push(Cell::opt_text(o.sub_territory.as_deref()));
            row.push(Cell::text(o.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Persons => for_each_live(conn, Kind::Person, |r| {
            let Some(p) = parse::<Person>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            let pseudonym = ctx.persons.get(&r.id).map(|i| i.pseudonym.clone()).unwrap_or_default();
            row.push(Cell::text(pseudonym));
            row.push(Cell::text(p.name));
            row.push(Cell::text(p.role));
            row.push(Cell::text(p.contact));
            row.push(Cell::opt_text(ctx.organisation_name(p.organisation_id)));
            row.push(Cell::opt_id(p.organisation_id));
            row.push(Cell::text(p.consent.status.label()));
            row.push(Cell::text(p.consent.status.code()));
            row.push(Cell::opt_date(p.consent.date.as_deref()));
            row.push(Cell::text(p.consent.how));
            row.push(Cell::text(p.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Links => for_each_live(conn, Kind::CooperationLink, |r| {
            let Some(l) = parse::<CooperationLink>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            row.push(Cell::opt_text(ctx.organisation_name(Some(l.from_organisation_id))));
            row.push(Cell::id(l.from_organisation_id));
            row.push(Cell::opt_text(ctx.organisation_name(Some(l.to_organisation_id))));
            row.push(Cell::id(l.to_organisation_id));
            row.push(Cell::text(l.kind.label()));
            row.push(Cell::text(l.kind.code()));
            row.push(Cell::number(l.intensity));
            row.push(Cell::date(&l.observed_on));
            row.push(Cell::opt_id(l.source_id));
            row.push(Cell::text(l.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Interviews => for_each_live(conn, Kind::Interview, |r| {
            let Some(i) = parse::<Interview>(r.data) else { return Ok(()) };
            place(ctx, row, r.id, r.territory_id);
            let status: InterviewStatus = i.status;
            let (themes, codes) = ctx.themes(&i.theme_ids);
            // Only what may leave (`privacy::exportable_passages`): counted as the passages' table shows them.
            let leaving = crate::privacy::exportable_passages(&i, &|p| ctx.consent_of(p));
            let (passages, quotes) = (leaving.len() as u32, leaving.iter().filter(|(_, p)| p.quote).count() as u32);
            row.push(Cell::text(i.title.clone()));
            row.push(Cell::date(&i.date));
            row.push(Cell::text(i.place));
            row.push(Cell::text(status.label()));
            row.push(Cell::text(status.code()));
            row.push(Cell::text(i.person_ids.iter().map(|p| ctx.person(*p)).collect::<Vec<_>>().join("; ")));
            row.push(Cell::text(joined(i.organisation_ids.iter().filter_map(|o| ctx.organisation_name(Some(*o))))));
            row.push(Cell::text(themes));
            row.push(Cell::text(codes));
            row.push(Cell::number(passages));
            row.push(Cell::number(quotes));
            row.push(Cell::text(i.consent.status.label()));
            row.push(Cell::text(i.consent.status.code()));
            row.push(Cell::text(i.interviewer));
            row.push(Cell::text(if ctx.mode == Mode::Identified {
                i.answers.iter().map(|(q, a)| format!("{q} : {a}")).collect::<Vec<_>>().join("\n")
            } else {
                String::new()
            }));
            row.push(Cell::text(i.notes));
            row.push(Cell::datetime(r.updated_at));
            out(row)
        }),
        SheetId::Passages => for_each_live(conn, Kind::Interview, |r| {
            let Some(i) = parse::<Interview>(r.data) else { return Ok(()) };
            // A passage attributed to a person whose consent is not given never leaves, in either
            // version (`privacy::exportable_passages`, the one rule of exports and reports).
            for (n, p) in crate::privacy::exportable_passages(&i, &|p| ctx.consent_of(p)) {
                let (themes, codes) = ctx.themes(&p.theme_ids);
                row.push(Cell::id(r.id));
                row.push(Cell::opt_text(ctx.territory_name(r.territory_id)));
                row.push(Cell::opt_id(r.territory_id));
                row.push(Cell::date(&i.date));
                row.push(Cell::number(n as u32 + 1));
                row.push(Cell::text(p.source.as_str()));
                row.push(Cell::text(themes));
                row.push(Cell::text(codes));
                row.push(Cell::yes_no(p.quote));
                row.push(Cell::yes_no(true));
                let shown = ctx.mode == Mode::Identified || p.quote;
                row.push(if shown { Cell::text(p.text.as_str()) } else { Cell::Empty });
                out(row)?;
            }
            Ok(())
        }),
        _ => unreachable!("the plan's tables are in sheets_plan"),
    }
}

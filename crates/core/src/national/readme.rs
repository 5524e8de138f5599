//! The "Lisez-moi" sheet (`lisez-moi.csv`): what the tables are, whether they name people, what
//! each column means, and the bundles they were made from.

use serde::Deserialize;

use super::{Cell, Mode, SHEETS};
use crate::store::national::ImportedBundle;

/// When and from what the tables were made.
pub struct About {
    /// RFC 3339.
    pub made_at: String,
    pub bundles: Vec<ImportedBundle>,
}

/// The few fields of a kept import report the read-me shows.
#[derive(Deserialize, Default)]
struct Kept {
    #[serde(default)]
    facilitator: String,
    #[serde(default)]
    territories: Vec<serde_json::Value>,
}

/// The rows of the read-me, each of one to seven cells.
pub fn rows(about: &About, mode: Mode) -> Vec<Vec<Cell>> {
    let t = Cell::text;
    let mut out: Vec<Vec<Cell>> =
        vec![vec![t("Tableaux nationaux Maillage")], vec![t("Établis le (UTC)"), Cell::datetime(&about.made_at)]];
    match mode {
        Mode::Pseudonymised => {
            out.push(vec![
                t("Version"),
                t("pseudonymisée"),
                t("Les personnes n'y figurent que par leur pseudonyme stable (ni nom, ni fonction, ni coordonnées). \
                   Les textes libres (réponses, notes, titres et lieux d'entretien, commentaires, ordres du jour, \
                   contacts) en sont retirés, colonne comprise, ainsi que les noms des animateur·rice·s. Un passage \
                   codé ou un verbatim n'y figure que si l'entretien et chaque personne à qui il est attribué ont \
                   donné leur consentement (ni à recueillir, ni refusé, ni retiré)."),
            ]);
        }
        Mode::Identified => {
            out.push(vec![
                t("Version"),
                t("IDENTIFIÉE"),
                t("ATTENTION : ces tableaux contiennent des noms, des coordonnées et des textes libres (réponses, \
                   notes, passages). Ne les transmettez pas : gardez-les au siège, sur un support protégé, et \
                   supprimez-les après usage. Même ici, un passage attribué à une personne dont le consentement \
                   n'est pas donné n'y figure pas."),
            ]);
        }
    }
    out.push(vec![
        t("Lecture"),
        t("Les dates sont des dates (filtrables, triables) ; les nombres sont des nombres. Une liste fermée \
           donne son libellé, et son code dans la colonne voisine « (code) ». Un texte de plus de 32 767 caractères \
           (la limite d'une cellule) est coupé et finit par « [texte coupé…] ». Seuls les enregistrements en \
           vigueur figurent (pas les suppressions)."),
    ]);
    out.push(vec![]);
    out.push(vec![t("Feuille"), t("Une ligne est"), t("Colonnes")]);
    for s in SHEETS {
        let shown = s.columns.iter().filter(|c| c.shown(mode)).count() as u32;
        out.push(vec![t(s.name), t(s.row_is), Cell::number(shown)]);
    }
    out.push(vec![]);
    out.push(vec![t("Feuille"), t("Colonne"), t("Signification")]);
    for s in SHEETS {
        for c in s.columns.iter().filter(|c| c.shown(mode)) {
            out.push(vec![t(s.name), t(c.header), t(c.meaning)]);
        }
    }
    if mode == Mode::Pseudonymised {
        out.push(vec![]);
        out.push(vec![t("Feuille"), t("Colonne retirée de cette version"), t("Pourquoi")]);
        for s in SHEETS {
            for c in s.columns.iter().filter(|c| !c.shown(mode)) {
                out.push(vec![
                    t(s.name),
                    t(c.header),
                    t("nom d'une personne ou texte libre (export identifié seulement)"),
                ]);
            }
        }
    }
    out.push(vec![]);
    out.push(vec![t("Paquets importés"), Cell::number(about.bundles.len() as u32)]);
    let mut header = vec![
        t("Paquet"),
        t("Créé le (UTC)"),
        t("Importé le (UTC)"),
        t("Appareil"),
        t("N° sur l'appareil"),
        t("Contenu"),
        t("Territoires"),
    ];
    if mode == Mode::Identified {
        header.push(t("Animateur·rice"));
    }
    out.push(header);
    for b in &about.bundles {
        let kept: Kept = serde_json::from_str(&b.report).unwrap_or_default();
        let mut row = vec![
            t(b.bundle_id.as_str()),
            Cell::datetime(&b.created_at),
            Cell::datetime(&b.imported_at),
            t(b.device_id.as_str()),
            Cell::number(b.sequence as f64),
            t(if b.covers == "since" { "changements depuis le paquet précédent" } else { "export complet" }),
            Cell::number(kept.territories.len() as u32),
        ];
        if mode == Mode::Identified {
            row.push(Cell::text(kept.facilitator));
        }
        out.push(row);
    }
    out
}

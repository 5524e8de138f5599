//! `maillage national status | export`: headquarters' view of every territory, and the national
//! tables.
//!
//! ```text
//! maillage --db siege.sqlite3 import arrivees/ --identity siege/hq.key
//! maillage --db siege.sqlite3 national status --json
//! maillage --db siege.sqlite3 national synthesis --json
//! maillage --db siege.sqlite3 national export --out tableaux.xlsx
//! maillage --db siege.sqlite3 national export --format csv --out tableaux/ --identified
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{json_line, out_err};
use clap::{Subcommand, ValueEnum};
use maillage_core::api::{ApiError, NationalExportRequest, NationalSynthesis, TableFormat};

#[derive(Subcommand)]
pub enum Command {
    /// Every territory: step of the method, facilitators, last bundle, counts, open conflicts.
    Status {
        /// One JSON object per territory, one per line.
        #[arg(long)]
        json: bool,
    },
    /// The national synthesis: themes by territory and by actor category, actions by status,
    /// indicators against their targets, cooperation links by kind and intensity.
    Synthesis {
        /// The whole synthesis as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The national tables: an XLSX workbook, or CSV files in a folder (pseudonymised unless
    /// --identified).
    Export {
        /// The workbook (`*.xlsx`), or for CSV the folder to write the files in.
        #[arg(long, value_name = "FILE_OR_DIR")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = FormatArg::Xlsx)]
        format: FormatArg,
        /// Include names, contacts and free text (the read-me says so). Keep such tables at
        /// headquarters.
        #[arg(long)]
        identified: bool,
        /// Replace the workbook or CSV files of an earlier export (never any other file).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Xlsx,
    Csv,
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Status { json } => {
            let list = api.national_status()?;
            if json {
                for t in &list {
                    json_line(out, t)?;
                }
            } else if list.is_empty() {
                writeln!(out, "Aucun territoire dans ce magasin : importez des paquets (maillage import DOSSIER).")
                    .map_err(out_err)?;
            } else {
                for t in &list {
                    let news = match (&t.last_bundle_at, t.days_since_last_bundle) {
                        (Some(at), Some(days)) => {
                            let warn = if t.stale { " — SANS NOUVELLES" } else { "" };
                            format!("dernier paquet {} (il y a {days} j){warn}", &at[..at.len().min(10)])
                        }
                        _ => "aucun paquet reçu".to_string(),
                    };
                    let k = |kind: &str| t.counts.kinds.get(kind).copied().unwrap_or(0);
                    writeln!(
                        out,
                        "{}\t{}\n    {} · département {} · étape {}/4 : {}\n    {}\n    animateur·rice·s : {}\n    {} structures, {} personnes, {} entretiens, {} ateliers, {} actions, {} indicateurs, {} pratiques · {} conflit(s) ouvert(s)",
                        t.territory_id,
                        t.name,
                        t.kind_label,
                        t.departement_code.as_deref().unwrap_or("—"),
                        t.step,
                        t.step_label,
                        news,
                        if t.facilitators.is_empty() { "—".to_string() } else { t.facilitators.join(", ") },
                        k("organisation"),
                        k("person"),
                        k("interview"),
                        k("workshop"),
                        k("action"),
                        k("indicator"),
                        k("practice"),
                        t.open_conflicts,
                    )
                    .map_err(out_err)?;
                }
            }
        }
        Command::Synthesis { json } => {
            let s = api.national_synthesis()?;
            if json {
                json_line(out, &s)?;
            } else {
                synthesis_text(&s, out)?;
            }
        }
        Command::Export { out: path, format, identified, force, json } => {
            let format = match format {
                FormatArg::Xlsx => TableFormat::Xlsx,
                FormatArg::Csv => TableFormat::Csv,
            };
            let report = api.national_export(&NationalExportRequest { out: path, format, identified, force })?;
            if json {
                json_line(out, &report)?;
            } else {
                let what = if identified {
                    "IDENTIFIÉS (noms et textes libres : à garder au siège)"
                } else {
                    "pseudonymisés"
                };
                writeln!(out, "Tableaux nationaux {what} écrits : {}", report.path).map_err(out_err)?;
                for t in &report.tables {
                    writeln!(out, "  {:<16} {:>8} ligne(s)", t.table, t.rows).map_err(out_err)?;
                }
                if report.cut_cells > 0 {
                    writeln!(out, "  {} texte(s) coupé(s) à la limite d'une cellule", report.cut_cells)
                        .map_err(out_err)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The synthesis as text: each matrix's non-empty rows, one line each.
fn synthesis_text(s: &NationalSynthesis, out: &mut dyn Write) -> Result<(), ApiError> {
    let line = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(out_err);
    let names: Vec<&str> = s.territories.iter().map(|t| t.name.as_str()).collect();
    line(out, format!("Territoires ({}) : {}", names.len(), names.join(", ")))?;
    line(out, "\nPassages codés par thème (par territoire, dans cet ordre) :".into())?;
    for (theme, row) in s.themes.iter().zip(&s.theme_territory.passages) {
        let total: u32 = row.iter().sum();
        if total > 0 {
            let cells: Vec<String> = row.iter().map(u32::to_string).collect();
            line(out, format!("  {:<48} {total:>6}  [{}]", theme.label, cells.join(" ")))?;
        }
    }
    line(out, "\nPassages codés par thème et catégorie d'acteurs :".into())?;
    for (theme, row) in s.themes.iter().zip(&s.theme_category.passages) {
        let cells: Vec<String> =
            s.categories.iter().zip(row).filter(|(_, n)| **n > 0).map(|(c, n)| format!("{} {n}", c.label)).collect();
        if !cells.is_empty() {
            line(out, format!("  {} : {}", theme.label, cells.join(" · ")))?;
        }
    }
    line(out, "\nActions par statut :".into())?;
    for (status, row) in s.action_statuses.iter().zip(&s.actions) {
        line(out, format!("  {:<24} {:>6}", status.label, row.iter().sum::<u32>()))?;
    }
    line(out, "\nIndicateurs :".into())?;
    for i in &s.indicators {
        let latest = match (&i.latest_value, &i.latest_date) {
            (Some(v), Some(d)) => format!("{v} le {d}"),
            _ => "aucune mesure".into(),
        };
        let met = match i.met {
            Some(true) => " — cible atteinte",
            Some(false) => " — cible non atteinte",
            None => "",
        };
        let target = i.target.map(|t| format!(", cible {t}")).unwrap_or_default();
        line(out, format!("  {} · {} : {latest}{target}{met}", i.territory, i.name))?;
    }
    line(out, "\nLiens de coopération par type :".into())?;
    for (k, kind) in s.link_kinds.iter().enumerate() {
        let n: u32 = s.links.iter().map(|t| t[k].iter().sum::<u32>()).sum();
        line(out, format!("  {:<40} {n:>6}", kind.label))?;
    }
    Ok(())
}

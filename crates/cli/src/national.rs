//! `maillage national status | export`: headquarters' view of every territory, and the national
//! tables.
//!
//! ```text
//! maillage --db siege.sqlite3 import arrivees/ --identity siege/hq.key
//! maillage --db siege.sqlite3 national status --json
//! maillage --db siege.sqlite3 national export --out tableaux.xlsx
//! maillage --db siege.sqlite3 national export --format csv --out tableaux/ --identified
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{json_line, out_err};
use clap::{Subcommand, ValueEnum};
use maillage_core::api::{Api, ApiError, NationalExportRequest, TableFormat};

#[derive(Subcommand)]
pub enum Command {
    /// Every territory: step of the method, facilitators, last bundle, counts, open conflicts.
    Status {
        /// One JSON object per territory, one per line.
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
    let api = Api::open(db)?;
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

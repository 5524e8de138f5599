//! `maillage analysis themes | network | compare | indicators` and `maillage export network |
//! qdpx`: the shared diagnosis' figures, and the files Gephi and qualitative analysis software
//! open. Dates are checked by core (exit 1, the field named, never the value).
//!
//! ```text
//! maillage analysis network --territory ID --at 2026-06-30 --json
//! maillage analysis compare --territory ID --from 2026-01-01 --to 2026-06-30
//! maillage export network --territory ID --format gexf --out reseau.gexf
//! maillage export qdpx --territory ID --out entretiens.qdpx
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use maillage_core::api::{ApiError, LinkChange, Network, NetworkFormat, NetworkMeasures};
use maillage_core::domain::RecordId;

use crate::{json_line, out_err};

#[derive(Subcommand)]
pub enum Command {
    /// Per theme of the grid: passages and interviews by actor category, co-occurrences, and
    /// the verbatims consent lets leave (by category, never by name).
    Themes {
        /// The territory (every territory when absent, at headquarters).
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: Option<RecordId>,
        #[arg(long)]
        json: bool,
    },
    /// The cooperation network at a date: its measures, organisations and links.
    Network {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        /// AAAA-MM-JJ (every observation when absent).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The cooperation network at two dates and what changed between them.
    Compare {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        #[arg(long, value_name = "AAAA-MM-JJ")]
        from: String,
        #[arg(long, value_name = "AAAA-MM-JJ")]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// Indicators against their targets, actions by status over time.
    Indicators {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The cooperation network as a GEXF or GraphML file (Gephi, Cytoscape).
    Network {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        #[arg(long, value_name = "AAAA-MM-JJ")]
        at: Option<String>,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace an earlier network file at FILE (never any other file).
        #[arg(long)]
        force: bool,
    },
    /// The interviews and their coding as a REFI-QDA project (QualCoder, MAXQDA, ATLAS.ti,
    /// NVivo): only the passages consent lets leave.
    Qdpx {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        #[arg(long, value_name = "FILE.qdpx")]
        out: PathBuf,
        /// Replace an earlier project at FILE (never any other file).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Gexf,
    Graphml,
}

/// `0,300`: French decimals.
fn num(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Themes { territory, json } => {
            let themes = api.analysis_themes(territory)?;
            if json {
                json_line(out, &themes)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "{:<34} {:>9} {:>10} {:>10} {:>8}",
                "thème", "passages", "entretiens", "verbatims", "retenus"
            )
            .map_err(out_err)?;
            for (row, v) in themes.grid.rows.iter().zip(&themes.insights.verbatims) {
                let label = format!("{}{}", "  ".repeat(row.depth as usize), row.label);
                let label: String = label.chars().take(34).collect();
                writeln!(
                    out,
                    "{label:<34} {:>9} {:>10} {:>10} {:>8}",
                    row.passages,
                    row.interviews,
                    v.verbatims.len(),
                    v.withheld
                )
                .map_err(out_err)?;
            }
            if let Some(message) = &themes.insights.withheld_message {
                writeln!(out, "{message}").map_err(out_err)?;
            }
        }
        Command::Network { territory, at, json } => {
            let network = api.analysis_network(territory, at.as_deref())?;
            if json {
                json_line(out, &network)?;
            } else {
                print_network(out, &network)?;
            }
        }
        Command::Compare { territory, from, to, json } => {
            let cmp = api.analysis_compare(territory, &from, &to)?;
            if json {
                json_line(out, &cmp)?;
                return Ok(ExitCode::SUCCESS);
            }
            writeln!(out, "{:<46} {:>10} {:>10} {:>10}", "mesure", cmp.from, cmp.to, "évolution").map_err(out_err)?;
            for m in &cmp.measures {
                let d = if m.measure.contains("share") || m.measure == "density" || m.measure.contains("centralisation")
                {
                    3
                } else if m.measure == "mean_degree" {
                    2
                } else {
                    0
                };
                let change = format!("{}{}", if m.change > 0.0 { "+" } else { "" }, num(m.change, d));
                writeln!(out, "{:<46} {:>10} {:>10} {:>10}", m.label, num(m.from, d), num(m.to, d), change)
                    .map_err(out_err)?;
            }
            for (title, list) in [
                ("Nouveaux liens", &cmp.new_links),
                ("Liens perdus", &cmp.lost_links),
                ("Liens renforcés", &cmp.strengthened),
                ("Liens affaiblis", &cmp.weakened),
            ] {
                print_changes(out, title, list)?;
            }
            writeln!(out, "Acteurs entrés dans le réseau ({}) :", cmp.joined.len()).map_err(out_err)?;
            for n in &cmp.joined {
                writeln!(out, "  {}", n.name).map_err(out_err)?;
            }
        }
        Command::Indicators { territory, json } => {
            let report = api.analysis_indicators(territory)?;
            if json {
                json_line(out, &report)?;
                return Ok(ExitCode::SUCCESS);
            }
            let opt = |v: Option<f64>| v.map(|v| num(v, 2)).unwrap_or_else(|| "—".into());
            for i in &report.indicators {
                let met = match i.met {
                    Some(true) => "atteinte",
                    Some(false) => "non atteinte",
                    None => "—",
                };
                writeln!(
                    out,
                    "{} : départ {}, dernière valeur {}, cible {} ({met})",
                    i.name,
                    opt(i.baseline),
                    opt(i.latest_value),
                    opt(i.target)
                )
                .map_err(out_err)?;
            }
            for (status, n) in report.action_statuses.iter().zip(&report.actions) {
                writeln!(out, "Actions « {} » : {n}", status.label).map_err(out_err)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_network(out: &mut dyn Write, n: &Network) -> Result<(), ApiError> {
    let m: &NetworkMeasures = &n.measures;
    let at = n.at.as_deref().map(|d| format!("au {d}")).unwrap_or_else(|| "(toutes les observations)".into());
    let by = |i: &str| m.links_by_intensity.get(i).copied().unwrap_or(0);
    let lines = [
        format!("Réseau de coopération {at}"),
        format!("Acteurs : {}", m.actors),
        format!("Liens : {} (faibles {}, réguliers {}, forts {})", m.links, by("1"), by("2"), by("3")),
        format!("Densité : {}", num(m.density, 3)),
        format!("Degré moyen : {}", num(m.mean_degree, 2)),
        format!("Centralisation des degrés : {}", num(m.degree_centralisation, 3)),
        format!("Composantes connexes : {}", m.components),
        format!("Acteurs isolés : {}", m.isolated.len()),
        format!("Liens entre catégories différentes : {} %", num(m.cross_category_share * 100.0, 1)),
        "Intermédiarité (les plus hautes) :".to_string(),
    ];
    for line in lines {
        writeln!(out, "{line}").map_err(out_err)?;
    }
    for b in &m.betweenness {
        writeln!(out, "  {} : {}", b.name, num(b.value, 3)).map_err(out_err)?;
    }
    Ok(())
}

fn print_changes(out: &mut dyn Write, title: &str, list: &[LinkChange]) -> Result<(), ApiError> {
    writeln!(out, "{title} ({}) :", list.len()).map_err(out_err)?;
    for l in list {
        writeln!(out, "  {} — {} ({} → {})", l.from_name, l.to_name, l.intensity_before, l.intensity_after)
            .map_err(out_err)?;
    }
    Ok(())
}

pub fn run_export(db: &Path, command: ExportCommand, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        ExportCommand::Network { territory, at, format, out: file, force } => {
            let format = match format {
                FormatArg::Gexf => NetworkFormat::Gexf,
                FormatArg::Graphml => NetworkFormat::Graphml,
            };
            let report = api.export_network(territory, at.as_deref(), format, &file, force)?;
            writeln!(out, "Réseau écrit : {} ({} structures, {} liens)", report.path, report.nodes, report.edges)
                .map_err(out_err)?;
        }
        ExportCommand::Qdpx { territory, out: file, force } => {
            let report = api.export_qdpx(territory, &file, force)?;
            writeln!(
                out,
                "Projet REFI-QDA écrit : {} ({} entretiens, {} passages, {} codés)",
                report.path, report.sources, report.passages, report.selections
            )
            .map_err(out_err)?;
            if report.withheld > 0 {
                writeln!(out, "{} passages non exportés : consentement non donné", report.withheld).map_err(out_err)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

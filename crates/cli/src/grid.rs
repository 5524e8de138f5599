//! `maillage grid …`: the cooperation grid as a territory's checklist (ticked from the records,
//! or by hand with a note), and at headquarters how many territories ticked each practice.
//!
//! ```text
//! maillage grid show --territory 0192… [--json]
//! maillage grid check --territory 0192… --code communication --note "Lettre d'information mensuelle"
//! maillage grid check --territory 0192… --code communication --uncheck
//! maillage grid national [--json]
//! ```

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::{json_line, out_err, parse_id};
use clap::Subcommand;
use maillage_core::api::{ApiError, CooperationGrid};
use maillage_core::domain::RecordId;

#[derive(Subcommand)]
pub enum Command {
    /// The territory's checklist: each good practice, ticked or not, and what the records show.
    Show {
        #[arg(long, value_parser = parse_id)]
        territory: RecordId,
        #[arg(long)]
        json: bool,
    },
    /// Tick a practice by hand, with a note (or untick it with --uncheck): an edit that travels.
    Check {
        #[arg(long, value_parser = parse_id)]
        territory: RecordId,
        /// cartographie, diagnostic_partage, but_commun, indicateurs_suivi, interconnaissance,
        /// charte, communication, ajustement, coordination
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        uncheck: bool,
        #[arg(long)]
        json: bool,
    },
    /// Headquarters: how many territories ticked each practice (demonstrations left out).
    National {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Show { territory, json } => print(out, &api.cooperation_grid(territory)?, json)?,
        Command::Check { territory, code, note, uncheck, json } => {
            print(out, &api.set_grid_check(territory, &code, !uncheck, &note)?, json)?
        }
        Command::National { json } => {
            let counts = api.national_grid()?;
            if json {
                json_line(out, &counts)?;
            } else {
                for c in counts {
                    writeln!(out, "{:>3}/{:<3} {} ({})", c.territories_done, c.territories, c.practice, c.code)
                        .map_err(out_err)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print(out: &mut dyn Write, grid: &CooperationGrid, json: bool) -> Result<(), ApiError> {
    if json {
        return json_line(out, grid);
    }
    writeln!(out, "Grille de coopération : {} sur {}", grid.done, grid.total).map_err(out_err)?;
    for i in &grid.items {
        let how = match (&i.by_hand, i.from_records) {
            (_, true) => i.evidence.clone(),
            (Some(c), false) => format!("coché à la main le {} : {}", c.checked_on, c.note),
            (None, false) => i.evidence.clone(),
        };
        writeln!(out, "[{}] {} ({}) — {}", if i.done { "x" } else { " " }, i.practice, i.code, how).map_err(out_err)?;
    }
    Ok(())
}

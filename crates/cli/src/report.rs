//! `maillage report diagnostic | evaluation | charter`: the documents of the method as DOCX files.
//!
//! ```text
//! maillage report diagnostic --territory ID --out diagnostic.docx
//! maillage report evaluation --territory ID --from 2026-01-01 --to 2026-11-30 --out evaluation.docx
//! maillage report charter --territory ID --out charte.docx
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use maillage_core::api::{ApiError, ReportRequest, ReportWritten};
use maillage_core::domain::RecordId;

use crate::{json_line, out_err};

#[derive(Subcommand)]
pub enum Command {
    /// The diagnostic partagé (end of step 2): roadmap, actors met, cooperation map, themes,
    /// brakes and conditions of success, convergences, proposed actions.
    Diagnostic {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        /// The document to write (`*.docx`).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace an earlier report at FILE (never any other file).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// The evaluation (step 4): indicators, actions by status, the cooperation map at two dates.
    Evaluation {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        /// The earlier date, AAAA-MM-JJ.
        #[arg(long, value_name = "AAAA-MM-JJ")]
        from: String,
        /// The later date, AAAA-MM-JJ.
        #[arg(long, value_name = "AAAA-MM-JJ")]
        to: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// The charte de coopération to circulate and sign: values, rules, objectives, the common
    /// goal, the partners, a signature block per partner.
    Charter {
        #[arg(long, value_name = "ID", value_parser = crate::parse_id)]
        territory: RecordId,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    let (written, json) = match command {
        Command::Diagnostic { territory, out: file, force, json } => {
            (api.report_diagnostic_to(&ReportRequest { territory_id: territory, out: file, force })?, json)
        }
        Command::Evaluation { territory, from, to, out: file, force, json } => {
            (api.report_evaluation_to(&ReportRequest { territory_id: territory, out: file, force }, &from, &to)?, json)
        }
        Command::Charter { territory, out: file, force, json } => {
            (api.report_charter(&ReportRequest { territory_id: territory, out: file, force })?, json)
        }
    };
    print(out, &written, json)?;
    Ok(ExitCode::SUCCESS)
}

fn print(out: &mut dyn Write, written: &ReportWritten, json: bool) -> Result<(), ApiError> {
    if json {
        return json_line(out, written);
    }
    writeln!(out, "Document écrit : {} ({} octets)", written.path, written.bytes).map_err(out_err)
}

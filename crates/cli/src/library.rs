//! `maillage library …`: what headquarters sends back to the territories.
//!
//! ```text
//! maillage library publish --out bibliotheque.maillage [--force]     (headquarters)
//! maillage library list [--json] [--theme T] [--territory-kind K] [--category C] [--query WORDS]
//! ```
//!
//! A facilitator's device trusts headquarters' key with `maillage keys trust hq.pub`, then
//! imports the library bundle with `maillage import`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{json_line, out_err};
use clap::Subcommand;
use maillage_core::api::{ApiError, ErrorCode, LibraryFilter};

#[derive(Subcommand)]
pub enum Command {
    /// Headquarters: write the library bundle (published practices, the committee's decisions,
    /// the national meetings), signed with headquarters' key.
    Publish {
        #[arg(long)]
        out: PathBuf,
        /// Replace an earlier bundle at the same place.
        #[arg(long)]
        force: bool,
    },
    /// The published practices of the library, the latest first.
    List {
        #[arg(long)]
        json: bool,
        /// A theme of the library.
        #[arg(long)]
        theme: Option<String>,
        /// A kind of territory (its code: commune, quartier…).
        #[arg(long = "territory-kind")]
        territory_kind: Option<String>,
        /// A category of actors (its code).
        #[arg(long)]
        category: Option<String>,
        /// Words searched in the sheets.
        #[arg(long)]
        query: Option<String>,
    },
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Publish { out: file, force } => {
            let r = api.publish_library(&file, force)?;
            writeln!(
                out,
                "Bibliothèque écrite : {}\n  {} pratique(s) publiée(s), {} décision(s) du comité, {} rencontre(s) nationale(s)\n  signée par la clé du siège, empreinte {}",
                r.path, r.published, r.decisions, r.meetings, r.signing_fingerprint
            )
            .map_err(out_err)?;
        }
        Command::List { json, theme, territory_kind, category, query } => {
            let filter = serde_json::json!({
                "theme": theme, "territory_kind": territory_kind, "actor_category": category, "query": query,
            });
            let filter: LibraryFilter = serde_json::from_value(filter).map_err(|_| ApiError {
                code: ErrorCode::Invalid,
                message: "--territory-kind et --category attendent un code de la liste des types de territoire ou des catégories d'acteurs".into(),
                field: Some("filter".into()),
            })?;
            let entries = api.library(&filter)?;
            if json {
                json_line(out, &entries)?;
            }
            for e in entries.iter().filter(|_| !json) {
                writeln!(
                    out,
                    "{}\t{}\t{}\tpubliée le {}\t{}",
                    e.sheet_id,
                    e.sheet.title,
                    e.origin,
                    e.sheet.published_on.as_deref().unwrap_or_default(),
                    e.sheet.themes.join(", ")
                )
                .map_err(out_err)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

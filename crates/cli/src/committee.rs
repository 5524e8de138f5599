//! `maillage practice …`: the selection committee at headquarters (the queue, reviews, the
//! decision, publication in the library, the library's themes).
//!
//! ```text
//! maillage practice queue [--json]
//! maillage practice review ID --reviewer "Département" --relevance 4 --originality 3 --effectiveness 4 [--comment TEXT]
//! maillage practice decide ID --retain|--reject --reason TEXT
//! maillage practice differences ID [--json]
//! maillage practice publish ID [--theme "Parents"]…
//! maillage practice themes [--set "Parents" --set "Sortie et autonomie"…]
//! maillage practice withdraw ID
//! maillage practice adopt SHEET_ID --territory TID      (a facilitator's device: « s'en inspirer »)
//! ```

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::{json_line, out_err, parse_id};
use clap::Subcommand;
use maillage_core::api::ApiError;
use maillage_core::domain::RecordId;

#[derive(Subcommand)]
pub enum Command {
    /// The practices proposed by the territories, with their reviews and decisions.
    Queue {
        #[arg(long)]
        json: bool,
    },
    /// A committee member's review: relevance, originality, effectiveness (1 to 4 each).
    Review {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        relevance: u8,
        #[arg(long)]
        originality: u8,
        #[arg(long)]
        effectiveness: u8,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// The committee's decision, with its reasons.
    Decide {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        retain: bool,
        #[arg(long)]
        reject: bool,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// What the committee's edited version changed from the territory's proposal.
    Differences {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long)]
        json: bool,
    },
    /// Publish a retained practice in the library (today), under the library's themes.
    Publish {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long = "theme")]
        themes: Vec<String>,
    },
    /// The library's themes; with --set, replace them.
    Themes {
        #[arg(long = "set")]
        set: Vec<String>,
    },
    /// Withdraw a published practice from the library (with headquarters' next library bundle).
    Withdraw {
        #[arg(value_parser = parse_id)]
        id: RecordId,
    },
    /// « S'en inspirer »: create an action of the territory from a published practice of the
    /// library (its sheet id, as `library list` prints it); prints the action's id.
    Adopt {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long, value_parser = parse_id)]
        territory: RecordId,
    },
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Queue { json } => {
            let queue = api.committee_queue()?;
            if json {
                json_line(out, &queue)?;
            }
            for e in queue.iter().filter(|_| !json) {
                let state = match (e.decision, &e.published_on) {
                    (_, Some(day)) => format!("publiée le {day}"),
                    (Some(d), None) => d.label().to_lowercase(),
                    (None, None) => "à examiner".into(),
                };
                writeln!(out, "{}\t{}\t{} avis\t{}", e.practice_id, e.title, e.reviews.len(), state)
                    .map_err(out_err)?;
            }
        }
        Command::Review { id, reviewer, relevance, originality, effectiveness, comment } => {
            let r = api.review_practice(id, &reviewer, [relevance, originality, effectiveness], &comment)?;
            writeln!(out, "{}", r.id).map_err(out_err)?;
        }
        Command::Decide { id, retain, reject: _, reason } => {
            let r = api.decide_practice(id, retain, &reason)?;
            writeln!(out, "{}", r.id).map_err(out_err)?;
        }
        Command::Differences { id, json } => {
            let diffs = api.practice_differences(id)?;
            if json {
                json_line(out, &diffs)?;
            }
            for d in diffs.iter().filter(|_| !json) {
                writeln!(out, "{}\n  proposé : {}\n  édité   : {}", d.label, d.proposed, d.edited).map_err(out_err)?;
            }
        }
        Command::Publish { id, themes } => {
            let r = api.publish_practice(id, &themes)?;
            writeln!(out, "Publiée le {} : {}", r.data["published_on"].as_str().unwrap_or_default(), r.id)
                .map_err(out_err)?;
        }
        Command::Withdraw { id } => {
            let r = api.withdraw_practice(id)?;
            writeln!(out, "Retirée de la bibliothèque : {}", r.id).map_err(out_err)?;
        }
        Command::Adopt { id, territory } => {
            let r = api.adopt_practice(id, territory)?;
            writeln!(out, "{}", r.id).map_err(out_err)?;
        }
        Command::Themes { set } => {
            let themes = if set.is_empty() { api.library_themes()? } else { api.set_library_themes(set)? };
            for t in themes {
                writeln!(out, "{t}").map_err(out_err)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `maillage person …` and `maillage privacy …`: consent, erasure that travels, retention, and the
//! data protection officer's report. Nothing printed names a person: ids, days and counts only.
//!
//! ```text
//! maillage person withdraw-consent 0192… --date 2026-11-22
//! maillage person erase 0192…
//! maillage privacy consent --interview 0192…
//! maillage privacy report --json
//! maillage privacy retention --years 3
//! maillage privacy due
//! maillage privacy purge --territory 0192…
//! maillage privacy old-backups --delete
//! ```

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::{json_line, out_err, parse_id};
use clap::Subcommand;
use maillage_core::api::{ApiError, ConsentCounts, PrivacyReport, TerritoryRetention};
use maillage_core::domain::RecordId;

#[derive(Subcommand)]
pub enum PersonCommand {
    /// Withdraw a person's consent (today, or --date): an ordinary edit that travels in bundles;
    /// what is attributed to them leaves every later export and report.
    WithdrawConsent {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        /// The day it was withdrawn (AAAA-MM-JJ; today by default).
        #[arg(long)]
        date: Option<String>,
    },
    /// Erase a person everywhere: their record, contact, consent form, the passages attributed
    /// to them are gone from this store; an erasure marker (id and day, no name) travels in every
    /// later bundle and erases them on every store that imports it.
    Erase {
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum PrivacyCommand {
    /// Which passages of an interview may leave it, and how many stay (consent not given).
    Consent {
        #[arg(long, value_parser = parse_id)]
        interview: RecordId,
        #[arg(long)]
        json: bool,
    },
    /// The data protection officer's report: persons per consent, personal data per territory,
    /// oldest data, retention days, erasures (ids and days), old backups.
    Report {
        #[arg(long)]
        json: bool,
    },
    /// Show the retention period after a territory's end date, or set it (--years).
    Retention {
        #[arg(long)]
        years: Option<u32>,
    },
    /// « Données à purger »: territories past their end date plus the retention period.
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Purge a territory: persons erased, free texts removed, aggregates kept; the purge travels.
    Purge {
        #[arg(long, value_parser = parse_id)]
        territory: RecordId,
        /// Purge before the retention day is reached.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Backups of the backup folder made before an erasure that still hold the person.
    OldBackups {
        /// Delete them all.
        #[arg(long)]
        delete: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run_person(db: &Path, command: PersonCommand, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        PersonCommand::WithdrawConsent { id, date } => {
            let record = api.withdraw_consent(id, date.as_deref())?;
            let day = record.data["consent"]["date"].as_str().unwrap_or_default().to_string();
            writeln!(out, "Consentement retiré le {day} pour {id}").map_err(out_err)?;
        }
        PersonCommand::Erase { id, json } => {
            let report = api.erase_person(id)?;
            if json {
                json_line(out, &report)?;
            } else {
                writeln!(out, "{}", report.message).map_err(out_err)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(db: &Path, command: PrivacyCommand, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    let w = |out: &mut dyn Write, line: String| writeln!(out, "{line}").map_err(out_err);
    match command {
        PrivacyCommand::Consent { interview, json } => {
            let view = api.interview_consent(interview)?;
            if json {
                json_line(out, &view)?;
            } else {
                for p in &view.passages {
                    let what = if p.quote { "verbatim" } else { "passage codé" };
                    let state = match p.withheld_by {
                        None => "exportable".to_string(),
                        Some(s) => format!("non exportable ({})", s.label()),
                    };
                    w(out, format!("n° {} ({what}) : {state}", p.index + 1))?;
                }
                if view.messages.is_empty() {
                    w(out, "Tous les passages peuvent figurer dans les exports.".into())?;
                }
                for m in &view.messages {
                    w(out, m.clone())?;
                }
            }
        }
        PrivacyCommand::Report { json } => {
            let report = api.privacy_report()?;
            if json {
                json_line(out, &report)?;
            } else {
                print_report(out, &report)?;
            }
        }
        PrivacyCommand::Retention { years } => {
            let settings = match years {
                Some(y) => api.set_retention_years(y)?,
                None => api.retention()?,
            };
            w(out, format!("Durée de conservation après la fin d'un territoire : {} an(s)", settings.years))?;
        }
        PrivacyCommand::Due { json } => {
            let due = api.territories_due()?;
            if json {
                json_line(out, &due)?;
            } else if due.is_empty() {
                w(out, "Aucune donnée à purger.".into())?;
            } else {
                for t in &due {
                    w(out, format!("Données à purger : {}", retention_line(t)))?;
                }
            }
        }
        PrivacyCommand::Purge { territory, force, json } => {
            let report = api.purge_territory(territory, force)?;
            if json {
                json_line(out, &report)?;
            } else {
                w(out, report.message)?;
            }
        }
        PrivacyCommand::OldBackups { delete, json } => {
            let list = if delete { api.delete_old_backups()? } else { api.backups_holding_erased()? };
            if json {
                json_line(out, &list)?;
            } else if list.is_empty() {
                w(out, "Aucune sauvegarde ne contient de personne effacée.".into())?;
            } else {
                let verb = if delete { "supprimée" } else { "contient une personne effacée" };
                for b in &list {
                    w(out, format!("{} ({}, {} octets) : {verb}", b.path, b.made_at, b.bytes))?;
                }
                if !delete {
                    w(out, "Supprimez-les : maillage privacy old-backups --delete".into())?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn consents(c: &ConsentCounts) -> String {
    format!(
        "{} (consentement donné {}, à recueillir {}, refusé {}, retiré {})",
        c.total(),
        c.given,
        c.pending,
        c.refused,
        c.withdrawn
    )
}

fn retention_line(t: &TerritoryRetention) -> String {
    let end = match (&t.end_date, &t.retention_until) {
        (Some(end), Some(until)) => format!("fin le {end}, conservation jusqu'au {until}"),
        _ => "pas de date de fin".to_string(),
    };
    let purged = t.purged_on.as_deref().map(|d| format!(", purgé le {d}")).unwrap_or_default();
    let due = if t.due { " — À PURGER" } else { "" };
    format!(
        "{} ({}) : {end}{purged}, {} fiche(s) avec des données personnelles{due}",
        t.name, t.territory_id, t.personal_records
    )
}

fn print_report(out: &mut dyn Write, r: &PrivacyReport) -> Result<(), ApiError> {
    let mut lines = vec![
        format!("Rapport pour la protection des données — établi le {}", r.made_at),
        format!("Durée de conservation : {} an(s) après la fin du programme sur un territoire", r.retention_years),
        format!("Personnes : {}", consents(&r.persons)),
        format!("Données personnelles les plus anciennes : {}", r.oldest_personal_at.as_deref().unwrap_or("aucune")),
        "Territoires :".to_string(),
    ];
    for t in &r.territories {
        lines.push(format!("  {}", retention_line(&t.retention)));
        let kinds: Vec<String> = t.personal_by_kind.iter().map(|(k, n)| format!("{} {n}", k.label_fr())).collect();
        if !kinds.is_empty() {
            lines.push(format!("    {}", kinds.join(", ")));
        }
        lines.push(format!("    personnes : {}", consents(&t.persons)));
    }
    if r.personal_outside_territories > 0 {
        lines.push(format!(
            "Hors territoire : {} fiche(s) avec des données personnelles",
            r.personal_outside_territories
        ));
    }
    lines.push(format!("Effacements : {}", r.erasures.len()));
    for e in &r.erasures {
        let how = if e.erased_here { "sur cet appareil" } else { "reçu dans un paquet" };
        lines.push(format!("  {} effacée le {} ({how})", e.person_id, e.erased_on));
    }
    lines.push(format!("Sauvegardes antérieures contenant une personne effacée : {}", r.old_backups.len()));
    for line in lines {
        writeln!(out, "{line}").map_err(out_err)?;
    }
    Ok(())
}

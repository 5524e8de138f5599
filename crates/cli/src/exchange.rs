//! `maillage keys | export | verify | import | conflicts`: hand-off bundles on the command line.
//!
//! ```text
//! maillage keys hq-init --out siege/                       # headquarters, once
//! maillage --db a.sqlite3 export --out orly.maillage --to siege/hq.pub
//! maillage --db hq.sqlite3 import orly.maillage --identity siege/hq.key
//! maillage --db hq.sqlite3 conflicts
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{json_line, out_err};
use clap::{Subcommand, ValueEnum};
use maillage_core::api::{self, Api, ApiError, ExportRequest, ImportOptions, ImportReport, Keep};
use maillage_core::domain::RecordId;

#[derive(Subcommand)]
pub enum Command {
    /// This device's key, headquarters' keys, and the devices trusted here.
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Write a bundle (`*.maillage`) to hand to headquarters or a co-facilitator; `export
    /// network` and `export qdpx` write the analysis for other tools.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Export {
        #[command(subcommand)]
        analysis: Option<crate::analysis::ExportCommand>,
        #[arg(long, value_name = "FILE", required = true)]
        out: Option<PathBuf>,
        /// Only what changed since this device's previous export.
        #[arg(long)]
        since_last: bool,
        /// Seal for headquarters: its public key (`age1…`) or the file `hq.pub`. Repeatable.
        #[arg(long = "to", value_name = "HQ_PUB")]
        to: Vec<String>,
        /// Replace an existing bundle at FILE (never the store, a backup or another file).
        #[arg(long)]
        force: bool,
        /// Carry this territory (repeatable); without it, every territory but the demonstrations.
        #[arg(long = "territory", value_name = "ID", value_parser = crate::parse_id)]
        territories: Vec<RecordId>,
        /// With no --territory, carry the demonstration territories too.
        #[arg(long)]
        include_demo: bool,
        #[arg(long)]
        json: bool,
    },
    /// Every check of an import, without writing.
    Verify {
        file: PathBuf,
        /// Headquarters' secret key, to open a sealed bundle.
        #[arg(long, value_name = "HQ_KEY")]
        identity: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Import bundles (a folder: every `*.maillage` in it, in name order), each in its own
    /// transaction; exit 1 if any was refused.
    Import {
        #[arg(required = true, value_name = "FILE_OR_DIR")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "HQ_KEY")]
        identity: Option<PathBuf>,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Versions that lost a merge and wait for a person.
    Conflicts {
        #[command(subcommand)]
        action: Option<ConflictsCommand>,
        /// Also list the resolved ones.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum KeysCommand {
    /// This device's id and public key fingerprint.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Create headquarters' key pair: DIR/hq.key (secret) and DIR/hq.pub (for facilitators).
    HqInit {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Register a device's public key in advance (the file `keys show --json` prints there), or
    /// trust headquarters' key from its public key file (hq.pub: its library bundles are then
    /// accepted, and exports sealed for it).
    Trust { file: PathBuf },
}

#[derive(Subcommand)]
pub enum ConflictsCommand {
    /// Keep one of the two versions; the choice travels to the other devices.
    Resolve {
        id: String,
        #[arg(long, value_enum)]
        keep: KeepArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KeepArg {
    Winner,
    Loser,
}

/// Runs an exchange command; `keys hq-init` needs no store and opens none.
pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    if let Command::Keys { action: KeysCommand::HqInit { out: dir } } = &command {
        let keys = Api::hq_init(dir)?;
        writeln!(
            out,
            "Clés du siège créées :\n  secrète  : {} (à garder au siège, ne la partagez pas)\n  publique : {} (à donner aux animateur·rice·s)\n  {}",
            keys.secret_key_path, keys.public_key_path, keys.public_key
        )
        .map_err(out_err)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Export { analysis: Some(command), .. } = command {
        return crate::analysis::run_export(db, command, out);
    }
    let api = crate::encryption::open(db)?;
    match command {
        Command::Keys { action } => keys(&api, action, out),
        Command::Export { out: file, since_last, to, force, territories, include_demo, json, .. } => {
            let file = file.ok_or_else(|| ApiError {
                code: api::ErrorCode::Invalid,
                message: "indiquez le fichier à écrire (--out)".into(),
                field: Some("out".into()),
            })?;
            let report =
                api.export_bundle(&ExportRequest { out: file, since_last, to, force, territories, include_demo })?;
            if json {
                json_line(out, &report)?;
            } else {
                let covers = match report.since_sequence {
                    Some(n) => format!("changements depuis l'export n° {n}"),
                    None => "tout le magasin".to_string(),
                };
                writeln!(out, "Paquet n° {} écrit : {} ({covers})", report.sequence, report.path).map_err(out_err)?;
                let names: Vec<&str> = report.territories.iter().map(|t| t.name.as_str()).collect();
                writeln!(out, "  territoire(s) : {}", if names.is_empty() { "aucun".into() } else { names.join(", ") })
                    .map_err(out_err)?;
                for (kind, c) in &report.kinds {
                    writeln!(out, "  {kind:<18} {:>7} dont {} suppression(s)", c.live + c.deleted, c.deleted)
                        .map_err(out_err)?;
                }
                let ratio = if report.json_bytes > 0 { report.bytes as f64 / report.json_bytes as f64 } else { 0.0 };
                writeln!(
                    out,
                    "  {} enregistrement(s), {} conflit(s) ouvert(s), {} pièce(s) jointe(s)\n  taille : {} octets ({:.0} % des {} octets de données)",
                    report.records,
                    report.conflicts,
                    report.attachments,
                    report.bytes,
                    ratio * 100.0,
                    report.json_bytes
                )
                .map_err(out_err)?;
                if report.sealed_for.is_empty() {
                    writeln!(out, "  non scellé : ne le laissez pas traîner (--to hq.pub pour le sceller)")
                        .map_err(out_err)?;
                } else {
                    writeln!(out, "  scellé pour {} clé(s) du siège", report.sealed_for.len()).map_err(out_err)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file, identity, json } => {
            let report = api.verify_bundle(&file, identity.as_deref())?;
            if json {
                json_line(out, &report)?;
            } else {
                writeln!(out, "{} : toutes les vérifications sont passées", file.display()).map_err(out_err)?;
                describe(out, &report)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { files, identity, dry_run, json } => {
            let opts = ImportOptions { identity, dry_run };
            // A folder stands for every `*.maillage` in it, in name order.
            let files = api::bundle_paths(&files)?;
            if files.is_empty() && !json {
                writeln!(out, "Aucun paquet (*.maillage) à importer.").map_err(out_err)?;
            }
            let mut refused = 0;
            let mut reports = Vec::new();
            for file in &files {
                match api.import_bundle(file, &opts) {
                    Ok(report) => {
                        if !json {
                            writeln!(out, "{} : {}", file.display(), report.message).map_err(out_err)?;
                            if !report.already_imported {
                                describe(out, &report)?;
                            }
                        }
                        reports.push(serde_json::to_value(&report).unwrap_or_default());
                    }
                    Err(e) => {
                        refused += 1;
                        eprintln!("maillage: {} : {}", file.display(), e.message);
                        reports.push(serde_json::json!({"file": file.display().to_string(), "refused": e}));
                    }
                }
            }
            if json {
                json_line(out, &reports)?;
            }
            Ok(if refused > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Conflicts { action: Some(ConflictsCommand::Resolve { id, keep }), json, .. } => {
            let keep = match keep {
                KeepArg::Winner => Keep::Winner,
                KeepArg::Loser => Keep::Loser,
            };
            let view = api.resolve_conflict(&id, keep)?;
            if json {
                json_line(out, &view)?;
            } else {
                let kept = match keep {
                    Keep::Winner => "la version retenue",
                    Keep::Loser => "l'autre version",
                };
                writeln!(out, "Conflit {} résolu : {kept} est conservée ({} {})", view.id, view.kind, view.record_id)
                    .map_err(out_err)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Conflicts { action: None, all, json } => {
            let list = api.conflicts(all)?;
            if json {
                json_line(out, &list)?;
            } else if list.is_empty() {
                writeln!(out, "Aucun conflit en attente.").map_err(out_err)?;
            } else {
                for c in &list {
                    let state = match (c.status, c.resolution) {
                        (api::ConflictStatus::Open, _) => "ouvert".to_string(),
                        (_, Some(r)) => format!("résolu ({})", r.as_str()),
                        _ => "résolu".to_string(),
                    };
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}\t{state}\n    retenue : {} ({})\n    autre   : {} ({})\n    champs  : {}",
                        c.id,
                        c.kind,
                        c.record_id,
                        c.title,
                        if c.winner.deleted { "supprimé".to_string() } else { c.winner.updated_at.clone() },
                        c.winner.version.device,
                        if c.loser.deleted { "supprimé".to_string() } else { c.loser.updated_at.clone() },
                        c.loser.version.device,
                        c.fields.join(", ")
                    )
                    .map_err(out_err)?;
                }
                writeln!(out, "Pour choisir : maillage conflicts resolve ID --keep winner|loser").map_err(out_err)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn keys(api: &Api, action: KeysCommand, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    match action {
        KeysCommand::Show { json } => {
            let report = api.keys()?;
            if json {
                json_line(out, &report)?;
            } else {
                let me = &report.this_device;
                writeln!(
                    out,
                    "Appareil      : {}\nAnimateur·rice: {}\nEmpreinte     : {}\nClé publique  : {}",
                    me.device_id, me.facilitator, me.fingerprint, me.public_key
                )
                .map_err(out_err)?;
                if !report.known_devices.is_empty() {
                    writeln!(out, "Appareils reconnus :").map_err(out_err)?;
                    for d in &report.known_devices {
                        let how = if d.source == "trusted" { "enregistré à la main" } else { "premier paquet" };
                        writeln!(
                            out,
                            "  {}  {}  {}  ({how}, {})",
                            d.device_id, d.fingerprint, d.facilitator, d.first_seen_at
                        )
                        .map_err(out_err)?;
                    }
                }
            }
        }
        KeysCommand::Trust { file } => match api.trust_key_file(&file)? {
            api::TrustedKey::Device(report) => {
                let what = if report.already_known { "déjà connu" } else { "enregistré" };
                writeln!(
                    out,
                    "Appareil {} ({}) {what}\nEmpreinte : {} — vérifiez-la de vive voix avec l'appareil",
                    report.device_id, report.facilitator, report.fingerprint
                )
                .map_err(out_err)?;
            }
            api::TrustedKey::Headquarters(report) => {
                let what = if report.already_known { "déjà reconnue" } else { "reconnue" };
                writeln!(
                    out,
                    "Clé du siège {what}\nEmpreinte : {} — vérifiez-la de vive voix avec le siège\nLes exports seront scellés pour {}",
                    report.fingerprint, report.recipient
                )
                .map_err(out_err)?;
            }
        },
        KeysCommand::HqInit { .. } => unreachable!("handled before the store is opened"),
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(out: &mut dyn Write, r: &ImportReport) -> Result<(), ApiError> {
    let key = match r.key_status {
        api::KeyStatus::ThisDevice => "cet appareil".to_string(),
        api::KeyStatus::Known => "appareil connu".to_string(),
        api::KeyStatus::Registered => "appareil enregistré à la main".to_string(),
        api::KeyStatus::Headquarters => {
            format!("bibliothèque du siège, signée par sa clé reconnue — empreinte {}", r.device_fingerprint)
        }
        api::KeyStatus::New => {
            format!("NOUVEL appareil, clé enregistrée à l'import — empreinte {}", r.device_fingerprint)
        }
    };
    let covers = match r.since_sequence {
        Some(n) => format!("changements depuis son paquet n° {n}"),
        None => "export complet".to_string(),
    };
    writeln!(
        out,
        "  paquet n° {} de {} ({}), {key}\n  {covers}, créé le {}{}",
        r.sequence,
        r.facilitator,
        r.device_id,
        r.created_at,
        if r.sealed { ", scellé" } else { "" }
    )
    .map_err(out_err)?;
    if r.dry_run {
        writeln!(out, "  (essai : rien n'a été écrit)").map_err(out_err)?;
    }
    for (kind, k) in &r.kinds {
        writeln!(
            out,
            "  {kind:<18} ajoutés {:>5}  modifiés {:>5}  inchangés {:>5}  supprimés {:>5}  en conflit {:>3}",
            k.added, k.updated, k.unchanged, k.deleted, k.in_conflict
        )
        .map_err(out_err)?;
    }
    Ok(())
}

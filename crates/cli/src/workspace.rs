//! `maillage workspace show | set | save-secret-copy`: the workspace this store serves (a
//! territory's or headquarters'), as the application's first launch and settings choose it.
//!
//! ```text
//! maillage --db siege/maillage.sqlite3 workspace set siege        # keys in siege/ (hq.key, hq.pub)
//! maillage --db siege/maillage.sqlite3 workspace save-secret-copy --out /media/cle/hq-copie.key
//! maillage --db siege/maillage.sqlite3 import arrivees/            # sealed bundles open with siege/hq.key
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::{json_line, out_err};
use clap::{Subcommand, ValueEnum};
use maillage_core::api::{ApiError, HqWorkspaceKeys, Workspace, WorkspaceMode};

#[derive(Subcommand)]
pub enum Command {
    /// The workspace chosen (none until chosen) and, at headquarters, its keys.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Choose the workspace. `siege` creates headquarters' keys beside the store (or loads them);
    /// going back to `territoire` keeps them on disk.
    Set {
        #[arg(value_enum)]
        mode: ModeArg,
        #[arg(long)]
        json: bool,
    },
    /// Write a copy of headquarters' secret key file (keep it in a safe place).
    SaveSecretCopy {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace an existing file at FILE.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Territoire,
    Siege,
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let api = crate::encryption::open(db)?;
    match command {
        Command::Show { json } => show(&api.workspace()?, json, out)?,
        Command::Set { mode, json } => {
            let mode = match mode {
                ModeArg::Territoire => WorkspaceMode::Territoire,
                ModeArg::Siege => WorkspaceMode::Siege,
            };
            show(&api.set_workspace(mode)?, json, out)?;
        }
        Command::SaveSecretCopy { out: file, force } => {
            api.save_hq_secret_copy(&file, force)?;
            writeln!(out, "Copie de la clé secrète du siège écrite : {} (gardez-la en lieu sûr)", file.display())
                .map_err(out_err)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show(w: &Workspace, json: bool, out: &mut dyn Write) -> Result<(), ApiError> {
    if json {
        return json_line(out, w);
    }
    let mode = match w.mode {
        None => "non choisi (la première ouverture de l'application le demande)",
        Some(WorkspaceMode::Territoire) => "animation d'un territoire",
        Some(WorkspaceMode::Siege) => "siège national",
    };
    writeln!(out, "Espace de travail : {mode}").map_err(out_err)?;
    if let Some(keys) = &w.hq {
        keys_text(keys, out)?;
    }
    if let Some(problem) = &w.hq_problem {
        writeln!(out, "  attention : {problem}").map_err(out_err)?;
    }
    Ok(())
}

fn keys_text(k: &HqWorkspaceKeys, out: &mut dyn Write) -> Result<(), ApiError> {
    writeln!(
        out,
        "  clé publique à donner aux animateur·rice·s : {}\n  clé de signature du siège : {}\n  clé secrète : {}{}",
        k.recipient,
        k.signing_fingerprint,
        k.secret_key_file,
        if k.secret_copy_saved {
            " (copie enregistrée)"
        } else {
            " — AUCUNE COPIE : sans elle, une panne de cet ordinateur rend illisibles les paquets scellés (workspace save-secret-copy)"
        }
    )
    .map_err(out_err)
}

//! Encryption at rest on the command line: every command opens the store through [`open`],
//! which reads the passphrase from `--passphrase-file FILE` or `MAILLAGE_PASSPHRASE_FILE` (never
//! from an argument, which other users of the machine could read in the process list); and
//! `maillage encryption status|enable|change-passphrase|recover|idle-lock`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use maillage_core::api::{Api, ApiError, ErrorCode, Status};

use crate::{json_line, out_err};

/// The file named by `--passphrase-file` (or `MAILLAGE_PASSPHRASE_FILE`), set once by `main`.
static PASSPHRASE_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();

pub fn set_passphrase_file(flag: Option<PathBuf>) {
    let file =
        flag.or_else(|| std::env::var_os("MAILLAGE_PASSPHRASE_FILE").filter(|v| !v.is_empty()).map(PathBuf::from));
    let _ = PASSPHRASE_FILE.set(file);
}

/// The passphrase from its file, when one was named: the file's text without its final line end.
fn passphrase() -> Result<Option<zeroize::Zeroizing<String>>, ApiError> {
    let Some(Some(file)) = PASSPHRASE_FILE.get() else { return Ok(None) };
    read_secret(file, "--passphrase-file").map(Some)
}

fn read_secret(file: &Path, what: &str) -> Result<zeroize::Zeroizing<String>, ApiError> {
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(file).map_err(|e| ApiError {
        code: ErrorCode::Io,
        message: format!("cannot read the file given to {what} ({:?})", e.kind()),
        field: None,
    })?);
    let trimmed = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    Ok(zeroize::Zeroizing::new(trimmed.to_string()))
}

/// Opens the store at `db`: an encrypted one with the passphrase (« phrase de passe
/// incorrecte », exit 1, when it is not the right one; a clear refusal when none was given).
pub fn open(db: &Path) -> Result<Api, ApiError> {
    match passphrase()? {
        Some(p) => Api::open_with_passphrase(db, &p),
        None => Api::open(db).map_err(|e| {
            if e.code == ErrorCode::Locked {
                ApiError {
                    code: ErrorCode::Locked,
                    message: "the store is encrypted: give its passphrase with --passphrase-file FILE (or MAILLAGE_PASSPHRASE_FILE)".into(),
                    field: None,
                }
            } else {
                e
            }
        }),
    }
}

/// `maillage init`: with a passphrase, the store is encrypted at once (a new one, or an existing
/// plain one); the recovery code to print is returned.
pub fn init(db: &Path, facilitator: &str) -> Result<(Status, Option<String>), ApiError> {
    let Some(p) = passphrase()? else {
        if Api::store_access(db)?.encrypted {
            return Ok((open(db)?.init(facilitator)?, None));
        }
        return Ok((Api::create_and_init(db, facilitator)?.1, None));
    };
    if Api::store_access(db)?.encrypted {
        return Ok((open(db)?.init(facilitator)?, None));
    }
    Api::check_passphrase(&p)?;
    let (api, _) = Api::create_and_init(db, facilitator)?;
    let code = api.encrypt(&p)?;
    Ok((api.status()?, Some(code.recovery_code)))
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Whether the store is encrypted, and the backups still in clear.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Encrypt this store with the passphrase of --passphrase-file (no other program may have it
    /// open). Prints the recovery code once: write it down, it is never shown again.
    Enable,
    /// Change the passphrase: --passphrase-file holds the present one, --new-passphrase-file the new.
    ChangePassphrase {
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
    /// Forgotten passphrase: open with the recovery code and set a new passphrase.
    Recover {
        #[arg(long, value_name = "FILE")]
        recovery_code_file: PathBuf,
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: PathBuf,
    },
    /// Minutes without a key or a click before the application's window locks.
    IdleLock { minutes: u32 },
}

pub fn run(db: &Path, command: Command, out: &mut dyn Write) -> Result<std::process::ExitCode, ApiError> {
    match command {
        Command::Status { json } => {
            let status = open(db)?.encryption_status()?;
            if json {
                json_line(out, &status)?;
            } else {
                writeln!(out, "{}", if status.encrypted { "Base chiffrée" } else { "Base en clair (non chiffrée)" })
                    .map_err(out_err)?;
                for b in &status.plain_backups {
                    writeln!(out, "Sauvegarde en clair : {}", b.path).map_err(out_err)?;
                }
            }
        }
        Command::Enable => {
            let Some(p) = passphrase()? else {
                return Err(ApiError {
                    code: ErrorCode::Invalid,
                    message: "give the new passphrase with --passphrase-file FILE".into(),
                    field: Some("passphrase".into()),
                });
            };
            let api = Api::open(db)?;
            let code = api.encrypt(&p)?;
            print_recovery_code(out, &code.recovery_code)?;
        }
        Command::ChangePassphrase { new_passphrase_file } => {
            let Some(current) = passphrase()? else {
                return Err(ApiError {
                    code: ErrorCode::Invalid,
                    message: "give the present passphrase with --passphrase-file FILE".into(),
                    field: Some("passphrase".into()),
                });
            };
            let new = read_secret(&new_passphrase_file, "--new-passphrase-file")?;
            Api::open_with_passphrase(db, &current)?.change_passphrase(&current, &new)?;
            writeln!(out, "Phrase de passe changée.").map_err(out_err)?;
        }
        Command::Recover { recovery_code_file, new_passphrase_file } => {
            let code = read_secret(&recovery_code_file, "--recovery-code-file")?;
            let new = read_secret(&new_passphrase_file, "--new-passphrase-file")?;
            Api::open_with_recovery_code(db, &code, Some(&new))?;
            writeln!(out, "Base ouverte avec le code de secours ; nouvelle phrase de passe enregistrée.")
                .map_err(out_err)?;
        }
        Command::IdleLock { minutes } => {
            let minutes = open(db)?.set_idle_lock_minutes(minutes)?;
            writeln!(out, "Verrouillage après {minutes} min d'inactivité.").map_err(out_err)?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

pub fn print_recovery_code(out: &mut dyn Write, code: &str) -> Result<(), ApiError> {
    writeln!(
        out,
        "Base chiffrée.\nCode de secours (il ne sera plus jamais affiché : notez-le et gardez-le à part) :\n\n    {code}\n"
    )
    .map_err(out_err)
}

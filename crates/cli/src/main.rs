//! `maillage`: the command line of Maillage, for headquarters' scripts, tests and benchmarks.
//! It parses arguments and calls `maillage_core::api`; nothing else lives here.
//!
//! ```text
//! maillage --db /tmp/m.sqlite3 init --facilitator "Camille"
//! maillage --db /tmp/m.sqlite3 demo --territory "Cité éducative de Valmont"
//! maillage --db /tmp/m.sqlite3 search eleves --json
//! ```

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod analysis;
mod committee;
mod encryption;
mod exchange;
mod grid;
mod library;
mod national;
mod privacy;
mod report;
mod serve;
mod workspace;

use clap::{Parser, Subcommand};
use maillage_core::api::{self, Api, ApiError, AttachRequest, DemoRequest, SearchRequest};
use maillage_core::domain::{kinds, Kind, RecordId};

#[derive(Parser)]
#[command(name = "maillage", version, about = "Maillage — le carnet de terrain des dynamiques de coopération")]
struct Cli {
    /// The store file (default: the desktop application's store; MAILLAGE_DB overrides).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// The passphrase of an encrypted store, in a file (MAILLAGE_PASSPHRASE_FILE otherwise);
    /// with `init` or `encryption enable`, the passphrase to encrypt with.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the store and this device's identity (idempotent). The only command that creates
    /// a store: the others refuse a path where there is none.
    Init {
        #[arg(long)]
        facilitator: String,
    },
    /// Add a realistic demo territory (deterministic for a seed).
    Demo {
        #[arg(long)]
        territory: String,
        #[arg(long, default_value_t = 12)]
        interviews: u32,
        #[arg(long, default_value_t = 4)]
        workshops: u32,
        #[arg(long, default_value_t = 8)]
        actions: u32,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Live records per kind.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Full-text search (accents and case do not matter).
    Search {
        query: String,
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
        #[arg(long, value_parser = parse_id)]
        territory: Option<RecordId>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Create, read, list and delete records.
    Record {
        #[command(subcommand)]
        action: RecordCommand,
    },
    /// Every live record as canonical JSON lines (byte-stable).
    Dump {
        #[arg(long, required = true)]
        canonical: bool,
    },
    /// Integrity and foreign-key checks; exit 0 when sound.
    Check {
        #[arg(long)]
        json: bool,
    },
    /// A consistent copy of the store, safe while the application runs.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Replace an existing backup at FILE (never the store or another file).
        #[arg(long)]
        force: bool,
    },
    /// Replace the store with a backup; the current store is kept aside. Refused while the
    /// application or another command has the store open.
    Restore { file: PathBuf },
    #[command(flatten)]
    Exchange(exchange::Command),
    /// The shared diagnosis' figures: themes, the cooperation network, two dates compared.
    Analysis {
        #[command(subcommand)]
        command: analysis::Command,
    },
    /// The documents of the method as DOCX: the diagnostic partagé, the evaluation.
    Report {
        #[command(subcommand)]
        command: report::Command,
    },
    /// Headquarters: every territory at once, the national tables (XLSX, CSV).
    National {
        #[command(subcommand)]
        command: national::Command,
    },
    /// The workspace this store serves: a territory's or headquarters' (with its keys).
    Workspace {
        #[command(subcommand)]
        command: workspace::Command,
    },
    /// A person's consent and erasure (erasure travels in bundles).
    Person {
        #[command(subcommand)]
        command: privacy::PersonCommand,
    },
    /// What headquarters sends back: publish the library bundle (headquarters), list the library.
    Library {
        #[command(subcommand)]
        command: library::Command,
    },
    /// Headquarters' selection committee (queue, reviews, decisions, publication); « s'en
    /// inspirer » on a facilitator's device (adopt).
    Practice {
        #[command(subcommand)]
        command: committee::Command,
    },
    /// The cooperation grid as a territory's checklist; at headquarters, across territories.
    Grid {
        #[command(subcommand)]
        command: grid::Command,
    },
    /// Encryption at rest: status, turn it on, change or recover the passphrase, idle lock.
    Encryption {
        #[command(subcommand)]
        command: encryption::Command,
    },
    /// Consent in exports, retention and purge, the data protection officer's report.
    Privacy {
        #[command(subcommand)]
        command: privacy::PrivacyCommand,
    },
    /// The application's commands as JSON lines on stdin/stdout (the UI's tests run on it).
    Serve(serve::Args),
}

#[derive(Subcommand)]
enum RecordCommand {
    /// Create a record (or replace record --id); prints its id once committed. `--json -` reads stdin.
    Put {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[arg(long = "json", value_name = "JSON")]
        data: String,
        #[arg(long, value_parser = parse_id)]
        id: Option<RecordId>,
    },
    Get {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[arg(value_parser = parse_id)]
        id: RecordId,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[arg(long, value_parser = parse_id)]
        territory: Option<RecordId>,
        #[arg(long)]
        json: bool,
    },
    Delete {
        #[arg(value_parser = parse_kind)]
        kind: Kind,
        #[arg(value_parser = parse_id)]
        id: RecordId,
    },
    /// Keep a file as an attachment of a territory (and of one of its records); prints its id.
    Attach {
        file: PathBuf,
        #[arg(long, value_parser = parse_id)]
        territory: RecordId,
        #[arg(long = "record", value_parser = parse_id)]
        record: Option<RecordId>,
        #[arg(long, default_value = "")]
        description: String,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse::<Kind>().map_err(|e| e.to_string())
}

pub(crate) fn parse_id(s: &str) -> Result<RecordId, String> {
    RecordId::parse(s).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The log beside an existing store (ids, codes, timings; never record text). A mistyped
    // --db creates nothing, a log folder included.
    let store = cli.db.clone().unwrap_or_else(api::default_store_path);
    let _log = maillage_core::log::init_beside_store(&store);
    encryption::set_passphrase_file(cli.passphrase_file.clone());
    let mut stdout = PipeSafe(std::io::stdout().lock());
    match run(cli, &mut stdout) {
        Ok(code) => code,
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("maillage: {}", e.message);
            ExitCode::from(1)
        }
    }
}

/// Standard output that ends the program quietly when the reader goes away (`maillage dump | head`).
struct PipeSafe<W: Write>(W);

impl<W: Write> Write for PipeSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf).inspect_err(exit_on_broken_pipe)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush().inspect_err(exit_on_broken_pipe)
    }
}

fn exit_on_broken_pipe(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
}

pub(crate) fn out_err(e: std::io::Error) -> ApiError {
    ApiError {
        code: api::ErrorCode::Io,
        message: format!("impossible d'écrire la sortie ({:?})", e.kind()),
        field: None,
    }
}

pub(crate) fn json_line(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), ApiError> {
    let text = serde_json::to_string(value).map_err(|e| ApiError {
        code: api::ErrorCode::Internal,
        message: e.to_string(),
        field: None,
    })?;
    writeln!(out, "{text}").map_err(out_err)
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    let path = cli.db.unwrap_or_else(api::default_store_path);
    if let Command::Exchange(command) = cli.command {
        return exchange::run(&path, command, out);
    }
    if let Command::National { command } = cli.command {
        return national::run(&path, command, out);
    }
    if let Command::Analysis { command } = cli.command {
        return analysis::run(&path, command, out);
    }
    if let Command::Report { command } = cli.command {
        return report::run(&path, command, out);
    }
    if let Command::Workspace { command } = cli.command {
        return workspace::run(&path, command, out);
    }
    if let Command::Person { command } = cli.command {
        return privacy::run_person(&path, command, out);
    }
    if let Command::Privacy { command } = cli.command {
        return privacy::run(&path, command, out);
    }
    if let Command::Encryption { command } = cli.command {
        return encryption::run(&path, command, out);
    }
    if let Command::Grid { command } = cli.command {
        return grid::run(&path, command, out);
    }
    if let Command::Practice { command } = cli.command {
        return committee::run(&path, command, out);
    }
    if let Command::Library { command } = cli.command {
        return library::run(&path, command, out);
    }
    if let Command::Serve(args) = cli.command {
        serve::run(&path, args, &mut std::io::stdin().lock(), out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Init { facilitator } = &cli.command {
        let (status, code) = encryption::init(&path, facilitator)?;
        if let Some(code) = code {
            encryption::print_recovery_code(out, &code)?;
        }
        writeln!(
            out,
            "Magasin prêt : {}\nAppareil : {}\nAnimateur·rice : {}",
            status.store_path,
            status.device_id.unwrap_or_default(),
            status.facilitator.unwrap_or_default()
        )
        .map_err(out_err)?;
        return Ok(ExitCode::SUCCESS);
    }
    let api = crate::encryption::open(&path)?;
    match cli.command {
        Command::Exchange(_)
        | Command::Analysis { .. }
        | Command::National { .. }
        | Command::Report { .. }
        | Command::Workspace { .. }
        | Command::Person { .. }
        | Command::Privacy { .. }
        | Command::Encryption { .. }
        | Command::Grid { .. }
        | Command::Practice { .. }
        | Command::Library { .. }
        | Command::Init { .. }
        | Command::Serve(_) => {
            unreachable!("handled above")
        }
        Command::Demo { territory, interviews, workshops, actions, seed, json } => {
            let report = api.demo(&DemoRequest { territory, interviews, workshops, actions, seed })?;
            if json {
                json_line(out, &report)?;
            } else {
                writeln!(
                    out,
                    "Territoire de démonstration {} : {} enregistrements",
                    report.territory_id, report.records
                )
                .map_err(out_err)?;
            }
        }
        Command::Stats { json } => {
            let counts = api.stats(None)?;
            if json {
                let map: serde_json::Map<String, serde_json::Value> =
                    counts.iter().map(|(k, n)| (k.as_str().to_string(), (*n).into())).collect();
                json_line(out, &map)?;
            } else {
                for (kind, n) in counts {
                    writeln!(out, "{:<18} {n}", kind.as_str()).map_err(out_err)?;
                }
            }
        }
        Command::Search { query, kind, territory, limit, json } => {
            let hits = api.search(&SearchRequest { query, kind, territory_id: territory, limit: Some(limit) })?;
            if json {
                json_line(out, &hits)?;
            } else {
                for hit in hits {
                    let snippet: String = hit
                        .snippet
                        .iter()
                        .map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() })
                        .collect();
                    writeln!(out, "{}\t{}\t{}\n    {}", hit.kind, hit.id, hit.title, snippet.replace('\n', " "))
                        .map_err(out_err)?;
                }
            }
        }
        Command::Record { action } => return record(&api, action, out),
        Command::Dump { canonical: _ } => {
            api.dump_canonical(out)?;
        }
        Command::Check { json } => {
            let report = api.check()?;
            if json {
                json_line(out, &report)?;
            } else {
                for p in &report.problems {
                    writeln!(out, "problème : {p}").map_err(out_err)?;
                }
                for w in &report.warnings {
                    writeln!(out, "remarque : {w}").map_err(out_err)?;
                }
                writeln!(
                    out,
                    "{} enregistrements vérifiés : {}",
                    report.records,
                    if report.ok { "ok" } else { "problèmes trouvés" }
                )
                .map_err(out_err)?;
            }
            if !report.ok {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Backup { out: file, force } => {
            let report = api.backup(&file, force)?;
            writeln!(out, "Sauvegarde écrite : {} ({} octets)", report.path, report.bytes).map_err(out_err)?;
        }
        Command::Restore { file } => {
            let report = api.restore(&file)?;
            writeln!(
                out,
                "Magasin restauré depuis {}\nL'ancien magasin est conservé : {}",
                report.restored_from, report.previous_store_kept_at
            )
            .map_err(out_err)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn record(api: &Api, action: RecordCommand, out: &mut dyn Write) -> Result<ExitCode, ApiError> {
    match action {
        RecordCommand::Put { kind, data, id } => {
            let text = if data == "-" {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf).map_err(out_err)?;
                buf
            } else {
                data
            };
            let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| ApiError {
                code: api::ErrorCode::Invalid,
                message: format!("JSON illisible : {e}"),
                field: None,
            })?;
            let record = api.put(kind, id, value)?;
            // Printed only now: the write is committed.
            writeln!(out, "{}", record.id).map_err(out_err)?;
        }
        RecordCommand::Get { kind, id, json } => {
            let record = api.get(kind, id)?;
            if json {
                json_line(out, &record)?;
            } else {
                let pretty = serde_json::to_string_pretty(&record).unwrap_or_default();
                writeln!(out, "{pretty}").map_err(out_err)?;
            }
        }
        RecordCommand::List { kind, territory, json } => {
            let records = api.list(kind, territory)?;
            if json {
                json_line(out, &records)?;
            } else {
                for r in records {
                    writeln!(out, "{}\t{}", r.id, kinds::title_of(&r)).map_err(out_err)?;
                }
            }
        }
        RecordCommand::Delete { kind, id } => {
            api.delete(kind, id)?;
            writeln!(out, "{id} supprimé").map_err(out_err)?;
        }
        RecordCommand::Attach { file, territory, record, description } => {
            let request = AttachRequest {
                territory_id: territory,
                record_id: record,
                path: file.display().to_string(),
                description,
            };
            let record = api.attach_file(&request)?;
            writeln!(out, "{}", record.id).map_err(out_err)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

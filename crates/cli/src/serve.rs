//! `maillage serve`: the application's commands over standard input and output, one JSON line
//! each way — what the UI's component tests run against (one process per test store), so that
//! every rule they meet is core's. Each request goes to [`dispatch`], exactly as an `invoke` from
//! the desktop window does.
//!
//! ```text
//! → {"id": 1, "command": "record_list", "args": {"kind": "person", "territoryId": null}}
//! ← {"id": 1, "ok": [ …records… ]}
//! → {"id": 2, "command": "record_put", "args": {"kind": "action", "data": {"title": ""}}}
//! ← {"id": 2, "error": {"code": "invalid", "message": "le champ « title » est obligatoire", "field": "title"}}
//! → {"id": 3, "command": "export_bundle", "args": {"request": {"out": "/tmp/a.maillage", "to": []}}}
//! ← {"id": 3, "progress": {"stage": "reading", "records": 0, "total": 159}}   (as many as it reports)
//! ← {"id": 3, "ok": { …the report… }}
//! ```
//!
//! Requests are answered one at a time, in order; the process ends at the end of its input.
//! Like the desktop application, `serve` keeps a store it cannot open and answers every request
//! with why; `--create` makes the store when there is none, as the application's first launch does;
//! an encrypted store waits for `unlock`.

use std::io::{BufRead, Write};
use std::path::Path;

use maillage_core::api::dispatch::dispatch_session;
use maillage_core::api::{ApiError, ErrorCode, Session};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Create the store when there is none (as the desktop application's first launch does).
    #[arg(long)]
    create: bool,
}

pub fn run(path: &Path, args: Args, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), ApiError> {
    // Locked when the store is encrypted: `unlock` opens it, as in the window.
    let session = Session::start(path, args.create);
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(read_err)? == 0 {
            return Ok(());
        }
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(&session, &line, out)?;
        writeln!(out, "{answer}").and_then(|()| out.flush()).map_err(crate::out_err)?;
    }
}

/// The last line of the answer to one request (progress lines are written as they come).
fn answer(session: &Session, line: &str, out: &mut dyn Write) -> Result<Value, ApiError> {
    let request: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(_) => return Ok(refusal(Value::Null, "une requête est une ligne JSON : {\"id\", \"command\", \"args\"}")),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let Some(command) = request.get("command").and_then(Value::as_str) else {
        return Ok(refusal(id, "la requête ne nomme pas de commande (\"command\")"));
    };
    let args = request.get("args").cloned().unwrap_or(Value::Null);
    let mut written = Ok(());
    let mut progress = |report: Value| {
        if written.is_ok() {
            written = writeln!(out, "{}", json!({"id": id, "progress": report})).and_then(|()| out.flush());
        }
    };
    let result = dispatch_session(session, command, args, &mut progress);
    written.map_err(crate::out_err)?;
    Ok(match result {
        Ok(value) => json!({"id": id, "ok": value}),
        Err(e) => json!({"id": id, "error": e}),
    })
}

fn refusal(id: Value, message: &str) -> Value {
    json!({"id": id, "error": ApiError { code: ErrorCode::Invalid, message: message.into(), field: None }})
}

fn read_err(_: std::io::Error) -> ApiError {
    ApiError { code: ErrorCode::Io, message: "lecture de l'entrée interrompue".into(), field: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line `serve` writes for `input`, as JSON.
    fn serve(path: &Path, create: bool, input: &str) -> Vec<Value> {
        let mut out = Vec::new();
        run(path, Args { create }, &mut input.as_bytes(), &mut out).unwrap();
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn answers_each_line_with_its_id_core_s_result_or_core_s_refusal() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.sqlite3");
        let lines = serve(
            &db,
            true,
            concat!(
                r#"{"id": 1, "command": "init", "args": {"facilitator": "Camille"}}"#,
                "\n\n",
                r#"{"id": 2, "command": "record_put", "args": {"kind": "territory", "data": {"name": "", "kind": "qpv"}}}"#,
                "\n",
                r#"{"id": "x", "command": "stats"}"#,
                "\n",
                "pas du JSON\n",
                r#"{"id": 5, "command": "record_list", "args": {"kind": "interviews"}}"#,
                "\n",
            ),
        );
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert_eq!(lines[0]["id"], 1);
        assert_eq!(lines[0]["ok"]["facilitator"], "Camille");
        assert_eq!(lines[1]["id"], 2);
        assert_eq!(lines[1]["error"]["code"], "invalid");
        assert_eq!(lines[1]["error"]["field"], "name", "core's rule, core's field: {:?}", lines[1]);
        assert_eq!(lines[2]["id"], "x");
        assert_eq!(lines[2]["ok"]["theme"], 17, "the shipped codebook");
        assert_eq!(lines[3]["id"], Value::Null);
        assert_eq!(lines[3]["error"]["code"], "invalid");
        assert_eq!(lines[4]["error"]["code"], "unknown_kind");
    }

    #[test]
    fn progress_comes_before_the_answer_of_its_request() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.sqlite3");
        let out = dir.path().join("a.maillage");
        let request = json!({"id": 7, "command": "export_bundle", "args": {"request": {"out": out, "to": []}}});
        let lines = serve(
            &db,
            true,
            &format!("{}\n{request}\n", json!({"id": 6, "command": "init", "args": {"facilitator": "C"}})),
        );
        let (last, progress) = lines[1..].split_last().unwrap();
        assert!(
            !progress.is_empty() && progress.iter().all(|l| l["id"] == 7 && l["progress"]["stage"].is_string()),
            "{lines:?}"
        );
        assert_eq!(last["ok"]["path"], json!(out));
    }

    #[test]
    fn without_create_a_missing_store_is_not_made_and_every_request_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("absent.sqlite3");
        let lines = serve(&db, false, "{\"id\": 1, \"command\": \"status\"}\n");
        assert_eq!(lines[0]["error"]["code"], "no_store");
        assert!(!db.exists(), "serve without --create creates nothing");
    }
}

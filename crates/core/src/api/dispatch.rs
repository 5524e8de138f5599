//! The commands of the application's window, by name: what the desktop shell does with an
//! `invoke` and `maillage serve` with a line of its input. Both call [`dispatch`], so a command
//! parses its arguments and calls [`Api`] in one place only.
//!
//! [`COMMANDS`], [`dispatch`] and the argument types in [`args`] are generated from
//! `command_list.rs`, the one list of commands; `src-tauri/build.rs` reads the same file for the
//! names the window's capability must grant, and `src-tauri/tests/typescript.rs` writes the
//! TypeScript `Commands` map from [`typescript`] (feature `ts`).
//!
//! Arguments arrive as a JSON object with camelCase names (`territoryId`), as Tauri's `invoke`
//! sends them. Kinds and ids are parsed by core's own parsers, so a bad one is core's French
//! error (`unknown_kind`, `invalid_id`) naming the argument, never serde's or Tauri's English;
//! an empty id is no id. Arguments a command does not take are ignored.
//!
//! ```
//! use maillage_core::api::{dispatch::dispatch, Api};
//! use serde_json::json;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
//! dispatch(&api, "init", json!({"facilitator": "Camille"}), &mut |_| {}).unwrap();
//! let err = dispatch(&api, "record_list", json!({"kind": "interviews"}), &mut |_| {}).unwrap_err();
//! assert_eq!(err.field.as_deref(), Some("kind"));
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::*;
use crate::domain::{Kind, Record, RecordId};
use crate::error::Error;
use crate::store::search::SearchHit;

/// A command of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    pub name: &'static str,
    /// It reports how far it is (through a Tauri channel; `{"id", "progress"}` lines from `serve`).
    pub progress: bool,
}

/// A command's types in TypeScript, for the UI's generated `Commands` map.
#[cfg(feature = "ts")]
#[derive(Debug, Clone)]
pub struct CommandTypes {
    pub name: &'static str,
    /// The arguments as an inline object type; `None` when it takes none.
    pub args: Option<String>,
    pub result: String,
    pub progress: Option<String>,
}

macro_rules! commands {
    (($session:ident, $api:ident, $progress:ident)
     $(
        $(#[doc = $doc:literal])*
        $([$scope:ident])? $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty $(, progress $p:ty)? => $body:expr ;
     )*
    ) => {
        /// The arguments of each command (`args::record_put::Args`…), as the window sends them.
        pub mod args {
            $(
                $(#[doc = $doc])*
                pub mod $name {
                    #[allow(unused_imports)]
                    use super::super::*;

                    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
                    #[cfg_attr(feature = "ts", ts(rename_all = "camelCase", optional_fields = nullable))]
                    #[derive(Debug)]
                    pub struct Args {
                        $(pub $arg: $ty,)*
                    }

                    impl Args {
                        #[allow(unused_mut, unused_variables)]
                        pub fn from_json(value: Value) -> ApiResult<Args> {
                            let mut map = arg_map(value)?;
                            Ok(Args { $($arg: arg(&mut map, stringify!($arg))?,)* })
                        }
                    }
                }
            )*
        }

        /// Every command, in the order of `command_list.rs`.
        pub const COMMANDS: &[Command] = &[$(Command {
            name: stringify!($name),
            progress: false $(|| !stringify!($p).is_empty())?,
        }),*];

        /// Runs `command` with its JSON arguments and returns its result as JSON. A command that
        /// reports progress hands each report to `progress` as it goes.
        #[allow(clippy::let_unit_value)]
        pub fn dispatch($api: &Api, command: &str, arguments: Value, progress: &mut dyn FnMut(Value)) -> ApiResult<Value> {
            match command {
                $(stringify!($name) => {
                    #[allow(unused_variables)]
                    let args::$name::Args { $($arg),* } = args::$name::Args::from_json(arguments)?;
                    $(let mut $progress = |report: $p| progress(to_json(&report).unwrap_or(Value::Null));)?
                    let result: ApiResult<$ret> = api_body!([$($scope)?] $body);
                    to_json(&result?)
                })*
                _ => Err(ApiError {
                    code: ErrorCode::Invalid,
                    message: "cette commande n'existe pas dans cette version de Maillage".into(),
                    field: Some("command".into()),
                }),
            }
        }

        /// Runs `command` for the window's [`Session`]: the session's own commands (`unlock`,
        /// `lock`…) on the session, every other one on its open store ([`dispatch`]); while the
        /// store is locked they answer « la base est verrouillée ».
        #[allow(clippy::let_unit_value)]
        pub fn dispatch_session($session: &Session, command: &str, arguments: Value, progress: &mut dyn FnMut(Value)) -> ApiResult<Value> {
            $(
                if command == stringify!($name) {
                    session_body!([$($scope)?] {
                        let args::$name::Args { $($arg),* } = args::$name::Args::from_json(arguments)?;
                        let result: ApiResult<$ret> = $body;
                        to_json(&result?)
                    });
                }
            )*
            let api = $session.api()?;
            dispatch(&api, command, arguments, progress)
        }

        /// The TypeScript types of every command, from the Rust types.
        #[cfg(feature = "ts")]
        pub fn typescript(cfg: &ts_rs::Config) -> Vec<CommandTypes> {
            use ts_rs::TS;
            vec![$({
                let names: &[&str] = &[$(stringify!($arg)),*];
                CommandTypes {
                    name: stringify!($name),
                    args: (!names.is_empty()).then(|| <args::$name::Args as TS>::inline(cfg)),
                    result: <$ret as TS>::name(cfg),
                    progress: None::<String> $(.or(Some(<$p as TS>::name(cfg))))?,
                }
            }),*]
        }
    };
}

/// A command's body in [`dispatch`]: a session command (`[session]`) has no store to run on there.
macro_rules! api_body {
    ([session] $body:expr) => {
        Err(ApiError {
            code: ErrorCode::Invalid,
            message: "cette commande concerne la session de la fenêtre, pas le magasin".into(),
            field: Some("command".into()),
        })
    };
    ([] $body:expr) => {
        $body
    };
}

/// A command's body in [`dispatch_session`]: only the session's own commands run there.
macro_rules! session_body {
    ([session] $body:block) => {
        return (move || -> ApiResult<Value> { $body })()
    };
    ([] $body:block) => {};
}

include!("command_list.rs");

fn to_json<T: serde::Serialize>(value: &T) -> ApiResult<Value> {
    serde_json::to_value(value).map_err(|e| Error::Json(e).into())
}

/// The arguments object; `null` (no arguments at all) is an empty one.
fn arg_map(value: Value) -> ApiResult<Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err(ApiError {
            code: ErrorCode::Invalid,
            message: "les arguments d'une commande sont un objet JSON".into(),
            field: None,
        }),
    }
}

/// `territory_id` is sent as `territoryId`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

fn arg<T: FromArg>(map: &mut Map<String, Value>, name: &str) -> ApiResult<T> {
    let wire = camel(name);
    T::from_arg(map.remove(&wire), &wire)
}

fn missing(name: &str) -> ApiError {
    ApiError { code: ErrorCode::Invalid, message: format!("l'argument « {name} » manque"), field: Some(name.into()) }
}

fn not_text(name: &str) -> ApiError {
    ApiError {
        code: ErrorCode::Invalid,
        message: format!("l'argument « {name} » doit être un texte"),
        field: Some(name.into()),
    }
}

/// One argument, parsed from what the window sent (`None`: absent).
trait FromArg: Sized {
    fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self>;
}

impl FromArg for Kind {
    fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self> {
        match value {
            Some(Value::String(text)) => text.parse::<Kind>().map_err(|e| with_field(e.into(), name)),
            Some(_) => Err(not_text(name)),
            None => Err(missing(name)),
        }
    }
}

impl FromArg for RecordId {
    fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self> {
        match value {
            Some(Value::String(text)) => RecordId::parse(&text).map_err(|e| with_field(e.into(), name)),
            Some(_) => Err(not_text(name)),
            None => Err(missing(name)),
        }
    }
}

/// Absent, `null` or an empty text: none.
impl<T: FromArg> FromArg for Option<T> {
    fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            some => T::from_arg(some, name).map(Some),
        }
    }
}

/// The record's data: any JSON, checked by the kind's rules.
impl FromArg for Value {
    fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self> {
        value.ok_or_else(|| missing(name))
    }
}

/// Arguments that are plain values or request objects: serde, naming the field at fault
/// (`request.query`) and never echoing the value.
macro_rules! from_arg_by_serde {
    ($($t:ty),* $(,)?) => {$(
        impl FromArg for $t {
            fn from_arg(value: Option<Value>, name: &str) -> ApiResult<Self> {
                by_serde(value.ok_or_else(|| missing(name))?, name)
            }
        }
    )*};
}

from_arg_by_serde!(
    String,
    bool,
    u8,
    u32,
    Vec<String>,
    Vec<PutItem>,
    SearchRequest,
    DemoRequest,
    ExportRequest,
    Keep,
    WorkedIn,
    AttachRequest,
    NationalExportRequest,
    WorkspaceMode,
    ReportRequest,
    LibraryFilter
);

fn by_serde<T: DeserializeOwned>(value: Value, name: &str) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { name.to_string() } else { format!("{name}.{path}") };
        with_field(Error::Json(e.into_inner()).into(), &field)
    })
}

fn with_field(mut e: ApiError, field: &str) -> ApiError {
    e.field = Some(field.to_string());
    e
}

/// The window restores only a backup that [`Api::list_backups`] returned, never a file it names.
fn listed_backup(api: &Api, file: &str) -> ApiResult<PathBuf> {
    match api.list_backups()?.into_iter().find(|b| b.path == file) {
        Some(b) => Ok(PathBuf::from(b.path)),
        None => Err(ApiError {
            code: ErrorCode::NotFound,
            message: "cette sauvegarde n'est pas dans le dossier des sauvegardes : choisissez-en une dans la liste"
                .into(),
            field: Some("file".into()),
        }),
    }
}

/// [`bundle_paths`] on the texts the window sends, as texts.
fn bundle_path_texts(paths: &[String]) -> ApiResult<Vec<String>> {
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    Ok(bundle_paths(&paths)?.into_iter().map(|p| p.display().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
        api.init("Camille").unwrap();
        (dir, api)
    }

    fn call(api: &Api, command: &str, args: Value) -> ApiResult<Value> {
        dispatch(api, command, args, &mut |_| {})
    }

    #[test]
    fn every_command_is_listed_once_and_only_export_reports_progress() {
        let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "a command is listed twice in command_list.rs");
        let progress: Vec<&str> = COMMANDS.iter().filter(|c| c.progress).map(|c| c.name).collect();
        assert_eq!(progress, ["export_bundle"]);
    }

    #[test]
    fn arguments_are_camel_case_and_results_are_the_api_s_json() {
        let (_dir, api) = api();
        let t =
            call(&api, "record_put", json!({"kind": "territory", "data": {"name": "Valmont", "kind": "qpv"}})).unwrap();
        let territory = t["id"].as_str().unwrap();
        call(&api, "record_put", json!({"kind": "person", "data": {"territory_id": territory, "name": "Nadia"}}))
            .unwrap();
        let persons = call(&api, "record_list", json!({"kind": "person", "territoryId": territory})).unwrap();
        assert_eq!(persons.as_array().unwrap().len(), 1);
        let elsewhere =
            call(&api, "record_list", json!({"kind": "person", "territoryId": RecordId::new().to_string()}));
        assert_eq!(elsewhere.unwrap(), json!([]), "the camelCase argument filtered the list");
        assert_eq!(call(&api, "stats", Value::Null).unwrap()["person"], 1, "no arguments at all is none");
        assert_eq!(call(&api, "record_delete", json!({"kind": "territory", "id": territory})).unwrap(), Value::Null);
    }

    #[test]
    fn a_bad_kind_or_id_is_core_s_french_error_naming_the_argument() {
        let (_dir, api) = api();
        let err = call(&api, "record_list", json!({"kind": "interviews"})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::UnknownKind, Some("kind")));
        assert!(err.message.contains("n'existe pas"), "{}", err.message);
        let err = call(&api, "territory_overview", json!({"territoryId": "pas-un-uuid"})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::InvalidId, Some("territoryId")));
        let err = call(&api, "record_get", json!({"kind": "person", "id": 3})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Invalid, Some("id")));
        let err = call(&api, "record_get", json!({"kind": "person"})).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("id"));
        assert!(err.message.contains("manque"), "{}", err.message);
    }

    #[test]
    fn an_empty_id_is_no_id() {
        let (_dir, api) = api();
        assert_eq!(
            call(&api, "record_list", json!({"kind": "theme", "territoryId": ""})).unwrap().as_array().unwrap().len(),
            17
        );
    }

    #[test]
    fn a_malformed_request_object_names_the_field_inside_it() {
        let (_dir, api) = api();
        let err = call(&api, "search", json!({"request": {"query": 3}})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Invalid, Some("request.query")));
        let err = call(&api, "resolve_conflict", json!({"id": "c0ffee", "keep": "les-deux"})).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("keep"));
    }

    #[test]
    fn an_unknown_command_is_refused_in_french() {
        let (_dir, api) = api();
        let err = call(&api, "drop_everything", json!({})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::Invalid, Some("command")));
    }

    #[test]
    fn what_the_window_sent_is_never_echoed_in_an_error() {
        let token = "Jean Secretname a refusé";
        let (_dir, api) = api();
        let errors = [
            call(&api, "record_get", json!({"kind": "person", "id": token})),
            call(&api, "record_put_many", json!({"items": [{"kind": "person", "id": token, "data": {}}]})),
            call(&api, "search", json!({"request": {"query": {"x": token}}})),
            call(&api, "record_put", json!({"kind": "person", "data": {"name": "P", "territory_id": token}})),
            call(&api, "record_put", json!({"kind": "person", "data": {"name": "P", "consent": token}})),
            call(&api, "resolve_conflict", json!({"id": "c0ffee", "keep": token})),
        ];
        for e in errors {
            let m = e.unwrap_err().message;
            assert!(!m.contains("Secretname"), "{m}");
        }
        // Every kind, its data of the wrong shape or with a field it does not have, and the
        // kind itself as typed: in French, never repeated; the field named when there is one
        // (data that is not an object at all has none: « les données … doivent être un objet »).
        let mut calls = vec![(json!({"kind": token, "data": {}}), true)];
        for kind in crate::domain::Kind::ALL {
            let kind = kind.as_str();
            calls.extend([
                (json!({"kind": kind, "data": token}), false),
                (json!({"kind": kind, "data": [token]}), false),
                (json!({"kind": kind, "data": {"champ_inconnu": token}}), true),
                (json!({"kind": kind, "data": {token: 1}}), true),
                (json!({"kind": kind, "id": token, "data": {}}), true),
            ]);
        }
        for (args, named) in calls {
            let e = call(&api, "record_put", args.clone()).unwrap_err();
            assert!(!e.message.contains("Secretname"), "{args}: {}", e.message);
            assert!(e.field.as_deref().is_none_or(|f| !f.contains("Secretname")), "{args}: {e:?}");
            assert!(!named || e.field.as_deref().is_some_and(|f| !f.is_empty()), "{args}: the field is named: {e:?}");
        }
    }

    #[test]
    fn only_a_listed_backup_can_be_restored() {
        let (_dir, api) = api();
        let err = call(&api, "restore", json!({"file": "/etc/passwd"})).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (ErrorCode::NotFound, Some("file")));
        let made = api.backup_now().unwrap();
        assert_eq!(listed_backup(&api, &made.path).unwrap(), PathBuf::from(&made.path));
    }

    #[test]
    fn an_export_reports_its_progress_as_it_goes() {
        let (dir, api) = api();
        let out = dir.path().join("a.maillage");
        let mut heard = Vec::new();
        let report =
            dispatch(&api, "export_bundle", json!({"request": {"out": out, "to": []}}), &mut |p| heard.push(p))
                .unwrap();
        assert_eq!(report["path"], json!(out));
        assert_eq!(heard.last().unwrap()["stage"], "done", "{heard:?}");
        assert!(heard.len() >= 2, "{heard:?}");
    }

    #[test]
    fn headquarters_commands_take_the_window_s_arguments() {
        let (dir, api) = api();
        assert_eq!(call(&api, "workspace", Value::Null).unwrap()["mode"], Value::Null);
        // Headquarters' workspace requires an encrypted store.
        let plain = call(&api, "set_workspace", json!({"mode": "siege"})).unwrap_err();
        assert!(plain.message.contains("exige une base chiffrée"), "{}", plain.message);
        assert_eq!(call(&api, "workspace", Value::Null).unwrap()["mode"], Value::Null);
        let code = call(&api, "encrypt_store", json!({"passphrase": "le siège est à Paris"})).unwrap();
        assert_eq!(code["recovery_code"].as_str().unwrap().len(), 32, "{code}");
        let siege = call(&api, "set_workspace", json!({"mode": "siege"})).unwrap();
        assert!(siege["hq"]["recipient"].as_str().unwrap().starts_with("age1"), "{siege}");
        let err = call(&api, "set_workspace", json!({"mode": "Jean Secretname"})).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("mode"));
        assert!(!err.message.contains("Secretname"), "{}", err.message);
        let copy = dir.path().join("copie.key");
        let keys = call(&api, "save_hq_secret_copy", json!({"file": copy})).unwrap();
        assert_eq!(keys["secret_copy_saved"], true);
        std::fs::write(dir.path().join("b.maillage"), "x").unwrap();
        std::fs::write(dir.path().join("a.maillage"), "x").unwrap();
        let found = call(&api, "bundle_paths", json!({"paths": [dir.path()]})).unwrap();
        assert_eq!(found, json!([dir.path().join("a.maillage"), dir.path().join("b.maillage")]));
        assert_eq!(call(&api, "import_history", Value::Null).unwrap(), json!([]));
        let t = call(&api, "national_status", Value::Null).unwrap();
        assert_eq!(t, json!([]));
        let s = call(&api, "national_synthesis", Value::Null).unwrap();
        assert_eq!(s["themes"].as_array().unwrap().len(), 17);
    }

    #[test]
    fn camel_case_of_argument_names() {
        assert_eq!(camel("territory_id"), "territoryId");
        assert_eq!(camel("include_resolved"), "includeResolved");
        assert_eq!(camel("kind"), "kind");
    }

    #[test]
    fn an_encrypted_store_starts_locked_and_opens_with_its_passphrase_only() {
        let (dir, api) = api();
        let path = api.store_path().to_path_buf();
        call(&api, "record_put", json!({"kind": "territory", "data": {"name": "Valmont", "kind": "qpv"}})).unwrap();
        call(&api, "encrypt_store", json!({"passphrase": "une phrase bien longue"})).unwrap();
        drop(api);
        let session = Session::start(&path, true);
        let run = |command: &str, args: Value| dispatch_session(&session, command, args, &mut |_| {});
        assert_eq!(run("session_state", Value::Null).unwrap()["locked"], true);
        let locked = run("record_list", json!({"kind": "territory"})).unwrap_err();
        assert_eq!(locked.code, ErrorCode::Locked);
        let wrong = run("unlock", json!({"passphrase": "une phrase bien courte"})).unwrap_err();
        assert_eq!((wrong.code, wrong.message.as_str()), (ErrorCode::WrongPassphrase, "phrase de passe incorrecte"));
        assert_eq!(run("session_state", Value::Null).unwrap()["locked"], true);
        let state = run("unlock", json!({"passphrase": "une phrase bien longue"})).unwrap();
        assert_eq!((state["open"].clone(), state["encrypted"].clone()), (json!(true), json!(true)));
        assert_eq!(state["idle_lock_minutes"], 15);
        let list = run("record_list", json!({"kind": "territory"})).unwrap();
        assert_eq!(list[0]["data"]["name"], "Valmont");
        assert_eq!(run("lock", Value::Null).unwrap()["locked"], true);
        assert_eq!(run("record_list", json!({"kind": "territory"})).unwrap_err().code, ErrorCode::Locked);
        // A session command has no store to run on in the plain dispatch.
        let plain = Api::create(&dir.path().join("autre.sqlite3")).unwrap();
        assert!(dispatch(&plain, "unlock", json!({"passphrase": "x"}), &mut |_| {}).is_err());
        assert_eq!(
            dispatch_session(&Session::with(plain), "lock", Value::Null, &mut |_| {}).unwrap_err().code,
            ErrorCode::Invalid
        );
    }
}

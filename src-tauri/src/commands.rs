//! The Tauri commands: one per api function, each a one-line call. Arguments arrive in camelCase
//! (`territoryId`); kinds, ids and request objects are parsed here so that a malformed argument
//! comes back as an [`ApiError`] in French like any other error, never as Tauri's English text.
//!
//! The command names and the TypeScript types of their arguments and results are listed once in
//! [`COMMANDS`], from which `tests/typescript.rs` writes `ui/src/backend/generated/commands.ts`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use maillage_core::api::*;
use maillage_core::domain::{Kind, Record, RecordId};
use maillage_core::store::search::SearchHit;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tauri::State;

use crate::Backend;

type R<T> = Result<T, ApiError>;

fn kind(text: &str) -> R<Kind> {
    Ok(text.parse::<Kind>()?)
}

fn id(text: &str) -> R<RecordId> {
    Ok(RecordId::parse(text)?)
}

fn opt_id(text: Option<String>) -> R<Option<RecordId>> {
    text.filter(|t| !t.is_empty()).as_deref().map(id).transpose()
}

fn json<T: DeserializeOwned>(value: Value) -> R<T> {
    serde_json::from_value(value).map_err(|e| maillage_core::error::Error::Json(e).into())
}

/// Restores only a backup the app itself listed: the window never names an arbitrary file.
fn listed_backup(api: &Api, file: &str) -> R<PathBuf> {
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

#[tauri::command]
async fn status(b: State<'_, Backend>) -> R<Status> {
    b.api()?.status()
}

#[tauri::command]
async fn init(b: State<'_, Backend>, facilitator: String) -> R<Status> {
    b.api()?.init(&facilitator)
}

#[tauri::command]
async fn record_put(b: State<'_, Backend>, kind: String, id: Option<String>, data: Value) -> R<Record> {
    b.api()?.put(self::kind(&kind)?, opt_id(id)?, data)
}

#[tauri::command]
async fn record_put_many(b: State<'_, Backend>, items: Value) -> R<Vec<RecordId>> {
    b.api()?.put_many(json(items)?)
}

#[tauri::command]
async fn record_get(b: State<'_, Backend>, kind: String, id: String) -> R<Record> {
    b.api()?.get(self::kind(&kind)?, self::id(&id)?)
}

#[tauri::command]
async fn record_list(b: State<'_, Backend>, kind: String, territory_id: Option<String>) -> R<Vec<Record>> {
    b.api()?.list(self::kind(&kind)?, opt_id(territory_id)?)
}

#[tauri::command]
async fn record_delete(b: State<'_, Backend>, kind: String, id: String) -> R<()> {
    b.api()?.delete(self::kind(&kind)?, self::id(&id)?)
}

#[tauri::command]
async fn search(b: State<'_, Backend>, request: Value) -> R<Vec<SearchHit>> {
    b.api()?.search(&json(request)?)
}

#[tauri::command]
async fn stats(b: State<'_, Backend>, territory_id: Option<String>) -> R<BTreeMap<Kind, u64>> {
    b.api()?.stats(opt_id(territory_id)?)
}

#[tauri::command]
async fn territory_overview(b: State<'_, Backend>, territory_id: String) -> R<TerritoryOverview> {
    b.api()?.territory_overview(id(&territory_id)?)
}

#[tauri::command]
async fn vocabulary(b: State<'_, Backend>) -> R<Vocabulary> {
    Ok(b.api()?.vocabulary())
}

#[tauri::command]
async fn decision_to_action(b: State<'_, Backend>, workshop_id: String, index: u32) -> R<Record> {
    b.api()?.decision_to_action(id(&workshop_id)?, index)
}

#[tauri::command]
async fn demo(b: State<'_, Backend>, request: Value) -> R<DemoReport> {
    b.api()?.demo(&json(request)?)
}

#[tauri::command]
async fn check(b: State<'_, Backend>) -> R<CheckReport> {
    b.api()?.check()
}

#[tauri::command]
async fn backup_now(b: State<'_, Backend>) -> R<BackupReport> {
    b.api()?.backup_now()
}

#[tauri::command]
async fn list_backups(b: State<'_, Backend>) -> R<Vec<BackupReport>> {
    b.api()?.list_backups()
}

#[tauri::command]
async fn restore(b: State<'_, Backend>, file: String) -> R<RestoreReport> {
    b.api()?.restore(&listed_backup(b.api()?, &file)?)
}

/// Every command, for `tauri::Builder::invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        status,
        init,
        record_put,
        record_put_many,
        record_get,
        record_list,
        record_delete,
        search,
        stats,
        territory_overview,
        vocabulary,
        decision_to_action,
        demo,
        check,
        backup_now,
        list_backups,
        restore,
        crate::exchange::keys_show,
        crate::exchange::export_bundle,
        crate::exchange::verify_bundle,
        crate::exchange::import_bundle,
        crate::exchange::conflicts,
        crate::exchange::resolve_conflict,
        crate::exchange::hq_public_keys,
        crate::exchange::set_hq_public_keys,
        crate::exchange::exchange_places,
        crate::exchange::bundle_files,
    ]
}

/// One command as the UI calls it: its name, its arguments and its result in TypeScript (the
/// types are those of `ui/src/backend/generated/`).
pub struct CommandSignature {
    pub name: &'static str,
    pub args: &'static str,
    pub result: &'static str,
}

macro_rules! signatures {
    ($($name:ident ( $args:literal ) -> $result:literal;)+) => {
        /// Every command of [`handler`], in the same order.
        pub const COMMANDS: &[CommandSignature] =
            &[$(CommandSignature { name: stringify!($name), args: $args, result: $result }),+];
    };
}

signatures! {
    status("Record<string, never>") -> "Status";
    init("{ facilitator: string }") -> "Status";
    record_put("{ kind: Kind; id?: RecordId | null; data: JsonValue }") -> "RecordEnvelope";
    record_put_many("{ items: Array<PutItem> }") -> "Array<RecordId>";
    record_get("{ kind: Kind; id: RecordId }") -> "RecordEnvelope";
    record_list("{ kind: Kind; territoryId?: RecordId | null }") -> "Array<RecordEnvelope>";
    record_delete("{ kind: Kind; id: RecordId }") -> "null";
    search("{ request: SearchRequest }") -> "Array<SearchHit>";
    stats("{ territoryId?: RecordId | null }") -> "{ [key in Kind]?: number }";
    territory_overview("{ territoryId: RecordId }") -> "TerritoryOverview";
    vocabulary("Record<string, never>") -> "Vocabulary";
    decision_to_action("{ workshopId: RecordId; index: number }") -> "RecordEnvelope";
    demo("{ request: DemoRequest }") -> "DemoReport";
    check("Record<string, never>") -> "CheckReport";
    backup_now("Record<string, never>") -> "BackupReport";
    list_backups("Record<string, never>") -> "Array<BackupReport>";
    restore("{ file: string }") -> "RestoreReport";
    keys_show("Record<string, never>") -> "KeysReport";
    export_bundle("{ request: ExportRequest; onProgress: { onmessage: (progress: ExportProgress) => void } }") -> "ExportReport";
    verify_bundle("{ file: string }") -> "ImportReport";
    import_bundle("{ file: string; dryRun: boolean }") -> "ImportReport";
    conflicts("{ includeResolved?: boolean | null }") -> "Array<ConflictView>";
    resolve_conflict("{ id: string; keep: Keep }") -> "ConflictView";
    hq_public_keys("Record<string, never>") -> "Array<string>";
    set_hq_public_keys("{ keys: Array<string> }") -> "Array<string>";
    exchange_places("Record<string, never>") -> "Array<Place>";
    bundle_files("{ dir: string }") -> "Array<BundleFile>";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> (tempfile::TempDir, Api) {
        let dir = tempfile::tempdir().unwrap();
        let api = Api::create(&dir.path().join("maillage.sqlite3")).unwrap();
        api.init("Camille").unwrap();
        (dir, api)
    }

    #[test]
    fn an_unknown_kind_is_an_api_error_in_french_not_tauris_text() {
        let err = kind("interviews").unwrap_err();
        assert_eq!(err.code, ErrorCode::UnknownKind);
        assert!(err.message.contains("n'existe pas"), "{}", err.message);
    }

    #[test]
    fn a_malformed_id_is_an_api_error() {
        assert_eq!(id("pas-un-uuid").unwrap_err().code, ErrorCode::InvalidId);
        assert_eq!(opt_id(Some(String::new())).unwrap(), None, "an empty id means none");
    }

    #[test]
    fn a_malformed_request_object_is_an_api_error() {
        let err = json::<SearchRequest>(serde_json::json!({"query": 3})).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
    }

    #[test]
    fn what_the_window_sent_is_never_echoed_in_an_error() {
        let token = "Jean Secretname a refusé";
        let (_dir, api) = api();
        let messages = [
            id(token).unwrap_err().message,
            json::<Vec<PutItem>>(serde_json::json!([{"kind": "person", "id": token, "data": {}}])).unwrap_err().message,
            json::<SearchRequest>(serde_json::json!({"query": {"x": token}})).unwrap_err().message,
            api.put(Kind::Person, None, serde_json::json!({"name": "P", "territory_id": token})).unwrap_err().message,
            api.put(Kind::Person, None, serde_json::json!({"name": "P", "consent": token})).unwrap_err().message,
        ];
        for m in messages {
            assert!(!m.contains("Secretname"), "{m}");
        }
    }

    #[test]
    fn only_a_listed_backup_can_be_restored() {
        let (_dir, api) = api();
        let err = listed_backup(&api, "/etc/passwd").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("file"));
        let made = api.backup_now().unwrap();
        assert_eq!(listed_backup(&api, &made.path).unwrap(), PathBuf::from(&made.path));
    }

    #[test]
    fn a_store_that_cannot_be_opened_still_answers_with_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pas-un-magasin.sqlite3");
        std::fs::write(&path, b"ceci n'est pas une base SQLite, mais un texte assez long pour le croire").unwrap();
        let backend = Backend::open(&path);
        let err = backend.api().err().expect("a text file is not a store");
        assert_eq!(err.code, ErrorCode::NotAStore);
        assert!(!err.message.is_empty());
    }
}

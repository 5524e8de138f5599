//! The commands of the « Échanges » screen: keys, export (with its progress sent through a
//! [`Channel`]), verify, import, conflicts, headquarters' keys and where bundles go. Each is a
//! one-line call to [`maillage_core::api`]; they are registered in [`crate::commands::handler`].
//!
//! There is no file dialog (no dialog or fs plugin): the window offers the folders of
//! [`Api::exchange_places`] or a folder typed by the person, and the api reads and writes there.

use std::path::Path;

use maillage_core::api::*;
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::State;

use crate::Backend;

type R<T> = Result<T, ApiError>;

fn json<T: serde::de::DeserializeOwned>(value: Value) -> R<T> {
    serde_json::from_value(value).map_err(|e| maillage_core::error::Error::Json(e).into())
}

fn keep(text: &str) -> R<Keep> {
    json(Value::String(text.to_string()))
}

#[tauri::command]
pub(crate) async fn keys_show(b: State<'_, Backend>) -> R<KeysReport> {
    b.api()?.keys()
}

#[tauri::command]
pub(crate) async fn export_bundle(
    b: State<'_, Backend>,
    request: Value,
    on_progress: Channel<ExportProgress>,
) -> R<ExportReport> {
    b.api()?.export_bundle_with_progress(&json(request)?, &mut |p| drop(on_progress.send(p)))
}

#[tauri::command]
pub(crate) async fn verify_bundle(b: State<'_, Backend>, file: String) -> R<ImportReport> {
    b.api()?.verify_bundle(Path::new(&file), None)
}

#[tauri::command]
pub(crate) async fn import_bundle(b: State<'_, Backend>, file: String, dry_run: bool) -> R<ImportReport> {
    b.api()?.import_bundle(Path::new(&file), &ImportOptions { identity: None, dry_run })
}

#[tauri::command]
pub(crate) async fn conflicts(b: State<'_, Backend>, include_resolved: Option<bool>) -> R<Vec<ConflictView>> {
    b.api()?.conflicts(include_resolved.unwrap_or(false))
}

#[tauri::command]
pub(crate) async fn resolve_conflict(b: State<'_, Backend>, id: String, keep: String) -> R<ConflictView> {
    b.api()?.resolve_conflict(&id, self::keep(&keep)?)
}

#[tauri::command]
pub(crate) async fn hq_public_keys(b: State<'_, Backend>) -> R<Vec<String>> {
    b.api()?.hq_public_keys()
}

#[tauri::command]
pub(crate) async fn set_hq_public_keys(b: State<'_, Backend>, keys: Vec<String>) -> R<Vec<String>> {
    b.api()?.set_hq_public_keys(keys)
}

#[tauri::command]
pub(crate) async fn exchange_places(b: State<'_, Backend>) -> R<Vec<Place>> {
    b.api()?.exchange_places()
}

#[tauri::command]
pub(crate) async fn bundle_files(b: State<'_, Backend>, dir: String) -> R<Vec<BundleFile>> {
    b.api()?.bundle_files(Path::new(&dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keep_is_winner_or_loser_and_anything_else_an_api_error() {
        assert_eq!(keep("winner").unwrap(), Keep::Winner);
        assert_eq!(keep("loser").unwrap(), Keep::Loser);
        assert_eq!(keep("les-deux").unwrap_err().code, ErrorCode::Invalid);
    }
}

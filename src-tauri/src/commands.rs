//! The window's commands. Every `invoke` naming a command of
//! [`maillage_core::api::dispatch::COMMANDS`] is handed to
//! [`dispatch_session`](maillage_core::api::dispatch::dispatch_session), which parses its arguments and makes its
//! one `Api` (or session) call — the same code `maillage serve` runs for the UI's tests. Nothing is decided
//! here: a bad argument comes back as core's French `{code, message, field}`, never as Tauri's
//! English text.
//!
//! Tauri checks the window's capability before this handler runs (`build.rs` declares the
//! commands from the same list), so a command the capability does not grant never reaches it.
//! A command that reports progress (an export) sends it through the channel the UI passed as
//! `onProgress`.

use maillage_core::api::dispatch::{dispatch_session, COMMANDS};
use serde_json::Value;
use tauri::ipc::{Channel, Invoke, InvokeBody, InvokeError, JavaScriptChannelId};
use tauri::{Manager, Runtime};

use crate::Backend;

/// The handler of every command, for `tauri::Builder::invoke_handler`. The call runs on a
/// blocking thread (a store write waits on the disk), the answer goes back through the resolver.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    |invoke| {
        let Some(command) = COMMANDS.iter().find(|c| c.name == invoke.message.command()) else {
            return false;
        };
        let args = match invoke.message.payload() {
            InvokeBody::Json(args) => args.clone(),
            InvokeBody::Raw(_) => Value::Null,
        };
        let webview = invoke.message.webview();
        let channel: Option<Channel<Value>> = args
            .get("onProgress")
            .filter(|_| command.progress)
            .and_then(Value::as_str)
            .and_then(|text| text.parse::<JavaScriptChannelId>().ok())
            .map(|id| id.channel_on(webview.clone()));
        let app = webview.app_handle().clone();
        let resolver = invoke.resolver;
        tauri::async_runtime::spawn_blocking(move || {
            let mut progress = |report: Value| {
                if let Some(channel) = &channel {
                    let _ = channel.send(report);
                }
            };
            let result = dispatch_session(&app.state::<Backend>().0, command.name, args, &mut progress);
            resolver.respond(result.map_err(InvokeError::from));
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use maillage_core::api::ErrorCode;

    use super::*;

    #[test]
    fn a_store_that_cannot_be_opened_still_answers_with_its_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pas-un-magasin.sqlite3");
        std::fs::write(&path, b"ceci n'est pas une base SQLite, mais un texte assez long pour le croire").unwrap();
        let backend = Backend::open(&path);
        let err = backend.0.api().err().expect("a text file is not a store");
        assert_eq!(err.code, ErrorCode::NotAStore);
        assert!(!err.message.is_empty());
    }
}

//! # maillage-desktop
//!
//! The desktop application: one window showing the UI built in `ui/dist`, and one Tauri command
//! per function of [`maillage_core::api::Api`]. Nothing here decides anything about the domain:
//! each command parses its arguments and calls the api in one line (see [`commands`]).
//!
//! The store is the one the command line uses by default ([`default_store_path`], `MAILLAGE_DB`
//! overrides it). When it cannot be opened (a newer schema, a damaged file) the window still
//! opens and every command answers with the French [`ApiError`], `status` first. An encrypted
//! store starts locked: the window asks its passphrase (`session_state`, `unlock`; see
//! [`maillage_core::api::Session`]).
//!
//! Closing the window never loses the last keystrokes: the UI listens to Tauri's close request
//! (`getCurrentWindow().onCloseRequested`), which holds the close until its handler has saved
//! what is pending, then destroys the window. Should the UI never answer, the window is
//! destroyed after [`CLOSE_GRACE`] all the same.
//!
//! ```no_run
//! std::process::exit(maillage_desktop::run());
//! ```

pub mod commands;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use maillage_core::api::{default_store_path, Session};
use tauri::WindowEvent;

/// How long the UI has to save pending edits, once the window was asked to close.
pub const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// The window's session with the store: open, locked, or why it could not be opened.
pub struct Backend(pub Session);

impl Backend {
    /// Opens the store at `path`, creating it on the first launch (file 0600, folder 0700), or
    /// waits for its passphrase when it is encrypted; an error is kept, not raised: the UI
    /// shows it.
    pub fn open(path: &std::path::Path) -> Backend {
        Backend(Session::start(path, true))
    }
}

/// Starts the application; returns the process exit code.
pub fn run() -> i32 {
    prefer_software_compositing();
    let backend = Backend::open(&default_store_path());
    // The log beside the store (ids, codes, timings; never record text).
    let _log = maillage_core::log::init_beside_store(backend.0.path());
    if let (Err(e), false) = (backend.0.api(), backend.0.state().is_ok_and(|s| s.locked)) {
        // The code only: messages may name a path under the person's home.
        eprintln!("maillage-desktop: the store could not be opened ({:?}); the window shows why", e.code);
    }
    let closing = AtomicBool::new(false);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(backend)
        .invoke_handler(commands::handler())
        .on_window_event(move |window, event| {
            // Tauri holds the close while the UI's close handler saves; this only makes sure a
            // UI that never answers cannot keep the window open.
            if let WindowEvent::CloseRequested { .. } = event {
                if !closing.swap(true, Ordering::SeqCst) {
                    let window = window.clone();
                    std::thread::spawn(move || {
                        std::thread::sleep(CLOSE_GRACE);
                        let _ = window.destroy();
                    });
                }
            }
        })
        .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Maillage n'a pas pu démarrer : {e}");
            1
        }
    }
}

/// WebKitGTK's accelerated compositing costs about 100 MiB more in the web process (PSS measured
/// under Xvfb by `scripts/bench-desktop.sh`: about 315 MiB in all with it, 245 MiB without) for
/// forms and lists that do not need it. `WEBKIT_DISABLE_COMPOSITING_MODE=0` in the environment
/// keeps it (the end-to-end tests do: WebDriver screenshots hang without it).
fn prefer_software_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // Before any thread exists and before WebKit reads it.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

//! The window's capability (capabilities/main-window.json) grants exactly the commands of core's
//! one list (`maillage_core::api::dispatch::COMMANDS`, which build.rs also declares to Tauri):
//! a command missing from the capability cannot be called, and none is granted that does not exist.

use maillage_core::api::dispatch::COMMANDS;

const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

fn read(rel: &str) -> String {
    std::fs::read_to_string(format!("{MANIFEST_DIR}/{rel}")).unwrap()
}

#[test]
fn every_command_is_granted_by_the_capability_and_build_rs_reads_the_one_list() {
    let build = read("build.rs");
    assert!(build.contains("include!(\"../crates/core/src/api/command_list.rs\")"), "build.rs declares core's list");
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/main-window.json")).unwrap();
    let granted: Vec<&str> = capability["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str()).collect();
    for c in COMMANDS {
        let permission = format!("allow-{}", c.name.replace('_', "-"));
        assert!(granted.contains(&permission.as_str()), "the capability does not grant {permission}");
    }
    let own: Vec<&&str> = granted.iter().filter(|p| !p.contains(':')).collect();
    assert_eq!(own.len(), COMMANDS.len(), "the capability grants a command that does not exist: {own:?}");
}

#[test]
fn the_capability_grants_no_plugin_beyond_window_and_event_basics_the_open_and_save_dialogs_and_opening_a_docx() {
    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/main-window.json")).unwrap();
    for p in capability["permissions"].as_array().unwrap() {
        if p.is_object() {
            // « Ouvrir » a report: the opener's `open_path` only, scoped to DOCX files.
            assert_eq!(p["identifier"], "opener:allow-open-path", "unexpected scoped permission {p}");
            assert_eq!(
                p["allow"],
                serde_json::json!([{ "path": "**/*.[dD][oO][cC][xX]" }]),
                "open_path reaches DOCX files only"
            );
            assert!(p.get("deny").is_none_or(|d| d.is_array()));
            continue;
        }
        let p = p.as_str().unwrap();
        assert!(
            !p.contains(':')
                || p.starts_with("core:event:")
                || ["core:window:allow-destroy", "dialog:allow-open", "dialog:allow-save"].contains(&p),
            "unexpected permission {p}: no shell, fs or http access; of the dialogs, open and save only"
        );
    }
}

#[test]
fn the_csp_allows_nothing_remote_and_no_inline_script() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_object().expect("the CSP is set");
    assert_eq!(csp["default-src"], "'self'");
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        for bad in ["http://", "https://", "*", "data:", "blob:"] {
            let allowed_ipc = directive == "connect-src" && value.contains("http://ipc.localhost") && bad == "http://";
            assert!(allowed_ipc || !value.contains(bad), "{directive} allows {bad}: {value}");
        }
    }
    assert!(!csp["script-src"].as_str().unwrap().contains("unsafe"), "no unsafe-inline or unsafe-eval for scripts");
}

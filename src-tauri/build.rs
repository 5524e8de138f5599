//! Declares the app's own commands so that the capability file must grant each one by name
//! (`allow-record-put`…): a command not listed in `capabilities/` cannot be called.
fn main() {
    const COMMANDS: &[&str] = &[
        "status",
        "init",
        "record_put",
        "record_put_many",
        "record_get",
        "record_list",
        "record_delete",
        "search",
        "stats",
        "territory_overview",
        "vocabulary",
        "decision_to_action",
        "demo",
        "check",
        "backup_now",
        "list_backups",
        "restore",
        "keys_show",
        "export_bundle",
        "verify_bundle",
        "import_bundle",
        "conflicts",
        "resolve_conflict",
        "hq_public_keys",
        "set_hq_public_keys",
        "exchange_places",
        "bundle_files",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build");
}

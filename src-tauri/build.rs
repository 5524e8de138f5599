//! Declares the app's own commands so that the capability file must grant each one by name
//! (`allow-record-put`…): a command not listed in `capabilities/` cannot be called.
//!
//! The names come from core's one list of commands (`crates/core/src/api/command_list.rs`),
//! read here with a macro that keeps only the names: the list `dispatch` runs and the TypeScript
//! client is generated from.

macro_rules! commands {
    (($session:ident, $api:ident, $progress:ident)
     $(
        $(#[doc = $doc:literal])*
        $([$scope:ident])? $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty $(, progress $p:ty)? => $body:expr ;
     )*
    ) => {
        const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

include!("../crates/core/src/api/command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=../crates/core/src/api/command_list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build");
}

#!/usr/bin/env bash
# `make test`: every test, on a fresh Debian/Ubuntu machine included.
#   1. installs what is missing (Debian packages, npm packages, tauri-driver)
#   2. the interface: build (the desktop crate embeds ui/dist), type checks (svelte-check, tsc)
#      and Vitest, whose component tests run against the real core (`maillage serve`, built first);
#   3. every Rust test of the workspace — core, command line, desktop shell (types freshness,
#      command contract) and the end-to-end tests of the real window — under Xvfb, in one cargo
#      invocation so that Tauri is compiled once.
# Screenshots of each main screen are written to target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# No incremental caches: on a fresh clone they only cost disk (several GiB), never time.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

scripts/install-deps.sh e2e
scripts/ui-build.sh
cargo build --locked -p maillage-cli
(cd ui && npm run check --silent && npm test --silent)

target="${CARGO_TARGET_DIR:-$PWD/target}"
rm -rf "$target/screenshots"
mkdir -p "$target/screenshots"
timeout 3600 xvfb-run -a --server-args="-screen 0 1440x960x24" cargo test --locked --workspace
echo "test: screenshots in $target/screenshots/"

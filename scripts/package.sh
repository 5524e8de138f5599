#!/usr/bin/env bash
# Builds the .deb of the desktop application with the Tauri CLI from npm (src-tauri/package.json),
# run from the workspace root. AppImage is not built: its tooling downloads at build time.
# Output: target/release/bundle/deb/Maillage_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/install-deps.sh desktop
scripts/ui-build.sh
if [ ! -x src-tauri/node_modules/.bin/tauri ] || [ src-tauri/package-lock.json -nt src-tauri/node_modules/.package-lock.json ]; then
  npm --prefix src-tauri install --no-audit --no-fund --loglevel=error
fi
src-tauri/node_modules/.bin/tauri build --bundles deb -- --locked
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb

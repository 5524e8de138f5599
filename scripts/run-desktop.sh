#!/usr/bin/env bash
# Installs what is missing (Debian packages, npm packages), builds the UI and the application
# (release), then opens Maillage on the store the command line also uses
# (~/.local/share/fr.maillage.desktop/maillage.sqlite3, or $MAILLAGE_DB).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/install-deps.sh desktop
scripts/ui-build.sh
cargo build --locked --release -p maillage-desktop
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  if [ "${MAILLAGE_HEADLESS:-}" = 1 ]; then
    exec xvfb-run -a "${CARGO_TARGET_DIR:-target}/release/maillage-desktop"
  fi
  echo "run: no display (DISPLAY and WAYLAND_DISPLAY are unset): built target/release/maillage-desktop;" >&2
  echo "     start it from a desktop session, or set MAILLAGE_HEADLESS=1 to run it under Xvfb" >&2
  exit 1
fi
exec "${CARGO_TARGET_DIR:-target}/release/maillage-desktop"

#!/usr/bin/env bash
# End-to-end tests of the real desktop window (tests/e2e): installs what is missing, builds the UI
# and the application, then drives it with tauri-driver + WebKitWebDriver under Xvfb.
# Screenshots of each main screen are written to target/screenshots/.
# Usage: scripts/e2e.sh [test name filter]
#   MAILLAGE_E2E_PROFILE=release  test the release binary instead of the debug one
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile="${MAILLAGE_E2E_PROFILE:-debug}"

scripts/install-deps.sh e2e
[ -f ui/dist/index.html ] && [ "${MAILLAGE_SKIP_UI_BUILD:-}" = 1 ] || scripts/ui-build.sh
# The app and the tests are built as `cargo test --workspace` builds them (same features, so
# `make test` compiles Tauri once): the debug app is target/debug/maillage-desktop.
if [ "$profile" = release ]; then
  cargo build --locked --release -p maillage-desktop
else
  cargo test --locked --workspace --no-run
fi
target="${CARGO_TARGET_DIR:-$PWD/target}"
export MAILLAGE_E2E_APP="$target/$profile/maillage-desktop"

rm -rf "$target/screenshots"
mkdir -p "$target/screenshots"
timeout 1800 xvfb-run -a --server-args="-screen 0 1440x960x24" \
  cargo test --locked --workspace --test desktop --test exchanges --test refusal --test first_day --test attachments --test headquarters --test privacy --test encryption --test analysis --test charter --test library -- "$@"
echo "e2e: screenshots in $target/screenshots/"

#!/usr/bin/env bash
# Desktop figures as JSON (cold start under Xvfb, PSS of every process with the demo territory
# open, release binary size, keystroke-to-screen latency in the workshop, interview and roadmap
# editors typing at 60 ms a character): see tests/e2e/src/bin/bench-desktop.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/install-deps.sh e2e >&2
[ -f ui/dist/index.html ] && [ "${MAILLAGE_SKIP_UI_BUILD:-}" = 1 ] || scripts/ui-build.sh >&2
# Built apart: the app alone, as `make package` builds it (one release build of Tauri for both).
cargo build --locked --release -p maillage-desktop >&2
cargo build --locked --release -p maillage-e2e --bin bench-desktop >&2
target="${CARGO_TARGET_DIR:-$PWD/target}"
export MAILLAGE_E2E_APP="$target/release/maillage-desktop"
export NO_AT_BRIDGE=1
xvfb-run -a --server-args="-screen 0 1440x960x24" "$target/release/bench-desktop"

#!/usr/bin/env bash
# Installs what Maillage needs on a fresh Debian/Ubuntu machine, and only what is missing.
# Usage: scripts/install-deps.sh [build|desktop|e2e]
#   build   : a C compiler, pkg-config and OpenSSL's headers (the command line and core: the store
#             is SQLCipher, which links the system's OpenSSL)
#   desktop : + WebKitGTK 4.1 and friends (the desktop application), Node.js/npm for the UI
#   e2e     : + Xvfb, xauth, WebKitWebDriver, tauri-driver, ImageMagick (end-to-end tests, screenshots),
#             LibreOffice, poppler, xmllint and age (independent readers of what Maillage writes)
set -euo pipefail
level="${1:-build}"

need=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need+=("$1"); }

want build-essential
want pkg-config
want libssl-dev
if [ "$level" = desktop ] || [ "$level" = e2e ]; then
  for p in libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libxdo-dev; do want "$p"; done
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ "$level" = e2e ]; then
  for p in xvfb xauth webkit2gtk-driver imagemagick libreoffice-writer-nogui poppler-utils libxml2-utils age; do want "$p"; done
fi

if [ "${#need[@]}" -gt 0 ]; then
  echo "install-deps: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "install-deps: Rust (cargo) is missing: install it with rustup (https://rustup.rs) and run again" >&2
  exit 1
fi

if [ "$level" = e2e ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "install-deps: installing tauri-driver (crates.io)"
  cargo install tauri-driver --locked --quiet
fi

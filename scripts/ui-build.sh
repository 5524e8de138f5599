#!/usr/bin/env bash
# Builds the desktop UI into ui/dist (the Tauri crate embeds it at compile time).
# Installs the npm packages first when they are missing or older than the lock file.
# `npm install` rather than `npm ci`: the lock made here lists non-Linux @tauri-apps/cli-*
# optional packages that the registry reachable here does not serve; install honours the lock.
set -euo pipefail
cd "$(dirname "$0")/../ui"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
fi
npm run build --silent

#!/usr/bin/env bash
# Installs everything the app needs: system packages (when missing), npm packages, the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
bash scripts/ensure-system-deps.sh
echo "[install] npm packages"
npm install --no-audit --no-fund --loglevel=error
echo "[install] building"
npm run build --silent >/dev/null

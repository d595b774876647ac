#!/usr/bin/env bash
# Runs a TypeScript entry (server.ts, a script) with tsx on the project's Node runtime
# (scripts/node-runtime.sh): `npm start`, `npm run worker` and the CLI scripts go through here.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
exec node_modules/.bin/tsx "$@"

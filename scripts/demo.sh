#!/usr/bin/env bash
# Installs and starts the app on the embedded SQLite database with demo data and demo accounts.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
bash scripts/install.sh
mkdir -p var
if [ -z "${SESSION_SECRET:-}" ]; then
  [ -s var/.session-secret ] || node -e "console.log(require('crypto').randomBytes(32).toString('hex'))" > var/.session-secret
  SESSION_SECRET=$(cat var/.session-secret)
  export SESSION_SECRET
fi
export DEMO_MODE=1 NODE_ENV=production PORT="${PORT:-3000}"
exec node_modules/.bin/tsx server.ts

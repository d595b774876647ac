#!/usr/bin/env bash
# The whole test suite: install, build, typecheck, lint, then unit + integration (SQLite, and Postgres when
# TEST_DATABASE_URL is set) + browser tests. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/node-runtime.sh
bash scripts/install.sh || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/ensure-system-deps.sh --test || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p var
rm -f var/test-results.json
echo "[test] typecheck"
if ! npx tsc --noEmit; then echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; fi
# Layer boundaries (eslint.config.mjs) and a few correctness rules.
echo "[test] lint"
if ! npm run --silent lint; then echo "lint failed"; echo "0 passed, 1 failed"; exit 1; fi
NODE_ENV=test npx vitest run --reporter=default --reporter=json --outputFile.json=var/test-results.json
rc=$?
node scripts/test-summary.mjs var/test-results.json
exit $rc

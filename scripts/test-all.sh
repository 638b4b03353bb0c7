#!/usr/bin/env bash
# Every test: system deps, typecheck, lint, unit + corpus conformance + property tests (vitest),
# the CLI bundle, and end-to-end tests in Debian chromium (Playwright, against the production build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
step() { printf '\n=== %s ===\n' "$1"; }
step typecheck; npx tsc -b
step lint; npx eslint --max-warnings 0 .
step "cli bundle"; npm run --silent build:cli -- --logLevel warn
step "unit, corpus conformance, property tests"; npx vitest run
step "e2e (Playwright, Debian chromium)"; CI=1 npx playwright test

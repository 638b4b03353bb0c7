#!/usr/bin/env bash
# Every test: system deps, typecheck, lint, unit + corpus conformance + property tests (vitest),
# the CLI bundle, and end-to-end tests in Debian chromium (Playwright, against the production build).
# Ends with one "N passed, N failed" line over the vitest and Playwright test counts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
# Not under test-results/: Playwright empties that folder when it starts.
out=.test-summary
mkdir -p "$out"
step() { printf '\n=== %s ===\n' "$1"; }
step typecheck; npx tsc -b
step lint; npx eslint --max-warnings 0 .
step "cli bundle"; npm run --silent build:cli -- --logLevel warn
step "unit, corpus conformance, property tests"
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
step "e2e (Playwright, Debian chromium)"
CI=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json
node -e '
const fs = require("fs");
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const p = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const passed = v.numPassedTests + p.stats.expected;
const failed = v.numFailedTests + p.stats.unexpected;
const skipped = v.numPendingTests + v.numTodoTests + p.stats.skipped;
console.log(`\nvitest ${v.numPassedTests} passed, Playwright ${p.stats.expected} passed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$out/vitest.json" "$out/playwright.json"

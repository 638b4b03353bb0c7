#!/usr/bin/env bash
# Every test: system deps, typecheck, lint, unit + corpus conformance + property tests (vitest),
# the boot test (real boots of our UKIs under QEMU + OVMF + swtpm, boot/*.test.ts), the CLI bundle, and
# end-to-end tests in Debian chromium (Playwright, against the production build).
# Ends with one "N passed, N failed" line over the vitest (unit and boot) and Playwright test counts.
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
step "boot test (systemd-stub 252/257/262 under QEMU + OVMF + swtpm)"
# CI=1: a missing boot component fails instead of skipping (ensure-system-deps.sh has installed them).
CI=1 npx vitest run --config vitest.boot.config.ts --reporter=default --reporter=json --outputFile.json="$out/boot.json"
step "e2e (Playwright, Debian chromium)"
CI=1 PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json
node -e '
const fs = require("fs");
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const p = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const b = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const passed = v.numPassedTests + b.numPassedTests + p.stats.expected;
const failed = v.numFailedTests + b.numFailedTests + p.stats.unexpected;
const skipped = v.numPendingTests + v.numTodoTests + b.numPendingTests + b.numTodoTests + p.stats.skipped;
console.log(`\nvitest ${v.numPassedTests} passed, boot ${b.numPassedTests} passed, Playwright ${p.stats.expected} passed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$out/vitest.json" "$out/playwright.json" "$out/boot.json"

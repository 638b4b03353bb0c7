// Browser benchmark runner: builds the app, runs e2e/bench.spec.ts one test at a time (two at once would share
// the 2 cores and skew every ratio) in Debian chromium (Playwright project
// "bench") and prints its JSON (ratios against baselines measured in the same run).
// Usage: node bench/browser.mjs   (BENCH_REPS=n to change repetitions)
import { readFileSync } from 'node:fs';
import { runBrowserBench } from './lib.mjs';

// Every test writes its own JSON (bench.json, bench-measure.json): print them all.
for (const file of runBrowserBench([], /^bench.*\.json$/)) console.log(readFileSync(file, 'utf8'));

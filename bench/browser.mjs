// Browser benchmark runner: builds the app, runs e2e/bench.spec.ts one test at a time (two at once would share
// the 2 cores and skew every ratio) in Debian chromium (Playwright project
// "bench") and prints its JSON (ratios against baselines measured in the same run).
// Usage: node bench/browser.mjs   (BENCH_REPS=n to change repetitions)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['playwright', 'test', '--project=bench', '--workers=1'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BENCH: '1', CI: '1' },
});

// Every test writes its own JSON (bench.json, bench-measure.json): print them all.
function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (/^bench.*\.json$/.test(name)) out.push(p);
  }
  return out;
}
const files = find(join(root, 'test-results'));
if (files.length === 0) throw new Error('bench.json not found');
for (const file of files) console.log(readFileSync(file, 'utf8'));

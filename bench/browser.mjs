// Browser benchmark runner: builds the app, runs e2e/bench.spec.ts in Debian chromium (Playwright project
// "bench") and prints its JSON (ratios against baselines measured in the same run).
// Usage: node bench/browser.mjs   (BENCH_REPS=n to change repetitions)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['playwright', 'test', '--project=bench'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BENCH: '1', CI: '1' },
});

function find(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const r = find(p);
      if (r) return r;
    } else if (name === 'bench.json') return p;
  }
  return undefined;
}
const file = find(join(root, 'test-results'));
if (!file) throw new Error('bench.json not found');
console.log(readFileSync(file, 'utf8'));

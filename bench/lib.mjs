import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// Shared by the Node benchmarks: wall times of `iterations` runs of `fn`, in milliseconds.
export function timings(fn, iterations) {
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0] };
}

/** The median wall time of `iterations` runs of `fn`, in milliseconds. */
export function median(fn, iterations) {
  return timings(fn, iterations).median;
}

/**
 * Runs the Playwright "bench" project (one test at a time: two at once would share the 2 cores and skew every
 * ratio) on `specs` (all bench specs when empty) and returns the paths of the JSON files its tests wrote whose name
 * matches `jsonName`.
 */
export function runBrowserBench(specs, jsonName) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync('npx', ['playwright', 'test', '--project=bench', '--workers=1', ...specs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, BENCH: '1', CI: '1' },
  });
  const found = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (jsonName.test(name)) found.push(p);
    }
  };
  walk(join(root, 'test-results'));
  if (found.length === 0) throw new Error(`no ${jsonName} in test-results`);
  return found;
}

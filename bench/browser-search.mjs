// Browser benchmark of the mismatch search alone (e2e/search-bench.spec.ts in Debian chromium against the production
// build): the search rate in the engine worker against one full recompute in the same run. `node bench/browser.mjs`
// runs it with the other browser benchmarks. Usage: node bench/browser-search.mjs   (BENCH_REPS=n, E2E_PORT=p)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npx', ['playwright', 'test', '--project=bench', '--workers=1', 'e2e/search-bench.spec.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BENCH: '1', CI: '1' },
});
function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name === 'bench-search.json') out.push(p);
  }
  return out;
}
const files = find(join(root, 'test-results'));
if (files.length === 0) throw new Error('bench-search.json not found');
const r = JSON.parse(readFileSync(files[0], 'utf8'));
const s = r.search;
console.log(`search space: ${s.candidates.toLocaleString('en')} candidates against ${s.firmware}`);
for (const t of [s.oneThread, s.twoThreads])
  console.log(`search rate, ${t.threads} thread${t.threads > 1 ? 's' : ' '}       ${t.candidatesPerSecond.toLocaleString('en')} candidates/s (${t.perCandidateUs.toFixed(2)} µs each)`);
console.log(`two threads vs one            ${s.speedupTwoThreads.toFixed(2)}x`);
console.log(`10,000 candidates             ${s.tenThousandCandidatesMs.toFixed(1)} ms (target < 1000 ms)`);
console.log(`one full recompute            ${r.fullRecompute.measurePanelMs} ms in the Measure panel, ${r.fullRecompute.prefixInSearchMs.toFixed(1)} ms as the search's prefix`);
console.log(`a candidate costs 1/${r.fullRecompute.ratioRecomputeToCandidate.toLocaleString('en')} of a recompute`);

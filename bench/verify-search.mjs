// Benchmark: the mismatch search of `fukiscope verify --search` (issue 13 §5) against one full recompute of the same
// launch, in the same run. The search reuses the firmware + metadata prefix and extends it one VMSA step per
// candidate, so a candidate should cost a tiny fraction of a recompute. A random digest makes it try every candidate.
// Usage: node bench/verify-search.mjs   (needs `npm run build:cli` and the corpus)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FUKISCOPE_CORPUS ?? resolve(root, '../shared/corpus');
const cli = resolve(root, 'bin/fukiscope.mjs');
if (!existsSync(resolve(root, 'dist-cli/fukiscope.mjs'))) throw new Error('run `npm run build:cli` first');
const manifest = JSON.parse(readFileSync(resolve(corpus, 'manifest.json'), 'utf8'));
const c = manifest.ovmf_measure.find((x) => x.id === 'snp_amdsev_2vcpu_EPYC-v4');
if (!c) throw new Error('corpus case snp_amdsev_2vcpu_EPYC-v4 missing');
const ovmf = resolve(corpus, c.params.ovmf.path);

const run = (args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const random = Array.from({ length: 48 }, (_, i) => ((i * 73 + 5) & 0xff).toString(16).padStart(2, '0')).join('');
let out;
try {
  out = run(['verify', '--measurement', random, '--ovmf', ovmf, '--search', '--json']);
} catch (e) {
  out = e.stdout; // exit 1: "none of N candidates"
}
const s = JSON.parse(out).search;
if (s.found || s.tried !== s.total) throw new Error('the random digest must exhaust the search');
const fullCli = median(() => run(['measure-ovmf', '--mode', 'snp', '--vcpus=2', '--vcpu-type=EPYC-v4', '--ovmf', ovmf]), 5);
const nodeStart = median(() => execFileSync(process.execPath, ['-e', '0']), 5);
const perCandidateUs = 1e6 / s.candidatesPerSecond;
console.log(`search space: ${s.total} candidates (vCPUs 1–512 × CPU signatures × VMM types × 128 guest-feature sets)`);
console.log(`search rate                    ${s.candidatesPerSecond.toLocaleString('en')} candidates/s (${perCandidateUs.toFixed(2)} µs each; ${s.ms.toFixed(0)} ms in all)`);
console.log(`one full recompute (in-process) ${s.fullRecomputeMs.toFixed(1)} ms (firmware pages + metadata, measured in the same search run)`);
console.log(`one full recompute (CLI)        ${(fullCli - nodeStart).toFixed(1)} ms (measure-ovmf minus Node start-up)`);
console.log(`a candidate costs 1/${Math.round((s.fullRecomputeMs * 1000) / perCandidateUs).toLocaleString('en')} of a recompute; 10,000 candidates take ${(10000 / s.candidatesPerSecond * 1000).toFixed(0)} ms`);

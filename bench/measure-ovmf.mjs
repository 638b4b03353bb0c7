// Benchmark: `fukiscope measure-ovmf` (SNP, OVMF + kernel + initrd + cmdline) against the raw hashing work it cannot
// avoid, done by OpenSSL in the same run: `openssl dgst -sha384` over the OVMF image plus `openssl dgst -sha256` over
// kernel and initrd. sev-snp-measure (Python) is not installed here, so OpenSSL is the baseline.
// Usage: node bench/measure-ovmf.mjs [iterations]   (needs `npm run build:cli` and the corpus)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median as medianOf, record, row } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FUKISCOPE_CORPUS ?? resolve(root, '../shared/corpus');
const cli = resolve(root, 'bin/fukiscope.mjs');
const iterations = Number(process.argv[2] ?? 15);
const median = (fn) => medianOf(fn, iterations);

if (!existsSync(resolve(root, 'dist-cli/fukiscope.mjs'))) throw new Error('run `npm run build:cli` first');
const manifest = JSON.parse(readFileSync(resolve(corpus, 'manifest.json'), 'utf8'));
const c = manifest.ovmf_measure.find((x) => x.params.mode === 'snp' && x.params.kernel && x.params.initrd && x.expected);
if (!c) throw new Error('no SNP case with kernel + initrd in the corpus');
const path = (p) => resolve(corpus, p);
const ours = ['measure-ovmf', ...c.argv.filter((a) => a !== '--dump-vmsa').map((a, i, all) => (['--ovmf', '--kernel', '--initrd'].includes(all[i - 1]) ? path(a) : a))];
const p = c.params;


const out = execFileSync(process.execPath, [cli, ...ours], { encoding: 'utf8' }).trim();
if (out !== c.expected) throw new Error(`digest mismatch: ${out} vs ${c.expected}`);

const oursMs = median(() => execFileSync(process.execPath, [cli, ...ours], { stdio: ['ignore', 'pipe', 'ignore'] }));
const opensslMs = median(() => {
  execFileSync('openssl', ['dgst', '-sha384', path(p.ovmf.path)], { stdio: ['ignore', 'pipe', 'ignore'] });
  execFileSync('openssl', ['dgst', '-sha256', path(p.kernel.path), path(p.initrd.path)], { stdio: ['ignore', 'pipe', 'ignore'] });
});

const nodeMs = median(() => execFileSync(process.execPath, ['-e', '0']));
const mib = (readFileSync(path(p.ovmf.path)).length + readFileSync(path(p.kernel.path)).length + readFileSync(path(p.initrd.path)).length) / 2 ** 20;
console.log(`case ${c.id}: ${mib.toFixed(1)} MiB input, median of ${iterations} runs (process start included in both)`);
console.log(`fukiscope measure-ovmf       ${oursMs.toFixed(1)} ms`);
console.log(`openssl sha384 + sha256      ${opensslMs.toFixed(1)} ms`);
console.log(`ratio fukiscope / openssl    ${(oursMs / opensslMs).toFixed(2)}`);
console.log(`(bare \`node -e 0\` start-up: ${nodeMs.toFixed(1)} ms of the fukiscope time)`);
record(
  row({ name: 'cli measure-ovmf (snp, kernel + initrd) vs openssl over the same bytes, whole processes', value: oursMs, unit: 'ms', baseline: opensslMs, baselineName: 'openssl sha384 + sha256' }),
  row({ name: 'cli measure-ovmf minus node start-up vs openssl over the same bytes', value: oursMs - nodeMs, unit: 'ms', baseline: opensslMs, baselineName: 'openssl sha384 + sha256', target: { ratio: 1.3 } }),
);

// Benchmark: `fukiscope measure-ovmf` (SNP, OVMF + kernel + initrd + cmdline) against the raw hashing work it cannot
// avoid, done by OpenSSL in the same run: `openssl dgst -sha384` over the OVMF image plus `openssl dgst -sha256` over
// kernel and initrd; and against virtee/sev-snp-measure itself on the same argv when it is on this machine
// ($SEV_SNP_MEASURE, else /opt/sev-snp-measure/sev-snp-measure.py: a `git archive` of its source run with Debian's
// python3 + python3-cryptography); without it that row says "not measured" (no number).
// Usage: node bench/measure-ovmf.mjs [iterations]   (needs `npm run build:cli` and the corpus)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianOf, record, row, timings } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FUKISCOPE_CORPUS ?? resolve(root, '../shared/corpus');
const cli = resolve(root, 'bin/fukiscope.mjs');
const iterations = Number(process.argv[2] ?? 15);

if (!existsSync(resolve(root, 'dist-cli/fukiscope.mjs'))) throw new Error('run `npm run build:cli` first');
const manifest = JSON.parse(readFileSync(resolve(corpus, 'manifest.json'), 'utf8'));
const c = manifest.ovmf_measure.find((x) => x.params.mode === 'snp' && x.params.kernel && x.params.initrd && x.expected);
if (!c) throw new Error('no SNP case with kernel + initrd in the corpus');
const path = (p) => resolve(corpus, p);
const ours = ['measure-ovmf', ...c.argv.filter((a) => a !== '--dump-vmsa').map((a, i, all) => (['--ovmf', '--kernel', '--initrd'].includes(all[i - 1]) ? path(a) : a))];
const p = c.params;

// Node 20 reads and parses the whole NODE_EXTRA_CA_CERTS bundle at every start-up, before any script runs: on the
// 2-core bench machine, which sets it, a `node -e 0` took 122.5 ms with it and 44.8 ms without (median of 21
// interleaved, issue 16). That is the environment's cost, not the command's (measure-ovmf opens no TLS connection),
// so the node processes of the rows run without it; the whole-process comparison with it set is recorded beside them.
const extraCa = process.env.NODE_EXTRA_CA_CERTS;
const nodeEnv = { ...process.env };
delete nodeEnv.NODE_EXTRA_CA_CERTS;
const caNote = extraCa ? `node processes run without NODE_EXTRA_CA_CERTS (${extraCa}), which this machine sets and Node parses at every start-up` : '';
const run = (cmd, args, o = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], env: nodeEnv, ...o });

const out = execFileSync(process.execPath, [cli, ...ours], { encoding: 'utf8', env: nodeEnv }).trim();
if (out !== c.expected) throw new Error(`digest mismatch: ${out} vs ${c.expected}`);

// Interleaved (ours, openssl, bare node in turn), so that a load drift hits all three alike.
const oursRuns = [];
const opensslRuns = [];
const nodeRuns = [];
for (let i = 0; i < iterations; i++) {
  oursRuns.push(timings(() => run(process.execPath, [cli, ...ours]), 1).median);
  opensslRuns.push(
    timings(() => {
      run('openssl', ['dgst', '-sha384', path(p.ovmf.path)]);
      run('openssl', ['dgst', '-sha256', path(p.kernel.path), path(p.initrd.path)]);
    }, 1).median,
  );
  nodeRuns.push(timings(() => run(process.execPath, ['-e', '0']), 1).median);
}
const oursMs = medianOf(oursRuns);
const opensslMs = medianOf(opensslRuns);
const nodeMs = medianOf(nodeRuns);
const mib = (readFileSync(path(p.ovmf.path)).length + readFileSync(path(p.kernel.path)).length + readFileSync(path(p.initrd.path)).length) / 2 ** 20;
console.log(`case ${c.id}: ${mib.toFixed(1)} MiB input, median of ${iterations} interleaved runs (process start included in both)`);
console.log(`fukiscope measure-ovmf       ${oursMs.toFixed(1)} ms`);
console.log(`openssl sha384 + sha256      ${opensslMs.toFixed(1)} ms`);
console.log(`ratio fukiscope / openssl    ${(oursMs / opensslMs).toFixed(2)}`);
console.log(`(bare \`node -e 0\` start-up: ${nodeMs.toFixed(1)} ms of the fukiscope time)`);
if (caNote) console.log(`(${caNote})`);
record(
  row({ name: 'cli measure-ovmf (snp, kernel + initrd) vs openssl over the same bytes, whole processes', value: oursMs, unit: 'ms', baseline: opensslMs, baselineName: 'openssl sha384 + sha256', note: caNote || undefined }),
  row({ name: 'cli measure-ovmf minus node start-up vs openssl over the same bytes', value: oursMs - nodeMs, unit: 'ms', baseline: opensslMs, baselineName: 'openssl sha384 + sha256', target: { ratio: 1.3 }, note: caNote || undefined }),
);

// sev-snp-measure, whole process against whole process (median of 9 each, interleaved so load drifts hit both).
const SSM_DEFAULT = '/opt/sev-snp-measure/sev-snp-measure.py';
const ssmPath = process.env.SEV_SNP_MEASURE || (existsSync(SSM_DEFAULT) ? SSM_DEFAULT : '');
const ssmName = 'cli measure-ovmf vs sev-snp-measure on the same inputs, whole processes';
if (!ssmPath) {
  console.log('sev-snp-measure: not on this machine (set SEV_SNP_MEASURE): row recorded as not measured');
  record({ ...row({ name: ssmName, value: null, unit: 'ms', baselineName: 'sev-snp-measure', note: 'not measured: sev-snp-measure not installed' }), target: 'ratio <= 0.7', met: null });
} else {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const ssm = ssmPath.endsWith('.py') ? [python, ssmPath] : [ssmPath];
  const theirArgs = c.argv.filter((a) => a !== '--dump-vmsa').map((a, i, all) => (['--ovmf', '--kernel', '--initrd'].includes(all[i - 1]) ? path(a) : a));
  const cwd = mkdtempSync(resolve(tmpdir(), 'fukiscope-ssm-bench-'));
  try {
    const theirs = execFileSync(ssm[0], [...ssm.slice(1), ...theirArgs], { cwd, encoding: 'utf8' }).trim();
    if (theirs !== c.expected) throw new Error(`sev-snp-measure printed ${theirs}, the corpus expects ${c.expected}`);
    const a = [];
    const b = [];
    const withCa = [];
    for (let i = 0; i < 9; i++) {
      a.push(timings(() => run(process.execPath, [cli, ...ours]), 1).median);
      b.push(timings(() => run(ssm[0], [...ssm.slice(1), ...theirArgs], { cwd, env: process.env }), 1).median);
      if (extraCa) withCa.push(timings(() => run(process.execPath, [cli, ...ours], { env: process.env }), 1).median);
    }
    const med = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
    const commit = existsSync(resolve(dirname(ssmPath), 'COMMIT')) ? readFileSync(resolve(dirname(ssmPath), 'COMMIT'), 'utf8').trim() : 'unknown commit';
    const command = [...ssm, ...theirArgs].join(' ');
    console.log(`sev-snp-measure (${commit}): ${command}`);
    console.log(`fukiscope ${med(a).toFixed(1)} ms vs sev-snp-measure ${med(b).toFixed(1)} ms (median of 9, same digest ${theirs.slice(0, 16)}…)`);
    // The floor of this row: a bare `node -e 0` (measured above, in this run) against the same sev-snp-measure median.
    const nodeShare = nodeMs / med(b);
    console.log(`bare node -e 0 alone is ${nodeShare.toFixed(2)}x sev-snp-measure`);
    record(row({ name: ssmName, value: med(a), unit: 'ms', baseline: med(b), baselineName: 'sev-snp-measure', target: { ratio: 0.7 }, note: `sev-snp-measure ${commit}: ${command}; a bare \`node -e 0\` (${nodeMs.toFixed(1)} ms) is ${nodeShare.toFixed(2)}x sev-snp-measure in this run${caNote ? `; ${caNote}` : ''}` }));
    if (extraCa) {
      console.log(`with NODE_EXTRA_CA_CERTS set, as this machine has it: fukiscope ${med(withCa).toFixed(1)} ms (${(med(withCa) / med(b)).toFixed(2)}x)`);
      record(row({ name: `${ssmName}, with this machine's NODE_EXTRA_CA_CERTS set`, value: med(withCa), unit: 'ms', baseline: med(b), baselineName: 'sev-snp-measure', note: `the same runs with NODE_EXTRA_CA_CERTS=${extraCa}, which Node 20 parses at every start-up; no target: the row above is the comparison` }));
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

// Benchmark: `fukiscope compose` (OVMF.amdsev.fd + kernel + initrd + cmdline → IGVM + receipt) against the hashing
// it cannot avoid, done by OpenSSL in the same run: SHA-384 over the firmware (page contents) and SHA-256 over the
// kernel and initrd (kernel-hashes table), plus SHA-256/384 over the inputs for the receipt.
// Usage: node bench/compose.mjs [iterations]   (needs `npm run build:cli` and the corpus)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median as medianOf, record, row } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FUKISCOPE_CORPUS ?? resolve(root, '../shared/corpus');
const cli = resolve(root, 'bin/fukiscope.mjs');
const iterations = Number(process.argv[2] ?? 9);
const median = (fn) => medianOf(fn, iterations);
if (!existsSync(resolve(root, 'dist-cli/fukiscope.mjs'))) throw new Error('run `npm run build:cli` first');

const fw = resolve(corpus, 'inputs/ovmf/sid/OVMF.amdsev.fd');
const kernel = resolve(corpus, 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
const initrd = resolve(corpus, 'inputs/initrd/initrd-busybox.cpio.gz');
const out = mkdtempSync(join(tmpdir(), 'fuki-bench-'));
const args = [cli, 'compose', '--firmware', fw, '--kernel', kernel, '--initrd', initrd, '--cmdline', 'console=ttyS0',
  '--platform', 'snp', '--igvm-out', join(out, 'x.igvm'), '--receipt', join(out, 'r.json')];

const quiet = { stdio: ['ignore', 'pipe', 'ignore'] };
const oursMs = median(() => execFileSync(process.execPath, args, quiet));
const opensslMs = median(() => {
  execFileSync('openssl', ['dgst', '-sha384', fw, kernel, initrd], quiet);
  execFileSync('openssl', ['dgst', '-sha256', fw, kernel, initrd], quiet);
});
const nodeMs = median(() => execFileSync(process.execPath, ['-e', '0'], quiet));
console.log(`compose (OVMF.amdsev + 13.5 MiB kernel + busybox initrd), median of ${iterations} runs, process start included`);
console.log(`fukiscope compose            ${oursMs.toFixed(1)} ms`);
console.log(`openssl sha384 + sha256      ${opensslMs.toFixed(1)} ms`);
console.log(`ratio fukiscope / openssl    ${(oursMs / opensslMs).toFixed(2)}`);
console.log(`(bare \`node -e 0\` start-up: ${nodeMs.toFixed(1)} ms of the fukiscope time)`);
record(row({ name: 'cli compose (OVMF.amdsev + kernel + initrd) vs openssl over the inputs, whole processes', value: oursMs, unit: 'ms', baseline: opensslMs, baselineName: 'openssl sha384 + sha256' }));

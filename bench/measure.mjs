// Benchmark: `fukiscope measure` (SNP launch digest, igvm profile) on the largest corpus IGVM against the physical
// floor, `openssl dgst -sha384` over the same bytes, in the same run; then, in-process, where the time goes (parse vs
// measure) and an incremental one-byte page change + recompute on a 16 MiB IGVM built with the codec's builder.
// Usage: npm run build:cli && node bench/measure.mjs [repetitions]   (needs the corpus; wall times are not asserted)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { record, row, timings } from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.FUKISCOPE_CORPUS ?? resolve(root, '../shared/corpus');
const cli = resolve(root, 'bin/fukiscope.mjs');
const reps = Number(process.argv[2] ?? 9);
const REL = 'igvm/igvmgen/snp-x64-vtl0.igvm';

if (!existsSync(resolve(root, 'dist-cli/fukiscope.mjs'))) throw new Error('run `npm run build:cli` first');
const manifest = JSON.parse(readFileSync(resolve(corpus, 'manifest.json'), 'utf8'));
const entry = manifest.igvm.find((e) => e.path === REL);
const file = resolve(corpus, REL);

const stats = (fn, n = reps) => timings(fn, n);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });

// 1. The CLI against OpenSSL, both as whole processes (start-up included in both).
const out = JSON.parse(execFileSync(process.execPath, [cli, 'measure', file, '--platform', 'snp', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).platforms[0].digest;
const want = entry.measurements.SEV_SNP.snp_launch_digest.value.toLowerCase();
if (out !== want) throw new Error(`digest mismatch: ${out} vs ${want}`);
const ours = stats(() => run(process.execPath, [cli, 'measure', file, '--platform', 'snp']));
const openssl = stats(() => run('openssl', ['dgst', '-sha384', file]));
const node = stats(() => run(process.execPath, ['-e', '0']));
const mib = entry.size / 2 ** 20;
console.log(`${REL}: ${mib.toFixed(1)} MiB, ${reps} repetitions (median / min, process start-up included in both)`);
console.log(`fukiscope measure --platform snp   ${ours.median.toFixed(1)} / ${ours.min.toFixed(1)} ms`);
console.log(`openssl dgst -sha384               ${openssl.median.toFixed(1)} / ${openssl.min.toFixed(1)} ms`);
console.log(`ratio (median)                     ${(ours.median / openssl.median).toFixed(2)}x   (target <= 1.5x)`);
console.log(`bare \`node -e 0\` start-up          ${node.median.toFixed(1)} ms`);
record(
  row({ name: 'cli measure 14 MiB IGVM (snp) vs openssl dgst -sha384, whole processes', value: ours.median, unit: 'ms', baseline: openssl.median, baselineName: 'openssl dgst -sha384' }),
  row({ name: 'node -e 0 start-up', value: node.median, unit: 'ms' }),
);

// 2. In-process: the core (codec + measurement) bundled for Node, hashing through node:crypto like the CLI.
const outDir = resolve(root, '.bench-build');
await build({
  input: {
    igvm: resolve(root, 'src/core/igvm/index.ts'),
    measure: resolve(root, 'src/core/measure/index.ts'),
    nodehash: resolve(root, 'src/cli/node-hash.ts'),
  },
  platform: 'node',
  logLevel: 'silent',
  output: { dir: outDir, format: 'esm', entryFileNames: '[name].mjs' },
});
const imp = (n) => import(pathToFileURL(resolve(outDir, `${n}.mjs`)).href);
const [{ parseIgvm, IgvmBuilder }, m, { nodeHashBackend: hash }] = await Promise.all([imp('igvm'), imp('measure'), imp('nodehash')]);
const bytes = new Uint8Array(readFileSync(file));
const parse = stats(() => parseIgvm(bytes));
const parsed = parseIgvm(bytes).file;
const measure = stats(() => m.measureIgvm(parsed, { platforms: ['SEV_SNP'], hash }));
const { pages } = m.collectPagesToHash(m.snpOps(parsed, parsed.platforms[0], m.snpOptions('igvm')).ops);
const pageHash = stats(() => {
  for (const p of pages) hash.digest('sha384', p);
});
console.log(`in-process: parseIgvm ${parse.median.toFixed(1)} ms, measureIgvm ${measure.median.toFixed(1)} ms ` +
  `(of which ${pages.length} page SHA-384s ${pageHash.median.toFixed(1)} ms)`);
const opensslInProcess = stats(() => hash.digest('sha384', bytes));
record(row({ name: 'in-process parseIgvm + measureIgvm (snp), 14 MiB IGVM vs one node:crypto SHA-384 of the file', value: parse.median + measure.median, unit: 'ms', baseline: opensslInProcess.median, baselineName: 'node:crypto sha384 of the file' }));

// 3. Incremental: a 16 MiB IGVM (4096 distinct data pages + VMSA), one byte of one page changes.
const b = new IgvmBuilder();
const mask = b.platform({ type: 'SEV_SNP' });
b.guestPolicy(0x30000n, mask);
const payload = new Uint8Array(16 * 2 ** 20);
for (let i = 0; i < payload.length; i += 4) payload[i] = (i * 2654435761) >>> 24;
b.pages({ gpa: 0x100000n, mask, data: payload });
b.snpVpContext({ gpa: 0xfffffffff000n, mask, vmsa: new Uint8Array(4096) });
const big = b.build();
const bigFile = parseIgvm(big).file;
const full = stats(() => m.measureIgvm(bigFile, { platforms: ['SEV_SNP'], hash }), 5);
const chain = m.measureIgvm(bigFile, { platforms: ['SEV_SNP'], hash })[0].chain;
const mid = chain.length >> 1;
const page = new Uint8Array(chain.ops[mid].data);
let flip = 0;
const inc = stats(() => {
  page[100] = ++flip & 0xff;
  chain.updatePage(mid, page);
}, 21);
const check = m.SnpChain.measure(chain.ops, hash).digest;
if (Buffer.compare(Buffer.from(check), Buffer.from(chain.digest)) !== 0) throw new Error('incremental digest differs from a full recompute');
console.log(`16 MiB IGVM (${(big.length / 2 ** 20).toFixed(1)} MiB, ${chain.length} steps): full measure ${full.median.toFixed(1)} ms, ` +
  `one-byte change of step ${mid} + recompute ${inc.median.toFixed(2)} ms (re-chains ${chain.length - mid} steps, re-hashes 1 page)`);
record(row({ name: 'node: one-byte page change + recompute, 16 MiB IGVM (middle step)', value: inc.median, unit: 'ms', target: { below: 20 } }));

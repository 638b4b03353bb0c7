// Issue 11 item 9 in CI: every mutation family through the CLI commands in-process, FUZZ_CASES cases each (default
// 20,000; `npm run fuzz` runs 1,000,000 offline), with a per-case time budget and an RSS budget. Each family reports
// its cases, CPU time, slowest case and peak RSS, and the run ends with the totals. Seeds are small and built once
// per family, so a case costs 0.1-1.4 ms of CPU (≈ 110 s for the 11 families at 20,000; see the branch report).
import { afterAll, describe, expect, it } from 'vitest';
import { IgvmBuilder } from '../../core/igvm/builder';
import { exampleVmsa } from '../../core/measure/fixtures.test-util';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { composeSeeds } from './compose-seeds';
import { digestDespiteErrors, formatReport, fuzz, type FuzzReport } from './harness';
import { IGVM_FAMILIES, PE_FAMILIES } from './mutate';

const CASES = Number(process.env.FUZZ_CASES ?? 20_000);
/** Per-case budget in CPU ms: generous; the hostile-input tests hold the tight bounds. */
const CASE_MS = Number(process.env.FUZZ_CASE_MS ?? 1000);
/**
 * The composer within its documented limits is bigger work than any parse: a mutated 64 KiB firmware may declare a
 * 1 GiB SEV metadata section (262,144 pages, compose-large.test.ts) or 64 MiB of TDVF MR.EXTEND memory
 * (tdvfExtendRefusal), ~1-2 s of CPU and ~300 MiB for the IGVM it builds (see the branch report).
 */
const COMPOSE_CASE_MS = Math.max(CASE_MS, 5000);
const COMPOSE_RSS = 768 * 2 ** 20;
/** FUZZ_ONLY=<index>: replay one case of each family (the cases before it are generated, not run). */
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);

/** A small IGVM with every structure the engines read: SNP + TDX, data/zero/unmeasured pages, a parameter area, a VMSA. */
function igvmSeed(v2 = false): Uint8Array {
  const b = new IgvmBuilder({ formatVersion: v2 ? 2 : 1 });
  const snp = b.platform({ type: 'SEV_SNP' });
  const tdx = b.platform({ type: 'TDX' });
  b.guestPolicy(0x30000n, snp);
  const page = (n: number) => new Uint8Array(4096).map((_, i) => (i * n) & 0xff);
  b.page({ gpa: 0x1000, mask: snp | tdx, data: page(3) });
  b.page({ gpa: 0x2000, mask: snp | tdx });
  b.page({ gpa: 0x3000, mask: snp, data: page(5), flags: { unmeasured: true } });
  b.page({ gpa: 0x4000, mask: snp, dataType: 'SECRETS' });
  const area = b.parameterArea({ size: 4096 });
  b.parameter('VpCount', area, 0);
  b.parameterInsert({ gpa: 0x8000, mask: snp | tdx, index: area });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask: snp, vmsa: exampleVmsa() });
  return b.build();
}

const PE_SEEDS = ['pe/addon-262-cmdline.addon.efi', 'pe/addon-257-cmdline.addon.efi', 'pe/profile1-262.efi'];

const reports: FuzzReport[] = [];
afterAll(() => {
  if (reports.length === 0) return;
  const slowest = reports.reduce((a, r) => (r.slowest.ms > a.slowest.ms ? r : a));
  console.log(
    `fuzz total: ${reports.length} families, ${reports.reduce((n, r) => n + r.cases, 0)} cases, ` +
      `${(reports.reduce((n, r) => n + r.cpuMs, 0) / 1000).toFixed(1)} s CPU, slowest ${slowest.kind} ${slowest.family} #${slowest.slowest.index} ` +
      `(${slowest.slowest.command.slice(0, 200)}) ${slowest.slowest.ms.toFixed(1)} ms, peak RSS ${(Math.max(...reports.map((r) => r.peakRssBytes)) / 2 ** 20).toFixed(0)} MiB, ` +
      `${reports.reduce((n, r) => n + r.digestWithErrors, 0)} digests despite errors`,
  );
});

/**
 * Whether `measure` already withholds digests of damaged inputs (the trust branch wires digestBlocker into the CLI).
 * Until it does, the count of digests given despite errors is reported, and asserted to be 0 once it does.
 */
async function cliWithholds(): Promise<boolean> {
  const damaged = igvmSeed();
  damaged[20]! ^= 0xff; // checksum: IGVM_BAD_CHECKSUM, an error
  const { COMMANDS } = await import('../commands');
  const cmd = await COMMANDS.measure!.load();
  let out = '';
  await cmd.run(['A', '--json'], { out: (t) => (out += t), err: () => {}, readFile: () => damaged as never, writeFile: () => {} });
  return !digestDespiteErrors(out);
}

function check(r: FuzzReport, withholds: boolean): void {
  reports.push(r);
  console.log(formatReport(r));
  expect(r.failures, JSON.stringify(r.failures.slice(0, 3), null, 1)).toEqual([]);
  expect(r.cases).toBe(ONLY === undefined ? CASES : 1);
  if (withholds) expect(r.digestWithErrors, 'digests given for inputs with error diagnostics').toBe(0);
  else if (r.digestWithErrors > 0) console.warn(`${r.family}: ${r.digestWithErrors} digests given despite errors (CLI does not withhold yet)`);
}

describe('fuzz: IGVM mutations through inspect, measure, diff (issue 11)', () => {
  for (const family of IGVM_FAMILIES)
    it(family, async () => check(await fuzz({ kind: 'igvm', family, seeds: [igvmSeed(), igvmSeed(true)], cases: CASES, caseMs: CASE_MS, only: ONLY }), await cliWithholds()), 600_000);
});

describe.skipIf(!corpusAvailable())('fuzz: the composer\'s settings and files through compose and uki build (issue 11)', () => {
  it('compose', async () => check(await fuzz({ kind: 'compose', family: 'compose', composeSeeds: await composeSeeds(), cases: CASES, caseMs: COMPOSE_CASE_MS, rssBytes: process.memoryUsage.rss() + COMPOSE_RSS, caseRssBytes: COMPOSE_RSS, only: ONLY }), true), 600_000);
});

describe.skipIf(!corpusAvailable())('fuzz: PE mutations through pe, inspect, diff (issue 11)', () => {
  for (const family of PE_FAMILIES)
    it(family, async () => check(await fuzz({ kind: 'pe', family, seeds: PE_SEEDS.map((p) => readCorpus(p)), cases: CASES, caseMs: CASE_MS, only: ONLY }), true), 600_000);
});

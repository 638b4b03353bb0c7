import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest } from '../../test-support/corpus';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const igvm = (rel: string): any => manifest().igvm.find((e: { path: string }) => e.path === rel);

describe.skipIf(!corpusAvailable())('fukiscope measure', () => {
  it('prints one lowercase digest per platform (lib-multi: SNP, TDX, VBS)', async () => {
    const rel = 'igvm/igvm-crate/lib-multi.igvm';
    const io = captureIo();
    expect(await main(['measure', corpusPath(rel)], io)).toBe(0);
    const m = igvm(rel).measurements;
    expect(io.stdout).toContain(m.SEV_SNP.snp_launch_digest.value.toLowerCase());
    expect(io.stdout).toContain(m.TDX.tdx_mrtd.value.toLowerCase());
    expect(io.stdout).toContain(m.VSM_ISOLATION.vbs_boot_digest.value.toLowerCase());
  });

  it('--platform prints the same labelled line as without it; --json carries steps and ledger', async () => {
    const rel = 'igvm/igvm-crate/rich-v1.igvm';
    const io = captureIo();
    expect(await main(['measure', corpusPath(rel), '--platform', 'tdx'], io)).toBe(0);
    const tdx = igvm(rel).measurements.TDX.tdx_mrtd.value.toLowerCase();
    expect(io.stdout).toBe(`TDX (mask 0x2, tdx-mrtd, order single-pass): ${tdx}\n`);
    const all = captureIo();
    expect(await main(['measure', corpusPath(rel)], all)).toBe(0);
    expect(all.stdout.split('\n')).toContain(io.stdout.trimEnd());
    const j = captureIo();
    expect(await main(['measure', corpusPath(rel), '--platform', 'snp', '--ledger', '--json'], j)).toBe(0);
    const out = JSON.parse(j.stdout);
    const snp = out.platforms[0];
    expect(snp.digest).toBe(igvm(rel).measurements.SEV_SNP.snp_launch_digest.value.toLowerCase());
    // Identical consecutive steps share one entry (count); the entries still cover every step, in order.
    let next = 0;
    for (const e of snp.ledger as { step: number; count?: number }[]) {
      expect(e.step).toBe(next);
      next += e.count ?? 1;
    }
    expect(next).toBe(snp.steps);
    expect(snp.ledger.at(-1).value).toBe(snp.digest);
    expect(snp.runs.reduce((n: number, r: { count: number }) => n + r.count, 0)).toBe(snp.steps);
  });

  it('--format igvmmeasure prints exactly igvmmeasure output and checks the ID block', async () => {
    const rel = 'igvm/igvmgen/snp-x86-vtl2.igvm';
    const path = corpusPath(rel);
    const io = captureIo();
    expect(await main(['measure', path, '--format', 'igvmmeasure'], io)).toBe(0);
    const hex = igvm(rel).producer.tool_reported_snp_measurement.toUpperCase();
    const bar = '='.repeat(111);
    expect(io.stdout).toBe(`\n${bar}\nigvmmeasure '${path}'\nLaunch Digest: ${hex}\n${bar}\n\n`);
    const bare = captureIo();
    expect(await main(['measure', path, '--format', 'igvmmeasure', '--bare'], bare)).toBe(0);
    expect(bare.stdout).toBe(hex + '\n');
    // native-zero changes the digest, so the ID block no longer matches: igvmmeasure's failure.
    const nz = captureIo();
    expect(await main(['measure', path, '--format', 'igvmmeasure', '--profile', 'native-zero', '--bare'], nz)).toBe(1);
    expect(nz.stderr).toContain(`does not match the expected measurement in the ID block. \nExpected: ${hex}`);
    const ignored = captureIo();
    expect(await main(['measure', path, '--format', 'igvmmeasure', '--profile', 'native-zero', '-b', '-i'], ignored)).toBe(0);
  });

  it('--format igvmmeasure --verbose prints the coalesced page log before the digest', async () => {
    const rel = 'igvm/igvm-crate/rich-v1.igvm';
    const io = captureIo();
    expect(await main(['measure', corpusPath(rel), '--format', 'igvmmeasure', '--verbose', '--bare'], io)).toBe(0);
    const lines = io.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^[0-9A-F]{96}$/);
    const log = lines.slice(0, -1);
    expect(log.length).toBeGreaterThan(3);
    for (const l of log) expect(l).toMatch(/^gpa 0x[0-9a-f]+ len 0x[0-9a-f]+ \((Normal|Unmeasured|Zero|Secrets|Cpuid|VMSA) page\)$/);
    expect(log).toContain('gpa 0x30000 len 0x1000 (Secrets page)');
    expect(log.at(-1)).toBe('gpa 0xfffffffff000 len 0x1000 (VMSA page)');
  });

  it('--check-kvm reports igvmgen VMSA placement as a KVM check failure', async () => {
    const io = captureIo();
    expect(await main(['measure', corpusPath('igvm/igvmgen/snp-x64-vtl0.igvm'), '--format', 'igvmmeasure', '--check-kvm'], io)).toBe(1);
    expect(io.stderr).toMatch(/^Error: KVM Check failed: InvalidVmsaGpa/);
    expect(io.stdout).toBe('');
  });

  it('rejects bad options with usage errors', async () => {
    const io = captureIo();
    expect(await main(['measure', 'x.igvm', '--profile', 'qemu'], io)).toBe(2);
    expect(io.stderr).toContain('--profile must be one of');
    expect(await main(['measure', 'x.igvm', '--format', 'igvmmeasure', '--platform', 'tdx'], captureIo())).toBe(2);
  });

  it('fails on a file that is not IGVM', async () => {
    const io = captureIo({ 'junk.igvm': new Uint8Array(64) });
    expect(await main(['measure', 'junk.igvm'], io)).toBe(1);
  });
});

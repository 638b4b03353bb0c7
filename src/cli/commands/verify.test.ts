// `fukiscope verify` end to end on corpus evidence: JSON shape, exit codes, tampering, TDX collateral, launch
// comparison and the mismatch search (expected values from manifest.json only).
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { withMoreVmsas } from '../../test-support/more-vmsas';
import { toHex } from '../../core/bytes/bytes';
import { parseIgvm } from '../../core/igvm';
import { measureIgvm } from '../../core/measure/measure-igvm';

async function verify(args: string[], files: Record<string, Uint8Array> = {}) {
  const io = captureIo(files);
  const code = await main(['verify', ...args], io);
  return { code, io, json: args.includes('--json') && io.stdout ? JSON.parse(io.stdout) : undefined };
}

describe.runIf(corpusAvailable())('fukiscope verify', () => {
  const m = corpusAvailable() ? manifest() : ({} as Manifest);
  const snp = corpusAvailable() ? (m.attest.snp_reports as Manifest[]) : [];
  const tdx = corpusAvailable() ? (m.attest.tdx_quotes as Manifest[]) : [];

  it('verifies every corpus SNP report with its files (exit 0, JSON shape, manifest measurement)', async () => {
    for (const e of snp) {
      const r = await verify([
        corpusPath(e.path),
        '--certs',
        corpusPath(e.cert_chain),
        '--certs',
        corpusPath(e.signer_cert),
        '--at',
        e.valid_at,
        '--json',
      ]);
      expect(r.code, r.io.stdout).toBe(0);
      expect(r.json.kind).toBe('snp-report');
      expect(r.json.fields.measurement).toBe(e.fields.measurement);
      expect(r.json.checks.find((c: Manifest) => c.id === 'snp.signature').status).toBe('pass');
      expect(r.json.checks.every((c: Manifest) => ['pass', 'not-checked'].includes(c.status))).toBe(true);
      expect(r.json.match).toBeUndefined();
    }
  });

  it('a tampered report fails with exit 1 and names the failing check', async () => {
    const e = snp[0]!;
    const b = new Uint8Array(readCorpus(e.path));
    b[0x90] ^= 0x80;
    const r = await verify(
      [
        '/tmp/t.bin',
        '--certs',
        corpusPath(e.cert_chain),
        '--certs',
        corpusPath(e.signer_cert),
        '--at',
        e.valid_at,
        '--json',
      ],
      { '/tmp/t.bin': b },
    );
    expect(r.code).toBe(1);
    expect(r.json.checks.find((c: Manifest) => c.id === 'snp.signature').status).toBe('fail');
  });

  it('the TDX quote with its collateral is UpToDate (exit 0); quotes without collateral verify their chain', async () => {
    const e = tdx.find((x) => x.collateral)!;
    const r = await verify([corpusPath(e.path), '--collateral', corpusPath(e.collateral), '--json']);
    expect(r.code, r.io.stdout).toBe(0);
    expect(r.json.kind).toBe('tdx-quote');
    expect(r.json.fields.mrtd).toBe(e.fields.mrtd);
    expect(r.json.checks.find((c: Manifest) => c.id === 'tdx.tcb-status').detail).toMatch(
      new RegExp(`^${e.tcb_status}`),
    );
    for (const q of tdx) {
      const v = await verify([corpusPath(q.path), '--json']);
      expect(v.code, q.path).toBe(0);
      expect(v.json.fields.rtmr0).toBe(q.fields.rtmr0);
    }
  });

  it('compares a claimed measurement with an OVMF launch; --search finds the options of five cases', async () => {
    const cases = (m.ovmf_measure as Manifest[]).filter(
      (c) =>
        c.params.mode === 'snp' && c.expected && !c.params.kernel && c.params.ovmf.path.includes('amdsev'),
    );
    const pick = [
      'snp_amdsev_2vcpu_EPYC-v4',
      'snp_amdsev_4vcpu_EPYC-v4',
      'snp_amdsev_1vcpu_EPYC-Milan',
      'snp_amdsev_1vcpu_EPYC-v4_gf0x21',
      'snp_amdsev_2vcpu_EPYC-Milan_ec2',
    ].map((id) => cases.find((c) => c.id === id)!);
    expect(pick.every(Boolean)).toBe(true);
    for (const c of pick) {
      const r = await verify([
        '--measurement',
        c.expected,
        '--ovmf',
        corpusPath(c.params.ovmf.path),
        '--search',
        '--json',
      ]);
      expect(r.code, JSON.stringify(r.json?.search)).toBe(0);
      expect(r.json.match).toBe(true);
      const opts: string[] = r.json.search.options;
      expect(opts).toContain(`--vcpus=${c.params.vcpus}`);
      if (c.params.vmm_type) expect(opts).toContain(`--vmm-type=${c.params.vmm_type}`);
      if (c.params.guest_features) expect(opts).toContain(`--guest-features=${c.params.guest_features}`);
      // The printed options reproduce the value with measure-ovmf.
      const io = captureIo();
      expect(
        await main(['measure-ovmf', '--mode', 'snp', '--ovmf', corpusPath(c.params.ovmf.path), ...opts], io),
      ).toBe(0);
      expect(io.stdout.trim()).toBe(c.expected);
    }
    const random = 'a5'.repeat(48);
    const r = await verify([
      '--measurement',
      random,
      '--ovmf',
      corpusPath(pick[0]!.params.ovmf.path),
      '--search',
      '--json',
    ]);
    expect(r.code).toBe(1);
    expect(r.json.match).toBe(false);
    expect(r.json.search.explanation).toMatch(/^none of \d+ candidates/);
  });

  it('given options that match pass; wrong ones fail with exit 1', async () => {
    const c = (m.ovmf_measure as Manifest[]).find((x) => x.id === 'snp_amdsev_2vcpu_EPYC-v4')!;
    const ok = await verify([
      '--measurement',
      c.expected,
      '--ovmf',
      corpusPath(c.params.ovmf.path),
      '--vcpus',
      '2',
      '--vcpu-type',
      'EPYC-v4',
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.json.match).toBe(true);
    const bad = await verify([
      '--measurement',
      c.expected,
      '--ovmf',
      corpusPath(c.params.ovmf.path),
      '--vcpus',
      '3',
      '--vcpu-type',
      'EPYC-v4',
      '--json',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.json.match).toBe(false);
  });

  it('compares a claimed measurement with an IGVM and names the profile', async () => {
    const g = (m.igvm as Manifest[]).find((x) => x.path.endsWith('lib-snp.igvm'))!;
    const d = g.measurements.SEV_SNP.snp_launch_digest.value;
    const r = await verify(['--measurement', d, '--igvm', corpusPath(g.path), '--json']);
    expect(r.code, r.io.stdout).toBe(0);
    expect(r.json.checks.find((c: Manifest) => c.id === 'launch.measurement').detail).toMatch(/--profile /);
    const wrong = await verify(['--measurement', 'ab'.repeat(48), '--igvm', corpusPath(g.path), '--json']);
    expect(wrong.code).toBe(1);
    const t = (m.igvm as Manifest[]).find((x) => x.path.endsWith('lib-tdx.igvm'))!;
    const rt = await verify([
      '--measurement',
      t.measurements.TDX.tdx_mrtd.value,
      '--igvm',
      corpusPath(t.path),
      '--json',
    ]);
    expect(rt.code, rt.io.stdout).toBe(0);
    expect(rt.json.kind).toBe('tdx-quote');
    expect(rt.json.checks.find((c: Manifest) => c.id === 'launch.mrtd').status).toBe('pass');
  });

  it('--igvm --search finds the vCPU count (VMSA replication) and the profile; --vcpus then matches', async () => {
    const g = (m.igvm as Manifest[]).find((x) => x.path.endsWith('rich-v1.igvm'))!;
    const file = parseIgvm(readCorpus(g.path)).file!;
    // The value a loader with 4 vCPUs measures: a file that really has the 3 extra VMSAs, measured in full.
    const target = toHex(
      measureIgvm(withMoreVmsas(file, 3).file, { platforms: ['SEV_SNP'], snpProfile: 'igvmmeasure' })[0]!
        .digest,
    );
    const plain = await verify(['--measurement', target, '--igvm', corpusPath(g.path), '--json']);
    expect(plain.code).toBe(1);
    const r = await verify(['--measurement', target, '--igvm', corpusPath(g.path), '--search', '--json']);
    // The file as given does not match (exit 1); the search says which launch of it does.
    expect(r.code, r.io.stdout).toBe(1);
    expect(r.json.checks.find((c: Manifest) => c.id === 'launch.search').status).toBe('pass');
    expect(r.json.match, 'failed as given: no match, though the search found options').toBe(false);
    expect(r.json.search.options).toEqual(['--profile igvmmeasure', '--vcpus 4']);
    const again = await verify([
      '--measurement',
      target,
      '--igvm',
      corpusPath(g.path),
      '--profile',
      'igvmmeasure',
      '--vcpus',
      '4',
      '--json',
    ]);
    expect(again.code, again.io.stdout).toBe(0);
    expect(again.json.checks.find((c: Manifest) => c.id === 'launch.measurement').detail).toMatch(
      /--profile igvmmeasure --vcpus 4/,
    );
    const none = await verify([
      '--measurement',
      'cd'.repeat(48),
      '--igvm',
      corpusPath(g.path),
      '--search',
      '--json',
    ]);
    expect(none.code).toBe(1);
    expect(none.json.search.tried).toBe(none.json.search.total);
    expect(none.json.search.explanation).toMatch(/^none of \d+ candidates/);
    expect((await verify(['--measurement', target, '--igvm', corpusPath(g.path), '--vcpus', '0'])).code).toBe(
      2,
    );
  });

  it('usage errors and unreadable input exit 2', async () => {
    expect((await verify([])).code).toBe(2);
    expect((await verify(['--measurement', 'ab'.repeat(48)])).code).toBe(2);
    expect((await verify(['--bogus'])).code).toBe(2);
    expect((await verify(['/tmp/x.bin', '--json'], { '/tmp/x.bin': new Uint8Array(10) })).code).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { equalBytes } from '../../core/bytes/bytes';
import { parsePythonInt } from './measure-ovmf';

const PATH_OPTIONS = new Set(['--ovmf', '--kernel', '--initrd']);
/** sev-snp-measure's argv from the manifest, with corpus-relative paths made absolute. */
function ourArgv(argv: string[]): string[] {
  return argv.map((a, i) => (i > 0 && PATH_OPTIONS.has(argv[i - 1]!) ? corpusPath(a) : a));
}

describe.runIf(corpusAvailable())(
  'fukiscope measure-ovmf with sev-snp-measure argv (corpus ovmf_measure)',
  () => {
    const cases = corpusAvailable() ? (manifest().ovmf_measure as Manifest[]) : [];
    for (const c of cases) {
      it(c.id, async () => {
        const io = captureIo();
        const code = await main(['measure-ovmf', ...ourArgv(c.argv)], io);
        if (c.expected_error) {
          expect(code).toBe(1);
          expect(io.stdout).toBe('');
          expect(io.stderr).toContain(c.expected_error);
          return;
        }
        // EC2/GCE ignore the vCPU signature: that gets a warning, nothing else may be printed.
        if (c.params.vmm_type && c.params.vcpu_type) expect(io.stderr).toContain('CLASSIC_IGNORED_INPUT');
        else expect(io.stderr).toBe('');
        expect(code).toBe(0);
        expect(io.stdout).toBe(`${c.expected}\n`);
        for (const [i, dump] of ((c.vmsa_dumps ?? []) as Manifest[]).entries()) {
          expect(equalBytes(io.written[`vmsa${i}.bin`] as Uint8Array, readCorpus(dump.path))).toBe(true);
        }
        if (!c.argv.includes('--dump-vmsa')) expect(io.written).toEqual({});
      });
    }
    it('--json, --verbose, base64 and the ledger', async () => {
      const c = cases.find((x) => x.params.mode === 'snp' && x.params.kernel && !x.expected_error)!;
      const io = captureIo();
      expect(
        await main(
          ['measure-ovmf', ...ourArgv(c.argv).filter((a) => a !== '--dump-vmsa'), '--json', '--ledger'],
          io,
        ),
      ).toBe(0);
      const j = JSON.parse(io.stdout);
      expect(j.digest).toBe(c.expected);
      expect(j.stepCounts['kernel-hashes']).toBe(1);
      expect(j.steps.length).toBeGreaterThan(1000);
      expect(j.steps[j.steps.length - 1].digest).toBe(c.expected);
      const io2 = captureIo();
      await main(
        [
          'measure-ovmf',
          ...ourArgv(c.argv).filter((a) => a !== '--dump-vmsa'),
          '-v',
          '--output-format',
          'base64',
        ],
        io2,
      );
      expect(io2.stdout).toBe(
        `Calculated SEV_SNP guest measurement: ${Buffer.from(c.expected, 'hex').toString('base64')}\n`,
      );
    });
    it('--snp-ovmf-hash continues from the snp:ovmf-hash output', async () => {
      const seedCase = cases.find((x) => x.params.mode === 'snp:ovmf-hash')!;
      const io = captureIo();
      await main(['measure-ovmf', ...ourArgv(seedCase.argv)], io);
      expect(io.stdout).toBe(`${seedCase.expected}\n`);
      const plain = captureIo();
      await main(['measure-ovmf', ...ourArgv(seedCase.argv), '-v', '--output-format', 'base64'], plain);
      expect(plain.stdout).toBe(io.stdout);
      const snp = cases.find(
        (x) =>
          x.params.mode === 'snp' &&
          x.params.ovmf.path === seedCase.params.ovmf.path &&
          !x.params.kernel &&
          x.params.vcpus === 1,
      )!;
      const io2 = captureIo();
      expect(
        await main(
          [
            'measure-ovmf',
            ...ourArgv(snp.argv).filter((a) => a !== '--dump-vmsa'),
            '--snp-ovmf-hash',
            io.stdout.trim(),
          ],
          io2,
        ),
      ).toBe(0);
      expect(io2.stdout).toBe(`${snp.expected}\n`);
    });
  },
);

describe('fukiscope measure-ovmf option checks (as sev-snp-measure)', () => {
  const ovmf = corpusAvailable() ? corpusPath('inputs/ovmf/sid/OVMF.amdsev.fd') : '/nonexistent';
  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await main(['measure-ovmf', ...args], io);
    return { code, ...io };
  };
  it('usage errors exit 2', async () => {
    expect((await run('--ovmf', ovmf)).stderr).toContain('--mode');
    const svsm = ['--mode', 'snp:svsm', '--vcpus', '1', '--vcpu-type', 'EPYC', '--ovmf', ovmf];
    expect((await run(...svsm)).stderr).toContain('snp:svsm mode requires --vars-size or --vars-file');
    expect((await run(...svsm, '--vars-size', '4096')).stderr).toContain('snp:svsm mode requires --svsm');
    expect((await run(...svsm, '--vars-size', '4096', '--vars-file', ovmf)).stderr).toContain(
      'not allowed with',
    );
    expect((await run('--mode', 'bogus', '--ovmf', ovmf)).code).toBe(2);
    expect((await run('--mode', 'snp', '--ovmf', ovmf, '--vcpu-type', 'EPYC-v4')).stderr).toContain(
      "missing --vcpus N in guest mode 'snp'",
    );
    expect((await run('--mode', 'snp', '--vcpus', '1', '--vcpu-type', 'Pentium', '--ovmf', ovmf)).code).toBe(
      2,
    );
    expect(
      (await run('--mode', 'snp', '--vcpus', '1', '--vcpu-type', 'EPYC', '--vmm-type', 'xen', '--ovmf', ovmf))
        .stderr,
    ).toContain("unknown VMM type 'xen'");
    expect(
      (await run('--mode', 'snp', '--vcpus', '1', '--vcpu-type', 'EPYC', '--initrd', 'x', '--ovmf', ovmf))
        .stderr,
    ).toContain('--kernel required when using --initrd');
    expect((await run('--mode', 'sev', '--dump-vmsa', '--ovmf', ovmf)).code).toBe(2);
  });
  it.runIf(corpusAvailable())(
    'vcpu-family/model/stepping equals the named type; precedence warnings',
    async () => {
      const a = await run('--mode', 'snp', '--vcpus', '1', '--vcpu-type', 'EPYC-Milan', '--ovmf', ovmf);
      const b = await run(
        '--mode',
        'snp',
        '--vcpus',
        '1',
        '--vcpu-family',
        '25',
        '--vcpu-model',
        '1',
        '--vcpu-stepping',
        '1',
        '--ovmf',
        ovmf,
      );
      const c = await run(
        '--mode',
        'snp',
        '--vcpus',
        '1',
        '--vcpu-sig',
        '0xA00F11',
        '--vcpu-type',
        'EPYC-v4',
        '--ovmf',
        ovmf,
      );
      expect(a.code).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      expect(c.stdout).toBe(a.stdout);
      expect(c.stderr).toContain('--vcpu-sig takes precedence');
      const sev = await run('--mode', 'sev', '--vcpus', '4', '--ovmf', ovmf);
      expect(sev.code).toBe(0);
      expect(sev.stderr).toContain('CLASSIC_IGNORED_INPUT');
      const notSnp = await run(
        '--mode',
        'seves',
        '--vcpus',
        '1',
        '--vcpu-type',
        'EPYC',
        '--snp-ovmf-hash',
        '00'.repeat(48),
        '--ovmf',
        ovmf,
      );
      expect(notSnp.code).toBe(1);
      expect(notSnp.stderr).toContain('Error: SNP OVMF hash only works with SNP');
    },
  );
  it('Python int(x, 0) parsing', () => {
    expect(parsePythonInt('0x21', 'x')).toBe(0x21n);
    expect(parsePythonInt('33', 'x')).toBe(33n);
    expect(parsePythonInt('0b101', 'x')).toBe(5n);
    expect(parsePythonInt('0', 'x')).toBe(0n);
    expect(parsePythonInt('1_000', 'x')).toBe(1000n);
    expect(() => parsePythonInt('010', 'x')).toThrow();
    expect(() => parsePythonInt('0x', 'x')).toThrow();
    expect(() => parsePythonInt('abc', 'x')).toThrow();
  });
});

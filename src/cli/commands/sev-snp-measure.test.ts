// Differential: `fukiscope measure-ovmf` prints what virtee/sev-snp-measure prints, on every corpus ovmf_measure
// argv and on launch settings the corpus does not hold (vCPU counts and types, signatures, guest features, VMMs,
// SEV-ES with kernel hashes, base64 and verbose output). Both tools run on the same files in the same test.
// Opt-in: sev-snp-measure is not an npm package and CI does not have it; set SEV_SNP_MEASURE to its
// sev-snp-measure.py (e.g. /opt/sev-snp-measure/sev-snp-measure.py, a `git archive` of github.com/virtee/
// sev-snp-measure, run with Debian's python3 + python3-cryptography). Listed in ci-guard.ts OPT_IN_SUITES.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';
import { runSevSnpMeasure, sevSnpMeasureCommand } from '../../test-support/sev-snp-measure';

const cmd = sevSnpMeasureCommand();
const PATH_OPTIONS = new Set(['--ovmf', '--kernel', '--initrd']);
const absolute = (argv: string[]) => argv.map((a, i) => (i > 0 && PATH_OPTIONS.has(argv[i - 1]!) ? corpusPath(a) : a));

const AMDSEV = 'inputs/ovmf/sid/OVMF.amdsev.fd';
const KERNEL = ['--kernel', 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64', '--initrd', 'inputs/initrd/initrd-small.cpio.gz'];
/** Settings beyond the corpus cases (each an argv as sev-snp-measure takes it). */
const EXTRA: string[][] = [
  ['--mode', 'snp', '--vcpus=3', '--vcpu-type=EPYC-Genoa', '--ovmf', AMDSEV],
  ['--mode', 'snp', '--vcpus=8', '--vcpu-type=EPYC-Rome', '--ovmf', AMDSEV, ...KERNEL, '--append', 'root=/dev/sda ro'],
  ['--mode', 'snp', '--vcpus=2', '--vcpu-sig=0xa00f11', '--ovmf', AMDSEV],
  ['--mode', 'snp', '--vcpus=2', '--vcpu-family=26', '--vcpu-model=0', '--vcpu-stepping=0', '--ovmf', AMDSEV],
  ['--mode', 'snp', '--vcpus=4', '--vcpu-type=EPYC-Milan', '--vmm-type=gce', '--ovmf', AMDSEV],
  ['--mode', 'snp', '--vcpus=4', '--vmm-type=ec2', '--guest-features=0x21', '--ovmf', AMDSEV, ...KERNEL],
  ['--mode', 'seves', '--vcpus=3', '--vcpu-type=EPYC-Turin', '--ovmf', AMDSEV, ...KERNEL, '--append', 'quiet'],
  ['--mode', 'sev', '--ovmf', AMDSEV, '--kernel', KERNEL[1]!],
  ['--mode', 'snp', '--vcpus=1', '--vcpu-type=EPYC-v4', '--ovmf', AMDSEV, '-v', '--output-format', 'base64'],
];

const cwd = mkdtempSync(join(tmpdir(), 'fukiscope-ssm-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe.runIf(cmd && corpusAvailable())('measure-ovmf = sev-snp-measure (SEV_SNP_MEASURE)', () => {
  const corpusCases = corpusAvailable() ? (manifest().ovmf_measure as Manifest[]) : [];
  const cases = [
    ...corpusCases.map((c) => ({
      id: c.id as string,
      argv: (c.argv as string[]).filter((a) => a !== '--dump-vmsa'),
      refused: Boolean(c.expected_error),
    })),
    ...EXTRA.map((argv) => ({ id: argv.join(' '), argv, refused: false })),
  ];
  for (const c of cases) {
    it(c.id, async () => {
      const argv = absolute(c.argv);
      const theirs = runSevSnpMeasure(cmd!, argv, cwd);
      const io = captureIo();
      const code = await main(['measure-ovmf', ...argv], io);
      // Refused exactly where the corpus says sev-snp-measure refuses (every extra case is a valid launch).
      expect(theirs.status !== 0, theirs.stderr).toBe(c.refused);
      if (c.refused) {
        // sev-snp-measure refuses: so do we, with no digest.
        expect(code, theirs.stderr).not.toBe(0);
        expect(io.stdout).toBe('');
        return;
      }
      expect(code, io.stderr).toBe(0);
      expect(theirs.stdout).toMatch(/[0-9a-zA-Z+/=]{64}/);
      expect(io.stdout).toBe(theirs.stdout);
    });
  }
});

// Without sev-snp-measure the suite above is skipped; this placeholder says why in the report.
if (!cmd)
  describe('measure-ovmf = sev-snp-measure', () => {
    it.skip('needs SEV_SNP_MEASURE=/path/to/sev-snp-measure.py (not installed in CI)', () => {});
  });

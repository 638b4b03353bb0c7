// Issue 10 item 8: every usage error exits 2 with one line naming the command and pointing to its --help
// (unknown options included); `measure` points an OVMF image to measure-ovmf.
import { describe, expect, it } from 'vitest';
import { captureIo } from '../test-support/cli';
import { corpusAvailable, corpusPath } from '../test-support/corpus';
import { COMMANDS } from './commands';
import { main } from './main';

describe('usage errors', () => {
  it('an unknown option of every command: exit 2, one line, a pointer to --help', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const io = captureIo();
      expect(await main([name, '--no-such-option', 'x'], io), name).toBe(2);
      const lines = io.stderr.trimEnd().split('\n');
      expect(lines, name).toHaveLength(1);
      expect(lines[0], name).toMatch(new RegExp(`^fukiscope ${name}: .*--no-such-option.* \\(see \`fukiscope ${name} --help\`\\)$`));
      expect(io.stdout, name).toBe('');
    }
  });

  it('bad values and missing arguments: exit 2, one line', async () => {
    const cases: string[][] = [
      ['measure'],
      ['measure', 'x.igvm', '--profile', 'qemu'],
      ['measure', 'x.igvm', '--efifw-index', '1e1'],
      ['measure-ovmf', '--mode', 'snp'],
      ['measure-ovmf', '--mode', 'snp', '--ovmf', 'x', '--vcpus', ' 1'],
      ['tdx-mrtd', 'x', '--order', 'sideways'],
      ['compose', '--firmware', 'x', '--igvm-out', 'y', '--vcpus', '1e1'],
      ['compose', '--firmware', 'x', '--igvm-out', 'y', '--vcpus', ''],
      ['inspect'],
      ['diff', 'a'],
      ['pe'],
      ['uki'],
    ];
    for (const args of cases) {
      const io = captureIo();
      expect(await main(args, io), args.join(' ')).toBe(2);
      expect(io.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(io.stderr, args.join(' ')).toContain(`(see \`fukiscope ${args[0]} --help\`)`);
    }
  });

  it('an unknown command: exit 2, one line', async () => {
    const io = captureIo();
    expect(await main(['mesure', 'x'], io)).toBe(2);
    expect(io.stderr).toBe("fukiscope: unknown command 'mesure' (see `fukiscope --help`)\n");
  });

  it.skipIf(!corpusAvailable())('measure of an OVMF image points to measure-ovmf', async () => {
    const io = captureIo();
    expect(await main(['measure', corpusPath('inputs/ovmf/sid/OVMF.amdsev.fd')], io)).toBe(2);
    expect(io.stderr).toContain('fukiscope measure-ovmf');
    expect(io.stdout).toBe('');
  });
});

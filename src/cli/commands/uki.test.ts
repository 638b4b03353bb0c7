import { describe, expect, it } from 'vitest';
import { sha256Of } from '../../core/hash/hash';
import { toHex } from '../../core/bytes/bytes';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';

const entry = (p: string): Manifest => (manifest().pe as Manifest[]).find((e) => e.path === p)!;

describe.runIf(corpusAvailable())('fukiscope uki build', () => {
  it('rebuilds the corpus UKI byte for byte and reports its PCR 11', async () => {
    const io = captureIo();
    const code = await main(
      [
        'uki',
        'build',
        '--stub',
        corpusPath('inputs/stub/262/linuxx64.efi.stub'),
        '--linux',
        corpusPath('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
        '--initrd',
        corpusPath('inputs/initrd/initrd-small.cpio.gz'),
        '--cmdline',
        '@' + corpusPath('inputs/misc/cmdline.txt'),
        '--os-release',
        corpusPath('inputs/misc/os-release'),
        '--output',
        '/tmp/out.efi',
        '--json',
      ],
      io,
    );
    expect(code).toBe(0);
    const out = io.written['/tmp/out.efi'] as Uint8Array;
    const e = entry('pe/uki-262.efi');
    expect(toHex(sha256Of(out))).toBe(e.sha256);
    const j = JSON.parse(io.stdout);
    expect(j.pcr11[0].phases['enter-initrd'].sha256).toBe(e.pcr11['enter-initrd'].sha256);
    expect(j.uki.uname).toBe(e.ukify_inspect['.uname'].text);
  });

  it('builds the FUKI with --efifw and an add-on with --addon', async () => {
    const io = captureIo();
    const fw = corpusPath('inputs/ovmf/sid/OVMF.amdsev.fd');
    expect(
      await main(
        [
          'uki',
          'build',
          '--stub',
          corpusPath('inputs/stub/262/linuxx64.efi.stub'),
          '--linux',
          corpusPath('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
          '--cmdline',
          'console=ttyS0',
          '--efifw',
          `ovmf-amdsev:${fw}`,
          '--output',
          '/tmp/fuki.efi',
        ],
        io,
      ),
    ).toBe(0);
    expect(io.stdout).toContain('efifw: ovmf-amdsev');
    expect(io.stdout).toContain('(stub, with .efifw)');
    const a = captureIo();
    expect(
      await main(
        [
          'uki',
          'build',
          '--addon',
          '--stub',
          corpusPath('inputs/stub/262/addonx64.efi.stub'),
          '--cmdline',
          '@' + corpusPath('inputs/misc/addon-cmdline.txt'),
          '--output',
          '/tmp/a.efi',
        ],
        a,
      ),
    ).toBe(0);
    expect(toHex(sha256Of(a.written['/tmp/a.efi'] as Uint8Array))).toBe(
      entry('pe/addon-262-cmdline.addon.efi').sha256,
    );
  });

  it('usage errors and build errors', async () => {
    expect(await main(['uki'], captureIo())).toBe(2);
    expect(await main(['uki', 'build', '--stub', 'x'], captureIo())).toBe(2);
    expect(await main(['uki', 'build', '--stub', 'x', '--output', 'y'], captureIo())).toBe(2);
    expect(
      await main(
        [
          'uki',
          'build',
          '--addon',
          '--stub',
          corpusPath('inputs/stub/262/addonx64.efi.stub'),
          '--efifw',
          'bad',
          '--output',
          'y',
        ],
        captureIo(),
      ),
    ).toBe(2);
    const signed = captureIo();
    expect(
      await main(
        [
          'uki',
          'build',
          '--stub',
          corpusPath('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
          '--linux',
          corpusPath('inputs/misc/cmdline.txt'),
          '--output',
          'y',
        ],
        signed,
      ),
    ).toBe(1);
    expect(signed.stderr).toContain('PE_EDIT_SIGNED');
  });
});

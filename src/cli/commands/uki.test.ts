import { describe, expect, it } from 'vitest';
import { sha256Of } from '../../core/hash/hash';
import { toHex } from '../../core/bytes/bytes';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { forgeSignedPe } from '../../test-support/forge';
import { readCorpus } from '../../test-support/corpus';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';

const entry = (p: string): Manifest => (manifest().pe as Manifest[]).find((e) => e.path === p)!;
const c = corpusPath;
const build = async (args: string[], io = captureIo()) => ({
  code: await main(['uki', 'build', ...args], io),
  io,
});
const UKI_STUB = ['--stub', c('inputs/stub/262/linuxx64.efi.stub')];
const ADDON_STUB = ['--addon', '--stub', c('inputs/stub/262/addonx64.efi.stub')];
const KERNEL = ['--linux', c('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64')];
const digest = (io: ReturnType<typeof captureIo>, p: string): string =>
  toHex(sha256Of(io.written[p] as Uint8Array));

describe.runIf(corpusAvailable())('fukiscope uki build', () => {
  it('rebuilds the corpus UKI byte for byte and reports its PCR 11', async () => {
    const { code, io } = await build([
      ...UKI_STUB,
      ...KERNEL,
      ...[
        '--initrd',
        c('inputs/initrd/initrd-small.cpio.gz'),
        '--cmdline',
        '@' + c('inputs/misc/cmdline.txt'),
      ],
      ...['--os-release', c('inputs/misc/os-release'), '--output', '/tmp/out.efi', '--json'],
    ]);
    expect(code).toBe(0);
    const e = entry('pe/uki-262.efi');
    expect(digest(io, '/tmp/out.efi')).toBe(e.sha256);
    const j = JSON.parse(io.stdout);
    expect(j.pcr11[0].phases['enter-initrd'].sha256).toBe(e.pcr11['enter-initrd'].sha256);
    expect(j.uki.uname).toBe(e.ukify_inspect['.uname'].text);
    expect(j.uki.linux).toMatchObject({ release: j.uki.uname, machine: 'x86-64', signed: true });
    expect(j.uki.linux.signatures).toMatchObject([{ signer: expect.stringContaining('Debian Secure Boot'), matches: true }]);
  });

  it("gives the embedded kernel's signature the full three-check verdict (the signer too), in JSON and text", async () => {
    const kernel = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    // Untampered: every check passes, the signer's signature included (it read "not checked" before).
    const ok = await build([...UKI_STUB, ...KERNEL, '--output', '/tmp/k.efi', '--json']);
    expect(ok.code).toBe(0);
    const v = JSON.parse(ok.io.stdout).uki.linux.signatures[0].verdict;
    expect(v).toMatchObject({ covers: true, imageDigest: { status: 'pass' }, messageDigest: { status: 'pass' }, signerSignature: { status: 'pass' } });
    // Forged: .text tampered, SpcIndirectDataContent and messageDigest re-digested, so only the signer check can fail.
    const forged = forgeSignedPe(kernel, { redigestAttribute: true });
    const io = captureIo({ '/tmp/forged-vmlinuz': forged });
    const bad = await build([...UKI_STUB, '--linux', '/tmp/forged-vmlinuz', '--output', '/tmp/f.efi', '--json'], io);
    const fv = JSON.parse(bad.io.stdout).uki.linux.signatures[0].verdict;
    expect(fv).toMatchObject({ covers: false, imageDigest: { status: 'pass' }, messageDigest: { status: 'pass' }, signerSignature: { status: 'fail' } });
    const text = await build([...UKI_STUB, '--linux', '/tmp/forged-vmlinuz', '--output', '/tmp/f.efi'], captureIo({ '/tmp/forged-vmlinuz': forged }));
    expect(text.io.stdout).toMatch(/DOES NOT COVER/);
    expect(text.io.stdout).not.toMatch(/not-checked/);
  });

  it('builds the FUKI with --efifw and an add-on with --addon', async () => {
    const fw = c('inputs/ovmf/sid/OVMF.amdsev.fd');
    const fuki = await build([
      ...UKI_STUB,
      ...KERNEL,
      '--cmdline',
      'console=ttyS0',
      '--efifw',
      `ovmf-amdsev:${fw}`,
      '--output',
      '/tmp/f.efi',
    ]);
    expect(fuki.code).toBe(0);
    expect(fuki.io.stdout).toContain('efifw: ovmf-amdsev');
    expect(fuki.io.stdout).toContain('(stub, with .efifw)');
    const addon = await build([
      ...ADDON_STUB,
      '--cmdline',
      '@' + c('inputs/misc/addon-cmdline.txt'),
      '--output',
      '/tmp/a.efi',
    ]);
    expect(addon.code).toBe(0);
    expect(digest(addon.io, '/tmp/a.efi')).toBe(entry('pe/addon-262-cmdline.addon.efi').sha256);
  });

  it('builds a standalone profile PE with --profile', async () => {
    const e = entry('pe/profile1-262.efi');
    const [p] = e.ukify_inspect._profiles;
    const args = ['--stub', c('inputs/stub/262/addonx64.efi.stub'), '--profile', p['.profile'].text];
    const r = await build([...args, '--cmdline', p['.cmdline'].text, '--output', '/tmp/p.efi']);
    expect(r.code).toBe(0);
    expect(digest(r.io, '/tmp/p.efi')).toBe(e.sha256);
  });

  it('usage errors and build errors', async () => {
    expect(await main(['uki'], captureIo())).toBe(2);
    expect((await build(['--stub', 'x'])).code).toBe(2);
    expect((await build(['--stub', 'x', '--output', 'y'])).code).toBe(2);
    expect((await build([...ADDON_STUB, '--efifw', 'bad', '--output', 'y'])).code).toBe(2);
    expect((await build([...ADDON_STUB, ...KERNEL, '--output', 'y'])).code).toBe(2);
    const signed = await build([
      '--stub',
      c('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
      '--linux',
      c('inputs/misc/cmdline.txt'),
      '--output',
      'y',
    ]);
    expect(signed.code).toBe(1);
    expect(signed.io.stderr).toContain('PE_EDIT_SIGNED');
  });
});

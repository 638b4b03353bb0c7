import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, corpusPath, manifest, type Manifest } from '../../test-support/corpus';

const SECTIONS_ONLY = /^\(none\)/;

describe.runIf(corpusAvailable())('fukiscope pe --json (corpus pe entries)', () => {
  for (const e of corpusAvailable() ? (manifest().pe as Manifest[]) : []) {
    it(e.path, async () => {
      const io = captureIo();
      expect(await main(['pe', corpusPath(e.path), '--json'], io)).toBe(0);
      const j = JSON.parse(io.stdout);
      expect(j.sha256).toBe(e.sha256);
      if (e.pe_headers)
        expect(j.sections.map((s: Manifest) => [s.name, s.virtualSize, s.sha256])).toEqual(
          e.pe_headers.sections.map((s: Manifest) => [s.name, s.virtual_size, s.sha256_virtual_size_content]),
        );
      expect(j.authenticode.digests.sha256.pad8).toBe(e.authenticode.sha256['osslsigncode extract-data']);
      expect(j.authenticode.digests.sha256.none).toBe(e.authenticode.sha256['pesign -h']);
      expect(j.authenticode.digests.sha512.pad8).toBe(e.authenticode.sha512['osslsigncode extract-data']);
      const ossl = (e.signatures as Manifest[]).find((s) => s.tool === 'osslsigncode verify');
      expect(j.signatures.length).toBe(ossl ? 1 : 0);
      if (ossl) {
        expect(j.signatures[0].signer.subject).toBe(ossl.signer_subject);
        expect(j.signatures[0].matches).toBe(true);
        expect(j.signatures[0].verdict.covers).toBe(true);
        for (const check of ['imageDigest', 'messageDigest', 'signerSignature'])
          expect(j.signatures[0].verdict[check].status, check).toBe('pass');
      }
      if (e.pcr11) {
        const row = j.pcr11[0];
        for (const [key, banks] of Object.entries(e.pcr11 as Record<string, Record<string, string>>))
          expect(SECTIONS_ONLY.test(key) ? row.sections : row.phases[key]).toEqual(banks);
      }
      if (e.path.includes('efifw'))
        expect(j.pcr11.map((r: Manifest) => r.mode)).toEqual(['ukify', 'stub-with-efifw']);
    });
  }

  it('a UKI: the kernel in .linux has the kernel file’s Authenticode SHA-256 and Secure Boot signer', async () => {
    const kernel = (manifest().pe as Manifest[]).find((x) => String(x.path).includes('vmlinuz'))!;
    const ossl = (kernel.signatures as Manifest[]).find((s) => s.tool === 'osslsigncode verify')!;
    for (const uki of ['pe/uki-262.efi', 'pe/uki-262-efifw.efi']) {
      const io = captureIo();
      expect(await main(['pe', corpusPath(uki), '--json'], io)).toBe(0);
      const linux = JSON.parse(io.stdout).uki.linux;
      expect(linux.authenticodeSha256).toBe(kernel.authenticode.sha256['sbsign --detached']);
      expect(linux.signatures.map((g: Manifest) => [g.signer, g.matches, g.verdict.covers])).toEqual([
        [ossl.signer_subject, true, true],
      ]);
    }
    const t = captureIo();
    await main(['pe', corpusPath('pe/uki-262.efi')], t);
    expect(t.stdout).toContain(`kernel signature #0 by ${ossl.signer_subject}: covers the kernel`);
  });

  it('text output, options and errors', async () => {
    const io = captureIo();
    expect(await main(['pe', corpusPath('pe/uki-262.efi'), '--bank', 'sha256'], io)).toBe(0);
    expect(io.stdout).toContain('.linux');
    expect(io.stdout).toContain('enter-initrd:leave-initrd:sysinit:ready');
    expect(io.stdout).not.toMatch(/ready +sha1/);
    expect(io.stdout).toMatch(/ready +sha256/);
    expect(await main(['pe'], captureIo())).toBe(2);
    expect(await main(['pe', corpusPath('pe/uki-262.efi'), '--bank', 'md5'], captureIo())).toBe(2);
    const bad = captureIo();
    expect(await main(['pe', corpusPath('inputs/misc/cmdline.txt')], bad)).toBe(1);
    expect(bad.stderr).toContain('PE_NO_MZ');
  });
});

describe.runIf(corpusAvailable())('fukiscope pe --addon/--profile', () => {
  it('merges add-on command lines and lists PCR 12 events', async () => {
    const io = captureIo();
    const args = [
      'pe',
      corpusPath('pe/uki-262.efi'),
      '--addon',
      'global:' + corpusPath('pe/addon-262-cmdline-initrd.addon.efi'),
    ];
    expect(await main([...args, '--addon', corpusPath('pe/addon-262-cmdline.addon.efi'), '--json'], io)).toBe(
      0,
    );
    const j = JSON.parse(io.stdout);
    const text = (p: string, s: string) =>
      (manifest().pe as Manifest[]).find((e) => e.path === p)!.ukify_inspect[s].text;
    expect(j.boot.cmdline).toBe(
      [
        text('pe/uki-262.efi', '.cmdline'),
        text('pe/addon-262-cmdline-initrd.addon.efi', '.cmdline'),
        text('pe/addon-262-cmdline.addon.efi', '.cmdline'),
      ].join(' '),
    );
    expect(j.boot.pcr12.events.map((e: Manifest) => e.kind)).toEqual(['cmdline', 'initrd']);
    const t = captureIo();
    expect(await main([...args, '--profile', '1'], t)).toBe(0);
    expect(t.stdout).toContain('profile @1 selected');
    expect(t.stdout).toContain('UKI_NO_SUCH_PROFILE');
    expect(await main([...args, '--profile', '999'], captureIo())).toBe(2);
  });
});

describe.runIf(corpusAvailable())('fukiscope pe --esp', () => {
  it('a credential on the ESP: a PCR 12 "Credentials initrd" event, and PCR 9 covers the credentials cpio', async () => {
    const uki = corpusPath('pe/uki-262.efi');
    const plain = captureIo();
    expect(await main(['pe', uki, '--json'], plain)).toBe(0);
    const io = captureIo({ '/esp/x.cred': new TextEncoder().encode('secret') });
    expect(await main(['pe', uki, '--esp', 'credential:/esp/x.cred', '--json'], io)).toBe(0);
    const before = JSON.parse(plain.stdout).measuredBoot;
    const after = JSON.parse(io.stdout).measuredBoot;
    expect(after.events.find((e: Manifest) => e.pcr === 12).description).toBe(
      'Credentials initrd (x.cred from <uki>.extra.d)',
    );
    expect(
      after.events.find((e: Manifest) => e.pcr === 9 && e.description.startsWith('Linux initrd')).description,
    ).toMatch(/credentials cpio/);
    expect(after.pcr12.sha256).not.toBe(before.pcr12.sha256);
    expect(after.pcr9.sha256).not.toBe(before.pcr9.sha256);
    expect(await main(['pe', uki, '--esp', 'bogus:/esp/x.cred'], captureIo())).toBe(2);
  });
});

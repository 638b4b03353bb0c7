// `fukiscope pe` / `inspect` on the forged kernel (issue 11 item 1): the signature does not cover the file, the
// reason is printed, the exit status is 1 — for the kernel alone and for the kernel inside a UKI.
import { describe, expect, it } from 'vitest';
import { main } from '../main';
import { captureIo } from '../../test-support/cli';
import { corpusAvailable, readCorpus } from '../../test-support/corpus';
import { forgeSignedPe, forgeUkiKernel } from '../../test-support/forge';

const KERNEL = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';

describe.runIf(corpusAvailable())('fukiscope pe on a forged signature', () => {
  it('the forged kernel: not covered, exit 1, the messageDigest check says why', async () => {
    const forged = forgeSignedPe(readCorpus(KERNEL));
    const json = captureIo({ 'forged.efi': forged });
    expect(await main(['pe', 'forged.efi', '--json'], json)).toBe(1);
    const [g] = JSON.parse(json.stdout).signatures;
    expect(g.matches).toBe(true); // check 1 alone is what the forger defeats
    expect(g.verdict.covers).toBe(false);
    expect(g.verdict.messageDigest.status).toBe('fail');
    const text = captureIo({ 'forged.efi': forged });
    expect(await main(['pe', 'forged.efi'], text)).toBe(1);
    expect(text.stdout).toMatch(/signature #0: DOES NOT COVER this file \(messageDigest fail: /);
    expect(text.stdout).not.toMatch(/covers this file/);
    expect(text.stderr).toContain('AUTHENTICODE_MESSAGE_DIGEST_MISMATCH');
    const inspect = captureIo({ 'forged.efi': forged });
    expect(await main(['inspect', 'forged.efi'], inspect)).toBe(1);
    expect(inspect.stdout).toContain('DOES NOT COVER this file');
  });

  it('re-digesting the attribute too: the signer signature fails', async () => {
    const io = captureIo({ 'forged.efi': forgeSignedPe(readCorpus(KERNEL), { redigestAttribute: true }) });
    expect(await main(['pe', 'forged.efi', '--json'], io)).toBe(1);
    const [g] = JSON.parse(io.stdout).signatures;
    expect([g.verdict.messageDigest.status, g.verdict.signerSignature.status, g.verdict.covers]).toEqual([
      'pass',
      'fail',
      false,
    ]);
  });

  it('the untampered kernel still verifies (exit 0, covers)', async () => {
    for (const args of [['pe', 'k'], ['pe', 'k', '--json'], ['inspect', 'k']]) {
      const io = captureIo({ k: readCorpus(KERNEL) });
      expect(await main(args, io), args.join(' ')).toBe(0);
      expect(io.stdout).toMatch(/covers this file|"covers": true/);
    }
  });

  it('a UKI whose .linux kernel is forged: the kernel signature does not cover the kernel, exit 1', async () => {
    const uki = forgeUkiKernel(readCorpus('pe/uki-262.efi'));
    const json = captureIo({ 'uki.efi': uki });
    expect(await main(['pe', 'uki.efi', '--json'], json)).toBe(1);
    const j = JSON.parse(json.stdout);
    const [g] = j.uki.linux.signatures;
    expect(g.verdict.covers).toBe(false);
    expect(g.verdict.messageDigest.status).toBe('fail');
    expect(g.offset).toBeGreaterThan(j.uki.linux.offset);
    expect(j.diagnostics.map((d: { code: string }) => d.code)).toContain(
      'AUTHENTICODE_MESSAGE_DIGEST_MISMATCH',
    );
    const text = captureIo({ 'uki.efi': uki });
    expect(await main(['pe', 'uki.efi'], text)).toBe(1);
    expect(text.stdout).toMatch(/kernel signature #0 by [^:]+: DOES NOT COVER the kernel \(messageDigest fail: /);
  });

  it('an undecodable signature says "undecodable: …", never "undefined"', async () => {
    const b = new Uint8Array(readCorpus(KERNEL));
    const { parsePe } = await import('../../core/pe/parse');
    const c = parsePe(b).certificates[0]!.content;
    b.fill(0xff, c.offset, c.offset + 16);
    const io = captureIo({ 'bad.efi': b });
    expect(await main(['pe', 'bad.efi'], io)).toBe(1);
    expect(io.stdout).toMatch(/signature #0: undecodable: /);
    expect(io.stdout).not.toContain('undefined');
  });
});

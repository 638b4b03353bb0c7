// The engine (the worker's code path) on the forged kernel (issue 11 item 1): the rows the UI shows carry one
// verdict, not covering, with the failing check and a diagnostic — for the kernel and for the kernel in a UKI.
import { describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpus } from '../test-support/corpus';
import { forgeSignedPe, forgeUkiKernel } from '../test-support/forge';
import { Engine } from './engine';

const KERNEL = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';

describe.runIf(corpusAvailable())('engine: Authenticode verdicts', () => {
  it('the corpus kernel: covered, all three checks pass', async () => {
    const r = await new Engine().open('k', 'vmlinuz', readCorpus(KERNEL));
    const [s] = r.pe!.signatures;
    expect(s!.verdict.covers).toBe(true);
    expect(
      [s!.verdict.imageDigest, s!.verdict.messageDigest, s!.verdict.signerSignature].map((c) => c.status),
    ).toEqual(['pass', 'pass', 'pass']);
    expect(r.summary.find((f) => f.label === 'Signatures')!.value).toBe('covers this file');
  });

  it('the forged kernel: not covered (messageDigest fails), with an error diagnostic', async () => {
    const r = await new Engine().open('f', 'forged.efi', forgeSignedPe(readCorpus(KERNEL)));
    const [s] = r.pe!.signatures;
    expect(s!.matches).toBe(true);
    expect(s!.verdict.covers).toBe(false);
    expect(s!.verdict.messageDigest.status).toBe('fail');
    expect(r.summary.find((f) => f.label === 'Signatures')!.value).toMatch(/^does not cover this file/);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      'error',
      'AUTHENTICODE_MESSAGE_DIGEST_MISMATCH',
    ]);
  });

  it('the forged kernel with a re-digested attribute: the signer signature fails', async () => {
    const r = await new Engine().open(
      'f',
      'forged.efi',
      forgeSignedPe(readCorpus(KERNEL), { redigestAttribute: true }),
    );
    const [s] = r.pe!.signatures;
    expect([s!.verdict.messageDigest.status, s!.verdict.signerSignature.status, s!.verdict.covers]).toEqual([
      'pass',
      'fail',
      false,
    ]);
    expect(r.diagnostics.map((d) => d.code)).toContain('AUTHENTICODE_SIGNER_SIGNATURE_INVALID');
  });

  it('a UKI with the forged kernel: the kernel signature is signer-checked and does not cover the kernel', async () => {
    const engine = new Engine();
    const good = await engine.open('u', 'uki.efi', readCorpus('pe/uki-262.efi'));
    expect(good.pe!.uki!.kernel!.signatures.map((s) => s.verdict.covers)).toEqual([true]);
    expect(good.pe!.uki!.kernel!.signatures[0]!.verdict.signerSignature.status).toBe('pass');
    const r = await engine.open('f', 'forged-uki.efi', forgeUkiKernel(readCorpus('pe/uki-262.efi')));
    const [k] = r.pe!.uki!.kernel!.signatures;
    expect(k!.verdict.covers).toBe(false);
    expect(k!.verdict.messageDigest.status).toBe('fail');
    const d = r.diagnostics.find((x) => x.code === 'AUTHENTICODE_MESSAGE_DIGEST_MISMATCH')!;
    expect(d.message).toMatch(/^\.linux: /);
    expect(d.offset).toBe(k!.offset);
  });
});

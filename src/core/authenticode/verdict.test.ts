// The three-check verdict against the real signed corpus kernel and forgeries of it (issue 11 item 1).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { parsePe } from '../pe';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { forgeSignedPe } from '../../test-support/forge';
import { checkedSignatures, decodeSignature, embeddedSignatures, verifySigner } from './signature';
import { signatureVerdict, pass, fail, notChecked, verdictText, undecodableVerdict } from './verdict';
import { verifyCertificateSignature, verifyWithPublicKey } from './verify-signature';

const KERNEL = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';
const osslOf = (path: string): Manifest | undefined =>
  ((manifest().pe as Manifest[]).find((e) => e.path === path)!.signatures as Manifest[]).find(
    (s) => s.tool === 'osslsigncode verify',
  );

describe('signatureVerdict', () => {
  it('covers only when all three checks pass', () => {
    const p = pass('ok');
    expect(signatureVerdict({ imageDigest: p, messageDigest: p, signerSignature: p }).covers).toBe(true);
    for (const other of [fail('no'), notChecked('later')]) {
      expect(signatureVerdict({ imageDigest: other, messageDigest: p, signerSignature: p }).covers).toBe(
        false,
      );
      expect(signatureVerdict({ imageDigest: p, messageDigest: other, signerSignature: p }).covers).toBe(
        false,
      );
      expect(signatureVerdict({ imageDigest: p, messageDigest: p, signerSignature: other }).covers).toBe(
        false,
      );
    }
    const v = signatureVerdict({ imageDigest: p, messageDigest: fail('replaced'), signerSignature: p });
    expect(verdictText(v)).toBe('does not cover this file (messageDigest fail: replaced)');
    expect(verdictText(undecodableVerdict('not valid BER'))).toBe('undecodable: not valid BER');
  });
});

describe.runIf(corpusAvailable())('Authenticode verdicts on the corpus kernel', () => {
  it('the untampered kernel: all three checks pass, with the values osslsigncode reports', async () => {
    const b = readCorpus(KERNEL);
    const [s] = await checkedSignatures(b, parsePe(b));
    const ossl = osslOf(KERNEL)!;
    expect(s!.verdict.imageDigest.status).toBe('pass');
    expect(s!.verdict.messageDigest.status).toBe('pass');
    expect(s!.verdict.signerSignature.status).toBe('pass');
    expect(s!.verdict.covers).toBe(true);
    expect(verdictText(s!.verdict)).toBe('covers this file');
    expect(toHex(s!.signedDigest!)).toBe(ossl['current_message_digest (embedded)']);
    expect(toHex(s!.attributeMessageDigest!)).toBe(ossl.authenticated_attr_message_digest);
    expect(toHex(s!.contentDigest!)).toBe(ossl.authenticated_attr_message_digest);
    expect(s!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('messageDigest is over the SpcIndirectDataContent content octets: not the whole TLV, not the DigestInfo', () => {
    const b = readCorpus(KERNEL);
    const c = parsePe(b).certificates[0]!.content;
    const sd = new pkijs.SignedData({
      schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(b.slice(c.offset, c.offset + c.length)).result })
        .content,
    });
    const spc = sd.encapContentInfo.eContent as unknown as asn1js.Sequence;
    const whole = spc.valueBeforeDecodeView;
    const want = osslOf(KERNEL)!.authenticated_attr_message_digest;
    const header = spc.idBlock.blockLength + spc.lenBlock.blockLength;
    expect(header).toBeGreaterThan(0);
    expect(toHex(sha256Of(whole.subarray(header)))).toBe(want);
    expect(toHex(sha256Of(whole))).not.toBe(want);
    expect(toHex(sha256Of(spc.valueBlock.value[1]!.valueBeforeDecodeView))).not.toBe(want);
  });

  it('the forged kernel (.text tampered, SpcIndirectDataContent re-digested) is not covered: messageDigest fails', async () => {
    const forged = forgeSignedPe(readCorpus(KERNEL));
    const [s] = await checkedSignatures(forged, parsePe(forged));
    expect(s!.verdict.imageDigest.status).toBe('pass'); // what the forger arranged
    expect(s!.verdict.messageDigest.status).toBe('fail');
    expect(s!.verdict.signerSignature.status).toBe('pass'); // the signed attributes are untouched
    expect(s!.verdict.covers).toBe(false);
    expect(verdictText(s!.verdict)).toMatch(/^does not cover this file \(messageDigest fail: /);
    expect(s!.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      'error',
      'AUTHENTICODE_MESSAGE_DIGEST_MISMATCH',
    ]);
  });

  it('also re-digesting the messageDigest attribute breaks the signer signature', async () => {
    const forged = forgeSignedPe(readCorpus(KERNEL), { redigestAttribute: true });
    const [s] = await checkedSignatures(forged, parsePe(forged));
    expect(s!.verdict.imageDigest.status).toBe('pass');
    expect(s!.verdict.messageDigest.status).toBe('pass');
    expect(s!.verdict.signerSignature.status).toBe('fail');
    expect(s!.verdict.covers).toBe(false);
    expect(s!.diagnostics.map((d) => d.code)).toContain('AUTHENTICODE_SIGNER_SIGNATURE_INVALID');
  });

  it('without WebCrypto verification the verdict never says covers', () => {
    const b = readCorpus(KERNEL);
    const [s] = embeddedSignatures(b, parsePe(b));
    expect(s!.verdict.imageDigest.status).toBe('pass');
    expect(s!.verdict.messageDigest.status).toBe('pass');
    expect(s!.verdict.signerSignature.status).toBe('not-checked');
    expect(s!.verdict.covers).toBe(false);
  });

  it('an undecodable blob says so and checks nothing', async () => {
    const s = decodeSignature(new Uint8Array([0x30, 0x80, 1, 2, 3]), 0, { offset: 0, length: 5 });
    expect(s.verdict.undecodable).toBeDefined();
    expect(verdictText(s.verdict)).toMatch(/^undecodable: /);
    expect(verdictText(s.verdict)).not.toContain('undefined');
    expect((await verifySigner(new Uint8Array(8))).status).toBe('not-checked');
  });

  it('verifyCertificateSignature / verifyWithPublicKey: the signer certificate is not self-signed, and a wrong key fails', async () => {
    const b = readCorpus(KERNEL);
    const c = parsePe(b).certificates[0]!.content;
    const sd = new pkijs.SignedData({
      schema: new pkijs.ContentInfo({ schema: asn1js.fromBER(b.slice(c.offset, c.offset + c.length)).result })
        .content,
    });
    const certs = (sd.certificates ?? []).filter(
      (x): x is pkijs.Certificate => x instanceof pkijs.Certificate,
    );
    const leaf = certs.find((x) =>
      x.subject.typesAndValues.some((t) => String(t.value.valueBlock.value).includes('linux')),
    )!;
    // The leaf is issued by the Debian CA, whose certificate is not in the bag: its own key does not verify it.
    expect((await verifyCertificateSignature(leaf, leaf)).status).toBe('fail');
    const si = sd.signerInfos[0]!;
    const good = await verifyWithPublicKey(
      {
        data: new Uint8Array(si.signedAttrs!.encodedValue),
        signature: new Uint8Array(si.signature.valueBlock.valueHexView),
        algorithm: si.signatureAlgorithm,
        hash: 'sha256',
      },
      leaf,
    );
    expect(good.status).toBe('pass');
    const bad = await verifyWithPublicKey(
      {
        data: new Uint8Array(8),
        signature: new Uint8Array(8),
        algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.3.4' }),
      },
      leaf,
    );
    expect(bad.status).toBe('not-checked');
  });
});

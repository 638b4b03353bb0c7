import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { corpusAvailable, manifest, readCorpus, type Manifest } from '../../test-support/corpus';
import { parsePe } from '../pe';
import { authenticodeDigests, authenticodeDigest, HASH_ALGORITHMS } from './digest';
import { embeddedSignatures, verifySignerSignature } from './signature';

const entries = (): Manifest[] => (corpusAvailable() ? (manifest().pe as Manifest[]) : []);

describe.runIf(corpusAvailable())(
  'Authenticode digests equal pesign/osslsigncode/sbsign/systemd-pcrlock',
  () => {
    for (const e of entries()) {
      it(e.path, () => {
        const b = readCorpus(e.path);
        const d = authenticodeDigests(b, parsePe(b))!;
        expect(d.paddingMatters).toBe(e.size % 8 !== 0);
        let compared = 0;
        for (const alg of HASH_ALGORITHMS) {
          for (const [tool, value] of Object.entries(e.authenticode[alg] as Record<string, string>)) {
            if (value.startsWith('unsupported')) continue;
            // `pesign -h` hashes the unsigned file as is; every other tool pads trailing data to 8 bytes (§3.3 step 7).
            const ours = tool === 'pesign -h' ? d.digests[alg].none : d.digests[alg].pad8;
            expect(toHex(ours), `${alg} ${tool}`).toBe(value);
            compared++;
          }
        }
        expect(compared).toBeGreaterThanOrEqual(14);
      });
    }
  },
);

describe.runIf(corpusAvailable())('embedded signatures', () => {
  for (const e of entries()) {
    it(`${e.path}: ${e.signatures.length ? 'signed' : 'unsigned'}`, () => {
      const b = readCorpus(e.path);
      const sigs = embeddedSignatures(b, parsePe(b));
      const ossl = (e.signatures as Manifest[]).find((s) => s.tool === 'osslsigncode verify');
      if (!ossl) {
        expect(sigs).toEqual([]);
        return;
      }
      expect(sigs).toHaveLength(Number(ossl.number_of_signatures));
      const s = sigs[0]!;
      expect(s.digestAlgorithm).toBe(ossl.message_digest_algorithm.toLowerCase());
      expect(toHex(s.signedDigest!)).toBe(ossl['current_message_digest (embedded)']);
      expect(toHex(s.computedDigest!)).toBe(ossl.calculated_message_digest);
      expect(s.matches).toBe(true);
      expect(s.signer!.subject).toBe(ossl.signer_subject);
      expect(s.signer!.issuer).toBe(ossl.signer_issuer);
      expect(s.signer!.serial).toBe(ossl.signer_serial);
      expect(new Date(s.signer!.notBefore).getTime()).toBe(new Date(ossl.signer_notBefore).getTime());
      expect(new Date(s.signingTime!).getTime()).toBe(
        new Date(ossl['signing_time (authenticated attribute)']).getTime(),
      );
      expect(toHex(s.attributeMessageDigest!)).toBe(ossl.authenticated_attr_message_digest);
      expect(s.attributeDigestMatches).toBe(true);
    });
  }

  it('a modified signed file no longer matches its signature', () => {
    const b = new Uint8Array(readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'));
    const pe = parsePe(b);
    b[pe.sections[2]!.pointerToRawData + 100]! ^= 0xff;
    const [s] = embeddedSignatures(b, pe);
    expect(s!.matches).toBe(false);
    expect(s!.diagnostics.map((d) => d.code)).toContain('AUTHENTICODE_DIGEST_MISMATCH');
  });

  it('garbage in the certificate table is a diagnostic, not an exception', () => {
    const b = new Uint8Array(readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'));
    const pe = parsePe(b);
    const c = pe.certificates[0]!.content;
    b.fill(0x30, c.offset + 4, c.offset + 64);
    const [s] = embeddedSignatures(b, pe);
    expect(s!.diagnostics[0]!.severity).toBe('error');
  });

  it('undecodable headers give no digest', () => {
    expect(authenticodeDigest(new Uint8Array(64), parsePe(new Uint8Array(64)))).toBeUndefined();
  });
});

describe.runIf(corpusAvailable())('signer signature (WebCrypto via pkijs)', () => {
  it('the Debian kernel signature verifies with its signer certificate; a damaged one does not', async () => {
    const b = readCorpus('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
    const c = parsePe(b).certificates[0]!.content;
    const der = b.slice(c.offset, c.offset + c.length);
    expect(await verifySignerSignature(der)).toBe(true);
    der[der.length - 40]! ^= 1; // inside the RSA signature value at the end of SignerInfo
    expect(await verifySignerSignature(der)).toBe(false);
    expect(await verifySignerSignature(new Uint8Array(8))).toBeUndefined();
  });
});

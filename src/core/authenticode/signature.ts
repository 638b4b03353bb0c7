// Embedded Authenticode signatures (fuki §2.2 step 7, §3.3): each WIN_CERTIFICATE of type PKCS#7 holds a CMS
// SignedData whose content is SpcIndirectDataContent (OID 1.3.6.1.4.1.311.2.1.4) carrying the signed image
// digest as a DigestInfo. Decoded with pkijs/asn1js; the chain is not verified (no trust anchors here).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toHex, type Bytes, type Span } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import type { PeFile } from '../pe/types';
import { authenticodeDigest, type AuthenticodePadding } from './digest';

const SPEC = 'fuki §3.3';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

export const DIGEST_OIDS: Record<string, HashAlgorithm> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const NAME_ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** Serial number, uppercase hex without a leading sign byte. */
  serial: string;
  notBefore: string;
  notAfter: string;
}

export interface EmbeddedSignature {
  /** Index of the WIN_CERTIFICATE record. */
  index: number;
  content: Span;
  /** Digest algorithm of the signed image digest (SpcIndirectDataContent DigestInfo). */
  digestAlgorithm?: HashAlgorithm | string;
  /** The image digest the signature covers. */
  signedDigest?: Bytes;
  /** Our Authenticode digest of the file with the same algorithm (systemd/sbsign padding). */
  computedDigest?: Bytes;
  /** True when signedDigest equals the computed Authenticode digest of this file. */
  matches?: boolean;
  signer?: CertificateSummary;
  certificates: CertificateSummary[];
  signingTime?: string;
  /** The messageDigest signed attribute, and whether it is the hash of the SpcIndirectDataContent. */
  attributeMessageDigest?: Bytes;
  attributeDigestMatches?: boolean;
  diagnostics: Diagnostic[];
}

/** X.500 name in the OpenSSL one-line form `/CN=…/O=…` (what osslsigncode and sbverify print). */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `/${NAME_ATTRS[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join('');
}

function serialHex(i: asn1js.Integer): string {
  let b = i.valueBlock.valueHexView;
  if (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return toHex(b).toUpperCase();
}

export function summarizeCertificate(c: pkijs.Certificate): CertificateSummary {
  return {
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    serial: serialHex(c.serialNumber),
    notBefore: c.notBefore.value.toISOString(),
    notAfter: c.notAfter.value.toISOString(),
  };
}

function attribute(signer: pkijs.SignerInfo, oid: string): pkijs.Attribute | undefined {
  return signer.signedAttrs?.attributes.find((a) => a.type === oid);
}

/** The DER contents (after tag and length) of an asn1js block as decoded. */
function contentsOf(block: asn1js.AsnType): Uint8Array {
  const whole = block.valueBeforeDecodeView;
  const header = block.idBlock.blockLength + block.lenBlock.blockLength;
  return whole.subarray(header);
}

/** Decodes one PKCS#7 SignedData blob; problems become diagnostics. */
export function decodeSignature(
  der: Uint8Array,
  index: number,
  content: Span,
  check?: (alg: HashAlgorithm) => Bytes | undefined,
  hash: HashBackend = defaultHash(),
): EmbeddedSignature {
  const out: EmbeddedSignature = { index, content, certificates: [], diagnostics: [] };
  const fail = (code: string, message: string): EmbeddedSignature => {
    out.diagnostics.push({ severity: 'error', code, message, offset: content.offset, index, spec: SPEC });
    return out;
  };
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1)
      return fail('AUTHENTICODE_BAD_DER', `certificate #${index}: not valid BER/DER (${asn.result.error})`);
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    if (ci.contentType !== OID_SIGNED_DATA)
      return fail(
        'AUTHENTICODE_NOT_SIGNED_DATA',
        `certificate #${index}: content type ${ci.contentType} is not SignedData`,
      );
    const sd = new pkijs.SignedData({ schema: ci.content });
    for (const c of sd.certificates ?? [])
      if (c instanceof pkijs.Certificate) out.certificates.push(summarizeCertificate(c));
    const encap = sd.encapContentInfo;
    if (encap.eContentType !== OID_SPC_INDIRECT_DATA || !encap.eContent)
      return fail(
        'AUTHENTICODE_NOT_SPC_INDIRECT_DATA',
        `certificate #${index}: content ${encap.eContentType} is not SpcIndirectDataContent`,
      );
    const spc = encap.eContent as asn1js.Sequence;
    const digestInfo = new pkijs.DigestInfo({ schema: spc.valueBlock.value[1] });
    const oid = digestInfo.digestAlgorithm.algorithmId;
    const alg = DIGEST_OIDS[oid];
    out.digestAlgorithm = alg ?? oid;
    out.signedDigest = new Uint8Array(digestInfo.digest.valueBlock.valueHexView);
    if (alg && check) {
      out.computedDigest = check(alg);
      if (out.computedDigest) out.matches = equalBytes(out.computedDigest, out.signedDigest);
      if (out.matches === false)
        out.diagnostics.push({
          severity: 'error',
          code: 'AUTHENTICODE_DIGEST_MISMATCH',
          message: `certificate #${index}: signed ${alg} image digest ${toHex(out.signedDigest)} differs from the file's ${toHex(out.computedDigest!)} (the file was modified after signing)`,
          offset: content.offset,
          index,
          spec: SPEC,
        });
    }
    const si = sd.signerInfos[0];
    if (si) {
      const sid = si.sid;
      if (sid instanceof pkijs.IssuerAndSerialNumber) {
        const cert = (sd.certificates ?? []).find(
          (c): c is pkijs.Certificate =>
            c instanceof pkijs.Certificate &&
            c.serialNumber.isEqual(sid.serialNumber) &&
            c.issuer.isEqual(sid.issuer),
        );
        if (cert) out.signer = summarizeCertificate(cert);
        else
          out.diagnostics.push({
            severity: 'warning',
            code: 'AUTHENTICODE_SIGNER_NOT_INCLUDED',
            message: `certificate #${index}: the signer certificate (issuer ${formatName(sid.issuer)}, serial ${serialHex(sid.serialNumber)}) is not in the PKCS#7 bag`,
            offset: content.offset,
            index,
            spec: SPEC,
          });
      }
      const time = attribute(si, OID_SIGNING_TIME)?.values[0] as
        asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
      if (time && 'toDate' in time) out.signingTime = time.toDate().toISOString();
      const md = attribute(si, OID_MESSAGE_DIGEST)?.values[0] as asn1js.OctetString | undefined;
      const siAlg = DIGEST_OIDS[si.digestAlgorithm.algorithmId];
      if (md) {
        out.attributeMessageDigest = new Uint8Array(md.valueBlock.valueHexView);
        // Authenticode: messageDigest = H(SpcIndirectDataContent without its outer tag and length).
        if (siAlg)
          out.attributeDigestMatches = equalBytes(
            hash.digest(siAlg, contentsOf(spc)),
            out.attributeMessageDigest,
          );
      }
    }
    if (sd.signerInfos.length > 1)
      out.diagnostics.push({
        severity: 'info',
        code: 'AUTHENTICODE_MULTIPLE_SIGNERS',
        message: `certificate #${index}: ${sd.signerInfos.length} signer infos; the first is shown`,
        offset: content.offset,
        index,
        spec: SPEC,
      });
  } catch (e) {
    return fail(
      'AUTHENTICODE_UNDECODABLE',
      `certificate #${index}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return out;
}

/** Every embedded signature of a PE, each checked against the file's Authenticode digest. */
export function embeddedSignatures(
  file: Uint8Array,
  pe: PeFile,
  padding: AuthenticodePadding = 'pad8',
  hash: HashBackend = defaultHash(),
): EmbeddedSignature[] {
  const memo = new Map<HashAlgorithm, Bytes | undefined>();
  const check = (alg: HashAlgorithm): Bytes | undefined => {
    if (!memo.has(alg)) memo.set(alg, authenticodeDigest(file, pe, alg, padding, hash));
    return memo.get(alg);
  };
  return pe.certificates
    .filter((c) => c.certificateType === 2)
    .map((c) =>
      decodeSignature(
        file.subarray(c.content.offset, c.content.offset + c.content.length),
        c.index,
        c.content,
        check,
        hash,
      ),
    );
}

const WEBCRYPTO_HASH: Record<HashAlgorithm, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/**
 * Checks the first signer's signature over its signed attributes with the public key of the signer certificate
 * carried in the PKCS#7 (WebCrypto through pkijs). This says the blob was signed by that certificate; whether
 * the certificate is trusted (db, shim MOK) is a separate question. undefined = could not be checked.
 */
export async function verifySignerSignature(der: Uint8Array): Promise<boolean | undefined> {
  try {
    const asn = asn1js.fromBER(der);
    if (asn.offset === -1) return undefined;
    const sd = new pkijs.SignedData({ schema: new pkijs.ContentInfo({ schema: asn.result }).content });
    const si = sd.signerInfos[0];
    const alg = si && DIGEST_OIDS[si.digestAlgorithm.algorithmId];
    if (!si?.signedAttrs || !alg || !(si.sid instanceof pkijs.IssuerAndSerialNumber)) return undefined;
    const sid = si.sid;
    const cert = (sd.certificates ?? []).find(
      (c): c is pkijs.Certificate =>
        c instanceof pkijs.Certificate &&
        c.serialNumber.isEqual(sid.serialNumber) &&
        c.issuer.isEqual(sid.issuer),
    );
    if (!cert) return undefined;
    return await pkijs
      .getCrypto(true)
      .verifyWithPublicKey(
        si.signedAttrs.encodedValue,
        si.signature,
        cert.subjectPublicKeyInfo,
        si.signatureAlgorithm,
        WEBCRYPTO_HASH[alg],
      );
  } catch {
    return undefined;
  }
}

/**
 * The embedded signatures and the Authenticode SHA-256 (systemd/sbsign padding) of a PE, hashing the file once:
 * a SHA-256 signature check has already computed that digest (computedDigest).
 */
export function signaturesAndSha256(
  file: Uint8Array,
  pe: PeFile,
  hash: HashBackend = defaultHash(),
): { signatures: EmbeddedSignature[]; sha256?: Bytes } {
  const signatures = embeddedSignatures(file, pe, 'pad8', hash);
  const sha256 =
    signatures.find((g) => g.digestAlgorithm === 'sha256' && g.computedDigest)?.computedDigest ??
    authenticodeDigest(file, pe, 'sha256', 'pad8', hash);
  return { signatures, sha256 };
}

// Embedded Authenticode signatures (fuki §2.2 step 7, §3.3): each WIN_CERTIFICATE of type PKCS#7 holds a
// PKCS#7 SignedData whose content is SpcIndirectDataContent (OID 1.3.6.1.4.1.311.2.1.4) carrying the signed
// image digest as a DigestInfo. Decoded with pkijs/asn1js (well-kept DER/X.509/CMS decoders, already used for
// every certificate here), verified with WebCrypto through pkijs. Each signature gets one SignatureVerdict
// (verdict.ts): image digest, messageDigest and signer signature. The chain is not verified (no trust anchors).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toHex, type Bytes, type Span } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { defaultHash, type HashAlgorithm, type HashBackend } from '../hash/hash';
import type { PeFile } from '../pe/types';
import { authenticodeDigest, type AuthenticodePadding } from './digest';
import {
  fail,
  notChecked,
  pass,
  signatureVerdict,
  undecodableVerdict,
  type SignatureVerdict,
  type VerdictCheck,
} from './verdict';
import { verifyWithPublicKey } from './verify-signature';
import { nameParts, X509_NAME_ATTRIBUTES } from '../x509/cert';

const SPEC = 'fuki §3.3';
const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_SPC_INDIRECT_DATA = '1.3.6.1.4.1.311.2.1.4';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';

export const DIGEST_OIDS: Record<string, HashAlgorithm> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** The certificate view's attribute names, and emailAddress (osslsigncode prints it by name). */
const NAME_ATTRS = { ...X509_NAME_ATTRIBUTES, '1.2.840.113549.1.9.1': 'emailAddress' };

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
  /** True when signedDigest equals the computed Authenticode digest of this file (check 1 only: not a verdict). */
  matches?: boolean;
  signer?: CertificateSummary;
  certificates: CertificateSummary[];
  signingTime?: string;
  /** The messageDigest signed attribute, and whether it is the hash of the SpcIndirectDataContent. */
  attributeMessageDigest?: Bytes;
  /** The digest of the SpcIndirectDataContent content octets with the signer's digest algorithm. */
  contentDigest?: Bytes;
  attributeDigestMatches?: boolean;
  /**
   * Whether this signature covers the file. `embeddedSignatures` decides the two digest checks; the signer
   * signature needs WebCrypto (async) and stays 'not-checked' until `verifySigners` ran, so `covers` can only be
   * true after it.
   */
  verdict: SignatureVerdict;
  diagnostics: Diagnostic[];
}

/** X.500 name in the OpenSSL one-line form `/CN=…/O=…` (what osslsigncode and sbverify print). */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return nameParts(name, NAME_ATTRS)
    .map(([k, v]) => `/${k}=${v}`)
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

const PENDING = notChecked('not verified yet: the signer check needs WebCrypto (verifySigners)');

/** True for a signer check `embeddedSignatures` left for `verifySigners` (also after a structured clone). */
export const isSignerPending = (v: SignatureVerdict): boolean =>
  v.undecodable === undefined &&
  v.signerSignature.status === PENDING.status &&
  v.signerSignature.reason === PENDING.reason;

/** The signed attributes of one type (RFC 5652 §5.3). */
function attributes(signer: pkijs.SignerInfo, oid: string): pkijs.Attribute[] {
  return signer.signedAttrs?.attributes.filter((a) => a.type === oid) ?? [];
}

/** The DER contents (after tag and length) of an asn1js block as decoded. */
function contentsOf(block: asn1js.AsnType): Uint8Array {
  const whole = block.valueBeforeDecodeView;
  const header = block.idBlock.blockLength + block.lenBlock.blockLength;
  return whole.subarray(header);
}

/** What a SignedData decodes to: its SpcIndirectDataContent, first signer and the certificate it names. */
interface Decoded {
  sd: pkijs.SignedData;
  spc: asn1js.Sequence;
  si?: pkijs.SignerInfo;
  /** The certificates in the bag that match the signer's IssuerAndSerialNumber. */
  signerCerts: pkijs.Certificate[];
}

type DecodeResult = { ok: Decoded } | { code: string; message: string };

function decodeSignedData(der: Uint8Array): DecodeResult {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1)
    return { code: 'AUTHENTICODE_BAD_DER', message: `not valid BER/DER (${asn.result.error})` };
  const ci = new pkijs.ContentInfo({ schema: asn.result });
  if (ci.contentType !== OID_SIGNED_DATA)
    return {
      code: 'AUTHENTICODE_NOT_SIGNED_DATA',
      message: `content type ${ci.contentType} is not SignedData`,
    };
  const sd = new pkijs.SignedData({ schema: ci.content });
  const encap = sd.encapContentInfo;
  if (encap.eContentType !== OID_SPC_INDIRECT_DATA || !(encap.eContent instanceof asn1js.Sequence))
    return {
      code: 'AUTHENTICODE_NOT_SPC_INDIRECT_DATA',
      message: `content ${encap.eContentType} is not an SpcIndirectDataContent SEQUENCE`,
    };
  const si = sd.signerInfos[0];
  const sid = si?.sid;
  const signerCerts =
    sid instanceof pkijs.IssuerAndSerialNumber
      ? (sd.certificates ?? []).filter(
          (c): c is pkijs.Certificate =>
            c instanceof pkijs.Certificate &&
            c.serialNumber.isEqual(sid.serialNumber) &&
            c.issuer.isEqual(sid.issuer),
        )
      : [];
  return { ok: { sd, spc: encap.eContent, si, signerCerts } };
}

/** The single value of a signed attribute that RFC 5652 §11 requires to occur once with one value. */
function singleValue(si: pkijs.SignerInfo, oid: string, name: string): { value?: unknown; problem?: string } {
  const attrs = attributes(si, oid);
  if (attrs.length === 0) return { problem: `no ${name} signed attribute` };
  if (attrs.length > 1)
    return { problem: `${attrs.length} ${name} signed attributes (RFC 5652 §11 allows one)` };
  const values = attrs[0]!.values;
  if (values.length !== 1)
    return { problem: `the ${name} attribute has ${values.length} values (RFC 5652 §11 requires one)` };
  return { value: values[0] };
}

/**
 * Check 2: the messageDigest signed attribute is the digest of the SpcIndirectDataContent, and the contentType
 * attribute names SpcIndirectDataContent. The digest is over the content octets of the DER encoding of the
 * content, i.e. without its SEQUENCE tag and length (RFC 2315 §9.3; Authenticode PE spec, "signerInfos").
 */
function messageDigestCheck(
  out: EmbeddedSignature,
  spc: asn1js.Sequence,
  si: pkijs.SignerInfo | undefined,
  hash: HashBackend,
): VerdictCheck {
  if (!si) return fail('the SignedData has no SignerInfo: nothing signs the content');
  if (!si.signedAttrs)
    return fail('the signer has no signed attributes (Authenticode requires messageDigest)');
  const ct = singleValue(si, OID_CONTENT_TYPE, 'contentType');
  if (ct.problem) return fail(ct.problem);
  if (
    !(ct.value instanceof asn1js.ObjectIdentifier) ||
    ct.value.valueBlock.toString() !== OID_SPC_INDIRECT_DATA
  )
    return fail(
      'the contentType signed attribute does not name SpcIndirectDataContent (1.3.6.1.4.1.311.2.1.4)',
    );
  const md = singleValue(si, OID_MESSAGE_DIGEST, 'messageDigest');
  if (md.problem) return fail(md.problem);
  if (!(md.value instanceof asn1js.OctetString))
    return fail('the messageDigest attribute is not an OCTET STRING');
  out.attributeMessageDigest = new Uint8Array(md.value.valueBlock.valueHexView);
  const alg = DIGEST_OIDS[si.digestAlgorithm.algorithmId];
  if (!alg)
    return notChecked(`the signer's digest algorithm ${si.digestAlgorithm.algorithmId} is not supported`);
  if (spc.lenBlock.isIndefiniteForm)
    return notChecked(
      'the SpcIndirectDataContent has an indefinite BER length; its digest is defined over DER',
    );
  out.contentDigest = hash.digest(alg, contentsOf(spc));
  out.attributeDigestMatches = equalBytes(out.contentDigest, out.attributeMessageDigest);
  if (out.attributeDigestMatches)
    return pass(
      `the signed messageDigest ${toHex(out.attributeMessageDigest)} is the ${alg} of the SpcIndirectDataContent`,
    );
  return fail(
    `the signed messageDigest ${toHex(out.attributeMessageDigest)} is not the ${alg} of the SpcIndirectDataContent (${toHex(out.contentDigest)}): the signed image digest was replaced after signing`,
  );
}

/** Check 1: the file's Authenticode digest equals the digest in SpcIndirectDataContent. */
function imageDigestCheck(
  out: EmbeddedSignature,
  oid: string,
  check: ((alg: HashAlgorithm) => Bytes | undefined) | undefined,
): VerdictCheck {
  const alg = DIGEST_OIDS[oid];
  if (!alg) return notChecked(`the image digest algorithm ${oid} is not supported`);
  if (!check) return notChecked("the file's Authenticode digest was not computed");
  out.computedDigest = check(alg);
  if (!out.computedDigest)
    return notChecked("the file's Authenticode digest could not be computed (its headers did not decode)");
  out.matches = equalBytes(out.computedDigest, out.signedDigest!);
  if (out.matches) return pass(`the signed ${alg} image digest equals the file's Authenticode digest`);
  return fail(
    `the signed ${alg} image digest ${toHex(out.signedDigest!)} differs from the file's ${toHex(out.computedDigest)} (the file was changed after signing)`,
  );
}

/** Decodes one PKCS#7 SignedData blob and decides checks 1 and 2; problems become diagnostics. */
export function decodeSignature(
  der: Uint8Array,
  index: number,
  content: Span,
  check?: (alg: HashAlgorithm) => Bytes | undefined,
  hash: HashBackend = defaultHash(),
): EmbeddedSignature {
  const out: EmbeddedSignature = {
    index,
    content,
    certificates: [],
    verdict: undecodableVerdict('not decoded'),
    diagnostics: [],
  };
  const diag = (severity: Diagnostic['severity'], code: string, message: string): void => {
    out.diagnostics.push({
      severity,
      code,
      message: `certificate #${index}: ${message}`,
      offset: content.offset,
      index,
      spec: SPEC,
    });
  };
  const undecodable = (code: string, message: string): EmbeddedSignature => {
    diag('error', code, message);
    out.verdict = undecodableVerdict(message);
    return out;
  };
  try {
    const r = decodeSignedData(der);
    if (!('ok' in r)) return undecodable(r.code, r.message);
    const { sd, spc, si, signerCerts } = r.ok;
    for (const c of sd.certificates ?? [])
      if (c instanceof pkijs.Certificate) out.certificates.push(summarizeCertificate(c));
    // SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
    const digestInfo = new pkijs.DigestInfo({ schema: spc.valueBlock.value[1] });
    const oid = digestInfo.digestAlgorithm.algorithmId;
    out.digestAlgorithm = DIGEST_OIDS[oid] ?? oid;
    out.signedDigest = new Uint8Array(digestInfo.digest.valueBlock.valueHexView);
    const imageDigest = imageDigestCheck(out, oid, check);
    if (imageDigest.status === 'fail') diag('error', 'AUTHENTICODE_DIGEST_MISMATCH', imageDigest.reason);
    const messageDigest = messageDigestCheck(out, spc, si, hash);
    if (messageDigest.status === 'fail')
      diag('error', 'AUTHENTICODE_MESSAGE_DIGEST_MISMATCH', messageDigest.reason);
    let signerSignature = PENDING;
    if (si) {
      const sid = si.sid;
      if (signerCerts[0]) out.signer = summarizeCertificate(signerCerts[0]);
      if (!(sid instanceof pkijs.IssuerAndSerialNumber))
        signerSignature = notChecked(
          'the signer is named by a subject key identifier, not issuer and serial',
        );
      else if (signerCerts.length === 0) {
        signerSignature = notChecked('the signer certificate is not in the PKCS#7: no key to verify with');
        diag(
          'warning',
          'AUTHENTICODE_SIGNER_NOT_INCLUDED',
          `the signer certificate (issuer ${formatName(sid.issuer)}, serial ${serialHex(sid.serialNumber)}) is not in the PKCS#7 bag`,
        );
      } else if (signerCerts.length > 1)
        signerSignature = notChecked(
          `${signerCerts.length} certificates in the PKCS#7 match the signer's issuer and serial: the signer is ambiguous`,
        );
      const time = singleValue(si, OID_SIGNING_TIME, 'signingTime').value as
        asn1js.UTCTime | asn1js.GeneralizedTime | undefined;
      if (time && typeof time === 'object' && 'toDate' in time) out.signingTime = time.toDate().toISOString();
    } else signerSignature = fail('the SignedData has no SignerInfo');
    if (signerSignature !== PENDING && signerCerts.length !== 0)
      diag(
        signerSignature.status === 'fail' ? 'error' : 'warning',
        signerSignature.status === 'fail'
          ? 'AUTHENTICODE_SIGNER_SIGNATURE_INVALID'
          : 'AUTHENTICODE_SIGNER_NOT_CHECKED',
        signerSignature.reason,
      );
    if (sd.signerInfos.length > 1)
      diag(
        'info',
        'AUTHENTICODE_MULTIPLE_SIGNERS',
        `${sd.signerInfos.length} signer infos; the first is checked and shown`,
      );
    out.verdict = signatureVerdict({ imageDigest, messageDigest, signerSignature });
  } catch (e) {
    return undecodable('AUTHENTICODE_UNDECODABLE', e instanceof Error ? e.message : String(e));
  }
  return out;
}

/** Every embedded signature of a PE, checks 1 and 2 decided against the file's Authenticode digest. */
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

/**
 * Check 3: the first signer's signature over its signed attributes (DER, re-tagged as SET OF, RFC 5652 §5.4)
 * verifies with the public key of the signer certificate carried in the PKCS#7. This says the blob was signed
 * by that certificate's key; whether the certificate is trusted (db, shim MOK) is a separate question.
 */
export async function verifySigner(der: Uint8Array): Promise<VerdictCheck> {
  let r: DecodeResult;
  try {
    r = decodeSignedData(der);
  } catch (e) {
    return notChecked(`undecodable: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!('ok' in r)) return notChecked(`undecodable: ${r.message}`);
  const { si, signerCerts } = r.ok;
  if (!si) return fail('the SignedData has no SignerInfo');
  if (!si.signedAttrs) return fail('the signer has no signed attributes');
  if (signerCerts.length !== 1)
    return notChecked(
      signerCerts.length === 0
        ? 'the signer certificate is not in the PKCS#7: no key to verify with'
        : 'more than one certificate matches the signer: the signer is ambiguous',
    );
  const alg = DIGEST_OIDS[si.digestAlgorithm.algorithmId];
  if (!alg)
    return notChecked(`the signer's digest algorithm ${si.digestAlgorithm.algorithmId} is not supported`);
  return verifyWithPublicKey(
    {
      data: new Uint8Array(si.signedAttrs.encodedValue),
      signature: new Uint8Array(si.signature.valueBlock.valueHexView),
      algorithm: si.signatureAlgorithm,
      hash: alg,
    },
    signerCerts[0]!,
    'the signature over the signed attributes',
    'the signer certificate',
  );
}

/**
 * A verdict with check 3 decided for the signature blob `der`, and the diagnostic when the signer signature
 * fails or cannot be checked. Verdicts whose signer check is not pending are returned as they are.
 */
export async function completeVerdict(
  der: Uint8Array,
  verdict: SignatureVerdict,
  at: { index: number; offset: number; prefix?: string },
): Promise<{ verdict: SignatureVerdict; diagnostic?: Diagnostic }> {
  if (!isSignerPending(verdict)) return { verdict };
  const signerSignature = await verifySigner(der);
  const out = { verdict: signatureVerdict({ ...verdict, signerSignature }) };
  if (signerSignature.status === 'pass') return out;
  const failed = signerSignature.status === 'fail';
  return {
    ...out,
    diagnostic: {
      severity: failed ? 'error' : 'warning',
      code: failed ? 'AUTHENTICODE_SIGNER_SIGNATURE_INVALID' : 'AUTHENTICODE_SIGNER_NOT_CHECKED',
      message: `${at.prefix ?? ''}certificate #${at.index}: ${signerSignature.reason}`,
      offset: at.offset,
      index: at.index,
      spec: SPEC,
    },
  };
}

/**
 * Decides check 3 for signatures from `embeddedSignatures` (their DER is read from `file` at `content`) and so
 * their final verdicts; a signer signature that fails or cannot be checked becomes a diagnostic. In place.
 */
export async function verifySigners(
  file: Uint8Array,
  sigs: EmbeddedSignature[],
): Promise<EmbeddedSignature[]> {
  for (const s of sigs) {
    const der = file.subarray(s.content.offset, s.content.offset + s.content.length);
    const r = await completeVerdict(der, s.verdict, { index: s.index, offset: s.content.offset });
    s.verdict = r.verdict;
    if (r.diagnostic) s.diagnostics.push(r.diagnostic);
  }
  return sigs;
}

/** Every embedded signature of a PE with its complete verdict (all three checks). */
export async function checkedSignatures(
  file: Uint8Array,
  pe: PeFile,
  padding: AuthenticodePadding = 'pad8',
  hash: HashBackend = defaultHash(),
): Promise<EmbeddedSignature[]> {
  return verifySigners(file, embeddedSignatures(file, pe, padding, hash));
}

/** The signer check as a boolean (undefined = could not be checked). Prefer `verifySigner`, which says why. */
export async function verifySignerSignature(der: Uint8Array): Promise<boolean | undefined> {
  const c = await verifySigner(der);
  return c.status === 'not-checked' ? undefined : c.status === 'pass';
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

// Verifying a signature with the public key of an X.509 certificate (WebCrypto through pkijs: RSASSA-PKCS1-v1_5,
// RSA-PSS, ECDSA P-256/P-384/P-521). General on purpose: the Authenticode signer check (SignerInfo over its
// signed attributes, RFC 5652 §5.4) and certificate-chain checks (a certificate's TBSCertificate under its
// issuer's key, RFC 5280 §4.1.1.3) are the same operation. Never throws: an outcome is a VerdictCheck, and
// anything that prevents the check (unknown algorithm or curve, a malformed key or signature, no WebCrypto) is
// 'not-checked' with the reason, which never counts as valid.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm } from '../hash/hash';
import { fail, notChecked, pass, type VerdictCheck } from './verdict';

export const WEBCRYPTO_HASH: Record<HashAlgorithm, string> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

export interface SignatureToVerify {
  /** The bytes exactly as signed (a DER TBSCertificate; CMS signed attributes re-tagged as SET OF, …). */
  data: Uint8Array;
  /** The signature value as X.509 and CMS carry it: RSA bytes, or a DER ECDSA-Sig-Value for ECDSA. */
  signature: Uint8Array;
  /** The signature algorithm (Certificate.signatureAlgorithm, SignerInfo.signatureAlgorithm). */
  algorithm: pkijs.AlgorithmIdentifier;
  /**
   * The hash, for algorithm identifiers that do not name one (a CMS signer with plain rsaEncryption hashes
   * with its SignerInfo.digestAlgorithm). Leave undefined when the algorithm names it (sha256WithRSAEncryption,
   * ecdsa-with-SHA384, RSA-PSS parameters).
   */
  hash?: HashAlgorithm;
}

/** Public key algorithms by OID (RFC 3279 §2.3, RFC 4055 §1.2). */
const KEY_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
};

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Does `sig` verify with the public key of `key` (a certificate or its SubjectPublicKeyInfo)? `what` names the
 * signature and `keyOwner` the key's holder in the reason ("… verifies with the RSA key of the signer
 * certificate").
 */
export async function verifyWithPublicKey(
  sig: SignatureToVerify,
  key: pkijs.Certificate | pkijs.PublicKeyInfo,
  what = 'signature',
  keyOwner = 'the certificate',
): Promise<VerdictCheck> {
  const spki = key instanceof pkijs.Certificate ? key.subjectPublicKeyInfo : key;
  let ok: boolean;
  try {
    if (typeof crypto === 'undefined' || !crypto.subtle) return notChecked(`${what}: no WebCrypto in this environment`);
    ok = await pkijs
      .getCrypto(true)
      .verifyWithPublicKey(
        sig.data.slice(),
        new asn1js.OctetString({ valueHex: sig.signature }),
        spki,
        sig.algorithm,
        sig.hash && WEBCRYPTO_HASH[sig.hash],
      );
  } catch (e) {
    return notChecked(`${what} could not be checked (algorithm ${sig.algorithm.algorithmId}): ${message(e)}`);
  }
  return ok
    ? pass(
        `${what} verifies with the ${KEY_NAMES[spki.algorithm.algorithmId] ?? spki.algorithm.algorithmId} key of ${keyOwner}`,
      )
    : fail(`${what} does not verify with the key (the signed bytes or the signature were changed)`);
}

/**
 * Was `cert` signed with the key of `issuer`? (Its signatureValue over its TBSCertificate, RFC 5280 §4.1.1.3.)
 * Says nothing about names, validity periods or extensions: chain building checks those.
 */
export function verifyCertificateSignature(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate | pkijs.PublicKeyInfo,
): Promise<VerdictCheck> {
  return verifyWithPublicKey(
    {
      data: new Uint8Array(cert.tbsView),
      signature: new Uint8Array(cert.signatureValue.valueBlock.valueHexView),
      algorithm: cert.signatureAlgorithm,
    },
    issuer,
    'the certificate signature',
    'the issuer',
  );
}

// X.509 certificates for evidence verification, decoded with pkijs/asn1js (well-kept, already a dependency; no
// hand-rolled DER) and checked with WebCrypto through pkijs (crypto.subtle: Node 20+ and browsers).
// Nothing here fetches: the caller supplies every certificate (DER, PEM, several PEMs in one file).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex, type Bytes } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';

export interface Cert {
  der: Bytes;
  cert: pkijs.Certificate;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate. */
  sha256: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo (the public-key fingerprint used for pinning). */
  spkiSha256: string;
  /** Where the certificate came from (file name, table entry…), for messages. */
  source?: string;
}

/** Upper bound on certificates read from one input (a hostile bundle cannot make us parse without limit). */
export const MAX_CERTS_PER_INPUT = 64;
/** Upper bound on one certificate's size. */
export const MAX_CERT_SIZE = 64 * 1024;

/** Short names of the X.500 name attributes both the certificate and the Authenticode views print. */
export const X509_NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

/** An X.500 name as (attribute short name or OID, value) pairs in order. */
export function nameParts(
  n: pkijs.RelativeDistinguishedNames,
  names: Readonly<Record<string, string>> = X509_NAME_ATTRIBUTES,
): [string, string][] {
  return n.typesAndValues.map((tv) => [
    names[tv.type] ?? tv.type,
    String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? ''),
  ]);
}

export function nameText(n: pkijs.RelativeDistinguishedNames): string {
  return nameParts(n)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export function commonName(n: pkijs.RelativeDistinguishedNames): string | undefined {
  const tv = n.typesAndValues.find((t) => t.type === '2.5.4.3');
  return tv ? String((tv.value as { valueBlock?: { value?: unknown } }).valueBlock?.value ?? '') : undefined;
}

/** One DER certificate; undefined when it does not decode as X.509. */
export function parseCertDer(der: Uint8Array, source?: string): Cert | undefined {
  if (der.length === 0 || der.length > MAX_CERT_SIZE || der[0] !== 0x30) return undefined;
  try {
    const own = new Uint8Array(der) as Bytes;
    const asn = asn1js.fromBER(own);
    if (asn.offset === -1) return undefined;
    const cert = new pkijs.Certificate({ schema: asn.result });
    const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
    return {
      der: own,
      cert,
      subject: nameText(cert.subject),
      issuer: nameText(cert.issuer),
      notBefore: cert.notBefore.value,
      notAfter: cert.notAfter.value,
      sha256: toHex(sha256Of(own)),
      spkiSha256: toHex(sha256Of(spki)),
      source,
    };
  } catch {
    return undefined;
  }
}

function base64Decode(s: string): Bytes | undefined {
  try {
    const bin = atob(s.replace(/[\s\r\n]/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

const PEM_RE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** The PEM certificate blocks of a text (in order). */
export function pemBlocks(text: string): Bytes[] {
  const out: Bytes[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    if (out.length >= MAX_CERTS_PER_INPUT) break;
    const der = base64Decode(m[1]!);
    if (der) out.push(der);
  }
  return out;
}

/**
 * Every certificate in `bytes`: one DER certificate, or PEM text with any number of blocks. `bad` counts blocks
 * that are present but do not decode.
 */
export function readCertificates(bytes: Uint8Array, source?: string): { certs: Cert[]; bad: number } {
  if (bytes[0] === 0x30) {
    const c = parseCertDer(bytes, source);
    return c ? { certs: [c], bad: 0 } : { certs: [], bad: 1 };
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 4 * 1024 * 1024));
  const certs: Cert[] = [];
  let bad = 0;
  pemBlocks(text).forEach((der, i) => {
    const c = parseCertDer(der, source ? `${source} #${i + 1}` : undefined);
    if (c) certs.push(c);
    else bad++;
  });
  return { certs, bad };
}

/** Whether `child`'s signature verifies with `issuer`'s public key (RSA-PSS, RSA PKCS#1, ECDSA — via pkijs). */
export async function signedBy(child: Cert, issuer: Cert): Promise<boolean> {
  try {
    return await child.cert.verify(issuer.cert);
  } catch {
    return false;
  }
}

export function isSelfIssued(c: Cert): boolean {
  return c.cert.subject.isEqual(c.cert.issuer);
}

export function validAt(c: Cert, at: Date): boolean {
  return c.notBefore.getTime() <= at.getTime() && at.getTime() <= c.notAfter.getTime();
}

/** The raw extnValue (the OCTET STRING's contents) of an extension, by OID. */
export function extensionValue(c: Cert, oid: string): Uint8Array | undefined {
  const e = c.cert.extensions?.find((x) => x.extnID === oid);
  return e ? new Uint8Array(e.extnValue.valueBlock.valueHexView) : undefined;
}

/** The extension parsed as one ASN.1 value. */
export function extensionAsn1(c: Cert, oid: string): asn1js.AsnType | undefined {
  const raw = extensionValue(c, oid);
  if (!raw) return undefined;
  const asn = asn1js.fromBER(new Uint8Array(raw));
  return asn.offset === -1 ? undefined : asn.result;
}

/** The public key as a WebCrypto key for ECDSA verification (P-256 / P-384). */
export async function importEcdsaKey(c: Cert, namedCurve: 'P-256' | 'P-384'): Promise<CryptoKey | undefined> {
  try {
    const spki = new Uint8Array(c.cert.subjectPublicKeyInfo.toSchema().toBER(false));
    return await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve }, false, ['verify']);
  } catch {
    return undefined;
  }
}

/** ECDSA verification with WebCrypto; `signature` is r‖s big-endian (IEEE P1363), as WebCrypto takes it. */
export async function ecdsaVerify(
  key: CryptoKey,
  hash: 'SHA-256' | 'SHA-384',
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    return await crypto.subtle.verify({ name: 'ECDSA', hash }, key, new Uint8Array(signature), new Uint8Array(data));
  } catch {
    return false;
  }
}

/** Removes duplicates (same DER) keeping the first. */
export function uniqueCerts(certs: readonly Cert[]): Cert[] {
  const seen = new Set<string>();
  const out: Cert[] = [];
  for (const c of certs) {
    if (seen.has(c.sha256)) continue;
    seen.add(c.sha256);
    out.push(c);
  }
  return out;
}

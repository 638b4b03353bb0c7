// Test-only: a self-made certificate chain (ECDSA keys, pkijs), to prove that a chain which verifies structurally
// but does not end in a pinned vendor root is rejected.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertDer, type Cert } from '../core/x509/cert';

export interface FakeCert {
  cert: Cert;
  keys: CryptoKeyPair;
}

export async function ecKeys(namedCurve: 'P-256' | 'P-384'): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function name(cn: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })],
  });
}

/** A certificate for `subjectKeys` named `cn`, signed by `issuer` (or self-signed). */
export async function makeCert(cn: string, subjectKeys: CryptoKeyPair, issuer?: { cn: string; keys: CryptoKeyPair }, hash = 'SHA-384'): Promise<FakeCert> {
  const c = new pkijs.Certificate();
  c.version = 2;
  c.serialNumber = new asn1js.Integer({ value: Math.floor(Math.random() * 1e9) });
  c.subject = name(cn);
  c.issuer = name(issuer?.cn ?? cn);
  c.notBefore.value = new Date('2020-01-01T00:00:00Z');
  c.notAfter.value = new Date('2045-01-01T00:00:00Z');
  await c.subjectPublicKeyInfo.importKey(subjectKeys.publicKey);
  await c.sign((issuer?.keys ?? subjectKeys).privateKey, hash);
  const der = new Uint8Array(c.toSchema(true).toBER(false));
  return { cert: parseCertDer(der, `fake ${cn}`)!, keys: subjectKeys };
}

/** A three-level chain root ← intermediate ← leaf with the given names. */
export async function fakeChain(names: [string, string, string], leafCurve: 'P-256' | 'P-384', hash = 'SHA-384'): Promise<FakeCert[]> {
  const rootKeys = await ecKeys('P-384');
  const root = await makeCert(names[0], rootKeys, undefined, hash);
  const midKeys = await ecKeys('P-384');
  const mid = await makeCert(names[1], midKeys, { cn: names[0], keys: rootKeys }, hash);
  const leaf = await makeCert(names[2], await ecKeys(leafCurve), { cn: names[1], keys: midKeys }, hash);
  return [leaf, mid, root];
}

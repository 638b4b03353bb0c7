// Verifies a TDX quote offline (evidence-and-eventlogs.md §2; Intel DCAP Quote Verification Library): the quote
// signature (ECDSA P-256 over header ‖ body with the attestation key), the QE report binding
// (SHA-256(attestation key ‖ QE auth data) = QE REPORTDATA[0:32]), the QE report signed by the PCK leaf, and the
// PCK chain to the pinned Intel SGX Root CA, with validity at a chosen time. Optional PCS collateral adds the
// TCB status (tcb-collateral.ts).
import { toHex } from '../bytes/bytes';
import { sha256Of } from '../hash/hash';
import { commonName, ecdsaVerify, importEcdsaKey, isSelfIssued, readCertificates, signedBy, uniqueCerts, validAt, type Cert } from '../x509/cert';
import { CheckList, type Check } from './checks';
import { evaluateTdxCollateral, type PcsCollateral, type TcbEvaluation } from './tdx-collateral';
import type { TdxQuote } from './tdx-quote';
import { INTEL_SGX_ROOT_SPKI_SHA256 } from './trust-anchors';

export interface TdxVerifyOptions {
  /** Extra certificates (e.g. an Intel root or a PCK chain when the quote carries none). */
  certs?: readonly Cert[];
  at?: Date;
  collateral?: PcsCollateral;
}

export interface TdxVerification {
  checks: Check[];
  pckChain: Cert[];
  tcb?: TcbEvaluation;
}

async function rawP256Key(xy: Uint8Array): Promise<CryptoKey | undefined> {
  try {
    const raw = new Uint8Array(65);
    raw[0] = 4;
    raw.set(xy, 1);
    return await crypto.subtle.importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  } catch {
    return undefined;
  }
}

/**
 * Orders `certs` from `leaf` up to a self-signed root by signature (not by name alone); stops at the first
 * certificate no other one signed. Returns the chain and whether its top is self-signed.
 */
export async function buildChain(leaf: Cert, certs: readonly Cert[], maxDepth = 6): Promise<{ chain: Cert[]; rooted: boolean; broken?: Cert }> {
  const chain = [leaf];
  let cur = leaf;
  for (let d = 0; d < maxDepth; d++) {
    if (isSelfIssued(cur)) return { chain, rooted: await signedBy(cur, cur) };
    let next: Cert | undefined;
    for (const c of certs) if (!chain.includes(c) && (await signedBy(cur, c))) { next = c; break; }
    if (!next) return { chain, rooted: false, broken: cur };
    chain.push(next);
    cur = next;
  }
  return { chain, rooted: false, broken: cur };
}

export async function verifyTdxQuote(q: TdxQuote, o: TdxVerifyOptions = {}): Promise<TdxVerification> {
  const checks = new CheckList();
  const at = o.at ?? new Date();
  const out: TdxVerification = { checks: checks.list, pckChain: [] };

  const key = await rawP256Key(q.attestationKey);
  if (!key) checks.fail('tdx.signature', 'the attestation key is not a P-256 point');
  else checks.add('tdx.signature', await ecdsaVerify(key, 'SHA-256', q.signature, q.signed), `ECDSA P-256/SHA-256 over header ‖ body (${q.signed.length} bytes) verifies with the attestation key`, 'the quote signature does not verify with the attestation key: header or body altered');

  const qe = q.certification;
  if (!qe) {
    for (const id of ['tdx.qe-binding', 'tdx.qe-signature', 'tdx.pck-chain', 'tdx.root-pinned', 'tdx.validity']) checks.skip(id, 'the quote carries no QE report certification data (type 6)');
    return out;
  }
  const want = sha256Of(new Uint8Array([...q.attestationKey, ...qe.qeAuthData]));
  const rd = qe.qeReport.subarray(320, 384);
  const bound = toHex(rd.subarray(0, 32)) === toHex(want) && rd.subarray(32).every((x) => x === 0);
  checks.add('tdx.qe-binding', bound, 'SHA-256(attestation key ‖ QE auth data) = QE REPORTDATA[0:32] (rest zero)', `QE REPORTDATA ${toHex(rd.subarray(0, 32)).slice(0, 16)}… ≠ SHA-256(attestation key ‖ auth data) ${toHex(want).slice(0, 16)}…: the key is not the QE's`);

  const embedded = qe.certType === 5 ? readCertificates(qe.certData, 'quote PCK chain').certs : [];
  const all = uniqueCerts([...embedded, ...(o.certs ?? [])]);
  const leaf = embedded[0] ?? all.find((c) => /PCK Certificate/.test(commonName(c.cert.subject) ?? ''));
  if (!leaf) {
    checks.skip('tdx.qe-signature', 'no PCK certificate (the quote has no type-5 chain; pass one with --certs)');
    checks.skip('tdx.pck-chain', 'no PCK certificate');
    checks.skip('tdx.root-pinned', 'no PCK certificate');
    checks.skip('tdx.validity', 'no PCK certificate');
  } else {
    const pk = await importEcdsaKey(leaf, 'P-256');
    const qeOk = pk !== undefined && (await ecdsaVerify(pk, 'SHA-256', qe.qeReportSignature, qe.qeReport));
    checks.add('tdx.qe-signature', qeOk, `QE report signed by ${commonName(leaf.cert.subject)} (ECDSA P-256)`, `the QE report signature does not verify with ${commonName(leaf.cert.subject) ?? 'the PCK leaf'}`);
    const { chain, rooted, broken } = await buildChain(leaf, all);
    out.pckChain = chain;
    const names = chain.map((c) => commonName(c.cert.subject)).join(' ← ');
    checks.add('tdx.pck-chain', rooted && chain.length >= 2, `${names} (each signature verified)`, rooted ? `${names}: no intermediate` : `${names}: nothing given signed ${commonName(broken!.cert.subject)}`);
    const root = rooted ? chain[chain.length - 1]! : undefined;
    if (!root) checks.fail('tdx.root-pinned', 'the PCK chain does not end in a self-signed root');
    else checks.add('tdx.root-pinned', root.spkiSha256 === INTEL_SGX_ROOT_SPKI_SHA256, `root public key = Intel SGX Root CA (SPKI SHA-256 ${INTEL_SGX_ROOT_SPKI_SHA256.slice(0, 16)}…, pinned)`, `the root "${commonName(root.cert.subject)}" (SPKI SHA-256 ${root.spkiSha256.slice(0, 16)}…) is not Intel's SGX Root CA`);
    const bad = chain.filter((c) => !validAt(c, at));
    checks.add('tdx.validity', bad.length === 0, `${chain.length} certificates valid at ${at.toISOString()}`, bad.map((c) => `${commonName(c.cert.subject)} valid ${c.notBefore.toISOString()} – ${c.notAfter.toISOString()}`).join('; '));
  }

  if (!o.collateral) checks.skip('tdx.tcb-status', 'no PCS collateral given (--collateral): TCB status not evaluated');
  else if (!leaf) checks.skip('tdx.tcb-status', 'no PCK certificate to evaluate the collateral against');
  else {
    const ev = await evaluateTdxCollateral(q, leaf, out.pckChain, o.collateral, at);
    out.tcb = ev;
    for (const c of ev.checks) checks.list.push(c);
  }
  return out;
}

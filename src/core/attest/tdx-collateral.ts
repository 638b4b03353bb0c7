// TDX TCB status from Intel PCS collateral (Intel "PCS API v4": TCB Info v3 for TDX, Enclave Identity v2 for TD_QE;
// Intel SGX PCK Certificate and CRL Profile for the PCK's SGX extensions; the matching rules of the DCAP Quote
// Verification Library, as dcap-qvl implements them): signatures of the TCB info and QE identity (ECDSA P-256 over
// the JSON text, issuer chain to the pinned Intel root), CRLs, the first TCB level the platform meets, the TDX
// module identity and the QE identity. The collateral is the JSON shape dcap-qvl stores (corpus sample).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromHex, toHex } from '../bytes/bytes';
import { commonName, ecdsaVerify, extensionAsn1, importEcdsaKey, readCertificates, validAt, type Cert } from '../x509/cert';
import { CheckList, type Check } from './checks';
import type { TdxQuote } from './tdx-quote';
import { INTEL_SGX_ROOT_SPKI_SHA256 } from './trust-anchors';

export interface PcsCollateral {
  tcb_info: string;
  tcb_info_signature: string;
  tcb_info_issuer_chain: string;
  qe_identity: string;
  qe_identity_signature: string;
  qe_identity_issuer_chain: string;
  pck_crl?: string;
  root_ca_crl?: string;
  pck_crl_issuer_chain?: string;
}

export type TcbStatus = string; // UpToDate, SWHardeningNeeded, ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded, TcbNotSupported, Revoked

export interface TcbEvaluation {
  /** The combined status (worst of platform, TDX module and QE). */
  status?: TcbStatus;
  platform?: TcbStatus;
  module?: TcbStatus;
  qe?: TcbStatus;
  fmspc?: string;
  tcbDate?: string;
  checks: Check[];
}

/** Parses the collateral JSON text; undefined when a required key is missing. */
export function parseCollateral(text: string): PcsCollateral | undefined {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const keys = ['tcb_info', 'tcb_info_signature', 'tcb_info_issuer_chain', 'qe_identity', 'qe_identity_signature', 'qe_identity_issuer_chain'];
    for (const k of keys) if (typeof j[k] !== 'string') return undefined;
    return j as unknown as PcsCollateral;
  } catch {
    return undefined;
  }
}

/** SGX extensions of a PCK certificate (OID 1.2.840.113741.1.13.1; PCK Certificate and CRL Profile §1.5). */
export interface PckExtensions {
  compSvn: number[];
  pceSvn: number;
  cpuSvn: string;
  pceId: string;
  fmspc: string;
}
const SGX_EXT = '1.2.840.113741.1.13.1';

export function pckExtensions(c: Cert): PckExtensions | undefined {
  const root = extensionAsn1(c, SGX_EXT);
  if (!(root instanceof asn1js.Sequence)) return undefined;
  const out: PckExtensions = { compSvn: [], pceSvn: -1, cpuSvn: '', pceId: '', fmspc: '' };
  const pairs = (s: asn1js.Sequence) =>
    s.valueBlock.value.flatMap((p) => (p instanceof asn1js.Sequence && p.valueBlock.value[0] instanceof asn1js.ObjectIdentifier ? [[p.valueBlock.value[0].valueBlock.toString(), p.valueBlock.value[1]] as const] : []));
  const octets = (v: unknown) => (v instanceof asn1js.OctetString ? toHex(new Uint8Array(v.valueBlock.valueHexView)) : '');
  for (const [oid, v] of pairs(root)) {
    if (oid === `${SGX_EXT}.2` && v instanceof asn1js.Sequence) {
      for (const [o2, v2] of pairs(v)) {
        const n = Number(o2.split('.').pop());
        if (n >= 1 && n <= 16 && v2 instanceof asn1js.Integer) out.compSvn[n - 1] = v2.valueBlock.valueDec;
        else if (n === 17 && v2 instanceof asn1js.Integer) out.pceSvn = v2.valueBlock.valueDec;
        else if (n === 18) out.cpuSvn = octets(v2);
      }
    } else if (oid === `${SGX_EXT}.3`) out.pceId = octets(v);
    else if (oid === `${SGX_EXT}.4`) out.fmspc = octets(v);
  }
  return out.compSvn.length === 16 && out.pceSvn >= 0 ? out : undefined;
}

const SEVERITY: Record<string, number> = {
  UpToDate: 0,
  SWHardeningNeeded: 1,
  ConfigurationNeeded: 2,
  ConfigurationAndSWHardeningNeeded: 3,
  OutOfDate: 4,
  OutOfDateConfigurationNeeded: 5,
  TcbNotSupported: 6,
  Revoked: 7,
};
const worst = (...s: (string | undefined)[]) => s.filter((x): x is string => !!x).sort((a, b) => (SEVERITY[b] ?? 8) - (SEVERITY[a] ?? 8))[0];

interface TcbLevel {
  tcb: { sgxtcbcomponents?: { svn: number }[]; pcesvn?: number; tdxtcbcomponents?: { svn: number }[]; isvsvn?: number };
  tcbDate: string;
  tcbStatus: string;
}

async function signedJson(checks: CheckList, id: string, what: string, text: string, sigHex: string, chainPem: string, at: Date): Promise<Record<string, unknown> | undefined> {
  const chain = readCertificates(new TextEncoder().encode(chainPem), `${what} issuer chain`).certs;
  const signer = chain[0];
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    checks.fail(id, `${what} is not JSON`);
    return undefined;
  }
  if (!signer) {
    checks.fail(id, `${what}: no issuer certificate`);
    return undefined;
  }
  const key = await importEcdsaKey(signer, 'P-256');
  let sig: Uint8Array;
  try {
    sig = fromHex(sigHex);
  } catch {
    sig = new Uint8Array(0);
  }
  const ok = key !== undefined && sig.length === 64 && (await ecdsaVerify(key, 'SHA-256', sig, new TextEncoder().encode(text)));
  const root = chain[chain.length - 1];
  const rootOk = !!root && root !== signer && root.spkiSha256 === INTEL_SGX_ROOT_SPKI_SHA256 && (await signer.cert.verify(root.cert).catch(() => false));
  const fresh = typeof json.issueDate === 'string' && typeof json.nextUpdate === 'string' && new Date(json.issueDate) <= at && at <= new Date(json.nextUpdate);
  const certsValid = chain.every((c) => validAt(c, at));
  if (ok && rootOk && fresh && certsValid) checks.pass(id, `${what} signed by ${commonName(signer.cert.subject)} ← Intel SGX Root CA (pinned); valid ${json.issueDate} – ${json.nextUpdate}`);
  else
    checks.fail(
      id,
      [!ok && `the ${what} signature does not verify`, !rootOk && `its issuer chain does not end in Intel's root`, !fresh && `not current at ${at.toISOString()} (issued ${String(json.issueDate)}, next update ${String(json.nextUpdate)})`, !certsValid && 'an issuer certificate is not valid at that time']
        .filter(Boolean)
        .join('; '),
    );
  return json;
}

async function crlCheck(checks: CheckList, crlHex: string | undefined, issuer: Cert | undefined, subject: Cert | undefined, what: string, at: Date): Promise<void> {
  const id = `tdx.crl.${what}`;
  if (!crlHex || !issuer || !subject) {
    checks.skip(id, `no ${what} CRL or issuer in the collateral`);
    return;
  }
  try {
    const der = /^[0-9a-fA-F]+$/.test(crlHex) ? fromHex(crlHex) : new TextEncoder().encode(crlHex);
    const asn = asn1js.fromBER(new Uint8Array(der));
    const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
    const signed = await crl.verify({ issuerCertificate: issuer.cert });
    const revoked = crl.isCertificateRevoked(subject.cert);
    const current = crl.thisUpdate.value <= at && (!crl.nextUpdate || at <= crl.nextUpdate.value);
    if (signed && !revoked && current) checks.pass(id, `${commonName(subject.cert.subject)} not revoked (CRL by ${commonName(issuer.cert.subject)}, ${crl.revokedCertificates?.length ?? 0} entries)`);
    else checks.fail(id, [!signed && 'the CRL signature does not verify', revoked && `${commonName(subject.cert.subject)} is revoked`, !current && `the CRL is not current at ${at.toISOString()}`].filter(Boolean).join('; '));
  } catch {
    checks.fail(id, `the ${what} CRL does not decode`);
  }
}

/** Evaluates the collateral for a quote whose PCK leaf (and chain leaf → root) was found. */
export async function evaluateTdxCollateral(q: TdxQuote, pck: Cert, pckChain: readonly Cert[], c: PcsCollateral, at: Date): Promise<TcbEvaluation> {
  const checks = new CheckList();
  const ev: TcbEvaluation = { checks: checks.list };
  const tcbInfo = await signedJson(checks, 'tdx.collateral.tcb-info', 'TCB info', c.tcb_info, c.tcb_info_signature, c.tcb_info_issuer_chain, at);
  const qeId = await signedJson(checks, 'tdx.collateral.qe-identity', 'QE identity', c.qe_identity, c.qe_identity_signature, c.qe_identity_issuer_chain, at);
  await crlCheck(checks, c.pck_crl, pckChain[1], pck, 'pck', at);
  await crlCheck(checks, c.root_ca_crl, pckChain[pckChain.length - 1], pckChain[1], 'root-ca', at);

  const ext = pckExtensions(pck);
  if (!ext) {
    checks.fail('tdx.tcb-status', 'the PCK certificate has no SGX extensions (FMSPC, TCB)');
    return ev;
  }
  ev.fmspc = ext.fmspc;
  const teeTcbSvn = q.body.find((f) => f.name === 'tee_tcb_svn')!.value as Uint8Array;
  if (tcbInfo) {
    const fmspcOk = String(tcbInfo.fmspc ?? '').toLowerCase() === ext.fmspc && String(tcbInfo.pceId ?? '').toLowerCase() === ext.pceId;
    if (!fmspcOk) checks.fail('tdx.collateral.fmspc', `TCB info is for FMSPC ${String(tcbInfo.fmspc)} / PCE ${String(tcbInfo.pceId)}, the PCK is ${ext.fmspc} / ${ext.pceId}`);
    else checks.pass('tdx.collateral.fmspc', `TCB info FMSPC ${ext.fmspc} = the PCK certificate's`);
    if (tcbInfo.id !== 'TDX') checks.fail('tdx.collateral.id', `TCB info id ${String(tcbInfo.id)} is not TDX`);
    // Platform level: the first level (highest first) that every SGX component, the PCE SVN and the TDX components
    // meet; with a TDX module major version (TEE_TCB_SVN[1]) > 0 the first two TDX components are the module's
    // and are judged by the module identity instead (QVL TcbLevelCheck).
    const skipTdx = teeTcbSvn[1]! > 0 ? 2 : 0;
    const levels = (tcbInfo.tcbLevels as TcbLevel[] | undefined) ?? [];
    const level = levels.find(
      (l) =>
        (l.tcb.sgxtcbcomponents ?? []).every((s, i) => (ext.compSvn[i] ?? 0) >= s.svn) &&
        ext.pceSvn >= (l.tcb.pcesvn ?? 0) &&
        (l.tcb.tdxtcbcomponents ?? []).every((s, i) => i < skipTdx || teeTcbSvn[i]! >= s.svn),
    );
    // No level met: Intel's QVL answers STATUS_TCB_NOT_SUPPORTED (the platform is older than every listed level).
    ev.platform = level?.tcbStatus ?? 'TcbNotSupported';
    ev.tcbDate = level?.tcbDate;
    if (skipTdx) {
      const mid = `TDX_${teeTcbSvn[1]!.toString(16).padStart(2, '0').toUpperCase()}`;
      const mods = (tcbInfo.tdxModuleIdentities as { id: string; tcbLevels: TcbLevel[] }[] | undefined) ?? [];
      const mod = mods.find((m) => m.id === mid);
      ev.module = mod ? (mod.tcbLevels.find((l) => teeTcbSvn[0]! >= (l.tcb.isvsvn ?? 0))?.tcbStatus ?? 'Revoked') : undefined;
      if (!mod) checks.fail('tdx.collateral.module', `no TDX module identity ${mid} in the TCB info`);
      else checks.pass('tdx.collateral.module', `TDX module ${mid} SVN ${teeTcbSvn[0]}: ${ev.module}`);
    }
  }
  if (qeId && q.certification) {
    const f = Object.fromEntries(q.certification.qeReportFields.map((x) => [x.name, x]));
    const masked = (v: Uint8Array, want: string, mask: string) => {
      const w = fromHex(want);
      const m = fromHex(mask);
      return w.length === v.length && m.length === v.length && v.every((x, i) => (x & m[i]!) === w[i]);
    };
    const misc = new Uint8Array(4);
    new DataView(misc.buffer).setUint32(0, f.misc_select!.value as number, false);
    const ok =
      String(qeId.mrsigner ?? '').toLowerCase() === f.mr_signer!.hex &&
      Number(qeId.isvprodid) === f.isv_prod_id!.value &&
      masked(f.attributes!.value as Uint8Array, String(qeId.attributes), String(qeId.attributesMask)) &&
      (Number.parseInt(String(qeId.miscselect), 16) & Number.parseInt(String(qeId.miscselectMask), 16)) === ((f.misc_select!.value as number) & Number.parseInt(String(qeId.miscselectMask), 16));
    checks.add('tdx.collateral.qe-match', ok, `QE report matches the QE identity ${String(qeId.id)} (MRSIGNER, ISVPRODID, attributes, MISCSELECT)`, 'the QE report does not match the QE identity (MRSIGNER/ISVPRODID/attributes/MISCSELECT)');
    const svn = f.isv_svn!.value as number;
    ev.qe = ok ? (((qeId.tcbLevels as TcbLevel[] | undefined) ?? []).find((l) => svn >= (l.tcb.isvsvn ?? 0))?.tcbStatus ?? 'Revoked') : 'Revoked';
  }
  ev.status = worst(ev.platform, ev.module, ev.qe);
  const collateralOk = checks.list.every((x) => x.status !== 'fail');
  if (!ev.status) checks.fail('tdx.tcb-status', 'no TCB status could be evaluated');
  else if (!collateralOk) checks.fail('tdx.tcb-status', `${ev.status} by the levels, but the collateral did not verify (see above)`);
  else checks.add('tdx.tcb-status', ev.status === 'UpToDate', `UpToDate (platform ${ev.platform}${ev.module ? `, TDX module ${ev.module}` : ''}, QE ${ev.qe}; TCB date ${ev.tcbDate}) at ${at.toISOString()}`, `${ev.status} (platform ${ev.platform}${ev.module ? `, TDX module ${ev.module}` : ''}, QE ${ev.qe}; TCB date ${ev.tcbDate ?? '—'})`);
  return ev;
}

/** "The collateral's time": the latest issueDate of its TCB info and QE identity (the moment the set was complete). */
export function collateralTime(c: PcsCollateral): Date | undefined {
  const ds: number[] = [];
  for (const t of [c.tcb_info, c.qe_identity]) {
    try {
      const d = Date.parse(String((JSON.parse(t) as { issueDate?: unknown }).issueDate));
      if (!Number.isNaN(d)) ds.push(d);
    } catch {
      /* reported by the signature check */
    }
  }
  return ds.length ? new Date(Math.max(...ds)) : undefined;
}

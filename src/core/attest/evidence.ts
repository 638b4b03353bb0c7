// One entry point for evidence files: detects an SNP report (raw, hex, base64, Azure HCL, extended report) or a TDX
// quote, decodes it, and verifies it with the certificates and collateral the caller supplies. Never throws.
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { DecodedField } from '../fields/field-table';
import { readCertificates, type Cert } from '../x509/cert';
import type { Check } from './checks';
import { decodeSnpEvidence, decodeText, looksLikeSnpReport, type SnpEvidence } from './snp-input';
import { verifySnpReport, type SnpVerification } from './snp-verify';
import type { PcsCollateral } from './tdx-collateral';
import { decodeTdxQuote, looksLikeTdxQuote, type TdxQuote } from './tdx-quote';
import { verifyTdxQuote, type TdxVerification } from './tdx-verify';
import { appendAll } from '../append';

export type EvidenceKind = 'snp-report' | 'tdx-quote';

export interface Evidence {
  kind?: EvidenceKind;
  snp?: SnpEvidence;
  tdx?: TdxQuote;
  /** Every decoded field with its offset (for the UI and the JSON). */
  fields: DecodedField[];
  diagnostics: Diagnostic[];
}

export function decodeEvidence(bytes: Uint8Array): Evidence {
  let b = bytes;
  if (!looksLikeTdxQuote(b) && !looksLikeSnpReport(b)) {
    const t = decodeText(b);
    if (t && looksLikeTdxQuote(t.bytes)) b = t.bytes;
  }
  if (looksLikeTdxQuote(b)) {
    const r = decodeTdxQuote(b);
    return { kind: 'tdx-quote', tdx: r.quote, fields: r.quote?.fields ?? [], diagnostics: r.diagnostics };
  }
  const s = decodeSnpEvidence(bytes);
  if (s.report) return { kind: 'snp-report', snp: s, fields: s.report.fields, diagnostics: s.diagnostics };
  const d = new Diagnostics();
  d.error('EVIDENCE_UNKNOWN', `not an SNP attestation report (1184 bytes, or hex/base64/Azure HCL/extended report) nor a TDX quote (v4/v5, TEE type 0x81): ${bytes.length} bytes`, { offset: 0 });
  return { fields: [], diagnostics: d.done() };
}

/** Field name → hex for JSON (reserved fields left out; integers 0x…, byte strings hex). */
export function fieldsHex(fields: readonly DecodedField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (!f.reserved) out[f.name] = f.hex;
  return out;
}

/** The decoded meaning of the bit fields (for the JSON `decoded` key and the UI). */
export function evidenceSummary(e: Evidence): Record<string, unknown> {
  if (e.snp?.report) {
    const r = e.snp.report;
    return {
      container: e.snp.container,
      reportOffset: r.offset,
      version: r.version,
      product: r.product,
      cpuid: r.cpuid,
      signer: r.keyInfo.signer,
      maskChipKey: r.keyInfo.maskChipKey,
      authorKeyEn: r.keyInfo.authorKeyEn,
      policy: r.policy,
      platformInfo: r.platformInfo,
      tcb: r.tcb,
      certificatesInReport: e.snp.certTable?.map((c) => c.name ?? c.guid),
    };
  }
  if (e.tdx) {
    return { version: e.tdx.version, body: e.tdx.bodyType === 3 ? 'TD 1.5' : 'TD 1.0', tdAttributes: e.tdx.tdAttributes, length: e.tdx.length };
  }
  return {};
}

export interface EvidenceVerification {
  checks: Check[];
  snp?: SnpVerification;
  tdx?: TdxVerification;
}

/** Certificates from any number of user files (DER, PEM bundles), with a diagnostic per unreadable one. */
export function certificatesFrom(files: readonly { name: string; bytes: Uint8Array }[], diags: Diagnostics): Cert[] {
  const out: Cert[] = [];
  for (const f of files) {
    const r = readCertificates(f.bytes, f.name);
    if (r.certs.length === 0) diags.warning('EVIDENCE_NO_CERT', `${f.name}: no certificate (DER or PEM) found`);
    if (r.bad) diags.warning('EVIDENCE_BAD_CERT', `${f.name}: ${r.bad} block(s) do not decode as X.509`);
    appendAll(out, r.certs);
  }
  return out;
}

export async function verifyEvidence(e: Evidence, o: { certs: readonly Cert[]; at?: Date; collateral?: PcsCollateral }): Promise<EvidenceVerification> {
  if (e.kind === 'snp-report' && e.snp?.report) {
    const v = await verifySnpReport(e.snp.report, { certs: [...e.snp.certs, ...o.certs], at: o.at });
    return { checks: v.checks, snp: v };
  }
  if (e.kind === 'tdx-quote' && e.tdx) {
    const v = await verifyTdxQuote(e.tdx, { certs: o.certs, at: o.at, collateral: o.collateral });
    return { checks: v.checks, tdx: v };
  }
  return { checks: [] };
}

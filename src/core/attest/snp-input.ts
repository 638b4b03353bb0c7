// Where an SNP report comes from: the raw 1184 bytes, hex or base64 text of them, an Azure HCL report (the SNP report
// at offset 0x20, evidence-and-eventlogs.md §1; trustee `az_snp_vtpm`), or an extended report — the report followed
// by the GHCB certificate table (GHCB spec, SNP Extended Guest Request: entries {GUID, offset, length} ending with
// an all-zero entry; offsets from the table start). Anything else becomes a diagnostic, never an exception.
import { guidToString, toHex, u32 } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { parseCertDer, type Cert } from '../x509/cert';
import { decodeSnpReport, HCL_MAGIC, HCL_REPORT_OFFSET, looksLikeSnpReport, SNP_REPORT_SIZE, type SnpProduct, type SnpReport } from './snp-report';

export type SnpContainer = 'raw' | 'hex' | 'base64' | 'azure-hcl' | 'extended-report';

export { HCL_MAGIC, HCL_REPORT_OFFSET };

/** GHCB certificate-table GUIDs (GHCB spec; AMD sev-guest tooling names the files after them). */
export const SNP_CERT_GUIDS: Readonly<Record<string, 'ARK' | 'ASK' | 'VCEK' | 'VLEK' | 'CRL'>> = {
  'c0b406a4-a803-4952-9743-3fb6014cd0ae': 'ARK',
  '4ab7b379-bbac-4fe4-a02f-05aef327c782': 'ASK',
  '63da758d-e664-4564-adc5-f4b93be8accd': 'VCEK',
  'a8074bc2-a25a-483e-aae6-39c045a0b8a1': 'VLEK',
  '92f81bc3-5811-4d3d-97ff-d19f88dc67ea': 'CRL',
};
const TABLE_ENTRY = 24;
const MAX_TABLE_ENTRIES = 64;

export interface CertTableEntry {
  guid: string;
  /** ARK / ASK / VCEK / VLEK / CRL, or undefined for an unknown GUID. */
  name?: string;
  offset: number;
  length: number;
  cert?: Cert;
}

/** GUID text in the order its bytes are written (the wire form), and in the EFI mixed-endian form as a fallback. */
function guidTexts(b: Uint8Array, o: number): [string, string] {
  const h = toHex(b.subarray(o, o + 16));
  const plain = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return [plain, guidToString(b, o)];
}

/** Parses a GHCB certificate table at `base` of `b`. Returns undefined when the bytes are not one. */
export function parseCertTable(b: Uint8Array, base = 0, diags = new Diagnostics()): CertTableEntry[] | undefined {
  const entries: CertTableEntry[] = [];
  for (let i = 0; i < MAX_TABLE_ENTRIES; i++) {
    const o = base + i * TABLE_ENTRY;
    if (o + TABLE_ENTRY > b.length) return undefined; // no terminator
    if (b.subarray(o, o + TABLE_ENTRY).every((x) => x === 0)) return entries.length ? entries : undefined;
    const [plain, efi] = guidTexts(b, o);
    const name = SNP_CERT_GUIDS[plain] ?? SNP_CERT_GUIDS[efi];
    const guid = SNP_CERT_GUIDS[plain] || !SNP_CERT_GUIDS[efi] ? plain : efi;
    const offset = u32(b, o + 16);
    const length = u32(b, o + 20);
    if (base + offset + length > b.length || length === 0) {
      diags.warning('SNP_CERT_TABLE_BOUNDS', `certificate table entry ${i} (${name ?? guid}) points outside the data`, { offset: o });
      entries.push({ guid, name, offset, length });
      continue;
    }
    const der = b.subarray(base + offset, base + offset + length);
    // Hosts zero-pad entries; the DER length says where the certificate ends, and pkijs ignores the padding.
    const cert = name === 'CRL' ? undefined : parseCertDer(trimDer(der), `cert table ${name ?? guid}`);
    if (!cert && name !== 'CRL') diags.warning('SNP_CERT_TABLE_BAD_CERT', `certificate table entry ${i} (${name ?? guid}) is not a DER certificate`, { offset: base + offset });
    entries.push({ guid, name, offset, length, cert });
  }
  diags.warning('SNP_CERT_TABLE_LONG', `certificate table has more than ${MAX_TABLE_ENTRIES} entries`, { offset: base });
  return entries;
}

/** A DER SEQUENCE cut to its encoded length (drops trailing padding). */
function trimDer(b: Uint8Array): Uint8Array {
  if (b[0] !== 0x30 || b.length < 2) return b;
  const l0 = b[1]!;
  if (l0 < 0x80) return b.subarray(0, Math.min(b.length, 2 + l0));
  const n = l0 & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return b;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i]!;
  return b.subarray(0, Math.min(b.length, 2 + n + len));
}

/** Bytes of a hex or base64 text, or undefined when the input is not such text. */
export function decodeText(b: Uint8Array): { bytes: Uint8Array; as: 'hex' | 'base64' } | undefined {
  if (b.length === 0 || b.length > 16 * 1024 * 1024) return undefined;
  for (const x of b) if (!(x === 9 || x === 10 || x === 13 || (x >= 32 && x < 127))) return undefined;
  const text = new TextDecoder().decode(b).replace(/\s+/g, '');
  const hexText = text.replace(/^0x/i, '');
  if (/^[0-9a-fA-F]+$/.test(hexText) && hexText.length % 2 === 0) {
    const out = new Uint8Array(hexText.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hexText.slice(2 * i, 2 * i + 2), 16);
    return { bytes: out, as: 'hex' };
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    try {
      const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
      const out = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return { bytes: out, as: 'base64' };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface SnpEvidence {
  container: SnpContainer;
  /** The bytes the report was found in (decoded text for hex/base64 input). */
  bytes: Uint8Array;
  report?: SnpReport;
  /** Certificates carried with the report (extended report's table). */
  certs: Cert[];
  certTable?: CertTableEntry[];
  diagnostics: Diagnostic[];
}

export { looksLikeSnpReport };

export function decodeSnpEvidence(input: Uint8Array, productHint?: SnpProduct): SnpEvidence {
  const diags = new Diagnostics();
  let bytes = input;
  let container: SnpContainer = 'raw';
  if (!looksLikeSnpReport(input)) {
    const t = decodeText(input);
    if (t) {
      bytes = t.bytes;
      container = t.as;
    }
  }
  const out: SnpEvidence = { container, bytes, certs: [], diagnostics: [] };
  let offset = 0;
  if (bytes.length >= HCL_REPORT_OFFSET + SNP_REPORT_SIZE && u32(bytes, 0) === HCL_MAGIC) {
    out.container = 'azure-hcl';
    offset = HCL_REPORT_OFFSET;
    diags.info('SNP_AZURE_HCL', 'Azure HCL report: the SNP report is at offset 0x20, runtime data after it', { offset: 0, spec: 'evidence §1' });
  } else if (bytes.length < SNP_REPORT_SIZE) {
    diags.error('SNP_NOT_A_REPORT', `not an SNP attestation report: ${bytes.length} bytes (a report is ${SNP_REPORT_SIZE}; hex, base64, Azure HCL and extended reports are read too)`, { offset: 0 });
    out.diagnostics = diags.done();
    return out;
  } else if (bytes.length > SNP_REPORT_SIZE) {
    const table = parseCertTable(bytes, SNP_REPORT_SIZE, diags);
    if (table) {
      out.container = 'extended-report';
      out.certTable = table;
      for (const e of table) if (e.cert) out.certs.push(e.cert);
    } else if (!bytes.subarray(SNP_REPORT_SIZE).every((x) => x === 0)) {
      diags.warning('SNP_TRAILING_BYTES', `${bytes.length - SNP_REPORT_SIZE} bytes after the report are neither a certificate table nor zero padding`, { offset: SNP_REPORT_SIZE });
    }
  }
  const r = decodeSnpReport(bytes, offset, productHint);
  for (const d of r.diagnostics) diags.add(d);
  out.report = r.report;
  out.diagnostics = diags.done();
  if (out.report) out.report.diagnostics = out.diagnostics;
  return out;
}

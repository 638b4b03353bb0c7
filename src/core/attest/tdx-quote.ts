// Intel TDX quote v4 and v5 (Intel TDX DCAP Quote Generation Library and Quote Verification Library API, appendix
// "Quote Format"; evidence-and-eventlogs.md §2; go-tdx-guest `abi/abi.go`, dcap-qvl `src/quote.rs`):
// a 48-byte header, the TD report body (TD 1.0: 584 bytes; v5 adds a body descriptor {type u16, size u32} and TD 1.5
// bodies of 648 bytes with TEE_TCB_SVN2 and MRSERVICETD), then the signature data length and the ECDSA P-256 quote
// signature data (signature, attestation key, certification data type 6 = QE report + its signature + QE auth data
// + certification data type 5 = PCK chain PEM). Trailing zero padding (quotes stored as 8000 bytes) is accepted.
import { u16, u32 } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { bytesf, byName, checkTable, decodeTable, namedBits, reservedf, u16f, u32f, tableSize, type DecodedField } from '../fields/field-table';

const SPEC = 'evidence §2 (Intel TDX DCAP, Quote Format)';
export const TDX_TEE_TYPE = 0x81;
export const TDX_ATT_KEY_ECDSA_P256 = 2;
/** Upper bound on a quote (the largest real ones are ~8 KiB with padding). */
export const MAX_QUOTE_SIZE = 1 << 20;

export const TDX_HEADER = checkTable('tdx header', [
  u16f('version', 0, 'quote version (4 or 5)'),
  u16f('att_key_type', 2, 'attestation key type (2 = ECDSA P-256)'),
  u32f('tee_type', 4, 'TEE type (0x81 = TDX)'),
  u16f('qe_svn', 8, 'QE SVN (reserved in v4)'),
  u16f('pce_svn', 10, 'PCE SVN (reserved in v4)'),
  bytesf('qe_vendor_id', 12, 16, 'QE vendor ID (Intel: 939a7233f79c4ca9940a0db3957f0607)'),
  bytesf('user_data', 28, 20, 'QE user data (first 16 bytes: platform instance ID)'),
]);
export const TDX_HEADER_SIZE = tableSize(TDX_HEADER);

/** TD report body, TD 1.0 (TDX module ABI, TDREPORT's TDINFO + TEE_TCB_INFO, as quoted). */
const TD10 = [
  bytesf('tee_tcb_svn', 0, 16, 'TEE TCB SVN (TDX module SVN minor, major, …)'),
  bytesf('mrseam', 16, 48, 'measurement of the TDX module'),
  bytesf('mrsignerseam', 64, 48, 'signer of the TDX module (zero for Intel)'),
  bytesf('seam_attributes', 112, 8, 'TDX module attributes'),
  bytesf('td_attributes', 120, 8, 'TD attributes'),
  bytesf('xfam', 128, 8, 'extended features available mask'),
  bytesf('mrtd', 136, 48, 'build-time measurement of the TD'),
  bytesf('mrconfigid', 184, 48, 'software-defined configuration ID'),
  bytesf('mrowner', 232, 48, 'software-defined owner ID'),
  bytesf('mrownerconfig', 280, 48, 'software-defined owner configuration'),
  bytesf('rtmr0', 328, 48, 'runtime measurement register 0 (firmware)'),
  bytesf('rtmr1', 376, 48, 'runtime measurement register 1 (OS loader)'),
  bytesf('rtmr2', 424, 48, 'runtime measurement register 2 (OS)'),
  bytesf('rtmr3', 472, 48, 'runtime measurement register 3'),
  bytesf('report_data', 520, 64, 'TD-supplied data'),
];
export const TD10_BODY = checkTable('td 1.0 body', TD10);
export const TD15_BODY = checkTable('td 1.5 body', [
  ...TD10,
  bytesf('tee_tcb_svn2', 584, 16, 'TEE TCB SVN 2'),
  bytesf('mrservicetd', 600, 48, 'measurement of the service TDs'),
]);
export const TD10_BODY_SIZE = tableSize(TD10_BODY);
export const TD15_BODY_SIZE = tableSize(TD15_BODY);

/** SGX REPORT body of the quoting enclave (Intel SDM vol. 3D, "REPORT"; 384 bytes). */
export const SGX_REPORT_BODY = checkTable('sgx report', [
  bytesf('cpu_svn', 0, 16),
  u32f('misc_select', 16),
  reservedf('reserved_20', 20, 28),
  bytesf('attributes', 48, 16),
  bytesf('mr_enclave', 64, 32),
  reservedf('reserved_96', 96, 32),
  bytesf('mr_signer', 128, 32),
  reservedf('reserved_160', 160, 96),
  u16f('isv_prod_id', 256),
  u16f('isv_svn', 258),
  reservedf('reserved_260', 260, 60),
  bytesf('report_data', 320, 64),
]);
export const SGX_REPORT_SIZE = tableSize(SGX_REPORT_BODY);

/** TD_ATTRIBUTES bits (Intel TDX module ABI spec, "TD_ATTRIBUTES"; go-tdx-guest TDAttributes). */
export const TD_ATTRIBUTE_BITS: Readonly<Record<number, string>> = {
  0: 'DEBUG',
  5: 'PERF_PROF',
  6: 'PMT_PROF',
  16: 'ICSSD',
  17: 'SERVTD_EXT',
  27: 'LASS',
  28: 'SEPT_VE_DISABLE',
  29: 'MIGRATABLE',
  30: 'PKS',
  31: 'KL',
  62: 'TPA',
  63: 'PERFMON',
};

export interface QeCertification {
  qeReport: Uint8Array;
  qeReportFields: DecodedField[];
  qeReportOffset: number;
  /** r‖s big-endian (P-256). */
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Certification data type inside (5 = PCK chain PEM). */
  certType: number;
  certData: Uint8Array;
}

export interface TdxQuote {
  version: number;
  /** v5 body type: 2 = TD 1.0, 3 = TD 1.5 (v4: 2). */
  bodyType: number;
  header: DecodedField[];
  body: DecodedField[];
  /** Bytes covered by the quote signature (header ‖ [descriptor ‖] body). */
  signed: Uint8Array;
  /** r‖s big-endian, P-256. */
  signature: Uint8Array;
  /** Uncompressed x‖y of the attestation key (64 bytes). */
  attestationKey: Uint8Array;
  certification?: QeCertification;
  /** Named set bits of TD_ATTRIBUTES. */
  tdAttributes: string[];
  /** Every decoded field, header then body, for the UI (offsets are file offsets). */
  fields: DecodedField[];
  /** Length of the quote proper (the rest of the input is padding). */
  length: number;
  diagnostics: Diagnostic[];
}

export function looksLikeTdxQuote(b: Uint8Array): boolean {
  return b.length >= TDX_HEADER_SIZE + TD10_BODY_SIZE && (u16(b, 0) === 4 || u16(b, 0) === 5) && u32(b, 4) === TDX_TEE_TYPE;
}

function u64le(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** Decodes a TDX quote; never throws. */
export function decodeTdxQuote(b: Uint8Array): { quote?: TdxQuote; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  const fail = (code: DiagnosticCode, msg: string, offset?: number) => {
    diags.error(code, msg, { offset, spec: SPEC });
    return { diagnostics: diags.done() };
  };
  if (b.length > MAX_QUOTE_SIZE) return fail('TDX_QUOTE_TOO_BIG', `${b.length} bytes is more than a quote (${MAX_QUOTE_SIZE})`);
  if (b.length < TDX_HEADER_SIZE) return fail('TDX_QUOTE_TRUNCATED', `${b.length} bytes: shorter than the 48-byte quote header`, 0);
  const header = decodeTable(b, 0, TDX_HEADER);
  const version = u16(b, 0);
  if (version !== 4 && version !== 5) return fail('TDX_QUOTE_VERSION', `quote version ${version}: TDX quotes are version 4 or 5`, 0);
  const tee = u32(b, 4);
  if (tee !== TDX_TEE_TYPE) return fail('TDX_QUOTE_TEE_TYPE', `TEE type 0x${tee.toString(16)} is not TDX (0x81; 0 is SGX)`, 4);
  if (u16(b, 2) !== TDX_ATT_KEY_ECDSA_P256) diags.warning('TDX_QUOTE_KEY_TYPE', `attestation key type ${u16(b, 2)} is not 2 (ECDSA P-256)`, { offset: 2, spec: SPEC });

  let bodyAt = TDX_HEADER_SIZE;
  let bodyType = 2;
  let bodySize = TD10_BODY_SIZE;
  if (version === 5) {
    if (b.length < TDX_HEADER_SIZE + 6) return fail('TDX_QUOTE_TRUNCATED', 'v5 quote ends inside its body descriptor', TDX_HEADER_SIZE);
    bodyType = u16(b, TDX_HEADER_SIZE);
    bodySize = u32(b, TDX_HEADER_SIZE + 2);
    bodyAt = TDX_HEADER_SIZE + 6;
    const want = bodyType === 2 ? TD10_BODY_SIZE : bodyType === 3 ? TD15_BODY_SIZE : undefined;
    if (want === undefined) return fail('TDX_QUOTE_BODY_TYPE', `v5 body type ${bodyType}: known are 2 (TD 1.0) and 3 (TD 1.5)`, TDX_HEADER_SIZE);
    if (bodySize !== want) return fail('TDX_QUOTE_BODY_SIZE', `v5 body type ${bodyType} has size ${want}, descriptor says ${bodySize}`, TDX_HEADER_SIZE + 2);
  }
  const sigLenAt = bodyAt + bodySize;
  if (b.length < sigLenAt + 4) return fail('TDX_QUOTE_TRUNCATED', `quote ends inside the TD report body (needs ${sigLenAt + 4} bytes, has ${b.length})`, bodyAt);
  const body = decodeTable(b, bodyAt, bodyType === 3 ? TD15_BODY : TD10_BODY);
  const sigLen = u32(b, sigLenAt);
  const sigAt = sigLenAt + 4;
  if (sigAt + sigLen > b.length) return fail('TDX_QUOTE_TRUNCATED', `signature data of ${sigLen} bytes runs past the end (${b.length})`, sigLenAt);
  if (sigLen < 128 + 6) return fail('TDX_QUOTE_SIG_SHORT', `signature data of ${sigLen} bytes is shorter than signature + key + certification header`, sigLenAt);
  const end = sigAt + sigLen;
  if (end < b.length) {
    if (b.subarray(end).every((x) => x === 0)) diags.info('TDX_QUOTE_PADDING', `${b.length - end} bytes of zero padding after the quote`, { offset: end });
    else diags.warning('TDX_QUOTE_TRAILING', `${b.length - end} non-zero bytes after the quote`, { offset: end, spec: SPEC });
  }
  const signature = b.slice(sigAt, sigAt + 64);
  const attestationKey = b.slice(sigAt + 64, sigAt + 128);
  const cdAt = sigAt + 128;
  const cdType = u16(b, cdAt);
  const cdSize = u32(b, cdAt + 2);
  let certification: QeCertification | undefined;
  if (cdAt + 6 + cdSize > end) diags.error('TDX_QUOTE_CERT_DATA', `certification data of ${cdSize} bytes runs past the signature data`, { offset: cdAt, spec: SPEC });
  else if (cdType !== 6) diags.warning('TDX_QUOTE_CERT_TYPE', `certification data type ${cdType}: expected 6 (QE report certification data)`, { offset: cdAt, spec: SPEC });
  else {
    const q = cdAt + 6;
    const qEnd = q + cdSize;
    if (q + SGX_REPORT_SIZE + 64 + 2 > qEnd) diags.error('TDX_QUOTE_QE_SHORT', 'QE certification data too short for the QE report and its signature', { offset: q, spec: SPEC });
    else {
      const authLen = u16(b, q + SGX_REPORT_SIZE + 64);
      const authAt = q + SGX_REPORT_SIZE + 66;
      const innerAt = authAt + authLen;
      if (innerAt + 6 > qEnd) diags.error('TDX_QUOTE_QE_AUTH', `QE auth data of ${authLen} bytes runs past the certification data`, { offset: authAt - 2, spec: SPEC });
      else {
        const innerType = u16(b, innerAt);
        const innerSize = u32(b, innerAt + 2);
        if (innerAt + 6 + innerSize > qEnd) diags.error('TDX_QUOTE_PCK_DATA', `PCK certification data of ${innerSize} bytes runs past its container`, { offset: innerAt, spec: SPEC });
        else {
          if (innerType !== 5) diags.warning('TDX_QUOTE_PCK_TYPE', `inner certification data type ${innerType}: expected 5 (PCK chain, PEM)`, { offset: innerAt, spec: SPEC });
          certification = {
            qeReport: b.slice(q, q + SGX_REPORT_SIZE),
            qeReportFields: decodeTable(b, q, SGX_REPORT_BODY),
            qeReportOffset: q,
            qeReportSignature: b.slice(q + SGX_REPORT_SIZE, q + SGX_REPORT_SIZE + 64),
            qeAuthData: b.slice(authAt, authAt + authLen),
            certType: innerType,
            certData: b.slice(innerAt + 6, innerAt + 6 + innerSize),
          };
        }
      }
    }
  }
  const attrs = byName(body).get('td_attributes')!.value as Uint8Array;
  const quote: TdxQuote = {
    version,
    bodyType,
    header,
    body,
    signed: b.slice(0, sigLenAt),
    signature,
    attestationKey,
    certification,
    tdAttributes: namedBits(u64le(attrs), TD_ATTRIBUTE_BITS),
    fields: [...header, ...(version === 5 ? [{ name: 'body_type', offset: 48, length: 2, kind: 'u16' as const, value: bodyType, hex: `0x${bodyType.toString(16)}` }, { name: 'body_size', offset: 50, length: 4, kind: 'u32' as const, value: bodySize, hex: `0x${bodySize.toString(16)}` }] : []), ...body],
    length: end,
    diagnostics: [],
  };
  quote.diagnostics = diags.done();
  return { quote, diagnostics: quote.diagnostics };
}

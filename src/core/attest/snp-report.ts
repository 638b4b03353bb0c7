// SEV-SNP ATTESTATION_REPORT (AMD SEV-SNP ABI specification #56860, Table "ATTESTATION_REPORT Structure"; versions
// 2, 3 and 5; evidence-and-eventlogs.md §1). 1184 bytes, little-endian; the signature covers bytes 0x0–0x29F.
// Version 3 adds CPUID family/model/stepping at 0x188; version 5 adds the launch/current mitigation vectors at
// 0x1F8/0x200. One field table per version drives decoding, the reserved-must-be-zero checks and the UI rows.
import { toHex, u32, u64 } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import {
  bytesf,
  byName,
  checkTable,
  decodeTable,
  namedBits,
  reservedf,
  reservedNonZero,
  u32f,
  u64f,
  u8f,
  type DecodedField,
  type FieldDef,
} from '../fields/field-table';

export const SNP_REPORT_SIZE = 1184;
/** The ECDSA P-384 signature covers bytes [0, 0x2A0) (ABI spec, ATTESTATION_REPORT, SIGNATURE). */
export const SNP_SIGNED_LENGTH = 0x2a0;
export const SNP_SIGNATURE_OFFSET = 0x2a0;
/** r and s are each 72 bytes little-endian, zero-padded (ABI spec, Table "ECDSA P-384 with SHA-384 Signature"). */
export const SNP_SIG_COMPONENT_LENGTH = 72;
const SPEC = 'evidence §1 (SEV-SNP ABI, ATTESTATION_REPORT)';

/** Fields common to every version up to REPORTED_TCB. */
const HEAD: FieldDef[] = [
  u32f('version', 0x00, 'report format version'),
  u32f('guest_svn', 0x04, 'guest SVN from the ID block'),
  u64f('policy', 0x08, 'guest policy'),
  bytesf('family_id', 0x10, 16, 'family ID from the ID block'),
  bytesf('image_id', 0x20, 16, 'image ID from the ID block'),
  u32f('vmpl', 0x30, 'VMPL of the request'),
  u32f('sig_algo', 0x34, 'signature algorithm (1 = ECDSA P-384 with SHA-384)'),
  bytesf('current_tcb', 0x38, 8, 'current TCB version'),
  u64f('plat_info', 0x40, 'platform info'),
  u32f('key_info', 0x48, 'AUTHOR_KEY_EN, MASK_CHIP_KEY, SIGNING_KEY'),
  reservedf('reserved_4c', 0x4c, 4),
  bytesf('report_data', 0x50, 64, 'guest-supplied data'),
  bytesf('measurement', 0x90, 48, 'launch digest'),
  bytesf('host_data', 0xc0, 32, 'host-supplied data at launch'),
  bytesf('id_key_digest', 0xe0, 48, 'SHA-384 of the ID public key'),
  bytesf('author_key_digest', 0x110, 48, 'SHA-384 of the author public key'),
  bytesf('report_id', 0x140, 32, 'report ID of this guest'),
  bytesf('report_id_ma', 0x160, 32, 'report ID of the migration agent'),
  bytesf('reported_tcb', 0x180, 8, 'TCB the VCEK was derived from'),
];

const TAIL: FieldDef[] = [
  bytesf('chip_id', 0x1a0, 64, 'chip identifier (zero when MASK_CHIP_ID)'),
  bytesf('committed_tcb', 0x1e0, 8, 'committed TCB version'),
  u8f('current_build', 0x1e8),
  u8f('current_minor', 0x1e9),
  u8f('current_major', 0x1ea),
  reservedf('reserved_1eb', 0x1eb, 1),
  u8f('committed_build', 0x1ec),
  u8f('committed_minor', 0x1ed),
  u8f('committed_major', 0x1ee),
  reservedf('reserved_1ef', 0x1ef, 1),
  bytesf('launch_tcb', 0x1f0, 8, 'TCB at launch'),
];

const SIGNATURE: FieldDef[] = [
  bytesf('signature_r', 0x2a0, 72, 'ECDSA r, little-endian'),
  bytesf('signature_s', 0x2e8, 72, 'ECDSA s, little-endian'),
  reservedf('reserved_signature', 0x330, SNP_REPORT_SIZE - 0x330),
];

const V2 = checkTable('snp-report v2', [
  ...HEAD,
  reservedf('reserved_188', 0x188, 0x18),
  ...TAIL,
  reservedf('reserved_1f8', 0x1f8, 0x2a0 - 0x1f8),
  ...SIGNATURE,
]);

const CPUID: FieldDef[] = [
  u8f('cpuid_fam_id', 0x188, 'CPUID family (extended + base)'),
  u8f('cpuid_mod_id', 0x189, 'CPUID model (extended + base)'),
  u8f('cpuid_step', 0x18a, 'CPUID stepping'),
  reservedf('reserved_18b', 0x18b, 0x1a0 - 0x18b),
];

const V3 = checkTable('snp-report v3', [
  ...HEAD,
  ...CPUID,
  ...TAIL,
  reservedf('reserved_1f8', 0x1f8, 0x2a0 - 0x1f8),
  ...SIGNATURE,
]);

const V5 = checkTable('snp-report v5', [
  ...HEAD,
  ...CPUID,
  ...TAIL,
  u64f('launch_mit_vector', 0x1f8, 'mitigation vector at launch'),
  u64f('current_mit_vector', 0x200, 'current mitigation vector'),
  reservedf('reserved_208', 0x208, 0x2a0 - 0x208),
  ...SIGNATURE,
]);

/** The field table of a report version (v4 has the v3 layout; unknown later versions are read as v5). */
export function snpReportTable(version: number): readonly FieldDef[] {
  if (version <= 2) return V2;
  if (version <= 4) return V3;
  return V5;
}

/** GUEST_POLICY bits (ABI spec, Table "Guest Policy Structure"); bits 0–15 are ABI_MINOR/ABI_MAJOR. */
export const SNP_POLICY_BITS: Readonly<Record<number, string>> = {
  16: 'SMT',
  17: 'RESERVED_1',
  18: 'MIGRATE_MA',
  19: 'DEBUG',
  20: 'SINGLE_SOCKET',
  21: 'CXL_ALLOW',
  22: 'MEM_AES_256_XTS',
  23: 'RAPL_DIS',
  24: 'CIPHERTEXT_HIDING',
  25: 'PAGE_SWAP_DISABLE',
};

/** PLATFORM_INFO bits (ABI spec, Table "PLATFORM_INFO Field"). */
export const SNP_PLATFORM_INFO_BITS: Readonly<Record<number, string>> = {
  0: 'SMT_EN',
  1: 'TSME_EN',
  2: 'ECC_EN',
  3: 'RAPL_DIS',
  4: 'CIPHERTEXT_HIDING_EN',
  5: 'ALIAS_CHECK_COMPLETE',
  7: 'TIO_EN',
};

export type SnpSigner = 'VCEK' | 'VLEK' | 'none' | 'reserved';
/** KEY_INFO.SIGNING_KEY (bits 4:2): 0 VCEK, 1 VLEK, 7 none (ABI spec, ATTESTATION_REPORT). */
export function signerOf(keyInfo: number): SnpSigner {
  const k = (keyInfo >> 2) & 7;
  return k === 0 ? 'VCEK' : k === 1 ? 'VLEK' : k === 7 ? 'none' : 'reserved';
}

export type SnpProduct = 'Milan' | 'Genoa' | 'Turin';
export const SNP_PRODUCTS: readonly SnpProduct[] = ['Milan', 'Genoa', 'Turin'];

/**
 * Product of a CPUID family/model (AMD processor revision guides; go-sev-guest `abi.ParseProductName`'s table):
 * family 19h models 00h–0Fh Milan, 10h–1Fh and A0h–AFh Genoa (Zen 4c Bergamo/Siena use the Genoa chain,
 * confidential-dot-ai/c8s #72); family 1Ah models 00h–1Fh Turin.
 */
export function productOfCpuid(family: number, model: number): SnpProduct | undefined {
  if (family === 0x19) {
    if (model <= 0x0f) return 'Milan';
    if (model <= 0x1f || (model >= 0xa0 && model <= 0xaf)) return 'Genoa';
  }
  if (family === 0x1a && model <= 0x1f) return 'Turin';
  return undefined;
}

export interface SnpTcb {
  /** Raw 8 bytes as hex (file order). */
  raw: string;
  /** Turin only. */
  fmc?: number;
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
}

/**
 * TCB_VERSION (ABI spec, Table "TCB_VERSION Structure"): Milan/Genoa bytes 0 BOOT_LOADER, 1 TEE, 6 SNP,
 * 7 MICROCODE; Turin bytes 0 FMC, 1 BOOT_LOADER, 2 TEE, 3 SNP, 7 MICROCODE (evidence-and-eventlogs.md §1).
 */
export function decodeTcb(b: Uint8Array, product: SnpProduct | undefined): SnpTcb {
  const raw = toHex(b);
  if (product === 'Turin') return { raw, fmc: b[0]!, bootloader: b[1]!, tee: b[2]!, snp: b[3]!, microcode: b[7]! };
  return { raw, bootloader: b[0]!, tee: b[1]!, snp: b[6]!, microcode: b[7]! };
}

export interface SnpReport {
  /** Where the 1184 bytes were found in the input. */
  offset: number;
  bytes: Uint8Array;
  version: number;
  fields: DecodedField[];
  policy: { abiMinor: number; abiMajor: number; bits: string[] };
  platformInfo: string[];
  keyInfo: { authorKeyEn: boolean; maskChipKey: boolean; signer: SnpSigner };
  /** From CPUID (v3+) when known; else undefined (the caller may know it from the VCEK). */
  product?: SnpProduct;
  cpuid?: { family: number; model: number; stepping: number };
  tcb: Record<'current_tcb' | 'reported_tcb' | 'committed_tcb' | 'launch_tcb', SnpTcb>;
  /** The ECDSA r and s as big-endian 48-byte integers (P-384), for WebCrypto. */
  signatureRaw: Uint8Array;
  diagnostics: Diagnostic[];
}

/** Big-endian 48-byte integer from a 72-byte little-endian field; undefined if the top 24 bytes are not zero. */
function le72ToBe48(b: Uint8Array): Uint8Array | undefined {
  for (let i = 48; i < 72; i++) if (b[i] !== 0) return undefined;
  const out = new Uint8Array(48);
  for (let i = 0; i < 48; i++) out[i] = b[47 - i]!;
  return out;
}

/**
 * Decodes one report at `offset` of `b` (which must hold 1184 bytes there; `decodeSnpReport` returns undefined
 * otherwise, with an error). `productHint` chooses the TCB layout when the report has no CPUID (v2).
 */
export function decodeSnpReport(
  b: Uint8Array,
  offset = 0,
  productHint?: SnpProduct,
): { report?: SnpReport; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  if (offset < 0 || b.length - offset < SNP_REPORT_SIZE) {
    diags.error('SNP_REPORT_TRUNCATED', `an SNP report is ${SNP_REPORT_SIZE} bytes; ${Math.max(0, b.length - offset)} available at 0x${offset.toString(16)}`, { offset, spec: SPEC });
    return { diagnostics: diags.done() };
  }
  const bytes = b.subarray(offset, offset + SNP_REPORT_SIZE);
  const version = u32(bytes, 0);
  if (version < 2 || version > 5)
    diags.warning('SNP_REPORT_VERSION', `report version ${version}: this decoder knows versions 2, 3 and 5 (${version < 2 ? 'read as v2' : 'read with the nearest layout'})`, { offset, spec: SPEC });
  const fields = decodeTable(bytes, 0, snpReportTable(version), offset);
  const f = byName(fields);
  for (const r of reservedNonZero(fields))
    diags.warning('SNP_REPORT_RESERVED', `reserved bytes ${r.name} (0x${(r.offset - offset).toString(16)}, ${r.length} bytes) are not zero`, { offset: r.offset, length: r.length, spec: SPEC });

  const policyV = u64(bytes, 0x08);
  const policyBits = namedBits(policyV >> 16n, Object.fromEntries(Object.entries(SNP_POLICY_BITS).map(([k, v]) => [Number(k) - 16, v])), 48);
  if (!((policyV >> 17n) & 1n)) diags.warning('SNP_POLICY_BIT17', 'policy bit 17 must be 1', { offset: offset + 0x08, spec: 'igvm-format §6.1 (SEV-SNP ABI, guest policy)' });
  if (policyV >> 26n) diags.warning('SNP_POLICY_RESERVED', `reserved policy bits set: 0x${(policyV >> 26n << 26n).toString(16)}`, { offset: offset + 0x08, spec: 'igvm-format §6.1 (SEV-SNP ABI, guest policy)' });
  const plat = u64(bytes, 0x40);
  const keyInfo = u32(bytes, 0x48);
  const signer = signerOf(keyInfo);
  if (signer === 'reserved') diags.warning('SNP_KEY_INFO_SIGNER', `KEY_INFO.SIGNING_KEY ${(keyInfo >> 2) & 7} is reserved`, { offset: offset + 0x48, spec: SPEC });
  if (keyInfo >>> 5) diags.warning('SNP_KEY_INFO_RESERVED', `reserved KEY_INFO bits set: 0x${(keyInfo >>> 5 << 5 >>> 0).toString(16)}`, { offset: offset + 0x48, spec: SPEC });
  const sigAlgo = u32(bytes, 0x34);
  if (sigAlgo !== 1) diags.warning('SNP_SIG_ALGO', `SIGNATURE_ALGO ${sigAlgo} is not 1 (ECDSA P-384 with SHA-384)`, { offset: offset + 0x34, spec: SPEC });

  let cpuid: SnpReport['cpuid'];
  let product = productHint;
  if (version >= 3) {
    cpuid = { family: bytes[0x188]!, model: bytes[0x189]!, stepping: bytes[0x18a]! };
    const p = productOfCpuid(cpuid.family, cpuid.model);
    if (p) {
      if (productHint && productHint !== p)
        diags.warning('SNP_PRODUCT_MISMATCH', `CPUID says ${p}, the caller said ${productHint}; using ${p}`, { offset: offset + 0x188 });
      product = p;
    } else if (cpuid.family || cpuid.model)
      diags.info('SNP_PRODUCT_UNKNOWN', `CPUID family 0x${cpuid.family.toString(16)} model 0x${cpuid.model.toString(16)} is no known SNP product`, { offset: offset + 0x188 });
  }
  const tcb = (name: 'current_tcb' | 'reported_tcb' | 'committed_tcb' | 'launch_tcb') =>
    decodeTcb(f.get(name)!.value as Uint8Array, product);
  const r = le72ToBe48(bytes.subarray(0x2a0, 0x2e8));
  const s = le72ToBe48(bytes.subarray(0x2e8, 0x330));
  const signatureRaw = new Uint8Array(96);
  if (r && s) {
    signatureRaw.set(r, 0);
    signatureRaw.set(s, 48);
  } else diags.warning('SNP_SIGNATURE_WIDE', 'signature r or s does not fit in 48 bytes (not P-384)', { offset: offset + 0x2a0, spec: SPEC });
  const report: SnpReport = {
    offset,
    bytes,
    version,
    fields,
    policy: { abiMinor: Number(policyV & 0xffn), abiMajor: Number((policyV >> 8n) & 0xffn), bits: policyBits },
    platformInfo: namedBits(plat, SNP_PLATFORM_INFO_BITS),
    keyInfo: { authorKeyEn: (keyInfo & 1) === 1, maskChipKey: (keyInfo & 2) === 2, signer },
    product,
    cpuid,
    tcb: { current_tcb: tcb('current_tcb'), reported_tcb: tcb('reported_tcb'), committed_tcb: tcb('committed_tcb'), launch_tcb: tcb('launch_tcb') },
    signatureRaw,
    diagnostics: [],
  };
  report.diagnostics = diags.done();
  return { report, diagnostics: report.diagnostics };
}

/** The value of one field as the manifest/JSON spell it: integers 0x…, byte strings hex. */
export function snpFieldHex(report: SnpReport, name: string): string | undefined {
  return report.fields.find((x) => x.name === name)?.hex;
}

/** Azure HCL report: "HCLA" header of 0x20 bytes, then the hardware report (trustee deps/verifier/src/az_snp_vtpm). */
export const HCL_MAGIC = 0x414c4348; // "HCLA" little-endian
export const HCL_REPORT_OFFSET = 0x20;

/** True when `b` looks like an SNP report container (raw report or Azure HCL report), for file-kind detection. */
export function looksLikeSnpReport(b: Uint8Array): boolean {
  if (b.length >= HCL_REPORT_OFFSET + SNP_REPORT_SIZE && u32(b, 0) === HCL_MAGIC) return true;
  if (b.length < SNP_REPORT_SIZE) return false;
  const v = u32(b, 0);
  return v >= 2 && v <= 5 && u32(b, 0x34) === 1;
}

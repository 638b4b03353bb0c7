// Directive headers other than VP contexts (§7.1–§7.6, §7.8–§7.11) and their per-header checks.
import { isAllZero, u32, u64, u8, u16 } from '../bytes/bytes';
import { at, hex, pageAligned, readFileData, type ParseContext } from './context';
import {
  IGVM_PAGE_FLAG,
  IGVM_PAGE_SIZE,
  IGVM_PARAMETER_KIND_BY_TYPE,
  type IgvmErrorRange,
  type IgvmHeaderBase,
  type IgvmPageData,
  type IgvmParameter,
  type IgvmParameterArea,
  type IgvmParameterInsert,
  type IgvmRequiredMemory,
  type IgvmSnpIdBlock,
  type IgvmSnpPublicKey,
  type IgvmSnpSignature,
  type IgvmVbsMeasurement,
} from './types';

/**
 * The base fields as a fresh object literal of fixed shape. Spreading `base` was 3-4× slower and made header floods
 * cost ~10 µs per header (issue 11); small records (16–32 bytes) are the ones a flood is made of.
 */
function fieldsOf(base: IgvmHeaderBase): IgvmHeaderBase {
  return { kind: base.kind, type: base.type, index: base.index, offset: base.offset, length: base.length, bodyLength: base.bodyLength, raw: base.raw };
}

export function decodePageData(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmPageData {
  const b = ctx.bytes;
  // Fields copied one by one, not spread: files have thousands of pages and V8's object spread made parsing 3-4x slower.
  const h: IgvmPageData = {
    type: base.type,
    index: base.index,
    offset: base.offset,
    length: base.length,
    bodyLength: base.bodyLength,
    raw: base.raw,
    kind: 'PageData',
    gpa: u64(b, body),
    compatibilityMask: u32(b, body + 8),
    fileOffset: u32(b, body + 12),
    flags: u32(b, body + 16),
    dataType: u16(b, body + 20),
    reserved: u16(b, body + 22),
  };
  const d = ctx.diags;
  // Locations are built only when a diagnostic needs one (one header per page: nothing allocated on the clean path).
  if (!pageAligned(h.gpa)) d.error('IGVM_UNALIGNED_ADDRESS', `page gpa ${hex(h.gpa)} is not 4 KiB aligned`, at(base, '7.1'));
  if (h.dataType > 3) d.error('IGVM_BAD_PAGE_DATA_TYPE', `data_type ${h.dataType} is not 0..3`, at(base, '7.3'));
  if (h.reserved !== 0) d.error('IGVM_RESERVED_NOT_ZERO', `page data reserved = ${hex(h.reserved)}`, at(base, '7.1'));
  if (h.flags & ~0x7)
    d.warning('IGVM_PAGE_FLAGS_RESERVED', `reserved page flag bits set: ${hex(h.flags & ~0x7)}`, at(base, '7.2'));
  if (h.flags & IGVM_PAGE_FLAG.IS_2MB_PAGE)
    d.warning('IGVM_2MB_PAGE', '2 MiB page: readers disagree on how to load and measure it (only 4 KiB of data is read)', at(base, '7.2'));
  h.data = readFileData(ctx, h.fileOffset, IGVM_PAGE_SIZE, base, 'page data');
  return h;
}

export function decodeParameterArea(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmParameterArea {
  const b = ctx.bytes;
  const h: IgvmParameterArea = {
    ...fieldsOf(base),
    kind: 'ParameterArea',
    numberOfBytes: u64(b, body),
    parameterAreaIndex: u32(b, body + 8),
    fileOffset: u32(b, body + 12),
  };
  if (!pageAligned(h.numberOfBytes))
    ctx.diags.error('IGVM_UNALIGNED_SIZE', `parameter area size ${hex(h.numberOfBytes)} is not a multiple of 4 KiB`, at(base, '7.4'));
  h.data = readFileData(ctx, h.fileOffset, h.numberOfBytes, base, 'parameter area initial data');
  return h;
}

export function decodeParameterInsert(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmParameterInsert {
  const b = ctx.bytes;
  const h: IgvmParameterInsert = {
    ...fieldsOf(base),
    kind: 'ParameterInsert',
    gpa: u64(b, body),
    compatibilityMask: u32(b, body + 8),
    parameterAreaIndex: u32(b, body + 12),
  };
  if (!pageAligned(h.gpa)) ctx.diags.error('IGVM_UNALIGNED_ADDRESS', `insert gpa ${hex(h.gpa)} is not 4 KiB aligned`, at(base, '7.5'));
  return h;
}

export function decodeParameter(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmParameter {
  return {
    type: base.type,
    index: base.index,
    offset: base.offset,
    length: base.length,
    bodyLength: base.bodyLength,
    raw: base.raw,
    kind: IGVM_PARAMETER_KIND_BY_TYPE[base.type]!,
    parameterAreaIndex: u32(ctx.bytes, body),
    byteOffset: u32(ctx.bytes, body + 4),
  };
}

export function decodeRequiredMemory(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmRequiredMemory {
  const b = ctx.bytes;
  const h: IgvmRequiredMemory = {
    ...fieldsOf(base),
    kind: 'RequiredMemory',
    gpa: u64(b, body),
    compatibilityMask: u32(b, body + 8),
    numberOfBytes: u32(b, body + 12),
    flags: u32(b, body + 16),
    reserved: u32(b, body + 20),
  };
  const w = at(base, '7.8');
  const d = ctx.diags;
  if (!pageAligned(h.gpa)) d.error('IGVM_UNALIGNED_ADDRESS', `required memory gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
  if (!pageAligned(h.numberOfBytes))
    d.error('IGVM_UNALIGNED_SIZE', `required memory size ${hex(h.numberOfBytes)} is not a multiple of 4 KiB`, w);
  if (h.reserved !== 0) d.error('IGVM_RESERVED_NOT_ZERO', `required memory reserved = ${hex(h.reserved)}`, w);
  return h;
}

export function decodeErrorRange(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmErrorRange {
  const b = ctx.bytes;
  const h: IgvmErrorRange = {
    ...fieldsOf(base),
    kind: 'ErrorRange',
    gpa: u64(b, body),
    compatibilityMask: u32(b, body + 8),
    sizeBytes: u32(b, body + 12),
  };
  const w = at(base, '7.9');
  if (!pageAligned(h.gpa)) ctx.diags.error('IGVM_UNALIGNED_ADDRESS', `error range gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
  if (!pageAligned(h.sizeBytes))
    ctx.diags.warning('IGVM_UNALIGNED_SIZE', `error range size ${hex(h.sizeBytes)} should be page aligned`, w);
  return h;
}

const signature = (b: Uint8Array, o: number): IgvmSnpSignature => ({
  rComp: b.subarray(o, o + 72),
  sComp: b.subarray(o + 72, o + 144),
});
const publicKey = (b: Uint8Array, o: number): IgvmSnpPublicKey => ({
  curve: u32(b, o),
  reserved: u32(b, o + 4),
  qx: b.subarray(o + 8, o + 80),
  qy: b.subarray(o + 80, o + 152),
});

export function decodeSnpIdBlock(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmSnpIdBlock {
  const b = ctx.bytes;
  const h: IgvmSnpIdBlock = {
    ...base,
    kind: 'SnpIdBlock',
    compatibilityMask: u32(b, body),
    authorKeyEnabled: u8(b, body + 4),
    reserved: b.subarray(body + 5, body + 8),
    ld: b.subarray(body + 8, body + 0x38),
    familyId: b.subarray(body + 0x38, body + 0x48),
    imageId: b.subarray(body + 0x48, body + 0x58),
    version: u32(b, body + 0x58),
    guestSvn: u32(b, body + 0x5c),
    idKeyAlgorithm: u32(b, body + 0x60),
    authorKeyAlgorithm: u32(b, body + 0x64),
    idKeySignature: signature(b, body + 0x68),
    idPublicKey: publicKey(b, body + 0xf8),
    authorKeySignature: signature(b, body + 0x190),
    authorPublicKey: publicKey(b, body + 0x220),
  };
  if (h.authorKeyEnabled !== 1 && !isAllZero(b.subarray(body + 0x190, body + 0x2b8)))
    ctx.diags.warning(
      'IGVM_ID_BLOCK_AUTHOR_KEY',
      'author_key_enabled is not 1 but the author key fields are not zero',
      at(base, '7.10'),
    );
  return h;
}

export function decodeVbsMeasurement(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmVbsMeasurement {
  const b = ctx.bytes;
  return {
    ...base,
    kind: 'VbsMeasurement',
    compatibilityMask: u32(b, body),
    version: u32(b, body + 4),
    productId: u32(b, body + 8),
    moduleId: u32(b, body + 12),
    securityVersion: u32(b, body + 16),
    policyFlags: u32(b, body + 20),
    bootDigestAlgo: u32(b, body + 24),
    signingAlgo: u32(b, body + 28),
    bootMeasurementDigest: b.subarray(body + 0x20, body + 0x60),
    signature: b.subarray(body + 0x60, body + 0x160),
    publicKey: b.subarray(body + 0x160, body + 0x360),
  };
}

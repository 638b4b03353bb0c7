// Initialization headers (§6): guest policy, relocatable region, page-table relocation, CoRIM data, CCA policy.
import { isAllZero, u16, u32, u64, u8 } from '../bytes/bytes';
import { at, hex, pageAligned, readFileData, type ParseContext } from './context';
import type {
  IgvmCcaPolicy,
  IgvmCorimData,
  IgvmGuestPolicy,
  IgvmHeaderBase,
  IgvmPageTableRelocationRegion,
  IgvmRelocatableRegion,
} from './types';

export function decodeGuestPolicy(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmGuestPolicy {
  const b = ctx.bytes;
  const h: IgvmGuestPolicy = {
    ...base,
    kind: 'GuestPolicy',
    policy: u64(b, body),
    compatibilityMask: u32(b, body + 8),
    reserved: u32(b, body + 12),
  };
  if (h.reserved !== 0) ctx.diags.error('IGVM_RESERVED_NOT_ZERO', `guest policy reserved = ${hex(h.reserved)}`, at(base, '6.1'));
  return h;
}

export function decodeRelocatableRegion(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmRelocatableRegion {
  const b = ctx.bytes;
  const h: IgvmRelocatableRegion = {
    ...base,
    kind: 'RelocatableRegion',
    compatibilityMask: u32(b, body),
    vpIndex: u16(b, body + 4),
    vtl: u8(b, body + 6),
    flags: u8(b, body + 7),
    relocationAlignment: u64(b, body + 8),
    relocationRegionGpa: u64(b, body + 0x10),
    relocationRegionSize: u64(b, body + 0x18),
    minimumRelocationGpa: u64(b, body + 0x20),
    maximumRelocationGpa: u64(b, body + 0x28),
  };
  const w = at(base, '6.2');
  const d = ctx.diags;
  if (h.vtl > 2) d.error('IGVM_BAD_VTL', `vtl ${h.vtl} must be 0, 1 or 2`, w);
  if (!pageAligned(h.relocationRegionSize))
    d.error('IGVM_RELOCATION_SIZE', `relocation_region_size ${hex(h.relocationRegionSize)} is not a multiple of 4 KiB`, w);
  if (h.relocationAlignment === 0n || !pageAligned(h.relocationAlignment)) {
    d.error('IGVM_RELOCATION_ALIGNMENT', `relocation_alignment ${hex(h.relocationAlignment)} must be a non-zero multiple of 4 KiB`, w);
  } else {
    const a = h.relocationAlignment;
    for (const [name, v] of [
      ['relocation_region_gpa', h.relocationRegionGpa],
      ['minimum_relocation_gpa', h.minimumRelocationGpa],
      ['maximum_relocation_gpa', h.maximumRelocationGpa],
    ] as const)
      if (v % a !== 0n) d.error('IGVM_RELOCATION_ADDRESS', `${name} ${hex(v)} is not aligned to ${hex(a)}`, w);
  }
  return h;
}

export function decodePageTableRelocation(
  ctx: ParseContext,
  base: IgvmHeaderBase,
  body: number,
): IgvmPageTableRelocationRegion {
  const b = ctx.bytes;
  const h: IgvmPageTableRelocationRegion = {
    ...base,
    kind: 'PageTableRelocationRegion',
    compatibilityMask: u32(b, body),
    vpIndex: u16(b, body + 4),
    vtl: u8(b, body + 6),
    reserved: u8(b, body + 7),
    gpa: u64(b, body + 8),
    size: u64(b, body + 0x10),
    usedSize: u64(b, body + 0x18),
  };
  const w = at(base, '6.3');
  const d = ctx.diags;
  if (h.vtl > 2) d.error('IGVM_BAD_VTL', `vtl ${h.vtl} must be 0, 1 or 2`, w);
  if (h.reserved !== 0) d.error('IGVM_RESERVED_NOT_ZERO', `page table relocation reserved = ${h.reserved}`, w);
  if (!pageAligned(h.gpa)) d.error('IGVM_UNALIGNED_ADDRESS', `gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
  if (!pageAligned(h.size)) d.error('IGVM_UNALIGNED_SIZE', `size ${hex(h.size)} is not a multiple of 4 KiB`, w);
  if (!pageAligned(h.usedSize)) d.error('IGVM_UNALIGNED_SIZE', `used_size ${hex(h.usedSize)} is not a multiple of 4 KiB`, w);
  if (h.usedSize > h.size)
    d.error('IGVM_PAGE_TABLE_REGION_SIZE', `used_size ${hex(h.usedSize)} exceeds size ${hex(h.size)}`, w);
  return h;
}

export function decodeCorimData(
  ctx: ParseContext,
  base: IgvmHeaderBase,
  body: number,
  kind: 'CorimDocument' | 'CorimSignature',
): IgvmCorimData {
  const b = ctx.bytes;
  const fileOffset = u32(b, body + 4);
  const sizeBytes = u32(b, body + 8);
  const h: IgvmCorimData = {
    ...base,
    kind,
    compatibilityMask: u32(b, body),
    fileOffset,
    sizeBytes,
    reserved: u32(b, body + 12),
  };
  if (h.reserved !== 0) ctx.diags.error('IGVM_RESERVED_NOT_ZERO', `CoRIM header reserved = ${hex(h.reserved)}`, at(base, '6.5'));
  h.data = fileOffset === 0 ? new Uint8Array(0) : readFileData(ctx, fileOffset, sizeBytes, base, kind);
  return h;
}

export function decodeCcaPolicy(ctx: ParseContext, base: IgvmHeaderBase, body: number): IgvmCcaPolicy {
  const b = ctx.bytes;
  const h: IgvmCcaPolicy = {
    ...base,
    kind: 'CcaPolicy',
    compatibilityMask: u32(b, body),
    reserved: u32(b, body + 4),
    attributesRequiredZeroes: u64(b, body + 8),
    attributesRequiredOnes: u64(b, body + 0x10),
    hashAlgorithm: u8(b, body + 0x18),
    lfaPolicy: u8(b, body + 0x19),
    reserved2: b.subarray(body + 0x1a, body + 0x20),
  };
  const w = at(base, '6.4');
  const d = ctx.diags;
  if (h.reserved !== 0 || !isAllZero(h.reserved2)) d.error('IGVM_RESERVED_NOT_ZERO', 'CCA policy reserved bytes are not zero', w);
  if ((h.attributesRequiredZeroes & h.attributesRequiredOnes) !== 0n)
    d.error('IGVM_CCA_ONES_ZEROES_OVERLAP', 'attributes_required_ones and attributes_required_zeroes overlap', w);
  if (h.hashAlgorithm > 2) d.warning('IGVM_CCA_HASH_ALGORITHM', `hash_algorithm ${h.hashAlgorithm} is not 0, 1 or 2`, w);
  if (h.lfaPolicy > 1) d.warning('IGVM_CCA_LFA_POLICY', `lfa_policy ${h.lfaPolicy} is not 0 or 1`, w);
  if (ctx.architecture !== 'AArch64')
    d.error('IGVM_HEADER_ARCH', 'a CCA policy header is only allowed in AArch64 files', w);
  return h;
}

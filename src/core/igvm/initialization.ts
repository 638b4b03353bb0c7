// Initialization headers (igvm-format §6), one declaration each: guest policy, relocatable region, page-table
// relocation, CoRIM document and signature, CCA policy.
import { at, hex, pageAligned, readFileData, type ParseContext } from './context';
import { IGVM_VHT } from './constants';
import { bytesh, igvmHeader, u16h, u32h, u64h, u8h, type HeaderOf } from './header-fields';

const mask = u32h('compatibility_mask', 0);

/** The relocation headers' VTL rule (§6.2, §6.3: 0, 1 or 2); returns the location their diagnostics cite. */
function vtlChecked(h: { vtl: number; index: number; offset: number }, ctx: ParseContext, section: string) {
  const w = at(h, section);
  if (h.vtl > 2) ctx.diags.error('IGVM_BAD_VTL', `vtl ${h.vtl} must be 0, 1 or 2`, w);
  return w;
}

export const GUEST_POLICY = igvmHeader()({
  kind: 'GuestPolicy',
  type: IGVM_VHT.GUEST_POLICY,
  struct: 'IGVM_VHS_GUEST_POLICY',
  section: 'initialization',
  specSection: '6.1',
  bodySize: 16,
  fields: [
    u64h('policy', 0, { doc: 'SNP guest policy or TDX attributes, per the platform of the mask' }),
    u32h('compatibility_mask', 8),
    u32h('reserved', 12, { reserved: 'mustBeZero' }),
  ],
});

export const RELOCATABLE_REGION = igvmHeader()({
  kind: 'RelocatableRegion',
  type: IGVM_VHT.RELOCATABLE_REGION,
  struct: 'IGVM_VHS_RELOCATABLE_REGION',
  section: 'initialization',
  specSection: '6.2',
  bodySize: 48,
  fields: [
    mask,
    u16h('vp_index', 4),
    u8h('vtl', 6),
    u8h('flags', 7, { doc: 'bit 0 is_vtl2, bit 1 apply_rip, bit 2 apply_gdtr' }),
    u64h('relocation_alignment', 8),
    u64h('relocation_region_gpa', 0x10),
    u64h('relocation_region_size', 0x18),
    u64h('minimum_relocation_gpa', 0x20),
    u64h('maximum_relocation_gpa', 0x28),
  ],
  finish(h, ctx) {
    const w = vtlChecked(h, ctx, '6.2');
    const d = ctx.diags;
    if (!pageAligned(h.relocationRegionSize))
      d.error(
        'IGVM_RELOCATION_SIZE',
        `relocation_region_size ${hex(h.relocationRegionSize)} is not a multiple of 4 KiB`,
        w,
      );
    if (h.relocationAlignment === 0n || !pageAligned(h.relocationAlignment)) {
      d.error(
        'IGVM_RELOCATION_ALIGNMENT',
        `relocation_alignment ${hex(h.relocationAlignment)} must be a non-zero multiple of 4 KiB`,
        w,
      );
    } else {
      const a = h.relocationAlignment;
      for (const [name, v] of [
        ['relocation_region_gpa', h.relocationRegionGpa],
        ['minimum_relocation_gpa', h.minimumRelocationGpa],
        ['maximum_relocation_gpa', h.maximumRelocationGpa],
      ] as const)
        if (v % a !== 0n)
          d.error('IGVM_RELOCATION_ADDRESS', `${name} ${hex(v)} is not aligned to ${hex(a)}`, w);
    }
  },
});

export const PAGE_TABLE_RELOCATION_REGION = igvmHeader()({
  kind: 'PageTableRelocationRegion',
  type: IGVM_VHT.PAGE_TABLE_RELOCATION_REGION,
  struct: 'IGVM_VHS_PAGE_TABLE_RELOCATION',
  section: 'initialization',
  specSection: '6.3',
  bodySize: 32,
  fields: [
    mask,
    u16h('vp_index', 4),
    u8h('vtl', 6),
    u8h('reserved', 7, { reserved: 'mustBeZero' }),
    u64h('gpa', 8),
    u64h('size', 0x10),
    u64h('used_size', 0x18),
  ],
  finish(h, ctx) {
    const { diags: d } = ctx;
    const w = vtlChecked(h, ctx, '6.3');
    if (!pageAligned(h.gpa)) d.error('IGVM_UNALIGNED_ADDRESS', `gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
    if (!pageAligned(h.size))
      d.error('IGVM_UNALIGNED_SIZE', `size ${hex(h.size)} is not a multiple of 4 KiB`, w);
    if (!pageAligned(h.usedSize))
      d.error('IGVM_UNALIGNED_SIZE', `used_size ${hex(h.usedSize)} is not a multiple of 4 KiB`, w);
    if (h.usedSize > h.size)
      d.error('IGVM_PAGE_TABLE_REGION_SIZE', `used_size ${hex(h.usedSize)} exceeds size ${hex(h.size)}`, w);
  },
});

const CORIM_FIELDS = [
  mask,
  u32h('file_offset', 4),
  u32h('size_bytes', 8),
  u32h('reserved', 12, { reserved: 'mustBeZero' }),
] as const;
type CorimExtra = {
  /** The payload (view), undefined when it could not be read; empty when size is 0. */
  data?: Uint8Array;
};
const corim = <const K extends 'CorimDocument' | 'CorimSignature'>(kind: K, type: number) =>
  igvmHeader<CorimExtra>()({
    kind,
    type,
    struct: 'IGVM_VHS_CORIM_DATA',
    section: 'initialization',
    specSection: '6.5',
    bodySize: 16,
    fields: CORIM_FIELDS,
    finish(h, ctx) {
      h.data = h.fileOffset === 0 ? new Uint8Array(0) : readFileData(ctx, h.fileOffset, h.sizeBytes, h, kind);
    },
    encode(h, data) {
      const payload = h.data ?? new Uint8Array(0);
      return { fileOffset: data.append(payload), sizeBytes: payload.length };
    },
  });
export const CORIM_DOCUMENT = corim('CorimDocument', IGVM_VHT.CORIM_DOCUMENT);
export const CORIM_SIGNATURE = corim('CorimSignature', IGVM_VHT.CORIM_SIGNATURE);

export const CCA_POLICY = igvmHeader()({
  kind: 'CcaPolicy',
  type: IGVM_VHT.CCA_POLICY,
  struct: 'IGVM_VHS_CCA_POLICY',
  section: 'initialization',
  specSection: '6.4',
  bodySize: 32,
  fields: [
    mask,
    u32h('reserved', 4, { reserved: 'mustBeZero' }),
    u64h('attributes_required_zeroes', 8),
    u64h('attributes_required_ones', 0x10),
    u8h('hash_algorithm', 0x18),
    u8h('lfa_policy', 0x19),
    bytesh('reserved2', 0x1a, 6, { reserved: 'mustBeZero' }),
  ],
  finish(h, ctx) {
    const w = at(h, '6.4');
    const d = ctx.diags;
    if ((h.attributesRequiredZeroes & h.attributesRequiredOnes) !== 0n)
      d.error(
        'IGVM_CCA_ONES_ZEROES_OVERLAP',
        'attributes_required_ones and attributes_required_zeroes overlap',
        w,
      );
    if (h.hashAlgorithm > 2)
      d.warning('IGVM_CCA_HASH_ALGORITHM', `hash_algorithm ${h.hashAlgorithm} is not 0, 1 or 2`, w);
    if (h.lfaPolicy > 1) d.warning('IGVM_CCA_LFA_POLICY', `lfa_policy ${h.lfaPolicy} is not 0 or 1`, w);
    if (ctx.architecture !== 'AArch64')
      d.error('IGVM_HEADER_ARCH', 'a CCA policy header is only allowed in AArch64 files', w);
  },
});

/** The initialization headers this reader knows, in type order. */
export const INITIALIZATION_HEADERS = [
  GUEST_POLICY,
  RELOCATABLE_REGION,
  PAGE_TABLE_RELOCATION_REGION,
  CORIM_DOCUMENT,
  CORIM_SIGNATURE,
  CCA_POLICY,
] as const;

export type IgvmCorimData = HeaderOf<typeof CORIM_DOCUMENT> | HeaderOf<typeof CORIM_SIGNATURE>;

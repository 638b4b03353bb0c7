// Directive headers (igvm-format §7), one declaration each. VP contexts (§7.7) are declared here and decoded by
// vp-context.ts: their data's format follows the platform of the mask.
import { isAllZero } from '../bytes/bytes';
import { at, DEFERRED_PAGE, hex, pageAligned, readFileData } from './context';
import { IGVM_PAGE_FLAG, IGVM_PAGE_SIZE, IGVM_VHT } from './constants';
import { pageDataFlagsText, pageDataTypeText } from './flags';
import {
  bytesh,
  igvmHeader,
  optionalBlob,
  structh,
  u16h,
  u32h,
  u64h,
  u8h,
  type HeaderOf,
} from './header-fields';
import { VP_CONTEXT_FIELDS, VP_CONTEXT_KINDS, decodeVpContext, vpContextComputed } from './vp-context';

export const PAGE_DATA = igvmHeader<{
  /** The page's data (view, up to 4096 bytes), undefined for file_offset 0 or unreadable data. */
  data?: Uint8Array;
  /**
   * True when the page has data in the file (file_offset ≠ 0, in range: `data` was a 4096-byte view) but this model
   * no longer holds it (`detachPageData`, detach.ts): the bytes are read from the file at `fileOffset` when needed.
   * Only the SEV-SNP plan reads such a model (its op carries the offset); every other engine refuses it.
   */
  deferred?: true;
}>()({
  kind: 'PageData',
  type: IGVM_VHT.PAGE_DATA,
  struct: 'IGVM_VHS_PAGE_DATA',
  section: 'directive',
  specSection: '7.1',
  bodySize: 24,
  fields: [
    u64h('gpa', 0),
    u32h('compatibility_mask', 8),
    u32h('file_offset', 12, { doc: 'absolute file offset of the data; 0 = a page of zeros' }),
    u32h('flags', 16, { text: (v) => pageDataFlagsText(Number(v)) }),
    u16h('data_type', 20, { text: (v) => pageDataTypeText(Number(v)) }),
    u16h('reserved', 22, { reserved: 'mustBeZero' }),
  ],
  finish(h, ctx) {
    const d = ctx.diags;
    // Locations are built only when a diagnostic needs one (one header per page: nothing allocated on the clean path).
    if (!pageAligned(h.gpa))
      d.error('IGVM_UNALIGNED_ADDRESS', `page gpa ${hex(h.gpa)} is not 4 KiB aligned`, at(h, '7.1'));
    if (h.dataType > 3)
      d.error('IGVM_BAD_PAGE_DATA_TYPE', `data_type ${h.dataType} is not 0..3`, at(h, '7.3'));
    if (h.flags & ~0x7)
      d.warning(
        'IGVM_PAGE_FLAGS_RESERVED',
        `reserved page flag bits set: ${hex(h.flags & ~0x7)}`,
        at(h, '7.2'),
      );
    if (h.flags & IGVM_PAGE_FLAG.IS_2MB_PAGE)
      d.warning(
        'IGVM_2MB_PAGE',
        '2 MiB page: readers disagree on how to load and measure it (only 4 KiB of data is read)',
        at(h, '7.2'),
      );
    const data = readFileData(ctx, h.fileOffset, IGVM_PAGE_SIZE, h, 'page data', true);
    // A sliced parse (sliced.ts) leaves the page in the file, as detachPageData does.
    if (data !== DEFERRED_PAGE) h.data = data;
    else {
      h.data = undefined;
      h.deferred = true;
    }
  },
  encode: (h, data) => ({ fileOffset: optionalBlob(data, h.data, IGVM_PAGE_SIZE, 'page data') }),
});

export const PARAMETER_AREA = igvmHeader<{
  /** Initial contents (view), undefined for file_offset 0. */
  data?: Uint8Array;
}>()({
  kind: 'ParameterArea',
  type: IGVM_VHT.PARAMETER_AREA,
  struct: 'IGVM_VHS_PARAMETER_AREA',
  section: 'directive',
  specSection: '7.4',
  bodySize: 16,
  fields: [u64h('number_of_bytes', 0), u32h('parameter_area_index', 8), u32h('file_offset', 12)],
  finish(h, ctx) {
    if (!pageAligned(h.numberOfBytes))
      ctx.diags.error(
        'IGVM_UNALIGNED_SIZE',
        `parameter area size ${hex(h.numberOfBytes)} is not a multiple of 4 KiB`,
        at(h, '7.4'),
      );
    h.data = readFileData(ctx, h.fileOffset, h.numberOfBytes, h, 'parameter area initial data');
  },
  encode: (h, data) => ({
    fileOffset: optionalBlob(data, h.data, Number(h.numberOfBytes), 'parameter area'),
  }),
});

export const PARAMETER_INSERT = igvmHeader()({
  kind: 'ParameterInsert',
  type: IGVM_VHT.PARAMETER_INSERT,
  struct: 'IGVM_VHS_PARAMETER_INSERT',
  section: 'directive',
  specSection: '7.5',
  bodySize: 16,
  fields: [u64h('gpa', 0), u32h('compatibility_mask', 8), u32h('parameter_area_index', 12)],
  finish(h, ctx) {
    if (!pageAligned(h.gpa))
      ctx.diags.error(
        'IGVM_UNALIGNED_ADDRESS',
        `insert gpa ${hex(h.gpa)} is not 4 KiB aligned`,
        at(h, '7.5'),
      );
  },
});

/** `IGVM_VHS_PARAMETER` (§7.6): one layout, ten header types. */
const parameter = <const K extends string>(kind: K, type: number) =>
  igvmHeader()({
    kind,
    type,
    struct: 'IGVM_VHS_PARAMETER',
    section: 'directive',
    specSection: '7.6',
    bodySize: 8,
    fields: [u32h('parameter_area_index', 0), u32h('byte_offset', 4)],
  });
export const PARAMETER_HEADERS = [
  parameter('VpCount', IGVM_VHT.VP_COUNT_PARAMETER),
  parameter('Srat', IGVM_VHT.SRAT),
  parameter('Madt', IGVM_VHT.MADT),
  parameter('MmioRanges', IGVM_VHT.MMIO_RANGES),
  parameter('MemoryMap', IGVM_VHT.MEMORY_MAP),
  parameter('CommandLine', IGVM_VHT.COMMAND_LINE),
  parameter('Slit', IGVM_VHT.SLIT),
  parameter('Pptt', IGVM_VHT.PPTT),
  parameter('DeviceTree', IGVM_VHT.DEVICE_TREE),
  parameter('EnvironmentInfo', IGVM_VHT.ENVIRONMENT_INFO_PARAMETER),
] as const;
export type IgvmParameter = HeaderOf<(typeof PARAMETER_HEADERS)[number]>;
/** Kinds that use `IGVM_VHS_PARAMETER` (§7.6). */
export type IgvmParameterKind = IgvmParameter['kind'];

export const REQUIRED_MEMORY = igvmHeader()({
  kind: 'RequiredMemory',
  type: IGVM_VHT.REQUIRED_MEMORY,
  struct: 'IGVM_VHS_REQUIRED_MEMORY',
  section: 'directive',
  specSection: '7.8',
  bodySize: 24,
  fields: [
    u64h('gpa', 0),
    u32h('compatibility_mask', 8),
    u32h('number_of_bytes', 12),
    u32h('flags', 16, { doc: 'bit 0 vtl2_protectable' }),
    u32h('reserved', 20, { reserved: 'mustBeZero' }),
  ],
  finish(h, ctx) {
    const w = at(h, '7.8');
    const d = ctx.diags;
    if (!pageAligned(h.gpa))
      d.error('IGVM_UNALIGNED_ADDRESS', `required memory gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
    if (!pageAligned(h.numberOfBytes))
      d.error(
        'IGVM_UNALIGNED_SIZE',
        `required memory size ${hex(h.numberOfBytes)} is not a multiple of 4 KiB`,
        w,
      );
  },
});

export const ERROR_RANGE = igvmHeader()({
  kind: 'ErrorRange',
  type: IGVM_VHT.ERROR_RANGE,
  struct: 'IGVM_VHS_ERROR_RANGE',
  section: 'directive',
  specSection: '7.9',
  bodySize: 16,
  fields: [u64h('gpa', 0), u32h('compatibility_mask', 8), u32h('size_bytes', 12)],
  finish(h, ctx) {
    const w = at(h, '7.9');
    if (!pageAligned(h.gpa))
      ctx.diags.error('IGVM_UNALIGNED_ADDRESS', `error range gpa ${hex(h.gpa)} is not 4 KiB aligned`, w);
    if (!pageAligned(h.sizeBytes))
      ctx.diags.warning(
        'IGVM_UNALIGNED_SIZE',
        `error range size ${hex(h.sizeBytes)} should be page aligned`,
        w,
      );
  },
});

const SNP_SIGNATURE = [bytesh('r_comp', 0, 72), bytesh('s_comp', 72, 72)] as const;
const SNP_PUBLIC_KEY = [
  u32h('curve', 0),
  u32h('reserved', 4),
  bytesh('qx', 8, 72),
  bytesh('qy', 80, 72),
] as const;

export const SNP_ID_BLOCK = igvmHeader()({
  kind: 'SnpIdBlock',
  type: IGVM_VHT.SNP_ID_BLOCK,
  struct: 'IGVM_VHS_SNP_ID_BLOCK',
  section: 'directive',
  specSection: '7.10',
  bodySize: 696,
  fields: [
    u32h('compatibility_mask', 0),
    u8h('author_key_enabled', 4),
    // Preserved, not checked (the Rust crate does the same).
    bytesh('reserved', 5, 3),
    bytesh('ld', 8, 48, { doc: 'expected SNP launch digest' }),
    bytesh('family_id', 0x38, 16),
    bytesh('image_id', 0x48, 16),
    u32h('version', 0x58),
    u32h('guest_svn', 0x5c),
    u32h('id_key_algorithm', 0x60),
    u32h('author_key_algorithm', 0x64),
    structh('id_key_signature', 0x68, SNP_SIGNATURE),
    structh('id_public_key', 0xf8, SNP_PUBLIC_KEY),
    structh('author_key_signature', 0x190, SNP_SIGNATURE),
    structh('author_public_key', 0x220, SNP_PUBLIC_KEY),
  ],
  finish(h, ctx) {
    const body = h.offset + 8;
    if (h.authorKeyEnabled !== 1 && !isAllZero(ctx.bytes.subarray(body + 0x190, body + 0x2b8)))
      ctx.diags.warning(
        'IGVM_ID_BLOCK_AUTHOR_KEY',
        'author_key_enabled is not 1 but the author key fields are not zero',
        at(h, '7.10'),
      );
  },
});
export type IgvmSnpIdBlock = HeaderOf<typeof SNP_ID_BLOCK>;
export type IgvmSnpSignature = IgvmSnpIdBlock['idKeySignature'];
export type IgvmSnpPublicKey = IgvmSnpIdBlock['idPublicKey'];

export const VBS_MEASUREMENT = igvmHeader()({
  kind: 'VbsMeasurement',
  type: IGVM_VHT.VBS_MEASUREMENT,
  struct: 'IGVM_VHS_VBS_MEASUREMENT',
  section: 'directive',
  specSection: '7.11',
  bodySize: 864,
  fields: [
    u32h('compatibility_mask', 0),
    u32h('version', 4),
    u32h('product_id', 8),
    u32h('module_id', 12),
    u32h('security_version', 16),
    u32h('policy_flags', 20),
    u32h('boot_digest_algo', 24),
    u32h('signing_algo', 28),
    bytesh('boot_measurement_digest', 0x20, 64),
    bytesh('signature', 0x60, 256),
    bytesh('public_key', 0x160, 512),
  ],
});

/**
 * `IGVM_VHS_VP_CONTEXT` (§7.7): a 20-byte body (padded to 24) whose data follows the platform of the mask; one
 * declaration, five model kinds (see vp-context.ts).
 */
export const VP_CONTEXT = {
  ...igvmHeader()({
    kind: 'VpContext',
    type: IGVM_VHT.VP_CONTEXT,
    struct: 'IGVM_VHS_VP_CONTEXT',
    section: 'directive',
    specSection: '7.7',
    bodySize: 20,
    fields: VP_CONTEXT_FIELDS,
  }),
  decode: decodeVpContext,
  encode: vpContextComputed,
  kinds: VP_CONTEXT_KINDS,
} as const;

/** The directive headers this reader knows (VP contexts apart), in type order. */
export const DIRECTIVE_HEADERS = [
  PARAMETER_AREA,
  PAGE_DATA,
  PARAMETER_INSERT,
  REQUIRED_MEMORY,
  ...PARAMETER_HEADERS,
  SNP_ID_BLOCK,
  ERROR_RANGE,
  VBS_MEASUREMENT,
] as const;

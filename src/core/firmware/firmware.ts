// parseFirmware: everything a measurement or the inspector needs from an OVMF/TDVF flash image
// (fuki-uki-kernel-hashes.md §4.2–§4.3, §5.4). Never throws: problems become diagnostics.
import { u32, type Span } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { FOOTER_GUID } from './guids';
import { findFooterEntry, parseFooterTable, type FooterEntry, type FooterTable } from './footer-table';
import { parseIgvmMetadata, type IgvmMetadata } from './igvm-metadata';
import { SEV_SECTION, parseSevMetadata, type SevMetadata } from './sev-metadata';
import { parseTdxMetadata, type TdxMetadata } from './tdx-metadata';
import { firmwareMemoryMap, type MemoryRange } from './memory-map';

/** The image's last byte is at GPA 0xFFFFFFFF (§4.2.1). */
export const FOUR_GIB = 0x1_0000_0000;

/** SEV-ES AP reset block (§4.2.1): AP CS base = value & 0xFFFF0000, IP = value & 0xFFFF. */
export interface ApResetBlock extends Span {
  eip: number;
  csBase: number;
  ip: number;
}

/** {u32 GPA, u32 size} locations from the footer table (hash table, launch secret). */
export interface GpaRange extends Span {
  gpa: number;
  size: number;
}

export interface ParsedFirmware {
  kind: 'firmware';
  size: number;
  /** GPA of the image's first byte when mapped below 4 GiB (negative if the image is larger than 4 GiB). */
  baseGpa: number;
  footer: FooterTable | undefined;
  apResetBlock: ApResetBlock | undefined;
  sevHashTable: GpaRange | undefined;
  sevSecret: GpaRange | undefined;
  /** coconut-svsm images: u32 entry offset from the image base. */
  svsmEntryOffset: (Span & { value: number }) | undefined;
  sevMetadata: SevMetadata | undefined;
  tdxMetadata: TdxMetadata | undefined;
  igvmMetadata: IgvmMetadata | undefined;
  features: FirmwareFeatures;
  memoryMap: MemoryRange[];
  diagnostics: Diagnostic[];
}

export interface FirmwareFeatures {
  /** SEV-ES AP reset block present (needed for SEV-ES/SNP with APs). */
  sevEs: boolean;
  /** ASEV metadata present (SNP launch possible). */
  snp: boolean;
  /** Hash-table location non-zero: SEV/SEV-ES kernel hashes supported. */
  sevKernelHashes: boolean;
  /** SNP_KERNEL_HASHES section present: SNP kernel hashes supported. */
  snpKernelHashes: boolean;
  tdx: boolean;
  igvm: boolean;
  /** A short human name for the build, guessed from the above (§4.3). */
  flavour: string;
}

function dataU32(entry: FooterEntry, index: number, what: string, diags: Diagnostics): number | undefined {
  if (entry.data.length < (index + 1) * 4) {
    diags.error(
      'FW_FOOTER_SHORT_DATA',
      `${what} entry holds ${entry.data.length} bytes, needs ${(index + 1) * 4}`,
      { offset: entry.offset, length: entry.length, spec: 'fuki §4.2.1' },
    );
    return undefined;
  }
  return u32(entry.data, index * 4);
}

function gpaRange(
  table: FooterTable | undefined,
  guid: string,
  what: string,
  diags: Diagnostics,
): GpaRange | undefined {
  const entry = findFooterEntry(table, guid);
  if (!entry) return undefined;
  const gpa = dataU32(entry, 0, what, diags);
  const size = dataU32(entry, 1, what, diags);
  if (gpa === undefined || size === undefined) return undefined;
  return { gpa, size, offset: entry.dataOffset, length: 8 };
}

function metadataOffset(
  table: FooterTable | undefined,
  guid: string,
  what: string,
  diags: Diagnostics,
): number | undefined {
  const entry = findFooterEntry(table, guid);
  return entry ? dataU32(entry, 0, what, diags) : undefined;
}

function flavourOf(f: Omit<FirmwareFeatures, 'flavour'>, hasFooter: boolean): string {
  if (!hasFooter) return 'no OVMF footer table (not SEV/TDX capable)';
  const parts: string[] = [];
  if (f.snpKernelHashes) parts.push('AmdSev-style (SNP kernel hashes)');
  else if (f.snp) parts.push('OvmfX64-style (no SNP kernel hashes)');
  else if (f.sevEs) parts.push('SEV-ES capable');
  if (f.tdx) parts.push('TDX (TDVF metadata)');
  if (f.igvm) parts.push('IGVM metadata');
  return parts.join(', ') || 'OVMF footer table without SEV/TDX metadata';
}

export function parseFirmware(fw: Uint8Array): ParsedFirmware {
  const diags = new Diagnostics();
  if (fw.length % 4096 !== 0) {
    diags.warning(
      'FW_SIZE_NOT_PAGE_MULTIPLE',
      `image size ${fw.length} is not a multiple of 4096; launch measurements need whole pages`,
    );
  }
  const footer = parseFooterTable(fw, diags);

  let apResetBlock: ApResetBlock | undefined;
  const reset = findFooterEntry(footer, FOOTER_GUID.SEV_ES_RESET_BLOCK);
  if (reset) {
    const eip = dataU32(reset, 0, 'SEV-ES reset block', diags);
    if (eip !== undefined)
      apResetBlock = {
        eip,
        csBase: (eip & 0xffff0000) >>> 0,
        ip: eip & 0xffff,
        offset: reset.dataOffset,
        length: 4,
      };
  }
  const sevHashTable = gpaRange(footer, FOOTER_GUID.SEV_HASH_TABLE, 'SEV hash table', diags);
  const sevSecret = gpaRange(footer, FOOTER_GUID.SEV_SECRET, 'SEV secret', diags);
  let svsmEntryOffset: ParsedFirmware['svsmEntryOffset'];
  const svsm = findFooterEntry(footer, FOOTER_GUID.SVSM_INFO);
  if (svsm) {
    const value = dataU32(svsm, 0, 'SVSM info', diags);
    if (value !== undefined) svsmEntryOffset = { value, offset: svsm.dataOffset, length: 4 };
  }

  const sevOff = metadataOffset(footer, FOOTER_GUID.SEV_METADATA, 'SEV metadata offset', diags);
  const sevMetadata = sevOff === undefined ? undefined : parseSevMetadata(fw, sevOff, diags);
  const tdxOff = metadataOffset(footer, FOOTER_GUID.TDX_METADATA, 'TDX metadata offset', diags);
  const tdxMetadata = tdxOff === undefined ? undefined : parseTdxMetadata(fw, tdxOff, diags);
  const igvmOff = metadataOffset(footer, FOOTER_GUID.IGVM_METADATA, 'IGVM metadata offset', diags);
  const igvmMetadata = igvmOff === undefined ? undefined : parseIgvmMetadata(fw, igvmOff, diags);

  if (sevHashTable && sevHashTable.gpa !== 0 && sevHashTable.size < 176) {
    diags.warning(
      'FW_HASH_TABLE_TOO_SMALL',
      `SEV hash table area is ${sevHashTable.size} bytes; QEMU needs at least 176`,
      { ...sevHashTable, spec: 'fuki §4.2.3' },
    );
  }
  const snpKernelHashes =
    sevMetadata?.sections.some((s) => s.type === SEV_SECTION.SNP_KERNEL_HASHES) ?? false;
  const partial = {
    sevEs: apResetBlock !== undefined,
    snp: sevMetadata !== undefined,
    sevKernelHashes: sevHashTable !== undefined && sevHashTable.gpa !== 0,
    snpKernelHashes,
    tdx: tdxMetadata !== undefined,
    igvm: igvmMetadata !== undefined,
  };
  const features: FirmwareFeatures = { ...partial, flavour: flavourOf(partial, footer !== undefined) };
  const baseGpa = FOUR_GIB - fw.length;
  const parsed: Omit<ParsedFirmware, 'memoryMap' | 'diagnostics'> = {
    kind: 'firmware',
    size: fw.length,
    baseGpa,
    footer,
    apResetBlock,
    sevHashTable,
    sevSecret,
    svsmEntryOffset,
    sevMetadata,
    tdxMetadata,
    igvmMetadata,
    features,
  };
  return { ...parsed, memoryMap: firmwareMemoryMap(parsed), diagnostics: diags.done() };
}

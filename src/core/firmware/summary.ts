// A compact, JSON-friendly summary of a parsed firmware image and its text rendering (for `fukiscope inspect`).
import { hex64, toHex } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import type { ParsedFirmware } from './firmware';

export interface FirmwareSummary {
  kind: 'firmware';
  size: number;
  baseGpa: string;
  flavour: string;
  features: ParsedFirmware['features'];
  footerTable:
    { offset: number; entries: { guid: string; name: string; offset: number; data: string }[] } | undefined;
  apResetEip: string | undefined;
  sevHashTable: { gpa: string; size: number } | undefined;
  sevSecret: { gpa: string; size: number } | undefined;
  sevSections: { gpa: string; size: string; type: string }[];
  tdvfSections: {
    rawOffset: number;
    rawSize: number;
    memBase: string;
    memSize: string;
    type: string;
    extendMr: boolean;
  }[];
  igvmMetadata: { type: string; location: string; size: number }[];
  diagnostics: Diagnostic[];
}

const h = (v: number | bigint): string => hex64(v);

export function summarizeFirmware(fw: ParsedFirmware): FirmwareSummary {
  return {
    kind: 'firmware',
    size: fw.size,
    baseGpa: h(fw.baseGpa),
    flavour: fw.features.flavour,
    features: fw.features,
    footerTable: fw.footer && {
      offset: fw.footer.offset,
      entries: fw.footer.entries.map((e) => ({
        guid: e.guid,
        name: e.name ?? 'unknown',
        offset: e.offset,
        data: toHex(e.data),
      })),
    },
    apResetEip: fw.apResetBlock && h(fw.apResetBlock.eip),
    sevHashTable: fw.sevHashTable && { gpa: h(fw.sevHashTable.gpa), size: fw.sevHashTable.size },
    sevSecret: fw.sevSecret && { gpa: h(fw.sevSecret.gpa), size: fw.sevSecret.size },
    sevSections: (fw.sevMetadata?.sections ?? []).map((s) => ({
      gpa: h(s.gpa),
      size: h(s.size),
      type: s.typeName ?? h(s.type),
    })),
    tdvfSections: (fw.tdxMetadata?.sections ?? []).map((s) => ({
      rawOffset: s.rawOffset,
      rawSize: s.rawSize,
      memBase: h(s.memBase),
      memSize: h(s.memSize),
      type: s.typeName ?? String(s.type),
      extendMr: s.extendMr,
    })),
    igvmMetadata: (fw.igvmMetadata?.entries ?? []).map((e) => ({
      type: e.typeName ?? h(e.type),
      location: h(e.location),
      size: e.size,
    })),
    diagnostics: fw.diagnostics,
  };
}

/** The summary as text lines; diagnostics are left to the caller (`fukiscope inspect` lists them once for every kind). */
export function formatFirmwareSummary(s: FirmwareSummary): string {
  const lines = [`firmware image: ${s.size} bytes at GPA ${s.baseGpa}–0xffffffff`, `flavour: ${s.flavour}`];
  if (s.footerTable) {
    lines.push(
      `footer GUID table @0x${s.footerTable.offset.toString(16)}: ${s.footerTable.entries.length} entries`,
    );
    for (const e of s.footerTable.entries) lines.push(`  ${e.guid}  ${e.name.padEnd(34)} ${e.data}`);
  }
  if (s.apResetEip) lines.push(`SEV-ES AP reset EIP: ${s.apResetEip}`);
  if (s.sevHashTable) lines.push(`SEV hash table: GPA ${s.sevHashTable.gpa}, ${s.sevHashTable.size} bytes`);
  if (s.sevSecret) lines.push(`SEV launch secret: GPA ${s.sevSecret.gpa}, ${s.sevSecret.size} bytes`);
  if (s.sevSections.length) {
    lines.push(`SEV metadata (ASEV): ${s.sevSections.length} sections`);
    for (const x of s.sevSections) lines.push(`  ${x.gpa.padStart(10)} +${x.size.padEnd(9)} ${x.type}`);
  }
  if (s.tdvfSections.length) {
    lines.push(`TDX metadata (TDVF): ${s.tdvfSections.length} sections`);
    for (const x of s.tdvfSections) {
      lines.push(
        `  ${x.memBase.padStart(10)} +${x.memSize.padEnd(9)} ${x.type.padEnd(8)} raw 0x${x.rawOffset.toString(16)}+0x${x.rawSize.toString(16)}${x.extendMr ? ' MR.EXTEND' : ''}`,
      );
    }
  }
  if (s.igvmMetadata.length) {
    lines.push(`edk2 IGVM metadata: ${s.igvmMetadata.length} entries`);
    for (const x of s.igvmMetadata)
      lines.push(`  ${x.type.padEnd(10)} ${x.location} size 0x${x.size.toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

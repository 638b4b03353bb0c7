// Test-only: crafted PE/UKI files that amplified work before the limits of issue 11 item 2, built from corpus
// files. Each returns the file bytes; the tests run them through the CLI bundle and the engine.
import { put16, put32 } from '../core/bytes/bytes';
import { SECTION_HEADER_SIZE } from '../core/pe/constants';
import { findSection } from '../core/pe/access';
import { parsePe } from '../core/pe/parse';
import { buildUki } from '../core/uki/build';
import { HWIDS_ENTRY_SIZE } from '../core/uki/hwids';
import { readCorpus } from './corpus';

/**
 * A UKI (stub + tiny .linux) whose `.hwids` has 4096 entries whose name and firmware-ID offsets all point at one
 * long string. With `spread`, entry i points i bytes into the string (every offset distinct: no cache helps).
 */
export function hwidsFlood(stub: Uint8Array, opts: { entries?: number; stringLength?: number; spread?: boolean } = {}): Uint8Array {
  const entries = opts.entries ?? 4096;
  const len = opts.stringLength ?? 12 * 1024;
  const table = (entries + 1) * HWIDS_ENTRY_SIZE;
  const hwids = new Uint8Array(table + len + 1);
  hwids.fill(0x41, table, table + len); // 'AAAA…', NUL-terminated
  for (let i = 0; i < entries; i++) {
    const o = i * HWIDS_ENTRY_SIZE;
    put32(hwids, o, HWIDS_ENTRY_SIZE | (2 << 28)); // uefi-fw
    put32(hwids, o + 4, i + 1); // a distinct CHID
    const at = table + (opts.spread ? i % len : 0);
    put32(hwids, o + 20, at);
    put32(hwids, o + 24, at);
  }
  const r = buildUki({
    stub,
    sections: [
      { name: '.linux', data: new Uint8Array(4096) },
      { name: '.hwids', data: hwids },
    ],
    detectUname: false,
  });
  if (!r.file) throw new Error(`hwidsFlood: ${JSON.stringify(r.diagnostics)}`);
  return r.file;
}

/**
 * A copy of a PE whose section table is replaced by `count` headers aliasing the raw data of section `name`
 * (the table overwrites whatever follows the headers; a crafted file needs no valid code). With `step`, header
 * i starts i × step bytes further into that data (every range distinct). `declared` overrides
 * NumberOfSections (65535: more than the parser's limit).
 */
export function aliasSections(
  pe: Uint8Array,
  name: string,
  count: number,
  opts: { step?: number; declared?: number } = {},
): Uint8Array {
  const b = new Uint8Array(pe);
  const p = parsePe(b);
  const target = findSection(p, name);
  if (!target || !p.coff || !p.sectionTable) throw new Error(`aliasSections: no ${name}`);
  const header = b.slice(target.offset, target.offset + SECTION_HEADER_SIZE);
  put16(b, p.coff.offset + 2, opts.declared ?? count);
  for (let i = 0; i < count; i++) {
    const o = p.sectionTable.offset + i * SECTION_HEADER_SIZE;
    b.set(header, o);
    const shift = (opts.step ?? 0) * i;
    put32(b, o + 8, Math.max(0, target.virtualSize - shift)); // VirtualSize
    put32(b, o + 12, target.virtualAddress + i * 0x1000); // VirtualAddress
    put32(b, o + 16, Math.max(0, target.sizeOfRawData - shift)); // SizeOfRawData
    put32(b, o + 20, target.pointerToRawData + shift); // PointerToRawData
  }
  return b;
}

/** A copy of a PE with NumberOfSections = 65535 and nothing else changed (the table runs into section data). */
export function manySections(pe: Uint8Array, declared = 0xffff): Uint8Array {
  const b = new Uint8Array(pe);
  const p = parsePe(b);
  put16(b, p.coff!.offset + 2, declared);
  return b;
}

/** The crafted PE/UKI inputs of issue 11 item 2, by name, built on demand from corpus files. */
export const HOSTILE_PE: Record<string, { bytes: () => Uint8Array }> = {
  /** 4096 .hwids entries whose strings all point at one 12 KiB string (a 279 KB file that exhausted the heap). */
  'hwids-flood-4096': { bytes: () => hwidsFlood(readCorpus('inputs/stub/262/linuxx64.efi.stub')) },
  /** The same with every entry pointing at a different place in the string (no cache helps). */
  'hwids-flood-4096-spread': { bytes: () => hwidsFlood(readCorpus('inputs/stub/262/linuxx64.efi.stub'), { spread: true }) },
  /** 1024 section headers aliasing the corpus UKI's .linux (66 s of hashing before the limits). */
  'sections-aliasing-linux-1024': { bytes: () => aliasSections(readCorpus('pe/uki-262.efi'), '.linux', 1024) },
  /** 1024 headers each starting 4 KiB further into .linux: every range distinct. */
  'sections-aliasing-linux-1024-step': { bytes: () => aliasSections(readCorpus('pe/uki-262.efi'), '.linux', 1024, { step: 4096 }) },
  /** NumberOfSections = 65535 and nothing else changed. */
  'sections-65535': { bytes: () => manySections(readCorpus('pe/uki-262.efi')) },
};

// TDX MRTD of a TDVF image launched by QEMU/KVM (igvm-format-and-measurement.md §14.4 records; TDVF sections from the
// TDX metadata): every page of every TDVF section is TDH.MEM.PAGE.ADDed at its GPA; sections with the MR.EXTEND
// attribute are also TDH.MR.EXTENDed in 256-byte chunks (data from the file, zero-padded). The page order depends on
// the VMM: 'single-pass' = each page's ADD then its 16 EXTENDs (td-shim's calculator); 'two-pass' = per section all
// ADDs, then all EXTENDs (quex-tech reproduce.mjs). Corpus README: offer both.
import type { Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { parseFirmware, type ParsedFirmware } from '../firmware/firmware';
import type { TdvfSection } from '../firmware/tdx-metadata';
import { defaultHash, type HashBackend, type IncrementalHash } from '../hash/hash';
import { HASH_BUDGET_CONSTANT } from '../measure/source';
import { tdxExtendPage, tdxPageAdd } from '../measure/tdx-records';

export type TdvfPageOrder = 'single-pass' | 'two-pass';
export const TDVF_PAGE_ORDERS: readonly TdvfPageOrder[] = ['single-pass', 'two-pass'];

/** Upper bound on pages added (16 GiB of sections), so a hostile memSize cannot make us loop for ever. */
export const MAX_TDVF_PAGES = 1 << 22;

/**
 * Why the MR.EXTEND sections of a `fileSize`-byte firmware are refused, if they are: every extended page is hashed
 * whole, so they may cover at most 2 × the file + 64 MiB (hashBudgetOf, as for IGVM measurements). A real TDVF
 * extends its BFV, which is file data; a 64 KiB file whose BFV declares 2 GiB of memory made compose hash 2 GiB and
 * hold 2.6 GiB (found by the compose fuzz family, issue 11).
 */
export function tdvfExtendRefusal(sections: readonly TdvfSection[], fileSize: number): string | undefined {
  let extended = 0n;
  for (const s of sections) if (s.extendMr) extended += s.memSize;
  const budget = BigInt(2 * fileSize + HASH_BUDGET_CONSTANT);
  if (extended <= budget) return undefined;
  return `TDVF sections extend 0x${extended.toString(16)} bytes into MRTD, more than 2 × the ${fileSize}-byte file + ${HASH_BUDGET_CONSTANT / 2 ** 20} MiB`;
}

export interface TdvfMrtdResult {
  order: TdvfPageOrder;
  mrtd: Bytes | undefined;
  sections: TdvfSection[];
  pagesAdded: number;
  pagesExtended: number;
  diagnostics: Diagnostic[];
}

function sectionPage(fw: Uint8Array, s: TdvfSection, page: number): Uint8Array {
  const start = s.rawOffset + page * 4096;
  const end = Math.min(s.rawOffset + s.rawSize, start + 4096);
  return start < end ? fw.subarray(start, end) : new Uint8Array(0); // tdxExtendPage pads to 4096
}

export function tdvfMrtd(
  fw: Uint8Array,
  order: TdvfPageOrder,
  parsed: ParsedFirmware = parseFirmware(fw),
  hash: HashBackend = defaultHash(),
): TdvfMrtdResult {
  const diags = new Diagnostics();
  for (const d of parsed.diagnostics)
    if (d.code.startsWith('FW_TDX') || d.code.startsWith('FW_FOOTER')) diags.add(d);
  const sections = parsed.tdxMetadata?.sections ?? [];
  const result = { order, mrtd: undefined, sections, pagesAdded: 0, pagesExtended: 0 };
  if (!parsed.tdxMetadata) {
    diags.error(
      'TDVF_NO_METADATA',
      'the firmware has no TDX metadata (TDVF descriptor): not a TDX firmware image',
    );
    return { ...result, diagnostics: diags.done() };
  }
  if (diags.hasErrors) return { ...result, diagnostics: diags.done() };
  let total = 0n;
  for (const s of sections) total += s.memSize / 4096n;
  if (total > BigInt(MAX_TDVF_PAGES)) {
    diags.error(
      'TDVF_TOO_MANY_PAGES',
      `TDVF sections add ${total} pages, more than the ${MAX_TDVF_PAGES} this tool measures`,
    );
    return { ...result, diagnostics: diags.done() };
  }
  const refusal = tdvfExtendRefusal(sections, fw.length);
  if (refusal) {
    diags.error('TDVF_TOO_MANY_PAGES', refusal);
    return { ...result, diagnostics: diags.done() };
  }
  const stream: IncrementalHash = hash.create('sha384');
  let pagesAdded = 0;
  let pagesExtended = 0;
  for (const s of sections) {
    const pages = Number(s.memSize / 4096n);
    const gpa = (i: number) => s.memBase + BigInt(i) * 4096n;
    for (let i = 0; i < pages; i++) {
      tdxPageAdd(stream, gpa(i));
      pagesAdded++;
      if (order === 'single-pass' && s.extendMr) {
        tdxExtendPage(stream, gpa(i), sectionPage(fw, s, i));
        pagesExtended++;
      }
    }
    if (order === 'two-pass' && s.extendMr) {
      for (let i = 0; i < pages; i++) {
        tdxExtendPage(stream, gpa(i), sectionPage(fw, s, i));
        pagesExtended++;
      }
    }
  }
  return { ...result, mrtd: stream.digest(), pagesAdded, pagesExtended, diagnostics: diags.done() };
}

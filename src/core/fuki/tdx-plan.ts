// TDX variant of the composition: the TDVF sections of a TDX firmware image (TDVF design guide §11, as QEMU loads
// them) as IGVM PAGE_DATA directives, so the IGVM's MRTD (igvm-format-and-measurement.md §14.4) equals the TDVF
// MRTD of a classic launch in the same page order. MR.EXTEND sections become measured data pages; the other
// sections are added unmeasured (TDH.MEM.PAGE.ADD only), exactly like tdvfMrtd.
import { Diagnostics } from '../diagnostics';
import type { ParsedFirmware } from '../firmware/firmware';
import { MAX_TDVF_PAGES, tdvfExtendRefusal } from '../classic/tdvf-mrtd';
import { IGVM_PAGE_FLAG, type IgvmHeaderInput } from '../igvm/types';

export interface TdxPlan {
  directives: IgvmHeaderInput[];
  diagnostics: Diagnostics;
}

export function planTdxDirectives(firmware: Uint8Array, parsed: ParsedFirmware, mask: number): TdxPlan {
  const diagnostics = new Diagnostics();
  const directives: IgvmHeaderInput[] = [];
  const sections = parsed.tdxMetadata?.sections ?? [];
  if (!parsed.tdxMetadata) {
    diagnostics.error('FUKI_NO_TDVF', 'the firmware has no TDX metadata (TDVF descriptor): no TDX variant');
    return { directives, diagnostics };
  }
  let total = 0n;
  for (const s of sections) total += s.memSize / 4096n;
  if (total > BigInt(MAX_TDVF_PAGES)) {
    diagnostics.error('FUKI_TDVF_TOO_LARGE', `TDVF sections add ${total} pages, more than ${MAX_TDVF_PAGES}`);
    return { directives, diagnostics };
  }
  const refusal = tdvfExtendRefusal(sections, firmware.length);
  if (refusal) {
    diagnostics.error('FUKI_TDVF_TOO_LARGE', refusal);
    return { directives, diagnostics };
  }
  for (const s of sections) {
    if (s.memSize % 4096n !== 0n || s.memBase % 4096n !== 0n) {
      diagnostics.error('FUKI_TDVF_UNALIGNED', `TDVF section ${s.index} is not page aligned`, { index: s.index });
      continue;
    }
    const pages = Number(s.memSize / 4096n);
    for (let i = 0; i < pages; i++) {
      const start = s.rawOffset + i * 4096;
      const end = Math.min(s.rawOffset + s.rawSize, start + 4096);
      const data = start < end ? firmware.subarray(start, end) : undefined;
      directives.push({
        kind: 'PageData',
        compatibilityMask: mask,
        gpa: s.memBase + BigInt(i) * 4096n,
        fileOffset: 0,
        // A measured page is extended even when it is all zero: give it data so it is not a zero page.
        flags: s.extendMr ? 0 : IGVM_PAGE_FLAG.UNMEASURED,
        dataType: 0,
        reserved: 0,
        data: s.extendMr ? (data ?? new Uint8Array(4096)) : data,
      });
    }
  }
  return { directives, diagnostics };
}

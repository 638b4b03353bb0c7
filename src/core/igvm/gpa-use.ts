// Semantic checks before measuring (issue 11 item 3): rules the Rust parser does not make (§10: "Not checked:
// duplicate GPAs / overlapping pages") but without which no platform can launch the file: the firmware accepts one
// SNP_LAUNCH_UPDATE / TDH.MEM.PAGE.ADD per guest page (§14.2.3, §14.4), so a second page at one GPA, a VMSA or a
// parameter area on a measured page, two VP contexts for one VP, or a page past the top of the address space is an
// error, reported at the later header with the first one as `related`. Checked per declared platform (mask bit).
import type { Diagnostics } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { hex, SPEC } from './context';
import { IGVM_PAGE_FLAG, isVpContext, supportedPlatforms, type IgvmFile, type IgvmHeader } from './types';

/**
 * A PARAMETER_INSERT of at most this many pages (16 MiB, the most the measurement engines measure: MAX_RANGE_PAGES,
 * MEASURE_SIZE_TOO_LARGE past it) is checked page by page, like a PAGE_DATA; a larger one is kept as one range and
 * checked against the pages and ranges placed before and after it, so a 2^63-byte area costs one entry, not 2^51 (it
 * cost 65,536 map entries per platform, ~30 ms per file, before). A launchable file never has such a range.
 */
const PAGE_BY_PAGE = 4096n;
/**
 * Steps one platform's check may spend on parameter inserts: pages expanded from them plus lookups of pages against
 * ranges and of ranges against pages. Real files insert a few pages of tables, so only a flood of large inserts
 * reaches it; past it the file is refused with IGVM_GPA_CHECK_LIMIT (an error: an unchecked file gets no digest).
 */
const MAX_INSERT_STEPS = 1 << 20;
const PAGE = 4096n;
/**
 * End of the guest physical address space: x86-64 and AArch64 (LPA2) address at most 52 physical bits (MAXPHYADDR ≤ 52),
 * so a page at the top of the 64-bit range (e.g. 0xFFFFFFFFFFFFF000) is not memory any platform can add.
 */
const GPA_END = 1n << 52n;
/** The last page below GPA_END: `gpa > LAST_PAGE` is `gpa + PAGE > GPA_END` without a BigInt allocated per page. */
const LAST_PAGE = GPA_END - PAGE;
/** Diagnostics of each rule kept per file: a flood of conflicts is one problem, not thousands. */
const MAX_PER_RULE = 16;

interface Use {
  header: IgvmHeader;
  what: 'page' | 'VMSA' | 'parameter area';
}

/** A bare header in the map of placed pages is a PAGE_DATA page (one object fewer per page, issue 16). */
const asUse = (u: Use | IgvmHeader): Use => ('what' in u ? u : { header: u, what: 'page' });

export function validateGpaUse(file: IgvmFile, d: Diagnostics): void {
  const platforms = supportedPlatforms(file);
  const counts = new Map<string, number>();
  const report = (code: DiagnosticCode, message: string, h: IgvmHeader, first: IgvmHeader | undefined, section: string): void => {
    const n = counts.get(code) ?? 0;
    counts.set(code, n + 1);
    if (n >= MAX_PER_RULE) return;
    d.error(code, message, {
      index: h.index,
      offset: h.offset,
      spec: `${SPEC} §${section}`,
      ...(first && { related: { index: first.index, offset: first.offset } }),
    });
  };
  for (const p of platforms) {
    const bit = p.compatibilityMask;
    const name = p.platformName ?? `platform ${p.platformType}`;
    /**
     * What was placed at each GPA (a PAGE_DATA header itself stands for its page: no Use object per page). Pages
     * placed in rising GPA order, as every builder lays them out, go to `ascending` (a sorted list, binary-searched),
     * the rest to `used`: a 256 MiB IGVM's 65k pages cost two plain arrays instead of a 65k-entry map (issue 16: the
     * CLI's peak memory). A GPA above the last ascending one can be in neither: every entry is at most that GPA.
     */
    const ascending: bigint[] = [];
    const ascendingUse: (Use | IgvmHeader)[] = [];
    /** Placement number of each entry (both stores), so a scan visits them in placement order as one map did. */
    const ascendingOrder: number[] = [];
    const used = new Map<bigint, { placed: Use | IgvmHeader; order: number }>();
    let placements = 0;
    const useAt = (gpa: bigint): Use | undefined => {
      const n = ascending.length;
      if (n === 0 || gpa > ascending[n - 1]!) return undefined;
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const g = ascending[mid]!;
        if (g === gpa) return asUse(ascendingUse[mid]!);
        if (g < gpa) lo = mid + 1;
        else hi = mid - 1;
      }
      const u = used.get(gpa);
      return u === undefined ? u : asUse(u.placed);
    };
    const record = (gpa: bigint, placed: Use | IgvmHeader): void => {
      const n = ascending.length;
      if (n === 0 || gpa > ascending[n - 1]!) {
        ascending.push(gpa);
        ascendingUse.push(placed);
        ascendingOrder.push(placements++);
      } else used.set(gpa, { placed, order: placements++ });
    };
    const placedCount = (): number => ascending.length + used.size;
    /** Every placed GPA in placement order (both stores are in placement order: merged). */
    function* placedGpas(): Generator<bigint> {
      let i = 0;
      for (const [g, u] of used) {
        while (i < ascending.length && ascendingOrder[i]! < u.order) yield ascending[i++]!;
        yield g;
      }
      while (i < ascending.length) yield ascending[i++]!;
    }
    /** Large parameter inserts, in file order: pages [start, start + pages × 4 KiB) on the page grid of `start`. */
    const ranges: { start: bigint; end: bigint; use: Use }[] = [];
    let steps = 0;
    let overLimit = false;
    const vps = new Map<string, IgvmHeader>();
    const areas = new Map<number, bigint>();
    const conflict = (gpa: bigint, use: Use, before: Use, section: string): void => {
      if (before.what === 'VMSA' && use.what === 'VMSA') return; // one VMSA per VP at one GPA is how KVM files look (§7.7)
      const code =
        use.what === 'VMSA' || before.what === 'VMSA'
          ? 'IGVM_VMSA_ON_PAGE'
          : use.what === 'parameter area' || before.what === 'parameter area'
            ? 'IGVM_PARAMETER_INSERT_OVER_PAGE'
            : 'IGVM_GPA_TWICE';
      report(
        code,
        `${name}: ${use.what} at ${hex(gpa)} lands on the ${before.what} header #${before.header.index} already put there; a guest page can be added once`,
        use.header,
        before.header,
        section,
      );
    };
    const outOfRange = (gpa: bigint, use: Use, section: string): void =>
      report('IGVM_GPA_OUT_OF_RANGE', `${name}: ${use.what} at ${hex(gpa)} lies past the 52-bit guest physical address space (the most x86-64 and AArch64 address)`, use.header, undefined, section);
    /** Counts insert steps; false (once reported) when the platform's budget is spent. */
    const spend = (n: number, h: IgvmHeader): boolean => {
      if (overLimit) return false;
      steps += n;
      if (steps <= MAX_INSERT_STEPS) return true;
      overLimit = true;
      d.error('IGVM_GPA_CHECK_LIMIT', `${name}: parameter inserts cost more than ${MAX_INSERT_STEPS} page checks; the file's guest pages were not all checked for overlaps`, {
        index: h.index,
        offset: h.offset,
        spec: `${SPEC} §7.5`,
      });
      return false;
    };
    /** The first range placed before that holds the page at `gpa` (same 4 KiB grid), if any. */
    const inRange = (gpa: bigint, h: IgvmHeader): Use | undefined => {
      if (ranges.length === 0 || !spend(ranges.length, h)) return undefined;
      for (const r of ranges) if (gpa >= r.start && gpa < r.end && (gpa - r.start) % PAGE === 0n) return r.use;
      return undefined;
    };
    /** Places `placed` (a Use, or a PAGE_DATA header standing for its page) at `gpa`. */
    const place = (gpa: bigint, placed: Use | IgvmHeader, section: string): void => {
      if (gpa > LAST_PAGE) return outOfRange(gpa, asUse(placed), section);
      const before = useAt(gpa) ?? inRange(gpa, 'what' in placed ? placed.header : placed);
      if (!before) record(gpa, placed);
      else conflict(gpa, asUse(placed), before, section);
    };
    /** A parameter insert of `pages` pages at `start`: page by page when small, else as one range. */
    const placeRange = (start: bigint, pages: bigint, use: Use, section: string): void => {
      if (pages <= PAGE_BY_PAGE) {
        if (spend(Number(pages), use.header)) for (let k = 0n; k < pages; k++) place(start + k * PAGE, use, section);
        return;
      }
      let end = start + pages * PAGE;
      if (end > GPA_END) {
        // The first page past the address space, on this range's grid (as the page-by-page check reports it).
        const first = start + PAGE > GPA_END ? start : start + ((GPA_END - PAGE - start) / PAGE + 1n) * PAGE;
        outOfRange(first, use, section);
        if (first === start) return;
        end = first;
      }
      const h = use.header;
      // Pages placed before: look up the range's pages when it has fewer than the map, else scan the map.
      const n = (end - start) / PAGE;
      if (n <= BigInt(placedCount())) {
        if (spend(Number(n), h))
          for (let g = start; g < end; g += PAGE) {
            const before = useAt(g);
            if (before) conflict(g, use, before, section);
          }
      } else if (spend(placedCount(), h)) {
        for (const g of placedGpas()) if (g >= start && g < end && (g - start) % PAGE === 0n) conflict(g, use, useAt(g)!, section);
      }
      // Ranges placed before: one diagnostic at the first shared page.
      if (ranges.length > 0 && spend(ranges.length, h))
        for (const r of ranges) {
          const lo = r.start > start ? r.start : start;
          const hi = r.end < end ? r.end : end;
          if (lo < hi && (r.start - start) % PAGE === 0n) conflict(lo, use, r.use, section);
        }
      ranges.push({ start, end, use });
    };
    for (const h of file.directives) {
      if (h.kind === 'ParameterArea') {
        areas.set(h.parameterAreaIndex, h.numberOfBytes);
        continue;
      }
      const m = (h as { compatibilityMask?: number }).compatibilityMask;
      if (m === undefined || (m & bit) === 0) continue;
      if (h.kind === 'PageData') {
        // Shared pages are not added to private memory (§7.2): they take no launch update.
        if ((h.flags & IGVM_PAGE_FLAG.SHARED) !== 0) continue;
        place(h.gpa, h, '7.1');
      } else if (h.kind === 'ParameterInsert') {
        const size = areas.get(h.parameterAreaIndex) ?? PAGE;
        placeRange(h.gpa, (size + PAGE - 1n) / PAGE, { header: h, what: 'parameter area' }, '7.5');
      } else if (isVpContext(h) && h.kind !== 'VpContext') {
        // ('VpContext' is a context that could not be decoded for its platform: already an error of its own.)
        const vtl = (h as { vtl?: number }).vtl ?? 0;
        const key = `${h.kind}/${h.vpIndex}/${vtl}`;
        const first = vps.get(key);
        if (first) report('IGVM_DUPLICATE_VP_CONTEXT', `${name}: a second ${h.kind} for VP ${h.vpIndex}${vtl ? ` VTL ${vtl}` : ''}`, h, first, '7.7');
        else vps.set(key, h);
        if (h.kind === 'SnpVpContext') place(h.gpa, { header: h, what: 'VMSA' }, '7.7');
      }
    }
  }
}

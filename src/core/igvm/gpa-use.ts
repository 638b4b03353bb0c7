// Semantic checks before measuring (issue 11 item 3): rules the Rust parser does not make (§10: "Not checked:
// duplicate GPAs / overlapping pages") but without which no platform can launch the file: the firmware accepts one
// SNP_LAUNCH_UPDATE / TDH.MEM.PAGE.ADD per guest page (§14.2.3, §14.4), so a second page at one GPA, a VMSA or a
// parameter area on a measured page, two VP contexts for one VP, or a page past the top of the address space is an
// error, reported at the later header with the first one as `related`. Checked per declared platform (mask bit).
import type { Diagnostics } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { hex, SPEC } from './context';
import { IGVM_PAGE_FLAG, isVpContext, supportedPlatforms, type IgvmFile, type IgvmHeader } from './types';

/** Pages one PARAMETER_INSERT is checked over, at most (larger areas are refused by the measurement engines). */
const MAX_INSERT_PAGES = 1 << 16;
const PAGE = 4096n;
/**
 * End of the guest physical address space: x86-64 and AArch64 (LPA2) address at most 52 physical bits (MAXPHYADDR ≤ 52),
 * so a page at the top of the 64-bit range (e.g. 0xFFFFFFFFFFFFF000) is not memory any platform can add.
 */
const GPA_END = 1n << 52n;
/** Diagnostics of each rule kept per file: a flood of conflicts is one problem, not thousands. */
const MAX_PER_RULE = 16;

interface Use {
  header: IgvmHeader;
  what: 'page' | 'VMSA' | 'parameter area';
}

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
    const used = new Map<bigint, Use>();
    const vps = new Map<string, IgvmHeader>();
    const areas = new Map<number, bigint>();
    const place = (gpa: bigint, use: Use, section: string): void => {
      const h = use.header;
      if (gpa + PAGE > GPA_END) {
        report('IGVM_GPA_OUT_OF_RANGE', `${name}: ${use.what} at ${hex(gpa)} lies past the 52-bit guest physical address space (the most x86-64 and AArch64 address)`, h, undefined, section);
        return;
      }
      const before = used.get(gpa);
      if (!before) {
        used.set(gpa, use);
        return;
      }
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
        h,
        before.header,
        section,
      );
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
        place(h.gpa, { header: h, what: 'page' }, '7.1');
      } else if (h.kind === 'ParameterInsert') {
        const size = areas.get(h.parameterAreaIndex) ?? PAGE;
        const pages = (size + PAGE - 1n) / PAGE;
        const n = pages > BigInt(MAX_INSERT_PAGES) ? MAX_INSERT_PAGES : Number(pages);
        for (let k = 0; k < n; k++) place(h.gpa + BigInt(k) * PAGE, { header: h, what: 'parameter area' }, '7.5');
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

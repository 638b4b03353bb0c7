// Whole-file rules of the Rust parser (§5.1 platform rules, §6.3 relocation rules, §6.4, §6.5, §10), run after
// every header has been decoded. Per-header field checks live with each decoder.
import type { Diagnostics } from '../diagnostics';
import { hex, isPow2, SPEC } from './context';
import { validateGpaUse } from './gpa-use';
import {
  IGVM_PLATFORM_TYPE,
  isVpContext,
  supportedPlatforms,
  type IgvmFile,
  type IgvmHeader,
  type IgvmMasked,
  type IgvmPageTableRelocationRegion,
  type IgvmRelocatableRegion,
} from './types';

const where = (h: IgvmHeader, s: string) => ({ index: h.index, offset: h.offset, spec: `${SPEC} §${s}` });

export function validateIgvmFile(file: IgvmFile, d: Diagnostics): void {
  const declared = validatePlatforms(file, d);
  validateMasks(file, d, declared);
  validateParameterAreas(file, d);
  validateCorim(file, d);
  validateRelocation(file, d);
  validateGuestPolicies(file, d);
  validateGpaUse(file, d);
}

function validatePlatforms(file: IgvmFile, d: Diagnostics): number {
  const platforms = supportedPlatforms(file);
  if (platforms.length === 0) d.error('IGVM_NO_PLATFORMS', 'the file declares no platform', { spec: `${SPEC} §5.1` });
  const types = new Set<number>();
  let masks = 0;
  for (const p of platforms) {
    if (types.has(p.platformType))
      d.error('IGVM_DUPLICATE_PLATFORM_TYPE', `platform type ${p.platformName ?? p.platformType} is declared twice`, where(p, '5.1'));
    types.add(p.platformType);
    if (isPow2(p.compatibilityMask) && masks & p.compatibilityMask)
      d.error('IGVM_DUPLICATE_PLATFORM_MASK', `compatibility mask ${hex(p.compatibilityMask)} is used by two platforms`, where(p, '5.1'));
    masks |= p.compatibilityMask;
    const t = p.platformType;
    const needsX64 = t === IGVM_PLATFORM_TYPE.SEV_SNP || t === IGVM_PLATFORM_TYPE.TDX || t === IGVM_PLATFORM_TYPE.NATIVE || t === IGVM_PLATFORM_TYPE.SEV || t === IGVM_PLATFORM_TYPE.SEV_ES;
    if ((needsX64 && file.architecture !== 'X64') || (t === IGVM_PLATFORM_TYPE.CCA && file.architecture !== 'AArch64'))
      d.error('IGVM_PLATFORM_ARCH', `${p.platformName} is not supported on ${file.architecture}`, where(p, '5.1'));
  }
  return masks >>> 0;
}

function validateMasks(file: IgvmFile, d: Diagnostics, declared: number): void {
  let reported = 0;
  // Both lists in turn, not one spread copy of them (a 256 MiB IGVM has 65k directives).
  for (const list of [file.initialization, file.directives])
    for (const h of list) {
      const m = (h as Partial<IgvmMasked>).compatibilityMask;
      if (m === undefined || h.kind === 'Unknown') continue;
      const stray = (m & ~declared) >>> 0;
      if ((m === 0 || stray !== 0) && reported++ < 16)
        d.warning(
          'IGVM_MASK_UNDECLARED',
          m === 0 ? 'compatibility mask is 0: the header applies to no platform' : `compatibility mask ${hex(m)} has bits ${hex(stray)} no platform declares`,
          where(h, '9'),
        );
    }
}

function validateParameterAreas(file: IgvmFile, d: Diagnostics): void {
  const state = new Map<number, 'allocated' | 'inserted'>();
  for (const h of file.directives) {
    if (h.kind === 'PageData') continue; // most directives, and none of the kinds below (no `in` test for each)
    if (h.kind === 'ParameterArea') {
      if (state.has(h.parameterAreaIndex))
        d.error('IGVM_PARAMETER_AREA_INDEX', `parameter area index ${h.parameterAreaIndex} is declared twice`, where(h, '10'));
      else state.set(h.parameterAreaIndex, 'allocated');
    } else if (h.kind === 'ParameterInsert' || 'byteOffset' in h) {
      const idx = (h as { parameterAreaIndex: number }).parameterAreaIndex;
      const s = state.get(idx);
      if (s !== 'allocated')
        d.error(
          'IGVM_PARAMETER_AREA_INDEX',
          s === 'inserted'
            ? `${h.kind} uses parameter area ${idx} after it was inserted`
            : `${h.kind} uses parameter area ${idx}, which is not declared before it`,
          where(h, '10'),
        );
      else if (h.kind === 'ParameterInsert') state.set(idx, 'inserted');
    }
  }
}

function validateCorim(file: IgvmFile, d: Diagnostics): void {
  let docs = 0;
  let sigs = 0;
  for (const h of file.initialization) {
    if (h.kind !== 'CorimDocument' && h.kind !== 'CorimSignature') continue;
    const m = h.compatibilityMask;
    if (h.kind === 'CorimDocument') {
      if (docs & m) d.error('IGVM_MULTIPLE_CORIM_DOCUMENTS', `more than one CoRIM document for mask ${hex(docs & m)}`, where(h, '6.5'));
      docs |= m;
    } else {
      if (sigs & m) d.error('IGVM_MULTIPLE_CORIM_SIGNATURES', `more than one CoRIM signature for mask ${hex(sigs & m)}`, where(h, '6.5'));
      if ((m & ~docs) >>> 0) d.error('IGVM_MISSING_CORIM_DOCUMENT', 'a CoRIM signature without an earlier document for its platform', where(h, '6.5'));
      sigs |= m;
    }
  }
  const cca = new Set(supportedPlatforms(file).filter((p) => p.platformType === IGVM_PLATFORM_TYPE.CCA).map((p) => p.compatibilityMask));
  for (const h of file.initialization) {
    if (h.kind !== 'CcaPolicy') continue;
    for (let bit = 1; bit !== 0; bit = (bit << 1) >>> 0)
      if (h.compatibilityMask & bit && !cca.has(bit)) {
        d.error('IGVM_CCA_POLICY_MASK', `CCA policy mask bit ${hex(bit)} is not a CCA platform`, where(h, '6.4'));
        break;
      }
  }
}

interface Registration {
  header: IgvmHeader;
  mask: number;
  vpIndex: number;
  vtl: number;
}

const overlaps = (a0: bigint, a1: bigint, b0: bigint, b1: bigint) => a0 <= b1 && b0 <= a1;

function validateRelocation(file: IgvmFile, d: Diagnostics): void {
  const relocs = file.initialization.filter((h): h is IgvmRelocatableRegion => h.kind === 'RelocatableRegion');
  const tables = file.initialization.filter((h): h is IgvmPageTableRelocationRegion => h.kind === 'PageTableRelocationRegion');
  let seen = 0;
  for (const t of tables) {
    if (seen & t.compatibilityMask)
      d.error('IGVM_MULTIPLE_PAGE_TABLE_RELOCATION', 'more than one page table relocation header for one platform', where(t, '6.3'));
    seen |= t.compatibilityMask;
  }
  const ranges = [
    ...relocs.map((r) => ({ h: r as IgvmHeader, mask: r.compatibilityMask, lo: r.relocationRegionGpa, size: r.relocationRegionSize })),
    ...tables.map((t) => ({ h: t as IgvmHeader, mask: t.compatibilityMask, lo: t.gpa, size: t.size })),
  ];
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      if (a.size === 0n || b.size === 0n || !(a.mask & b.mask)) continue;
      if (overlaps(a.lo, a.lo + a.size - 1n, b.lo, b.lo + b.size - 1n))
        d.error('IGVM_RELOCATION_REGIONS_OVERLAP', `relocation regions of headers #${a.h.index} and #${b.h.index} overlap`, where(b.h, '6.3'));
    }
  const registrations: Registration[] = [...relocs, ...tables].map((h) => ({ header: h, mask: h.compatibilityMask, vpIndex: h.vpIndex, vtl: h.vtl }));
  for (const r of registrations) {
    const ok = file.directives.some(
      (h) =>
        isVpContext(h) &&
        (h.kind === 'X64VbsVpContext' || h.kind === 'AArch64VbsVpContext') &&
        (h.compatibilityMask & r.mask) !== 0 &&
        h.vtl === r.vtl &&
        r.vpIndex === 0,
    );
    if (!ok)
      d.error('IGVM_NO_MATCHING_VP_CONTEXT', `no VBS VP context matches the relocation registration (vp ${r.vpIndex}, VTL ${r.vtl})`, where(r.header, '6.3'));
  }
  for (const h of file.directives) {
    if (h.kind !== 'ParameterInsert') continue;
    for (const t of tables)
      if (t.compatibilityMask & h.compatibilityMask && h.gpa >= t.gpa && h.gpa < t.gpa + t.size)
        d.error('IGVM_INSERT_IN_PAGE_TABLE_REGION', `parameter insert at ${hex(h.gpa)} lies in the page table region of #${t.index}`, where(h, '6.3'));
  }
}

function validateGuestPolicies(file: IgvmFile, d: Diagnostics): void {
  const snp = supportedPlatforms(file).filter((p) => p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP);
  for (const h of file.initialization) {
    if (h.kind !== 'GuestPolicy') continue;
    if (snp.some((p) => p.compatibilityMask & h.compatibilityMask) && ((h.policy >> 17n) & 1n) !== 1n)
      d.warning('IGVM_SNP_POLICY_BIT17', `SNP guest policy ${hex(h.policy)} has reserved bit 17 clear (AMD requires 1)`, where(h, '6.1'));
  }
}

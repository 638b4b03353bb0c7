// Launch measurements of an IGVM file, per declared platform (igvm-format-and-measurement.md §9, §14–§16).
import { equalBytes, type Bytes } from '../bytes/bytes';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import { defaultHash, type HashBackend } from '../hash/hash';
import {
  IGVM_PLATFORM_TYPE,
  IGVM_PLATFORM_TYPE_NAME,
  type IgvmPlatformTypeName,
  type IgvmSupportedPlatform,
  supportedPlatforms,
} from '../igvm/types';
import { compactLedger, type LedgerEntry } from './ledger';
import { snpOptions, type SnpOptions, type SnpProfile, type TdxOrder } from './options';
import { sevDigestOfOps, sevLedger, sevOps } from './sev';
import { snpOps, type SnpTranslation } from './snp';
import { SnpChain } from './snp-chain';
import { hasDeferredPages } from '../igvm/detach';
import type { MeasureSource } from './source';
import { tdxLedger, tdxMrtdOfOps, tdxOps } from './tdx';
import { vbsDigestOfOps, vbsOps } from './vbs';

export type MeasureAlgorithm =
  | 'snp-launch-digest'
  | 'tdx-mrtd'
  | 'vbs-boot-digest'
  | 'igvmmeasure-sev-sha256'
  | 'igvmmeasure-sev-es-sha256';

export interface MeasureOptions {
  /** Only these platform types (default: every declared platform that has an algorithm). */
  platforms?: readonly IgvmPlatformTypeName[];
  snpProfile?: SnpProfile;
  /** Overrides individual SNP variants on top of the profile. */
  snp?: Partial<SnpOptions>;
  tdxOrder?: TdxOrder;
  /** igvmmeasure --check-kvm rules as diagnostics (SNP, SEV-ES, SEV). */
  checkKvm?: boolean;
  /** true: one ledger entry per step; 'runs': identical consecutive steps as one entry with a `count` (compactLedger). */
  ledger?: boolean | 'runs';
  hash?: HashBackend;
}

export interface IdBlockCheck {
  headerIndex: number;
  ld: Uint8Array;
  matches: boolean;
}

export interface PlatformMeasurement {
  platform: IgvmPlatformTypeName;
  compatibilityMask: number;
  algorithm: MeasureAlgorithm;
  digest: Bytes;
  /** Number of measured operations. */
  steps: number;
  /** SNP: the profile and the variant options in force; TDX: the page order. */
  profile?: SnpProfile;
  snpOptions?: SnpOptions;
  tdxOrder?: TdxOrder;
  /** True for digests that reproduce a tool's behaviour rather than a hardware measurement (SEV, SEV-ES; §14.3). */
  toolBehaviour?: boolean;
  /** SNP: comparison with the last SNP_ID_BLOCK's `ld` (§15). */
  idBlock?: IdBlockCheck;
  ledger?: LedgerEntry[];
  /** SNP: the engine, for incremental recompute (`updatePage`). */
  chain?: SnpChain;
  diagnostics: Diagnostic[];
}

const ALGORITHM: Partial<Record<number, MeasureAlgorithm>> = {
  [IGVM_PLATFORM_TYPE.SEV_SNP]: 'snp-launch-digest',
  [IGVM_PLATFORM_TYPE.TDX]: 'tdx-mrtd',
  [IGVM_PLATFORM_TYPE.VSM_ISOLATION]: 'vbs-boot-digest',
  [IGVM_PLATFORM_TYPE.SEV]: 'igvmmeasure-sev-sha256',
  [IGVM_PLATFORM_TYPE.SEV_ES]: 'igvmmeasure-sev-es-sha256',
};

export function measureIgvm(src: MeasureSource, o: MeasureOptions = {}): PlatformMeasurement[] {
  const out: PlatformMeasurement[] = [];
  for (const p of supportedPlatforms(src)) {
    const name = IGVM_PLATFORM_TYPE_NAME[p.platformType];
    if (!name || !ALGORITHM[p.platformType]) continue;
    if (o.platforms && !o.platforms.includes(name)) continue;
    out.push(measurePlatform(src, p, o));
  }
  return out;
}

export function measurePlatform(
  src: MeasureSource,
  p: IgvmSupportedPlatform,
  o: MeasureOptions = {},
): PlatformMeasurement {
  const hash = o.hash ?? defaultHash();
  const platform = IGVM_PLATFORM_TYPE_NAME[p.platformType]!;
  const base = { platform, compatibilityMask: p.compatibilityMask, algorithm: ALGORITHM[p.platformType]! };
  // A detached model (igvm/detach.ts) holds no page bytes: TDX, VBS and SEV would read its pages as absent (zero
  // pages) and give a digest that looks right. Only the SNP plan carries a deferred page's file offset, for a caller
  // that hashes it from the file; everything else must measure the model parsed from the whole file.
  if (p.platformType !== IGVM_PLATFORM_TYPE.SEV_SNP && hasDeferredPages(src))
    throw new Error(`a ${platform} measurement needs the page data: this model's pages were not read (detachPageData)`);
  switch (p.platformType) {
    case IGVM_PLATFORM_TYPE.SEV_SNP: {
      const plan = snpPlan(src, p, o);
      return snpMeasurement(p, plan, SnpChain.measure(plan.translation.ops, hash), o);
    }
    case IGVM_PLATFORM_TYPE.TDX: {
      const order = o.tdxOrder ?? 'single-pass';
      const t = tdxOps(src, p);
      return {
        ...base,
        digest: tdxMrtdOfOps(t.ops, order, hash),
        steps: t.ops.length,
        tdxOrder: order,
        ledger: ledgerOf(o, tdxLedger, t.ops),
        diagnostics: t.diagnostics,
      };
    }
    case IGVM_PLATFORM_TYPE.VSM_ISOLATION: {
      const t = vbsOps(src, p);
      const r = vbsDigestOfOps(t.ops, hash, o.ledger !== undefined && o.ledger !== false);
      const ledger = r.ledger && o.ledger === 'runs' ? compactLedger(r.ledger) : r.ledger;
      return { ...base, digest: r.digest, steps: t.ops.length, ledger, diagnostics: t.diagnostics };
    }
    default: {
      // SEV / SEV-ES: igvmmeasure's SHA-256 (§14.3); --check-kvm applies to its VMSAs as well (§16.3).
      const sevDiags = new Diagnostics();
      const ops = sevOps(src, p, sevDiags);
      const kvm = o.checkKvm
        ? snpOps(src, p, { ...snpOptions('igvmmeasure'), checkKvm: true }).diagnostics.filter((d) =>
            d.code.startsWith('KVM_'),
          )
        : [];
      return {
        ...base,
        digest: sevDigestOfOps(ops, hash),
        steps: ops.length,
        toolBehaviour: true,
        ledger: ledgerOf(o, sevLedger, ops),
        diagnostics: [...sevDiags.done(), ...kvm],
      };
    }
  }
}

function ledgerOf<T>(
  o: MeasureOptions,
  make: (ops: readonly T[]) => LedgerEntry[],
  ops: readonly T[],
): LedgerEntry[] | undefined {
  if (!o.ledger) return undefined;
  return o.ledger === 'runs' ? compactLedger(make(ops)) : make(ops);
}

/** The SNP page operations of a platform under the profile and variants in `o` (§14.2.3). */
export interface SnpPlan {
  profile: SnpProfile;
  options: SnpOptions;
  translation: SnpTranslation;
}

export function snpPlan(src: MeasureSource, p: IgvmSupportedPlatform, o: MeasureOptions = {}): SnpPlan {
  const profile = o.snpProfile ?? 'igvm';
  const options = snpOptions(profile, o.snp);
  return { profile, options, translation: snpOps(src, p, { ...options, checkKvm: o.checkKvm }) };
}

/** The SEV_SNP result of a plan whose chain was run (here with one backend, or with page hashes from elsewhere). */
export function snpMeasurement(
  p: IgvmSupportedPlatform,
  plan: SnpPlan,
  chain: SnpChain,
  o: MeasureOptions = {},
): PlatformMeasurement {
  const t = plan.translation;
  const digest = chain.digest;
  const result: PlatformMeasurement = {
    platform: 'SEV_SNP',
    compatibilityMask: p.compatibilityMask,
    algorithm: 'snp-launch-digest',
    digest,
    steps: t.ops.length,
    profile: plan.profile,
    snpOptions: plan.options,
    idBlock: t.idBlock && {
      headerIndex: t.idBlock.index,
      ld: t.idBlock.ld,
      matches: equalBytes(t.idBlock.ld, digest),
    },
    ledger: undefined,
    chain,
    diagnostics: t.diagnostics,
  };
  // Built when first read, so a caller that streams from `chain.ledgerEntries()` never holds the per-page list.
  if (o.ledger) {
    let list: LedgerEntry[] | undefined;
    const make = o.ledger === 'runs' ? () => compactLedger(chain.ledgerEntries()) : () => chain.ledger();
    Object.defineProperty(result, 'ledger', {
      enumerable: true,
      configurable: true,
      get: () => (list ??= make()),
    });
  }
  return result;
}

// Launch settings as a user types them (CLI options, the composer form, the measure panel) → typed values plus
// diagnostics. One set of defaults and one set of limits for every host: the CLI, the worker and the UI all call
// these functions, so the same text is accepted or refused the same way everywhere (issue 12 item 2).
import { MAX_VCPUS } from '../classic/constants';
import type { Diagnostic } from '../diagnostics';
import type { FukiPlatform, ComposeSettings } from '../fuki/compose';
import { FUKI_PROFILES, type FukiProfile } from '../fuki/profiles';
import { VMM_TYPES, type VmmType } from '../vmsa/build';
import { VCPU_TYPES, VCPU_TYPE_NAMES } from '../vmsa/vcpu-types';
import { parseIntLiteral } from './int-literal';

/** Limits on what a user may ask for. vCPUs: KVM_MAX_VCPUS on x86, which also bounds the VMSA loop. */
export const LAUNCH_LIMITS = {
  vcpus: { min: 1, max: MAX_VCPUS },
  /** SEV_FEATURES, the guest policies: u64 fields of the VMSA / GUEST_POLICY header. */
  u64Max: (1n << 64n) - 1n,
  /** The CPUID(1).EAX signature is a u32. */
  vcpuSigMax: 0xffff_ffffn,
} as const;

/** Defaults of every launch setting (fuki §4.5: EPYC-v4, SEV_FEATURES SNPActive only; §6.1 policies). */
export const LAUNCH_DEFAULTS = {
  profile: 'qemu-igvm' as FukiProfile,
  vcpus: 1,
  vcpuType: 'EPYC-v4',
  vmm: 'QEMU' as VmmType,
  guestFeatures: 0x1n,
  /** SMT allowed + reserved bit 17. */
  snpPolicy: 0x30000n,
  tdxPolicy: 0n,
} as const;

/** The settings a form or a command line can give; every field is text as typed (numbers may be numbers). */
export interface LaunchSettingsText {
  profile?: string;
  vcpus?: string | number;
  vcpuType?: string;
  /** CPUID(1).EAX instead of vcpuType (CLI `--vcpu-sig`). */
  vcpuSig?: string;
  vmm?: string;
  guestFeatures?: string;
  snpPolicy?: string;
  tdxPolicy?: string;
  /** `snp` / `tdx` (CLI spelling) or `SEV_SNP` / `TDX`. */
  platforms?: readonly string[];
}

export type LaunchSettingField = keyof LaunchSettingsText;

export interface ParsedSettings<T> {
  /** Undefined when any field is invalid. */
  value?: T;
  diagnostics: Diagnostic[];
  /** The first problem of each invalid field, for inline form messages. */
  fields: Partial<Record<LaunchSettingField, Diagnostic>>;
}

const FIELD_LABEL: Record<LaunchSettingField, string> = {
  profile: 'profile',
  vcpus: 'vCPU count',
  vcpuType: 'vCPU type',
  vcpuSig: 'vCPU signature',
  vmm: 'VMM type',
  guestFeatures: 'guest features',
  snpPolicy: 'SNP policy',
  tdxPolicy: 'TDX policy',
  platforms: 'platform',
};

class FieldDiagnostics {
  readonly diagnostics: Diagnostic[] = [];
  readonly fields: Partial<Record<LaunchSettingField, Diagnostic>> = {};
  error(field: LaunchSettingField, code: string, message: string): undefined {
    const d: Diagnostic = { severity: 'error', code, message: `${FIELD_LABEL[field]}: ${message}` };
    this.diagnostics.push(d);
    this.fields[field] ??= d;
    return undefined;
  }
  get ok(): boolean {
    return this.diagnostics.length === 0;
  }
}

function parseVcpus(v: string | number | undefined, d: FieldDiagnostics): number | undefined {
  if (v === undefined) return LAUNCH_DEFAULTS.vcpus;
  const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  const { min, max } = LAUNCH_LIMITS.vcpus;
  if (!Number.isInteger(n) || n < min || n > max)
    return d.error('vcpus', 'SETTINGS_VCPUS', `“${v}” is not a whole number from ${min} to ${max}`);
  return n;
}

function parseU64(
  field: LaunchSettingField,
  v: string | undefined,
  fallback: bigint,
  d: FieldDiagnostics,
  max = LAUNCH_LIMITS.u64Max,
): bigint | undefined {
  if (v === undefined) return fallback;
  const n = parseIntLiteral(v);
  if (n === undefined)
    return d.error(field, 'SETTINGS_NUMBER', `“${v}” is not a number (decimal, or 0x… hex)`);
  if (n < 0n || n > max)
    return d.error(
      field,
      'SETTINGS_RANGE',
      `${v} does not fit in ${max === LAUNCH_LIMITS.u64Max ? 64 : 32} bits`,
    );
  return n;
}

function parseVcpu(
  t: LaunchSettingsText,
  d: FieldDiagnostics,
): { vcpuSig: number; vcpuType?: string } | undefined {
  if (t.vcpuSig !== undefined) {
    const sig = parseU64('vcpuSig', t.vcpuSig, 0n, d, LAUNCH_LIMITS.vcpuSigMax);
    return sig === undefined ? undefined : { vcpuSig: Number(sig) };
  }
  const vcpuType = t.vcpuType ?? LAUNCH_DEFAULTS.vcpuType;
  const sig = VCPU_TYPES[vcpuType];
  if (sig === undefined)
    return d.error(
      'vcpuType',
      'SETTINGS_VCPU_TYPE',
      `unknown type “${vcpuType}” (one of ${VCPU_TYPE_NAMES.join(', ')})`,
    );
  return { vcpuSig: sig, vcpuType };
}

function parseVmm(v: string | undefined, d: FieldDiagnostics): VmmType | undefined {
  const vmm = v ?? LAUNCH_DEFAULTS.vmm;
  if (!(VMM_TYPES as readonly string[]).includes(vmm))
    return d.error('vmm', 'SETTINGS_VMM', `unknown VMM type “${vmm}” (one of ${VMM_TYPES.join(', ')})`);
  return vmm as VmmType;
}

const PLATFORM_NAMES: Record<string, FukiPlatform> = {
  snp: 'SEV_SNP',
  tdx: 'TDX',
  SEV_SNP: 'SEV_SNP',
  TDX: 'TDX',
};

/** The settings of a composition (CLI `compose`, the composer page through the worker). */
export function parseComposeSettings(t: LaunchSettingsText): ParsedSettings<ComposeSettings> {
  const d = new FieldDiagnostics();
  const profile = t.profile ?? LAUNCH_DEFAULTS.profile;
  if (!FUKI_PROFILES.includes(profile as FukiProfile))
    d.error(
      'profile',
      'SETTINGS_PROFILE',
      `unknown profile “${profile}” (one of ${FUKI_PROFILES.join(', ')})`,
    );
  const vcpus = parseVcpus(t.vcpus, d);
  const vcpu = parseVcpu(t, d);
  const vmm = parseVmm(t.vmm, d);
  const guestFeatures = parseU64('guestFeatures', t.guestFeatures, LAUNCH_DEFAULTS.guestFeatures, d);
  const snpPolicy = parseU64('snpPolicy', t.snpPolicy, LAUNCH_DEFAULTS.snpPolicy, d);
  const tdxPolicy = parseU64('tdxPolicy', t.tdxPolicy, LAUNCH_DEFAULTS.tdxPolicy, d);
  const platforms = t.platforms?.map(
    (p) =>
      PLATFORM_NAMES[p] ?? d.error('platforms', 'SETTINGS_PLATFORM', `unknown platform “${p}” (snp or tdx)`),
  );
  if (!d.ok) return { diagnostics: d.diagnostics, fields: d.fields };
  return {
    value: {
      profile: profile as FukiProfile,
      vcpus: vcpus!,
      vcpuSig: vcpu!.vcpuSig,
      vcpuType: vcpu!.vcpuType,
      vmm: vmm!,
      guestFeatures: guestFeatures!,
      snpPolicy: snpPolicy!,
      tdxPolicy: tdxPolicy!,
      platforms: platforms as FukiPlatform[] | undefined,
    },
    diagnostics: [],
    fields: {},
  };
}

/** The settings of a classic firmware measurement (measure panel through the worker, CLI `measure-ovmf`). */
export interface MeasureSettings {
  vcpus: number;
  vcpuSig: number;
  vcpuType?: string;
  vmm: VmmType;
  guestFeatures: bigint;
}

export function parseMeasureSettings(t: LaunchSettingsText): ParsedSettings<MeasureSettings> {
  const d = new FieldDiagnostics();
  const vcpus = parseVcpus(t.vcpus, d);
  const vcpu = parseVcpu(t, d);
  const vmm = parseVmm(t.vmm, d);
  const guestFeatures = parseU64('guestFeatures', t.guestFeatures, LAUNCH_DEFAULTS.guestFeatures, d);
  if (!d.ok) return { diagnostics: d.diagnostics, fields: d.fields };
  return {
    value: {
      vcpus: vcpus!,
      vcpuSig: vcpu!.vcpuSig,
      vcpuType: vcpu!.vcpuType,
      vmm: vmm!,
      guestFeatures: guestFeatures!,
    },
    diagnostics: [],
    fields: {},
  };
}

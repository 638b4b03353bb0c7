// The receipt of a composition or a measurement: everything needed to check or reproduce it
// (fuki-uki-kernel-hashes.md §1.3: no merged format stores a precalculated launch digest, so we publish it next
// to the outputs instead). One typed receipt for every route — the hash-page composition, the IGVM-firmware
// route and a single measurement — built only here. Digests are lowercase hex; u64 values are 0x-prefixed hex
// strings so the receipt is plain JSON.
import { hex64, toHex, type Bytes } from '../bytes/bytes';
import type { Diagnostic } from '../diagnostics';
import { coalesceLedger, type LedgerEntry } from '../measure/ledger';
import type { PlatformMeasurement } from '../measure/measure-igvm';
import { TOOL } from '../version';
import type { ComposeSettings } from './compose';
import type { DataHob } from './hob-route';
import type { FukiProfile } from './snp-plan';

export interface ReceiptBlob {
  size: number;
  sha256: string;
  sha384: string;
}

/** An input file: its digests, the file name it was given as (when there is one) and where its bytes came from. */
export interface ReceiptInput extends Omit<ReceiptBlob, 'sha384'> {
  /** Absent where the host has only the SHA-256 (the app hashes each opened file once, with SHA-256). */
  sha384?: string;
  name?: string;
  source?: string;
  note?: string;
}

export interface ReceiptMeasurement {
  /** SEV_SNP or TDX for compositions; a measurement receipt names what was measured (snp, seves, sev, VBS…). */
  platform: string;
  /** SNP: the measure-engine profile the digest was computed with; TDX: the page order. */
  profile?: string;
  tdxOrder?: string;
  digest: string;
  steps: number;
  /** What a verifier should compare it with. */
  meaning: string;
}

export interface ReceiptAddonCombination {
  /** Add-on file names applied, in processing order ([] = the UKI alone). */
  addons: string[];
  cmdline: string;
  initrdSha256: string;
  kernelHashesTable: string;
  measurements: ReceiptMeasurement[];
}

export type ReceiptRoute = 'hash-page' | 'igvm-firmware' | 'measure' | 'verify';

export interface Receipt {
  /** `fukiscope <version>`, the version from package.json. */
  tool: string;
  route: ReceiptRoute;
  profile?: string;
  options: Record<string, string | number | boolean>;
  inputs: Record<string, ReceiptInput>;
  cmdline?: { text: string; sha256: string; source: string };
  kernelHashes?: { gpa: string; offsetInPage: number; table: string; pageSha256: string };
  /** IGVM-firmware route: the HOB area and the blobs placed in it (fuki §5.4). */
  hobAreaGpa?: string;
  hobs?: (Omit<DataHob, 'gpa'> & { gpa: string })[];
  outputs: Record<string, Partial<ReceiptBlob> & { size: number; name?: string; note?: string }>;
  measurements: ReceiptMeasurement[];
  /** Route `measure`: the measured file's own label and algorithm for the digest (e.g. SEV-SNP launch digest). */
  measuredAs?: { label: string; algorithm: string; idBlock?: { expected: string; matches: boolean } };
  /** Route `measure`: every measured step, as the app's ledger shows it. */
  steps?: readonly Record<string, string | number | undefined>[];
  /** Route `measure`: the diagnostics the file had when it was measured. */
  diagnostics?: readonly Diagnostic[];
  /** The classic `-bios` digest of the same inputs (classic-equivalent profile: must equal the SNP measurement). */
  classicSnpDigest?: string;
  addonMatrix?: ReceiptAddonCombination[];
  ledger?: { platform: string; steps: number; runs: { type: string; firstGpa: string; pages: number }[] }[];
  /** Route `verify`: the evidence, what was checked, and how it compares with a launch (issue 13 §6). */
  evidence?: ReceiptEvidence;
  /** What is deliberately not covered, in words. */
  notes: string[];
}

export interface ReceiptEvidence {
  kind: 'snp-report' | 'tdx-quote';
  /** The decoded fields (name → hex), reserved ones left out. */
  fields: Record<string, string>;
  /** The time certificates (and TCB collateral) were checked at, ISO. */
  at: string;
  checks: { id: string; status: 'pass' | 'fail' | 'not-checked'; detail: string }[];
  /** What the measurement was compared with (a file name, with the launch options used). */
  comparedWith?: string;
  /** The measurement equals the compared launch (undefined: not compared). */
  match?: boolean;
  /** The mismatch search: the exact options that reproduce the value, or why none does. */
  search?: { searchedWith: string; found: boolean; options?: string[]; explanation: string; tried: number; total: number; cancelled: boolean };
}

export function describeMeasurement(m: PlatformMeasurement, profile: FukiProfile): ReceiptMeasurement {
  if (m.platform === 'TDX')
    return {
      platform: 'TDX',
      tdxOrder: m.tdxOrder,
      digest: toHex(m.digest),
      steps: m.steps,
      meaning: `MRTD if the VMM adds pages in ${m.tdxOrder} order (the TD report's MRTD)`,
    };
  return {
    platform: 'SEV_SNP',
    profile: m.profile,
    digest: toHex(m.digest),
    steps: m.steps,
    meaning:
      profile === 'qemu-igvm'
        ? 'SNP launch digest when QEMU/KVM loads this IGVM (attestation report MEASUREMENT)'
        : 'SNP launch digest with zero pages launched as SNP ZERO pages; equals the classic -bios launch of the same inputs',
  };
}

function ledgerRuns(measurements: readonly PlatformMeasurement[]): NonNullable<Receipt['ledger']> {
  return measurements
    .filter((m) => m.ledger)
    .map((m) => ({
      platform: m.platform + (m.tdxOrder ? ` (${m.tdxOrder})` : ''),
      steps: m.steps,
      runs: coalesceLedger(m.ledger as LedgerEntry[]).map((r) => ({ type: r.type, firstGpa: hex64(r.gpa), pages: r.count })),
    }));
}

/** What the hash-page route's receipt is made from (compose.ts gathers it; digests come from its cache). */
export interface ComposeReceiptFacts {
  settings: ComposeSettings;
  firmware: ReceiptInput;
  kernel?: ReceiptInput;
  initrd?: ReceiptInput;
  cmdline: { text: string; sha256?: Bytes; source: string };
  kernelHashes?: { gpa: bigint; offsetInPage: number; table: Bytes; pageSha256: Bytes };
  /** Undefined digests: the output was not hashed (live preview). */
  igvm: { size: number; sha256?: Bytes; sha384?: Bytes };
  measurements: readonly PlatformMeasurement[];
}

/** The receipt of the hash-page route (fuki §5.2). */
export function composeReceipt(f: ComposeReceiptFacts): Receipt {
  const { settings } = f;
  const inputs: Receipt['inputs'] = { firmware: f.firmware };
  if (f.kernel) inputs.kernel = f.kernel;
  if (f.initrd) inputs.initrd = f.initrd;
  const outputs: Receipt['outputs'] = {
    igvm:
      f.igvm.sha256 && f.igvm.sha384
        ? { size: f.igvm.size, sha256: toHex(f.igvm.sha256), sha384: toHex(f.igvm.sha384) }
        : { size: f.igvm.size, sha256: '', sha384: '', note: 'not hashed (live preview)' },
  };
  const notes = [
    'The SNP digest assumes the loader executes the directives in file order (igvm-format §14.7).',
    'Guest policy, ID block and host data are not part of the launch digest; they appear in the attestation report.',
    'SECRETS and CPUID pages are measured by type only: their contents (filled by the PSP/VMM) are not covered.',
  ];
  const kernel = f.kernel !== undefined;
  if (kernel)
    notes.push(
      'Kernel, initrd and command line are covered through their SHA-256 in the kernel-hashes page; OVMF verifies them only in AmdSev builds (fuki §4.3).',
    );
  if (kernel && f.measurements.some((m) => m.platform === 'TDX'))
    notes.push(
      'TDX: the MRTD covers the TDVF firmware sections only, so kernel, initrd, command line and add-ons do not change it (the kernel-hashes page is an SEV mechanism). On TDX they are measured at boot: systemd-stub extends the UKI sections (its PCR 11 events) into RTMR[2] through EFI_CC_MEASUREMENT_PROTOCOL (fuki §3.1).',
    );
  if (settings.profile === 'classic-equivalent')
    notes.push(
      'classic-equivalent: measured with zero pages as the SNP ZERO type, this equals the classic QEMU -bios launch digest of the same inputs (sev-snp-measure).',
    );
  return {
    tool: TOOL,
    route: 'hash-page',
    profile: settings.profile,
    options: {
      vcpus: settings.vcpus,
      vcpuType: settings.vcpuType ?? '',
      vcpuSig: hex64(settings.vcpuSig),
      vmmType: settings.vmm,
      guestFeatures: hex64(settings.guestFeatures),
      snpPolicy: hex64(settings.snpPolicy),
      tdxPolicy: hex64(settings.tdxPolicy),
    },
    inputs,
    cmdline: { text: f.cmdline.text, sha256: f.cmdline.sha256 ? toHex(f.cmdline.sha256) : '', source: f.cmdline.source },
    kernelHashes: f.kernelHashes && {
      gpa: hex64(f.kernelHashes.gpa),
      offsetInPage: f.kernelHashes.offsetInPage,
      table: toHex(f.kernelHashes.table),
      pageSha256: toHex(f.kernelHashes.pageSha256),
    },
    outputs,
    measurements: f.measurements.map((m) => describeMeasurement(m, settings.profile)),
    ledger: ledgerRuns(f.measurements),
    notes,
  };
}

/** The receipt of the IGVM-firmware route (fuki §5.4): an IGVM firmware plus the UKI (and shim, db) as HOB blobs. */
export function igvmFirmwareReceipt(f: {
  inputs: Receipt['inputs'];
  options: Receipt['options'];
  hobAreaGpa: bigint | number;
  hobs: readonly DataHob[];
  igvm: { size: number; sha256: Bytes; sha384: Bytes };
  measurements: readonly PlatformMeasurement[];
}): Receipt {
  return {
    tool: TOOL,
    route: 'igvm-firmware',
    options: f.options,
    inputs: f.inputs,
    hobAreaGpa: hex64(f.hobAreaGpa),
    hobs: f.hobs.map((h) => ({ ...h, gpa: hex64(h.gpa) })),
    outputs: { igvm: { size: f.igvm.size, sha256: toHex(f.igvm.sha256), sha384: toHex(f.igvm.sha384) } },
    measurements: f.measurements.map((m) => describeMeasurement(m, 'qemu-igvm')),
    notes: ['Blob GPAs are chosen by this tool (edk2 reserves whatever the HOBs name); db is an unsigned authenticated variable.'],
  };
}

/** The receipt of one measurement of one file (the app's measure panel). */
export function measurementReceipt(f: {
  file: ReceiptInput;
  options: Receipt['options'];
  platform: string;
  label: string;
  algorithm: string;
  digest: string;
  profile?: string;
  tdxOrder?: string;
  idBlock?: { expected: string; matches: boolean };
  steps: readonly Record<string, string | number | undefined>[];
  /** Measured steps when `steps` lists coalesced runs rather than every step (the CLI's export). */
  stepCount?: number;
  diagnostics: readonly Diagnostic[];
}): Receipt {
  return {
    tool: TOOL,
    route: 'measure',
    options: f.options,
    inputs: { file: f.file },
    outputs: {},
    measurements: [
      {
        platform: f.platform,
        profile: f.profile,
        tdxOrder: f.tdxOrder,
        digest: f.digest,
        steps: f.stepCount ?? f.steps.length,
        meaning: f.label,
      },
    ],
    measuredAs: { label: f.label, algorithm: f.algorithm, idBlock: f.idBlock },
    steps: f.steps,
    diagnostics: f.diagnostics,
    notes: [],
  };
}

/** The receipt of a verified report or quote (the app's Evidence view): inputs by name + SHA-256, every check. */
export function evidenceReceipt(f: { inputs: Receipt['inputs']; options: Receipt['options']; evidence: ReceiptEvidence }): Receipt {
  const notes = ['Nothing was fetched: certificates and collateral are the files listed as inputs.'];
  if (f.evidence.checks.some((c) => c.status === 'not-checked')) notes.push('Checks marked not-checked were not verified; their detail says why.');
  if (f.evidence.search?.found) notes.push('The search answer is the launch options that reproduce MEASUREMENT with the compared file; it does not say the guest was launched that way by anyone you trust.');
  return { tool: TOOL, route: 'verify', options: f.options, inputs: f.inputs, outputs: {}, measurements: [], evidence: f.evidence, notes };
}

/**
 * A download's file name after its content: `<name>-<snp|tdx>-<first 12 hex of the digest>.<ext>`, so two
 * compositions never overwrite each other and a file says which measurement it belongs to (issue 10 item 5).
 * `name` loses its directory and last extension; without a digest the name is `<name>.<ext>`.
 */
export function contentFileName(name: string, measurement: { platform: string; digest: string } | undefined, ext: string): string {
  const stem = (name.split(/[\\/]/).pop() ?? name).replace(/\.[^.]*$/, '') || 'fukiscope';
  if (!measurement?.digest) return `${stem}.${ext}`;
  const tag = ({ SEV_SNP: 'snp', TDX: 'tdx' } as Record<string, string>)[measurement.platform] ?? measurement.platform.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return `${stem}-${tag}-${measurement.digest.slice(0, 12)}.${ext}`;
}

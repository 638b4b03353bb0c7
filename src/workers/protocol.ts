// The plain, structured-clone data the engine worker returns to the UI. Nothing here holds a class instance
// or a bigint-keyed structure the UI would have to understand: u64 values arrive as hex strings so React can
// render them directly and they survive postMessage unchanged. Two exceptions, both columns of typed arrays and
// packed strings, transferred rather than cloned: the IGVM header table (header-columns.ts, read through `headerAt`)
// and a measurement's ledger (ledger-columns.ts, read through `ledgerEntry`).
import type { SearchSummary } from '../core/attest/ovmf-search';
import type { FileKind } from '../core/detect';
import type { Diagnostic } from '../core/diagnostics';
import type { IgvmPageKind } from '../core/igvm/page-map';
import type { SignatureVerdict } from '../core/authenticode/verdict';
import type { EventLogView } from './inspect/eventlog';
import type { HeaderColumns } from './header-columns';
import type { LedgerColumns } from './ledger-columns';

export type {
  EventLogDiff,
  EventLogDiffRow,
  EventLogEventRow,
  EventLogView,
  PredictedRegisterRow,
  RegisterValueRow,
} from './inspect/eventlog';

export type { FileKind };

/** One label/value line of a summary table. */
export interface Field {
  label: string;
  value: string;
  /** File offset the value was read from, when it has one (lets the hex view jump to it). */
  offset?: number;
  length?: number;
}

/** A titled group of fields (a node of the header tree, a parameter area, a VMSA register group…). */
export interface FieldGroup {
  title: string;
  fields: Field[];
  offset?: number;
  length?: number;
  children?: FieldGroup[];
}

export interface HeaderRow {
  index: number;
  /** 'platform' | 'initialization' | 'directive' */
  section: string;
  /** Model kind name, e.g. PageData, SnpVpContext (matches the manifest's directive_counts keys). */
  kind: string;
  type: number;
  offset: number;
  length: number;
  mask?: number;
  /** Guest-physical address as 0x… hex, when the header places something in guest memory. */
  gpa?: string;
  /** File data the header points at. */
  dataOffset?: number;
  dataLength?: number;
  /** One-line description for the table. */
  detail: string;
}

/** Page kinds of the guest-physical page map (igvm-format §7, §14.2.3): the core's kinds, plus 'other'. */
export type PageKind = IgvmPageKind | 'other';

export interface PageRun {
  /** First GPA, 0x… hex. */
  start: string;
  /** Number of 4 KiB pages. */
  pages: number;
  kind: PageKind;
  /** Indices of the headers behind this run (first and last, plus count). */
  firstHeader: number;
  lastHeader: number;
  headerCount: number;
}

export interface PageMapView {
  mask: number;
  label: string;
  runs: PageRun[];
}

export interface PlatformRow {
  mask: number;
  type: string;
  version: number;
  highestVtl: number;
  sharedGpaBoundary: string;
}

export interface ParameterAreaRow {
  index: number;
  headerIndex: number;
  bytes: number;
  dataOffset?: number;
  /** Parameters the loader writes into this area. */
  parameters: { kind: string; headerIndex: number; byteOffset: number }[];
  /** Where it is inserted into guest memory (per mask). */
  inserts: { gpa: string; mask: number; headerIndex: number }[];
}

export interface VpContextView {
  headerIndex: number;
  mask: number;
  platform: string;
  vpIndex: number;
  gpa: string;
  dataOffset?: number;
  groups: FieldGroup[];
  /** Set (and `groups` empty) when the registers are not in the file (truncated, bad offset): why. */
  unavailable?: string;
}

/** What an IGVM open result may leave for later (IgvmView `tablesPending`): the Headers and Memory map tabs' data. */
export interface IgvmTables {
  headers: HeaderColumns;
  pageMaps: PageMapView[];
}

export interface IgvmView {
  version: number;
  architecture: string;
  platforms: PlatformRow[];
  counts: { label: string; value: number }[];
  directiveTotal: number;
  /**
   * Every header, as columns (transferred, not cloned; `headerAt` in header-columns.ts gives one row). Absent, with
   * the page maps, while `tablesPending` is set: see IgvmTables.
   */
  headers?: HeaderColumns;
  pageMaps?: PageMapView[];
  /**
   * The open result was sent without its header columns and page maps (Engine.open `deferIgvmTables`): the page asks
   * for them next (Engine.igvmTables) and merges them in. Building them was about 40 % of the view's time in the
   * worker for a 14 MiB IGVM, and the first screen (the Overview) needs neither (issue 16).
   */
  tablesPending?: true;
  /** Why the deferred tables could not be had (the file was closed, the engine failed): shown instead of them. */
  tablesError?: string;
  parameterAreas: ParameterAreaRow[];
  vpContexts: VpContextView[];
  tree: FieldGroup[];
}

export interface MeasureOptions {
  platform: string;
  /** SNP profile of an IGVM measurement (igvm, igvmmeasure, native-zero…). */
  profile?: string;
  /** TDX page-add order: single-pass | two-pass. */
  tdxOrder?: string;
  /** Classic (-bios) launches: vCPU count, vCPU type name, VMM type, SNP guest features (hex). */
  vcpus?: number;
  vcpuType?: string;
  vmm?: string;
  guestFeatures?: string;
  /** Direct boot through the kernel-hashes table: other open files (by id) and the -append string. */
  kernelFile?: string;
  initrdFile?: string;
  append?: string;
  /**
   * The user insists on seeing a digest the engine withholds for a damaged input: it arrives as
   * `withheld.forcedDigest` (never as `digest`), for display in red only (issue 10).
   */
  force?: boolean;
}

/** One measured operation. */
export interface LedgerEntry {
  gpa: string;
  pageType: string;
  /** What produced the step: header kind for IGVM, metadata section / VMSA for firmware. */
  source: string;
  headerIndex?: number;
  headerOffset?: number;
  /** Content hash (hex), '' when the page type has none. */
  contentHash: string;
  /** Running value after the step, '' when the algorithm has none (TDX: one streaming hash). */
  running: string;
}

/** Consecutive ledger entries of one kind at contiguous GPAs, shown as one row. */
export interface LedgerRun {
  first: number;
  count: number;
}

/**
 * Why a digest is not given: the input has error diagnostics (a damaged or unlaunchable file), so any value computed
 * from it would look right and be wrong (issue 10). When set, `digest` is '' and no receipt or download may carry one.
 */
export interface DigestWithheld {
  /** One sentence for the user, e.g. "the file has 2 errors: IGVM_BAD_CHECKSUM, …". */
  reason: string;
  /** The error diagnostics' codes, in file order. */
  codes: string[];
  /** Set only when the caller insisted (force): the value computed from the damaged file, never to be exported. */
  forcedDigest?: string;
}

export interface MeasureResult {
  platform: string;
  label: string;
  algorithm: string;
  /** The launch digest, lowercase hex; '' when `withheld` is set. */
  digest: string;
  withheld?: DigestWithheld;
  ms: number;
  /** Every step shown, as columns (ledger-columns.ts; `ledgerEntry(ledger, i)` gives step i as a LedgerEntry). */
  ledger: LedgerColumns;
  runs: LedgerRun[];
  idBlock?: { expected: string; matches: boolean };
  /** Decoded VMSA pages the measurement built or read (BSP first), as register groups. */
  vmsas?: { title: string; groups: FieldGroup[] }[];
  diagnostics: Diagnostic[];
}

/** Result of a what-if edit: one byte of a measured page changed, the SNP digest recomputed incrementally. */
export interface WhatIfResult {
  headerIndex: number;
  byteOffset: number;
  digest: string;
  originalDigest: string;
  /** First ledger step whose running value changes; steps before it keep their cached values. */
  firstChangedStep: number;
  steps: number;
  ms: number;
}

export interface MeasureChoice {
  platform: string;
  label: string;
  profiles: string[];
  tdxOrders: string[];
  /** Classic launch controls (vCPUs, vCPU type, VMM, guest features) apply. */
  classic?: { vcpuTypes: string[]; vmms: string[] };
}

export interface PeSectionRow {
  index: number;
  name: string;
  /** Raw data in the file. */
  offset: number;
  length: number;
  virtualAddress: number;
  virtualSize: number;
  flags: string;
  /** Absent beyond the hashing limit (PE_SECTION_HASH_LIMIT: overlapping or aliased section headers). */
  sha256?: string;
  /** Decoded text for text sections (.cmdline, .osrel, .uname, .sbat…), cut at 4 KiB. */
  text?: string;
}

export interface PeSignatureRow {
  index: number;
  offset: number;
  length: number;
  digestAlgorithm: string;
  /** The signed image digest equals this file's Authenticode digest (check 1 only: never show it as the verdict). */
  matches?: boolean;
  /** Whether the signature covers the file: the three checks (src/core/authenticode/verdict.ts). */
  verdict: SignatureVerdict;
  signer?: string;
  issuer?: string;
  validity?: string;
  signingTime?: string;
  certificates: number;
}

export interface PeView {
  format: string;
  machine: string;
  subsystem: number;
  entryPoint: string;
  sections: PeSectionRow[];
  /** Layout bar segments over the whole file: headers, sections, certificate table, overlay. */
  layout: {
    label: string;
    offset: number;
    length: number;
    kind: 'headers' | 'section' | 'certificates' | 'overlay' | 'symbols';
  }[];
  /** The Authenticode digests computed so far (SHA-256 at open), in HASH_ALGORITHMS order; empty when `withheld`. */
  authenticode: { algorithm: string; pad8: string; none: string }[];
  /** Algorithms whose Authenticode digests (and PCR 11 banks) are computed on demand: Engine.peDigests. */
  pendingAlgorithms?: string[];
  paddingMatters: boolean;
  /**
   * The file's structure has error diagnostics (truncated, sections past the end, …): its Authenticode digests,
   * section SHA-256s, PCR 11 prediction, kernel and `.efifw` payload digests are all withheld (issue 10).
   * Signature verdicts do not set it (a non-covering signature is shown as such).
   */
  withheld?: DigestWithheld;
  signatures: PeSignatureRow[];
  /** UKI view (src/core/uki): what kind of systemd PE this is and what it would put in PCR 11. */
  uki?: UkiView;
  /** The `.sdmagic` marker of any systemd PE (stubs included, which have no UKI view), e.g.
   * `#### LoaderInfo: systemd-stub 262.1-1 ####`. */
  loaderInfo?: string;
}

/** What Engine.peDigests adds to an open PE's view: more Authenticode rows and PCR 11 banks. */
export interface PeMoreDigests {
  authenticode: PeView['authenticode'];
  /** Per PCR 11 prediction (same order as UkiView.pcr11): the banks asked for. */
  pcr11: { sections: PcrValues; phases: PcrValues[] }[];
}

export interface PcrValues {
  /** Bank name (sha1, sha256, sha384, sha512) → hex. */
  [bank: string]: string;
}

export interface UkiView {
  kind: string;
  stubInfo?: string;
  profiles: { index: number; id?: string; title?: string }[];
  /**
   * Each `.efifw` entry (section order): fwid, payload size and file offset, and the payload recognised by content
   * and measured as a file of its own (core measureEfifwPayload): an IGVM per declared platform, OVMF as a classic
   * launch with stated defaults (in `label`). A damaged payload gets `digest: ''` and `withheld`.
   * Engine.efifwPayload(id, index) gives the payload bytes, to open as their own file tab.
   */
  efifw: {
    fwid: string;
    size: number;
    offset: number;
    payload?: {
      kind: 'igvm' | 'firmware' | 'unknown';
      measurements: { platform: string; label: string; digest: string; withheld?: DigestWithheld }[];
    };
    /** The UKI itself is damaged: the payload is neither recognised nor measured from it. */
    payloadWithheld?: DigestWithheld;
  }[];
  /**
   * The kernel in `.linux`, itself a PE: its Authenticode SHA-256 (what a kernel-signature check covers) and its own
   * signatures (e.g. the distribution's Secure Boot signer), file offsets relative to the UKI.
   */
  kernel?: {
    offset: number;
    length: number;
    authenticodeSha256?: string;
    /** Why there is no `authenticodeSha256`: the kernel PE or the UKI around it is damaged. */
    authenticodeWithheld?: DigestWithheld;
    signatures: PeSignatureRow[];
  };
  /** Set when the file is damaged: `pcr11` is then empty. */
  pcr11Withheld?: DigestWithheld;
  /** PCR 11 predictions, one per profile (undefined = no profiles). */
  pcr11: {
    profile?: number;
    measured: string[];
    sections: PcrValues;
    phases: { path: string; values: PcrValues }[];
  }[];
}

/** A guest-physical range described by file metadata (firmware sections, footer-table locations…). */
export interface MemoryRangeRow {
  start: string;
  end: string;
  /** Which table says so: image, sev-metadata, tdx-metadata, igvm-metadata, footer-table. */
  source: string;
  kind: string;
}

export interface OpenResult {
  id: string;
  name: string;
  size: number;
  kind: FileKind;
  kindLabel: string;
  /** The file's SHA-256 (hex); '' while `sha256Pending`. */
  sha256: string;
  /** The SHA-256 was left for after the open (Engine.sha256Of): nothing may name the file by it until it arrives. */
  sha256Pending?: true;
  summary: Field[];
  diagnostics: Diagnostic[];
  igvm?: IgvmView;
  /** Generic structure for kinds without a dedicated view (firmware, PE, …): a tree of field groups. */
  structure?: FieldGroup[];
  memoryRanges?: MemoryRangeRow[];
  pe?: PeView;
  /** SNP attestation report or TDX quote (issue 13). */
  evidence?: EvidenceView;
  /** A TCG event log or TDX CCEL area, read without an ACPI table (Engine.eventLog re-reads it with one). */
  eventLog?: EventLogView;
  measurable: MeasureChoice[];
}

export interface Progress {
  done: number;
  total: number;
  label: string;
}

/** An SNP report or TDX quote as the Evidence view shows it (issue 13 §6). */
export interface EvidenceView {
  kind: 'snp-report' | 'tdx-quote';
  /** Every decoded field with its file offset (label = field name, value = hex). */
  fields: Field[];
  /** Meaning of bit fields: product, signer, policy bits, TD attributes, TCB per product. */
  decoded: Field[];
}

export interface EvidenceCheck {
  id: string;
  status: 'pass' | 'fail' | 'not-checked';
  detail: string;
}

export interface EvidenceVerifyOptions {
  /** Validity time, ISO (default: now, or the collateral's time when PCS collateral is open). */
  at?: string;
  /** An open IGVM or firmware file to compare with. */
  compareWith?: string;
  /** SNP profile for an IGVM (default: every profile). */
  profile?: string;
  /** Classic OVMF launch options (when known; otherwise use the search). `vcpus` also applies to an IGVM: vCPUs
   * beyond its VMSAs replicate the last one. */
  vcpus?: number;
  vcpuType?: string;
  vmm?: string;
  guestFeatures?: string;
  /** The OVMF search: 1 = this worker only, 2 = split with a helper worker (default where there are ≥ 4 cores). */
  searchThreads?: number;
}

export interface EvidenceVerifyResult {
  checks: EvidenceCheck[];
  /** Names of the other open files used as certificates / collateral. */
  certificateFiles: string[];
  collateralFile?: string;
  match?: boolean;
  at: string;
}

export interface EvidenceSearchResult extends SearchSummary {
  cancelled: boolean;
  /** The file (or the composer's result) searched against. */
  searchedWith: string;
  /** Time spent on candidate tails (the rate is tried / tailMs), and one full recompute of the launch. */
  tailMs: number;
  fullRecomputeMs?: number;
  /** Threads the search ran on. */
  threads: number;
}

/** The inputs of a log ↔ prediction diff: open files by id. */
export interface EventLogDiffRequest {
  logId: string;
  ukiId: string;
  addons: { id: string; fileName: string; scope: 'global' | 'per-uki' }[];
  /** An open ACPI CCEL table for a CCEL area. */
  tableId?: string;
}

// One open IGVM file in the engine: parsed once (src/core/igvm), turned into the inspector's view data, and
// measured per platform on request (src/core/measure) with the ledger as plain rows.
import { equalBytes, toHex } from '../../core/bytes/bytes';
import type { Diagnostic } from '../../core/diagnostics';
import type { LedgerEntry as CoreLedgerEntry } from '../../core/measure/ledger';
import { snpPageTypeName } from '../../core/measure/snp-page-info';
import { ledgerColumns, StringPacker, type LedgerColumns } from '../ledger-columns';
import {
  IGVM_PLATFORM_TYPE_NAME,
  igvmPageMap,
  parseIgvm,
  summarizeIgvm,
  supportedPlatforms,
  type IgvmFile,
} from '../../core/igvm';
import {
  coalesceLedger,
  measurePlatform,
  SNP_PROFILES,
  TDX_ORDERS,
  type PlatformMeasurement,
  type SnpChain,
  type SnpProfile,
  type TdxOrder,
} from '../../core/measure';
import type {
  WhatIfResult,
  FieldGroup,
  IgvmTables,
  IgvmView,
  PageMapView,
  MeasureChoice,
  MeasureOptions,
  MeasureResult,
  OpenResult,
  PlatformRow,
  Progress,
} from '../protocol';
import { measurePlatformFast } from '../measure-fast';
import { measureSnpFromFile } from '../measure-sliced';
import { SLICE_BYTES, type FileSlices } from '../slice-reader';
import { detachPageData, type DetachedIgvm } from '../../core/igvm/detach';
import { defaultHash } from '../../core/hash/hash';
import type { PageHasher } from '../page-hash-pool';
import { headerGroup, objectGroup, type ViewFile } from './igvm-fields';
import { readFailedResult } from '../withhold';
import { headerColumns, parameterAreaRows, platformRows, vpContextViews } from './igvm-rows';

const MEASURE_LABEL: Record<string, string> = {
  SEV_SNP: 'SEV-SNP launch digest',
  TDX: 'TDX MRTD',
  VSM_ISOLATION: 'VBS boot digest',
  SEV: 'SEV digest (igvmmeasure behaviour)',
  SEV_ES: 'SEV-ES digest (igvmmeasure behaviour)',
};

/** Per-kind header counts (initialization, then directive headers), as the corpus manifest keys them. */
function counts(file: IgvmFile): { label: string; value: number }[] {
  const s = summarizeIgvm(file);
  return Object.entries({ ...s.initializationCounts, ...s.directiveCounts }).map(([label, value]) => ({
    label,
    value,
  }));
}

/** The guest-physical page map of each declared platform (runs carry first/last header and a count). */
function pageMaps(file: IgvmFile, platforms: readonly PlatformRow[]): PageMapView[] {
  return platforms.map((p) => ({
    mask: p.mask,
    label: `${p.type} (mask 0x${p.mask.toString(16)})`,
    runs: igvmPageMap(file, p.mask).map((r) => ({
      start: '0x' + r.gpa.toString(16),
      pages: r.pages,
      kind: r.kind,
      firstHeader: r.headerIndices[0]!,
      lastHeader: r.headerIndices.at(-1)!,
      headerCount: r.headerIndices.length,
    })),
  }));
}

/** The header tree: fixed header, every platform and initialization header decoded, directives grouped by kind
 * (each group lists its headers' indices; the directive table shows them one by one). */
function headerTree(file: IgvmFile, at: ViewFile): FieldGroup[] {
  const MAX_LISTED = 12;
  // Per kind: its count and its first MAX_LISTED indices (one header per page: no list of them all).
  const byKind = new Map<string, { count: number; first: number[] }>();
  for (const h of file.directives) {
    let k = byKind.get(h.kind);
    if (!k) byKind.set(h.kind, (k = { count: 0, first: [] }));
    if (k.count++ < MAX_LISTED) k.first.push(h.index);
  }
  return [
    objectGroup(`Fixed header (v${file.formatVersion})`, file.fixedHeader, at, {
      offset: file.fixedHeader.offset,
      length: file.fixedHeader.length,
    }),
    {
      title: `Platform headers (${file.platforms.length})`,
      fields: [],
      children: file.platforms.map((h) => headerGroup(h, at)),
    },
    {
      title: `Initialization headers (${file.initialization.length})`,
      fields: [],
      children: file.initialization.map((h) => headerGroup(h, at)),
    },
    {
      title: `Directive headers (${file.directives.length})`,
      fields: [...byKind.entries()].map(([kind, k]) => ({
        label: `${kind} × ${k.count}`,
        value: k.first.map((i) => `#${i}`).join(' ') + (k.count > MAX_LISTED ? ' …' : ''),
      })),
    },
  ];
}

/** Most ledger steps the measure view receives (the SNP chain keeps every step for what-if edits). */
export const UI_LEDGER_MAX = 65536;

function coreOptions(o: MeasureOptions) {
  return {
    snpProfile: o.profile as SnpProfile | undefined,
    tdxOrder: o.tdxOrder as TdxOrder | undefined,
    // Every step; SNP builds its list only when read, and measure() walks chain.ledgerEntries() instead.
    ledger: true,
  };
}

/**
 * Steps [0, n) of an SNP chain as ledger columns: the strings chain.ledgerEntries() entries turned into (gpa, page
 * type, source header kind), and their content hashes and running values as one copy of the chain's CONTENTS and
 * digest bytes instead of two 48-byte slices and two hex strings per step.
 */
export function snpLedgerColumns(f: IgvmFile, chain: SnpChain, n: number): LedgerColumns {
  const D = 48;
  const gpa = new StringPacker(n);
  const pageType = new StringPacker(n);
  const source = new StringPacker(n);
  const headerIndex = new Int32Array(n);
  const headerOffset = new Float64Array(n);
  // CONTENTS of every step that has one ('none' steps show no content hash), and every running digest.
  const contentEnds = new Uint32Array(n);
  let hashed = 0;
  for (let i = 0; i < n; i++) if (chain.ops[i]!.content !== 'none') hashed++;
  const contentBytes = new Uint8Array(hashed * D);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const op = chain.ops[i]!;
    gpa.add('0x' + op.gpa.toString(16));
    pageType.add(snpPageTypeName(op.pageType));
    source.add(f.headers[op.header]?.kind ?? '');
    headerIndex[i] = op.header;
    headerOffset[i] = op.offset;
    if (op.content !== 'none') {
      contentBytes.set(chain.contents.subarray(i * D, i * D + D), at);
      at += D;
    }
    contentEnds[i] = at;
  }
  const runningEnds = Uint32Array.from({ length: n }, (_, i) => (i + 1) * D);
  return {
    length: n,
    gpa: gpa.done(),
    pageType: pageType.done(),
    source: source.done(),
    headerIndex,
    headerOffset,
    contentHash: { bytes: contentBytes, ends: contentEnds },
    running: { bytes: chain.digests.slice(0, n * D), ends: runningEnds },
  };
}

/** What coalesceLedger compares of steps [0, n) of a chain (no hash slices: the runs need only step, type, GPA, header). */
function* snpRunKeys(chain: SnpChain, n: number): Generator<CoreLedgerEntry> {
  for (let i = 0; i < n; i++) {
    const op = chain.ops[i]!;
    yield { step: i, header: op.header, offset: op.offset, gpa: op.gpa, type: snpPageTypeName(op.pageType) };
  }
}

/** How a session parses: no `raw` record views (see the constructor); the sliced open asks for the same. */
export const IGVM_SESSION_PARSE = { keepRaw: false } as const;

export class IgvmSession {
  file: IgvmFile | undefined;
  private readonly parseDiagnostics: Diagnostic[];
  /** The last SNP measurement's chain, reused by what-if edits (incremental recompute). */
  private snp?: { profile: string; chain: SnpChain };
  /**
   * Set by detach(): the model holds no page bytes (core/igvm/detach.ts); they are read from this file in slices
   * (`sliceBytes` each) when the SNP measurement, a what-if edit or a header's detail needs them.
   */
  private source?: { file: FileSlices; offsetOf: (v: Uint8Array) => number | undefined; sliceBytes: number };

  /**
   * Parses `bytes` (the whole file), or takes a sliced parse's result (core/igvm/sliced.ts, `file`: its pages read from
   * there in slices of `sliceBytes`, as after detach()).
   */
  constructor(
    bytes: Uint8Array | { detached: DetachedIgvm | undefined; diagnostics: Diagnostic[]; file: FileSlices; sliceBytes?: number },
  ) {
    if (bytes instanceof Uint8Array) {
      // No `raw` record views: they serve a re-serializer, and this file is only shown and measured (the field groups
      // skip `raw`). igvmgen pads every header with ASCII "0", so each of its headers had one (13.7k views per open).
      // The sliced open (engine.ts) parses with the same options.
      const r = parseIgvm(bytes, IGVM_SESSION_PARSE);
      this.file = r.file;
      this.parseDiagnostics = r.diagnostics;
    } else {
      this.file = bytes.detached?.file;
      this.parseDiagnostics = bytes.diagnostics;
      if (bytes.detached)
        this.source = { file: bytes.file, offsetOf: bytes.detached.offsetOf, sliceBytes: bytes.sliceBytes ?? SLICE_BYTES };
    }
  }

  /** Where the model's views are in the file: the whole input, or (detached) the offsetOf of the detached model. */
  private get at(): ViewFile {
    return this.source?.offsetOf ?? this.file!.bytes;
  }

  /**
   * The inspector's view data. With `tables: false` the header columns and page maps are left out (`tablesPending`:
   * the page asks `tables()` next), so that the first screen does not wait for them.
   */
  view(o: { tables?: boolean } = {}): Pick<OpenResult, 'summary' | 'diagnostics' | 'igvm' | 'measurable'> {
    const f = this.file;
    if (!f) return { summary: [], diagnostics: this.parseDiagnostics, measurable: [] };
    const platforms = platformRows(f);
    const vps = vpContextViews(f, this.parseDiagnostics, platforms, this.at);
    const igvm: IgvmView = {
      version: f.formatVersion,
      architecture: f.architecture,
      platforms,
      counts: counts(f),
      directiveTotal: f.directives.length,
      ...(o.tables === false ? { tablesPending: true as const } : this.tables(platforms)),
      parameterAreas: parameterAreaRows(f, this.at),
      vpContexts: vps.views,
      tree: headerTree(f, this.at),
    };
    const measurable: MeasureChoice[] = supportedPlatforms(f)
      .map((p) => IGVM_PLATFORM_TYPE_NAME[p.platformType])
      .filter((n): n is NonNullable<typeof n> => n !== undefined && MEASURE_LABEL[n] !== undefined)
      .map((n) => ({
        platform: n,
        label: MEASURE_LABEL[n]!,
        profiles: n === 'SEV_SNP' ? [...SNP_PROFILES] : [],
        tdxOrders: n === 'TDX' ? [...TDX_ORDERS] : [],
      }));
    const summary = [
      {
        label: 'Format version',
        value: `${f.formatVersion} (${f.architecture}, ${f.pageSize}-byte pages)`,
        offset: 0,
        length: f.fixedHeader.length,
      },
      {
        label: 'Checksum',
        value:
          f.fixedHeader.checksum === f.computedChecksum
            ? `0x${f.computedChecksum.toString(16)} (correct)`
            : `0x${f.fixedHeader.checksum.toString(16)} in file, 0x${f.computedChecksum.toString(16)} computed`,
        offset: 20,
        length: 4,
      },
      {
        label: 'Variable headers',
        value: `${f.headers.length} at 0x${f.fixedHeader.variableHeaderOffset.toString(16)} (+0x${f.fixedHeader.variableHeaderSize.toString(16)})`,
        offset: f.fixedHeader.variableHeaderOffset,
        length: f.fixedHeader.variableHeaderSize,
      },
      { label: 'File data', value: `from 0x${f.fileDataOffset.toString(16)}` },
    ];
    return { summary, diagnostics: [...this.parseDiagnostics, ...vps.diagnostics], igvm, measurable };
  }

  /** The header columns and page maps (what view({ tables: false }) left out); undefined when the file did not parse. */
  tables(platforms?: readonly PlatformRow[]): IgvmTables | undefined {
    const f = this.file;
    if (!f) return undefined;
    return { headers: headerColumns(f, this.at), pageMaps: pageMaps(f, platforms ?? platformRows(f)) };
  }

  /**
   * Drops the model's hold on the input buffer (call after view(): its rows were made from the whole model): the
   * pages are read from `file` from now on. Every other result stays the same (measure-sliced.test.ts, engine-sliced).
   */
  detach(file: FileSlices, sliceBytes = SLICE_BYTES): void {
    if (!this.file) return;
    const d = detachPageData(this.file);
    this.file = d.file;
    this.source = { file, offsetOf: d.offsetOf, sliceBytes };
  }

  /** True when the pages are read from the file (detach()), not held. */
  get detached(): boolean {
    return this.source !== undefined;
  }

  headerDetail(index: number): FieldGroup | null {
    const h = this.file?.headers[index];
    if (!h || !this.file) return null;
    return headerGroup(h, this.at);
  }

  /** headerDetail(), a detached PAGE_DATA's data read from the file first (the row shows it as the whole path does). */
  async headerDetailAsync(index: number): Promise<FieldGroup | null> {
    const h = this.file?.headers[index];
    const src = this.source;
    if (!h || !this.file || !src || h.kind !== 'PageData' || !h.deferred) return this.headerDetail(index);
    const data = await src.file.read(h.fileOffset, 4096);
    const { deferred: _, ...rest } = h;
    const at = (v: Uint8Array) => (v === data ? h.fileOffset : src.offsetOf(v));
    return headerGroup({ ...rest, data }, at);
  }

  measure(
    o: MeasureOptions,
    onProgress?: (p: Progress) => void,
    done?: { m: PlatformMeasurement; ms: number },
  ): MeasureResult {
    const f = this.file;
    const p = f && supportedPlatforms(f).find((x) => IGVM_PLATFORM_TYPE_NAME[x.platformType] === o.platform);
    if (!f || !p) throw new Error(`no ${o.platform} platform in this file`);
    if (!done) onProgress?.({ done: 0, total: 1, label: 'Measuring' });
    const t0 = performance.now();
    const m = done?.m ?? measurePlatform(f, p, coreOptions(o));
    const ms = done?.ms ?? performance.now() - t0;
    if (m.chain) this.snp = { profile: m.profile ?? 'igvm', chain: m.chain };
    // The UI ledger lists at most UI_LEDGER_MAX steps (a hostile file's 2^18 steps made one call take tens of seconds,
    // issue 11), as columns (ledger-columns.ts): an SNP chain's straight from its CONTENTS and digest arrays.
    let ledger: LedgerColumns;
    let runs: { firstStep: number; count: number }[];
    let total: number;
    if (m.chain) {
      total = m.chain.length;
      ledger = snpLedgerColumns(f, m.chain, Math.min(total, UI_LEDGER_MAX));
      runs = coalesceLedger(snpRunKeys(m.chain, ledger.length));
    } else {
      const all = m.ledger ?? [];
      total = all.length;
      const shown = all.slice(0, UI_LEDGER_MAX);
      ledger = ledgerColumns(
        shown.map((e) => ({
          gpa: '0x' + e.gpa.toString(16),
          pageType: e.type,
          source: f.headers[e.header]?.kind ?? '',
          headerIndex: e.header,
          headerOffset: e.offset,
          contentHash: e.contentHash ? toHex(e.contentHash) : '',
          running: e.value ? toHex(e.value) : '',
        })),
      );
      runs = coalesceLedger(shown);
    }
    const shortened: Diagnostic[] =
      total > ledger.length
        ? [{ severity: 'info', code: 'LEDGER_SHORTENED', message: `the ledger lists the first ${ledger.length} of ${total} steps` }]
        : [];
    onProgress?.({ done: 1, total: 1, label: 'Done' });
    return {
      platform: o.platform,
      label: MEASURE_LABEL[o.platform] ?? o.platform,
      algorithm:
        m.algorithm + (m.profile ? `, profile ${m.profile}` : '') + (m.tdxOrder ? `, ${m.tdxOrder}` : ''),
      digest: toHex(m.digest),
      ms,
      ledger,
      runs: runs.map((r) => ({ first: r.firstStep, count: r.count })),
      ...(m.idBlock && { idBlock: { expected: toHex(m.idBlock.ld), matches: m.idBlock.matches } }),
      diagnostics: [...m.diagnostics, ...shortened],
    };
  }

  /**
   * The SEV-SNP measurement of a detached session: its pages hashed from the file in slices (measure-sliced.ts). A
   * failed read (the file changed on disk since the drop, a short read) is a FILE_READ_FAILED error and no digest.
   */
  async measureSliced(o: MeasureOptions, hasher: PageHasher, onProgress?: (p: Progress) => void): Promise<MeasureResult> {
    const f = this.file;
    const src = this.source;
    const p = f && supportedPlatforms(f).find((x) => IGVM_PLATFORM_TYPE_NAME[x.platformType] === o.platform);
    if (!f || !p || !src || o.platform !== 'SEV_SNP') throw new Error(`no ${o.platform} platform to measure from the file in this session`);
    onProgress?.({ done: 0, total: 1, label: 'Measuring' });
    const t0 = performance.now();
    try {
      const m = await measureSnpFromFile(f, p, { ...coreOptions(o), hash: defaultHash() }, src.file, hasher, src.sliceBytes, (done, total) =>
        onProgress?.({ done, total, label: 'Measuring' }),
      );
      return this.measure(o, onProgress, { m, ms: performance.now() - t0 });
    } catch (e) {
      return readFailedResult(e, performance.now() - t0, o.platform, MEASURE_LABEL[o.platform] ?? o.platform);
    }
  }

  /** measure() with the SNP page hashes from `hasher` (WebCrypto over the page-hash worker pool): same result. */
  async measureFast(
    o: MeasureOptions,
    hasher: PageHasher,
    onProgress?: (p: Progress) => void,
  ): Promise<MeasureResult> {
    const f = this.file;
    const p = f && supportedPlatforms(f).find((x) => IGVM_PLATFORM_TYPE_NAME[x.platformType] === o.platform);
    if (!f || !p) return this.measure(o, onProgress);
    onProgress?.({ done: 0, total: 1, label: 'Measuring' });
    const t0 = performance.now();
    const m = await measurePlatformFast(f, p, coreOptions(o), hasher);
    return this.measure(o, onProgress, { m, ms: performance.now() - t0 });
  }

  /**
   * What if byte `byteOffset` of the page a PAGE_DATA header measures were different? Flips its bits, recomputes
   * the SNP launch digest from the first affected step with every other cached page hash reused, then restores.
   */
  whatIf(headerIndex: number, byteOffset: number): WhatIfResult {
    if (!this.snp) this.measure({ platform: 'SEV_SNP' });
    const chain = this.snp!.chain;
    const step = this.whatIfStep(chain, headerIndex);
    return this.whatIfAt(chain, step, chain.ops[step]!.data!, headerIndex, byteOffset);
  }

  /**
   * whatIf() of a detached session: measured from the file first if need be, and the one page read from the file.
   * The page read must hash to the CONTENTS the chain has for it: otherwise the file changed since it was measured,
   * and the edit (and the restore after it) would mix two files.
   */
  async whatIfAsync(headerIndex: number, byteOffset: number, hasher: PageHasher): Promise<WhatIfResult> {
    const src = this.source;
    if (!src) return this.whatIf(headerIndex, byteOffset);
    if (!this.snp) {
      const r = await this.measureSliced({ platform: 'SEV_SNP' }, hasher);
      if (!this.snp) throw new Error(r.diagnostics[0]?.message ?? 'the SNP measurement failed');
    }
    const chain = this.snp.chain;
    const step = this.whatIfStep(chain, headerIndex);
    const op = chain.ops[step]!;
    let original = op.data;
    if (!original && op.fileOffset !== undefined) {
      original = await src.file.read(op.fileOffset, 4096);
      const h = defaultHash().digest('sha384', original);
      const want = chain.contents.subarray(step * 48, step * 48 + 48);
      if (!equalBytes(h, want)) throw new Error('the file changed on disk since it was measured: open it again');
    }
    if (!original) throw new Error(`header #${headerIndex} is not a measured page with data in the SNP ledger`);
    return this.whatIfAt(chain, step, original, headerIndex, byteOffset);
  }

  /** The first SNP step of header `headerIndex` that measures a page's contents. */
  private whatIfStep(chain: SnpChain, headerIndex: number): number {
    let step = -1;
    for (let i = chain.ops.length - 1; i >= 0; i--) if (chain.ops[i]!.header === headerIndex) step = i;
    const op = chain.ops[step];
    if (op?.content !== 'data' || !(op.data || op.fileOffset !== undefined))
      throw new Error(`header #${headerIndex} is not a measured page with data in the SNP ledger`);
    return step;
  }

  private whatIfAt(chain: SnpChain, step: number, original: Uint8Array, headerIndex: number, byteOffset: number): WhatIfResult {
    const edited = new Uint8Array(4096);
    edited.set(original.subarray(0, 4096));
    edited[byteOffset % 4096] ^= 0xff;
    const originalDigest = toHex(chain.digest);
    const t0 = performance.now();
    const u = chain.updatePage(step, edited);
    const ms = performance.now() - t0;
    chain.updatePage(step, original);
    return {
      headerIndex,
      byteOffset: byteOffset % 4096,
      digest: toHex(u.digest),
      originalDigest,
      firstChangedStep: u.firstChangedStep,
      steps: chain.length,
      ms,
    };
  }
}

// One open IGVM file in the engine: parsed once (src/core/igvm), turned into the inspector's view data, and
// measured per platform on request (src/core/measure) with the ledger as plain rows.
import { toHex } from '../../core/bytes/bytes';
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
import type { PageHasher } from '../page-hash-pool';
import { headerGroup, objectGroup } from './igvm-fields';
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
function headerTree(file: IgvmFile): FieldGroup[] {
  const MAX_LISTED = 12;
  // Per kind: its count and its first MAX_LISTED indices (one header per page: no list of them all).
  const byKind = new Map<string, { count: number; first: number[] }>();
  for (const h of file.directives) {
    let k = byKind.get(h.kind);
    if (!k) byKind.set(h.kind, (k = { count: 0, first: [] }));
    if (k.count++ < MAX_LISTED) k.first.push(h.index);
  }
  return [
    objectGroup(`Fixed header (v${file.formatVersion})`, file.fixedHeader, file.bytes, {
      offset: file.fixedHeader.offset,
      length: file.fixedHeader.length,
    }),
    {
      title: `Platform headers (${file.platforms.length})`,
      fields: [],
      children: file.platforms.map((h) => headerGroup(h, file.bytes)),
    },
    {
      title: `Initialization headers (${file.initialization.length})`,
      fields: [],
      children: file.initialization.map((h) => headerGroup(h, file.bytes)),
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

export class IgvmSession {
  readonly file: IgvmFile | undefined;
  private readonly parseDiagnostics: Diagnostic[];
  /** The last SNP measurement's chain, reused by what-if edits (incremental recompute). */
  private snp?: { profile: string; chain: SnpChain };

  constructor(bytes: Uint8Array) {
    // No `raw` record views: they serve a re-serializer, and this file is only shown and measured (the field groups
    // skip `raw`). igvmgen pads every header with ASCII "0", so each of its headers had one (13.7k views per open).
    const r = parseIgvm(bytes, { keepRaw: false });
    this.file = r.file;
    this.parseDiagnostics = r.diagnostics;
  }

  /**
   * The inspector's view data. With `tables: false` the header columns and page maps are left out (`tablesPending`:
   * the page asks `tables()` next), so that the first screen does not wait for them.
   */
  view(o: { tables?: boolean } = {}): Pick<OpenResult, 'summary' | 'diagnostics' | 'igvm' | 'measurable'> {
    const f = this.file;
    if (!f) return { summary: [], diagnostics: this.parseDiagnostics, measurable: [] };
    const platforms = platformRows(f);
    const vps = vpContextViews(f, this.parseDiagnostics, platforms);
    const igvm: IgvmView = {
      version: f.formatVersion,
      architecture: f.architecture,
      platforms,
      counts: counts(f),
      directiveTotal: f.directives.length,
      ...(o.tables === false ? { tablesPending: true as const } : this.tables(platforms)),
      parameterAreas: parameterAreaRows(f),
      vpContexts: vps.views,
      tree: headerTree(f),
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
    return { headers: headerColumns(f), pageMaps: pageMaps(f, platforms ?? platformRows(f)) };
  }

  headerDetail(index: number): FieldGroup | null {
    const h = this.file?.headers[index];
    return h && this.file ? headerGroup(h, this.file.bytes) : null;
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
    let step = -1;
    for (let i = chain.ops.length - 1; i >= 0; i--) if (chain.ops[i]!.header === headerIndex) step = i;
    const op = chain.ops[step];
    const original = op?.content === 'data' ? op.data : undefined;
    if (!original)
      throw new Error(`header #${headerIndex} is not a measured page with data in the SNP ledger`);
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

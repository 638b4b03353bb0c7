// Diff of two files (the app's Diff page and `fukiscope diff`): IGVM fixed header, platforms and header counts; PE sections; and, for
// anything that carries an SNP launch (an IGVM, or a FUKI's `.efifw` IGVM), the two SNP ledgers compared
// step by step (GPA, page type, content hash) down to the first diverging step. Plain data out (worker API).
import { toHex } from '../bytes/bytes';
import { sectionView } from '../pe/access';
import { sectionDigest } from '../pe/section-hash';
import { detectFileKind } from '../detect';
import { Diagnostics, type Diagnostic } from '../diagnostics';
import type { HashBackend } from '../hash/hash';
import { parseIgvm, summarizeIgvm, supportedPlatforms, type IgvmFile } from '../igvm';
import { measureIgvm } from '../measure';
import type { LedgerEntry } from '../measure/ledger';
import { parsePe, type PeFile } from '../pe';
import { decodeEfifw } from '../uki/efifw';
import { appendAll } from '../append';

/** One compared value: equal or not, both sides as text ('' when a side does not have it). */
export interface DiffRow {
  label: string;
  a: string;
  b: string;
  same: boolean;
}

export interface DiffLedgerStep {
  step: number;
  gpa: string;
  type: string;
  contentHash: string;
  value: string;
}

export interface DiffLedger {
  stepsA: number;
  stepsB: number;
  digestA: string;
  digestB: string;
  /** First step where GPA, page type or content hash differ (or where one ledger ends); undefined = identical. */
  firstDiverging?: number;
  /** A few steps around the divergence, from each side. */
  windowA: DiffLedgerStep[];
  windowB: DiffLedgerStep[];
}

export interface DiffResult {
  kindA: string;
  kindB: string;
  header: DiffRow[];
  /** IGVM: measured pages by GPA (added / removed / changed content or type); PE: sections by name. */
  parts: DiffRow[];
  partsSummary: { same: number; changed: number; onlyA: number; onlyB: number };
  ledger?: DiffLedger;
  diagnostics: Diagnostic[];
}

/** Rows shown at most per table (the summary counts every one). */
export const MAX_DIFF_ROWS = 500;
/** Steps shown before and after the first divergence. */
const WINDOW = 3;
function row(label: string, a: string | undefined, b: string | undefined): DiffRow {
  return { label, a: a ?? '', b: b ?? '', same: a === b };
}

/** The IGVM a file carries: itself, or the first `.efifw` section of a FUKI PE whose payload is an IGVM (fuki §1.5). */
function igvmOf(bytes: Uint8Array, pe: PeFile | undefined): Uint8Array | undefined {
  if (detectFileKind(bytes) === 'igvm') return bytes;
  for (const s of pe?.sections ?? []) {
    if (s.name !== '.efifw') continue;
    const raw = sectionView(bytes, s);
    const blob = decodeEfifw(raw, new Diagnostics(), s.data.offset);
    const payload = blob && raw.subarray(blob.payload.offset, blob.payload.offset + blob.payload.length);
    if (payload && detectFileKind(payload) === 'igvm') return payload;
  }
  return undefined;
}

function igvmHeaderRows(a: IgvmFile | undefined, b: IgvmFile | undefined): DiffRow[] {
  const sa = a && summarizeIgvm(a);
  const sb = b && summarizeIgvm(b);
  const platforms = (f?: IgvmFile) =>
    f &&
    supportedPlatforms(f)
      .map((p) => p.platformName ?? String(p.platformType))
      .join(', ');
  const rows = [
    row('IGVM format version', a && String(a.formatVersion), b && String(b.formatVersion)),
    row('Architecture', a && String(a.architecture), b && String(b.architecture)),
    row('IGVM size', a && a.size.toLocaleString('en'), b && b.size.toLocaleString('en')),
    row('Platforms', platforms(a), platforms(b)),
    row('Directive headers', a && String(a.directives.length), b && String(b.directives.length)),
    row('Initialization headers', a && String(a.initialization.length), b && String(b.initialization.length)),
  ];
  const kinds = new Set([
    ...Object.keys(sa?.directiveCounts ?? {}),
    ...Object.keys(sb?.directiveCounts ?? {}),
    ...Object.keys(sa?.initializationCounts ?? {}),
    ...Object.keys(sb?.initializationCounts ?? {}),
  ]);
  const count = (s: typeof sa, k: string) =>
    s ? String(s.directiveCounts[k] ?? s.initializationCounts[k] ?? 0) : undefined;
  for (const k of [...kinds].sort()) rows.push(row(`  ${k}`, count(sa, k), count(sb, k)));
  return rows;
}

function peHeaderRows(a: PeFile | undefined, b: PeFile | undefined): DiffRow[] {
  return [
    row(
      'PE format',
      a?.optional && (a.optional.pe32plus ? 'PE32+' : 'PE32'),
      b?.optional && (b.optional.pe32plus ? 'PE32+' : 'PE32'),
    ),
    row('Machine', a?.coff?.machineName, b?.coff?.machineName),
    row('Sections', a && String(a.sections.length), b && String(b.sections.length)),
    row('Signatures', a && String(a.certificates.length), b && String(b.certificates.length)),
  ];
}

interface Keyed {
  label: string;
  text: string;
}

/** Compares two keyed lists (pages by GPA, sections by name); rows only for differences, counts for all. */
function compareKeyed(
  a: Map<string, Keyed>,
  b: Map<string, Keyed>,
): { rows: DiffRow[]; summary: DiffResult['partsSummary'] } {
  const summary = { same: 0, changed: 0, onlyA: 0, onlyB: 0 };
  const rows: DiffRow[] = [];
  const push = (r: DiffRow) => {
    if (rows.length < MAX_DIFF_ROWS) rows.push(r);
  };
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (!vb) {
      summary.onlyA++;
      push(row(va.label, va.text, undefined));
    } else if (vb.text === va.text) summary.same++;
    else {
      summary.changed++;
      push(row(va.label, va.text, vb.text));
    }
  }
  for (const [k, vb] of b) {
    if (a.has(k)) continue;
    summary.onlyB++;
    push(row(vb.label, undefined, vb.text));
  }
  return { rows, summary };
}

function short(h: string): string {
  return h ? h.slice(0, 16) + '…' : '—';
}

function pagesByGpa(ledger: LedgerEntry[]): Map<string, Keyed> {
  const m = new Map<string, Keyed>();
  for (const e of ledger) {
    const gpa = '0x' + e.gpa.toString(16);
    m.set(gpa, {
      label: `GPA ${gpa}`,
      text: `${e.type} ${short(e.contentHash ? toHex(e.contentHash) : '')}`,
    });
  }
  return m;
}

function sectionsByName(pe: PeFile | undefined, bytes: Uint8Array, hash: HashBackend): Map<string, Keyed> {
  const m = new Map<string, Keyed>();
  for (const s of pe?.sections ?? []) {
    const key = m.has(s.name) ? `${s.name}#${s.index}` : s.name;
    m.set(key, {
      label: `section ${key}`,
      // The one section-hash definition (ukify's VirtualSize bytes), as Inspect and `fukiscope pe` show it.
      text: `${s.virtualSize.toLocaleString('en')} B, sha256 ${short(toHex(sectionDigest(bytes, s, 'sha256', hash)))}`,
    });
  }
  return m;
}

function stepOf(e: LedgerEntry): DiffLedgerStep {
  return {
    step: e.step,
    gpa: '0x' + e.gpa.toString(16),
    type: e.type,
    contentHash: e.contentHash ? toHex(e.contentHash) : '',
    value: e.value ? toHex(e.value) : '',
  };
}

const sameStep = (x: LedgerEntry, y: LedgerEntry) =>
  x.gpa === y.gpa &&
  x.type === y.type &&
  (x.contentHash ? toHex(x.contentHash) : '') === (y.contentHash ? toHex(y.contentHash) : '');

/** The two SNP ledgers compared step by step. */
export function diffLedgers(
  a: LedgerEntry[],
  b: LedgerEntry[],
  digestA: string,
  digestB: string,
): DiffLedger {
  let first: number | undefined;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!sameStep(a[i]!, b[i]!)) {
      first = i;
      break;
    }
  }
  if (first === undefined && a.length !== b.length) first = n;
  const from = Math.max(0, (first ?? 0) - WINDOW);
  const to = (first ?? 0) + WINDOW + 1;
  return {
    stepsA: a.length,
    stepsB: b.length,
    digestA,
    digestB,
    firstDiverging: first,
    windowA: first === undefined ? [] : a.slice(from, to).map(stepOf),
    windowB: first === undefined ? [] : b.slice(from, to).map(stepOf),
  };
}

function snpLedger(
  file: IgvmFile | undefined,
  hash: HashBackend,
): { ledger: LedgerEntry[]; digest: string; diagnostics: Diagnostic[] } | undefined {
  if (!file) return undefined;
  const m = measureIgvm(file, { platforms: ['SEV_SNP'], ledger: true, hash })[0];
  return m && { ledger: m.ledger ?? [], digest: toHex(m.digest), diagnostics: m.diagnostics };
}

export function diffFiles(a: Uint8Array, b: Uint8Array, hash: HashBackend): DiffResult {
  const kindA = detectFileKind(a);
  const kindB = detectFileKind(b);
  const peA = kindA === 'pe' ? parsePe(a) : undefined;
  const peB = kindB === 'pe' ? parsePe(b) : undefined;
  const rawA = igvmOf(a, peA);
  const rawB = igvmOf(b, peB);
  const pa = rawA && parseIgvm(rawA);
  const pb = rawB && parseIgvm(rawB);
  const diagnostics: Diagnostic[] = [...(pa?.diagnostics ?? []), ...(pb?.diagnostics ?? [])].filter(
    (d) => d.severity === 'error',
  );
  const header = [
    row('File kind', kindA, kindB),
    row('Size', a.length.toLocaleString('en'), b.length.toLocaleString('en')),
  ];
  if (peA || peB) appendAll(header, peHeaderRows(peA, peB));
  if (pa?.file || pb?.file) appendAll(header, igvmHeaderRows(pa?.file, pb?.file));
  const la = snpLedger(pa?.file, hash);
  const lb = snpLedger(pb?.file, hash);
  const parts =
    peA || peB
      ? compareKeyed(sectionsByName(peA, a, hash), sectionsByName(peB, b, hash))
      : compareKeyed(pagesByGpa(la?.ledger ?? []), pagesByGpa(lb?.ledger ?? []));
  if (la || lb) header.push(row('SNP launch digest', la?.digest, lb?.digest));
  return {
    kindA,
    kindB,
    header,
    parts: parts.rows,
    partsSummary: parts.summary,
    ledger: la && lb ? diffLedgers(la.ledger, lb.ledger, la.digest, lb.digest) : undefined,
    diagnostics,
  };
}

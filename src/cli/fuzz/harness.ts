// The fuzz harness of issue 11 (item 9): mutated IGVM and PE files, and the composer's settings and files, through
// the CLI commands in-process (the command modules' `run`, not a child process, so a case costs a parse, not a Node
// start), with per-case time and memory budgets and the invariants every input must keep:
//   - a command returns exit 0 or 1 and never throws (compose/uki build: a usage error, exit 2, is an answer too);
//   - a case stays under CASE_MS of CPU time (not wall time: load on a shared machine) and the process under the RSS budget;
//   - `measure --json` never gives a digest for an input with an error diagnostic (digestBlocker, issue 10), and
//     `compose` gives no launch digest when the input it was given mutated has an error diagnostic;
//   - whatever `compose` or `uki build` writes parses without an error diagnostic.
// Cost per case is what limits the CI case count: the command modules are loaded before the first case (loading was
// charged to case 0), seeds are built once per family, output is counted, not kept, past what the checks read.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Bytes } from '../../core/bytes/bytes';
import { digestBlocker, type Diagnostic } from '../../core/diagnostics';
import { setDefaultHash } from '../../core/hash/hash';
import { parseIgvm } from '../../core/igvm/parse';
import { parseUki } from '../../core/uki/model';
import { COMMANDS, type Command } from '../commands';
import { UsageError, type CliIo } from '../io';
import { nodeHashBackend } from '../node-hash';
import { composeCase, inputErrors, type ComposeSeeds } from './compose-cases';
import { mutate, Rng, type Family } from './mutate';

export type FuzzKind = 'igvm' | 'pe' | 'compose';

export interface FuzzOptions {
  kind: FuzzKind;
  family: Family | 'compose';
  /** IGVM or PE seeds (kind igvm/pe). */
  seeds?: Uint8Array[];
  /** The composer's input files (kind compose). */
  composeSeeds?: ComposeSeeds;
  cases: number;
  /** PRNG seed; a failing case is replayed with the same (family, seed, index). */
  seed?: number;
  /** Per-case budget in CPU ms (process.cpuUsage: a loaded shared machine stretches wall time, not CPU time). */
  caseMs?: number;
  /** Process RSS (bytes) above which a full GC is forced and the memory still live is judged (see `liveBytes`). */
  rssBytes?: number;
  /** What may stay live (V8 heap + external/ArrayBuffer memory) after that full GC; default: live at start + 256 MiB. */
  liveBytes?: number;
  /** Per-case budget: how much one case may grow the process's RSS (bytes); default 256 MiB. */
  caseRssBytes?: number;
  /** Run only the case with this index (replay): the cases before it are generated, so it gets the same input. */
  only?: number;
}

export interface FuzzFailure {
  index: number;
  command: string;
  problem: string;
}

export interface FuzzReport {
  family: Family | 'compose';
  kind: FuzzKind;
  cases: number;
  /** CPU time of the whole family (process.cpuUsage): what the CI budget is made of, unlike wall time on a shared box. */
  cpuMs: number;
  slowest: { index: number; command: string; ms: number };
  peakRssBytes: number;
  /** Full GCs forced because an RSS sample was over the budget (the sample after the GC is the one judged). */
  forcedGcs: number;
  failures: FuzzFailure[];
  /** Cases whose `measure --json` printed a digest although the input has an error diagnostic. */
  digestWithErrors: number;
}

/** The command lines a case runs, by kind (A = the mutant, S = its seed). One per case, in rotation. */
const IGVM_COMMANDS: string[][] = [['inspect', 'A'], ['measure', 'A', '--json'], ['measure', 'A', '--ledger', '--json'], ['measure', 'A', '--format', 'igvmmeasure', '--verbose'], ['diff', 'S', 'A'], ['inspect', 'A', '--json']];
const PE_COMMANDS: string[][] = [['pe', 'A'], ['inspect', 'A'], ['pe', 'A', '--json'], ['diff', 'S', 'A', '--json']];

/** At most this much output is kept per case (the invariants read only the start of it). */
const MAX_OUT = 4 << 20;

function memoryIo(files: Record<string, Uint8Array>): CliIo & { stdout: string; stderr: string; written: Map<string, Uint8Array | string> } {
  const io = {
    stdout: '',
    stderr: '',
    written: new Map<string, Uint8Array | string>(),
    out(t: string) {
      if (io.stdout.length < MAX_OUT) io.stdout += t;
    },
    err(t: string) {
      if (io.stderr.length < MAX_OUT) io.stderr += t;
    },
    readFile(p: string) {
      const f = files[p];
      if (!f) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      return f as Bytes;
    },
    writeFile(p: string, d: Uint8Array | string) {
      io.written.set(p, d);
    },
  };
  return io;
}

/**
 * A full, synchronous garbage collection, taken when an RSS sample is over `rssBytes`. The compose cases allocate
 * mostly ArrayBuffer backing stores (a mutated firmware may declare a 1 GiB SEV section: ~450 MiB for one case),
 * which V8 counts as external memory and collects late, and neither V8 nor malloc hands every freed page back: the CI
 * seed's process reached 989–1028 MiB RSS by case ~17,000, still 989 MiB right after a full GC, with 21 MiB of live
 * heap and ~0 external memory throughout. So process RSS over a run measures what the allocators keep, not what the
 * cases keep: the budgets are per-case RSS growth (what one case needs beyond the pages the process already has) and
 * the memory still live after a full GC (what the cases keep: a leak shows there).
 */
function fullGc(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const loaded = new Map<string, Command>();
async function command(name: string): Promise<Command> {
  let c = loaded.get(name);
  if (!c) loaded.set(name, (c = await COMMANDS[name]!.load()));
  return c;
}

/** True when `measure --json` output carries a digest for an input with an error diagnostic. */
export function digestDespiteErrors(stdout: string): boolean {
  let j: { platforms?: { digest?: string; diagnostics?: Diagnostic[] }[]; parseDiagnostics?: Diagnostic[] };
  try {
    j = JSON.parse(stdout) as typeof j;
  } catch {
    return false;
  }
  const parse = j.parseDiagnostics ?? [];
  return (j.platforms ?? []).some((p) => typeof p.digest === 'string' && /^[0-9a-f]{32,}$/.test(p.digest) && digestBlocker([...parse, ...(p.diagnostics ?? [])]) !== undefined);
}

/** How a thrown error ends the command in `main`: a usage error (exit 2), a missing file (exit 1), or a bug. */
function thrownStatus(e: unknown): number | undefined {
  if (e instanceof UsageError) return 2;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return 2;
  if (code === 'ENOENT') return 1;
  return undefined;
}

/** Problems with what a compose / uki build case wrote: every output parses without an error diagnostic. */
function outputProblems(written: Map<string, Uint8Array | string>): string[] {
  const problems: string[] = [];
  for (const [path, d] of written) {
    if (typeof d === 'string') {
      try {
        JSON.parse(d);
      } catch {
        problems.push(`${path}: not JSON`);
      }
      continue;
    }
    const errors = (path === 'OUT' && d[0] === 0x49 ? parseIgvm(d).diagnostics : parseUki(d).diagnostics).filter((x) => x.severity === 'error');
    if (errors.length) problems.push(`${path}: ${errors.slice(0, 3).map((x) => x.code).join(' ')}`);
  }
  return problems;
}

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  setDefaultHash(nodeHashBackend);
  const rng = new Rng(o.seed ?? 0x5eed);
  const caseMs = o.caseMs ?? 250;
  const rssBudget = o.rssBytes ?? process.memoryUsage.rss() + 256 * 2 ** 20;
  const live = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const liveBudget = o.liveBytes ?? live() + 256 * 2 ** 20;
  const caseRss = o.caseRssBytes ?? 256 * 2 ** 20;
  const lines = o.kind === 'igvm' ? IGVM_COMMANDS : PE_COMMANDS;
  // Loaded before the first case, so case 0 is not charged with compiling the command modules.
  for (const name of o.kind === 'compose' ? ['compose', 'uki'] : new Set(lines.map((l) => l[0]!))) await command(name);
  const report: FuzzReport = { family: o.family, kind: o.kind, cases: 0, cpuMs: 0, slowest: { index: -1, command: '', ms: 0 }, peakRssBytes: 0, forcedGcs: 0, failures: [], digestWithErrors: 0 };
  const cpu0 = process.cpuUsage();
  // Each case's growth is counted from the sample after the case before it (its input's generation included).
  let rssBefore = process.memoryUsage.rss();
  for (let i = 0; i < (o.only === undefined ? o.cases : o.only + 1); i++) {
    let name: string;
    let args: string[];
    let files: Record<string, Uint8Array>;
    let mutated: { role: Parameters<typeof inputErrors>[0]; path: string } | undefined;
    if (o.kind === 'compose') {
      const c = composeCase(o.composeSeeds!, rng);
      [name, ...args] = c.args as [string, ...string[]];
      files = c.files;
      mutated = c.mutated;
    } else {
      const seed = o.seeds![i % o.seeds!.length]!;
      const line = lines[i % lines.length]!;
      [name, ...args] = line as [string, ...string[]];
      files = { A: mutate(o.kind, o.family as Family, seed, rng), S: seed };
    }
    if (o.only !== undefined && i !== o.only) continue;
    const io = memoryIo(files);
    const label = o.kind === 'compose' ? [name, ...args].join(' ').slice(0, 400) + (mutated ? ` (${mutated.role} mutated)` : '') : [name, ...args].join(' ');
    const t = performance.now();
    const c0 = process.cpuUsage();
    let status: number | undefined;
    try {
      status = await (await command(name)).run(args, io);
    } catch (e) {
      status = o.kind === 'compose' ? thrownStatus(e) : undefined;
      if (status === undefined) report.failures.push({ index: i, command: label, problem: `threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
    }
    const ms = performance.now() - t;
    const c1 = process.cpuUsage(c0);
    const cpuMs = (c1.user + c1.system) / 1000;
    report.cases++;
    if (ms > report.slowest.ms) report.slowest = { index: i, command: label, ms };
    const allowed = o.kind === 'compose' ? [0, 1, 2] : [0, 1];
    if (status !== undefined && !allowed.includes(status)) report.failures.push({ index: i, command: label, problem: `exit ${status}: ${io.stderr.slice(0, 300)}` });
    if (cpuMs > caseMs) report.failures.push({ index: i, command: label, problem: `took ${cpuMs.toFixed(0)} ms CPU, ${ms.toFixed(0)} ms wall (budget ${caseMs} ms CPU)` });
    if (name === 'measure' && args.includes('--json') && digestDespiteErrors(io.stdout)) report.digestWithErrors++;
    if (o.kind === 'compose') {
      if (status !== 0 && io.written.size > 0) report.failures.push({ index: i, command: label, problem: `exit ${status} after writing ${[...io.written.keys()].join(', ')}` });
      if (status === 0) {
        for (const p of outputProblems(io.written)) report.failures.push({ index: i, command: label, problem: `wrote a damaged output: ${p}` });
        // A launch digest from a damaged input: the composer must have refused it (digestBlocker, issue 10).
        if (name === 'compose' && mutated && inputErrors(mutated.role, files[mutated.path]!).length > 0) {
          report.digestWithErrors++;
          if (report.digestWithErrors <= 3) report.failures.push({ index: i, command: label, problem: `digest despite input errors: ${inputErrors(mutated.role, files[mutated.path]!).slice(0, 3).map((d) => d.code).join(' ')}` });
        }
      }
    }
    const rssAfter = process.memoryUsage.rss();
    if (rssAfter > report.peakRssBytes) report.peakRssBytes = rssAfter;
    if (rssAfter - rssBefore > caseRss) report.failures.push({ index: i, command: label, problem: `grew RSS by ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MiB (budget ${(caseRss / 2 ** 20).toFixed(0)} MiB per case)` });
    if ((i % 64 === 0 || ms > 20 || i === o.only || i === o.cases - 1) && rssAfter > rssBudget) {
      report.forcedGcs++;
      fullGc();
      const kept = live();
      if (kept > liveBudget)
        report.failures.push({ index: i, command: label, problem: `RSS ${(rssAfter / 2 ** 20).toFixed(0)} MiB, and ${(kept / 2 ** 20).toFixed(0)} MiB still live after a full GC (budget ${(liveBudget / 2 ** 20).toFixed(0)} MiB)` });
    }
    rssBefore = rssAfter;
    if (report.failures.length >= 20) break;
  }
  const cpu = process.cpuUsage(cpu0);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  return report;
}

export function formatReport(r: FuzzReport): string {
  return (
    `fuzz ${r.kind} ${r.family}: ${r.cases} cases, ${r.cpuMs.toFixed(0)} ms CPU (${((1000 * r.cpuMs) / Math.max(1, r.cases)).toFixed(0)} µs/case), slowest #${r.slowest.index} (${r.slowest.command}) ${r.slowest.ms.toFixed(1)} ms, ` +
    `peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB (${r.forcedGcs} full GCs forced at the budget), ${r.failures.length} failures, ${r.digestWithErrors} digests given despite errors`
  );
}

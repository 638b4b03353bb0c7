// The fuzz harness of issue 11 (item 9): mutated IGVM and PE files through the CLI commands in-process (the command
// modules' `run`, not a child process, so a case costs a parse, not a Node start), with per-case time and memory
// budgets and the invariants every input must keep:
//   - a command returns exit 0 or 1 and never throws;
//   - a case stays under CASE_MS of CPU time and the process under the RSS budget;
//   - `measure --json` never gives a digest for an input with an error diagnostic (digestBlocker, issue 10).
import type { Bytes } from '../../core/bytes/bytes';
import { digestBlocker, type Diagnostic } from '../../core/diagnostics';
import { setDefaultHash } from '../../core/hash/hash';
import { COMMANDS, type Command } from '../commands';
import type { CliIo } from '../io';
import { nodeHashBackend } from '../node-hash';
import { mutate, Rng, type Family } from './mutate';

export interface FuzzOptions {
  kind: 'igvm' | 'pe';
  family: Family;
  seeds: Uint8Array[];
  cases: number;
  /** PRNG seed; a failing case is replayed with the same (family, seed, index). */
  seed?: number;
  /** Per-case CPU-time budget (ms), measured with process.cpuUsage so other processes' load does not count. */
  caseMs?: number;
  /** Process RSS budget (bytes). */
  rssBytes?: number;
}

export interface FuzzFailure {
  index: number;
  command: string;
  problem: string;
}

export interface FuzzReport {
  family: Family;
  kind: 'igvm' | 'pe';
  cases: number;
  slowest: { index: number; command: string; ms: number };
  peakRssBytes: number;
  failures: FuzzFailure[];
  /** Cases whose `measure --json` printed a digest although the input has an error diagnostic. */
  digestWithErrors: number;
}

/** The command lines a case runs, by kind (A = the mutant, S = its seed). One per case, in rotation. */
const IGVM_COMMANDS: string[][] = [['inspect', 'A'], ['measure', 'A', '--json'], ['measure', 'A', '--ledger', '--json'], ['measure', 'A', '--format', 'igvmmeasure', '--verbose'], ['diff', 'S', 'A'], ['inspect', 'A', '--json']];
const PE_COMMANDS: string[][] = [['pe', 'A'], ['inspect', 'A'], ['pe', 'A', '--json'], ['diff', 'S', 'A', '--json']];

/** At most this much output is kept per case (the invariants read only the start of it). */
const MAX_OUT = 4 << 20;

function memoryIo(files: Record<string, Bytes>): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      if (io.stdout.length < MAX_OUT) io.stdout += t;
    },
    err(t: string) {
      if (io.stderr.length < MAX_OUT) io.stderr += t;
    },
    readFile(p: string) {
      const f = files[p];
      if (!f) throw new Error(`fuzz: no file ${p}`);
      return f;
    },
    writeFile() {
      throw new Error('fuzz: these commands write no files');
    },
  };
  return io;
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

export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  setDefaultHash(nodeHashBackend);
  const rng = new Rng(o.seed ?? 0x5eed);
  const caseMs = o.caseMs ?? 250;
  const rssBudget = o.rssBytes ?? process.memoryUsage.rss() + 256 * 2 ** 20;
  const lines = o.kind === 'igvm' ? IGVM_COMMANDS : PE_COMMANDS;
  const report: FuzzReport = { family: o.family, kind: o.kind, cases: 0, slowest: { index: -1, command: '', ms: 0 }, peakRssBytes: 0, failures: [], digestWithErrors: 0 };
  for (let i = 0; i < o.cases; i++) {
    const seed = o.seeds[i % o.seeds.length]!;
    const mutant = mutate(o.kind, o.family, seed, rng);
    const line = lines[i % lines.length]!;
    const [name, ...args] = line;
    const io = memoryIo({ A: mutant as Bytes, S: seed as Bytes });
    const label = line.join(' ');
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    let status: number | undefined;
    try {
      status = await (await command(name!)).run(args, io);
    } catch (e) {
      report.failures.push({ index: i, command: label, problem: `threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
    }
    const ms = performance.now() - t;
    // The budget is on this process's CPU time, not wall time: on a shared 2-core machine other processes'
    // load stretches wall time (a 250 ms case took 1.4 s at load average 19) without the case doing more work.
    const cpuUsed = process.cpuUsage(cpu0);
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
    report.cases++;
    if (ms > report.slowest.ms) report.slowest = { index: i, command: label, ms };
    if (status !== undefined && status !== 0 && status !== 1) report.failures.push({ index: i, command: label, problem: `exit ${status}: ${io.stderr.slice(0, 300)}` });
    if (cpuMs > caseMs) report.failures.push({ index: i, command: label, problem: `took ${cpuMs.toFixed(0)} ms of CPU (budget ${caseMs} ms)` });
    if (name === 'measure' && args.includes('--json') && digestDespiteErrors(io.stdout)) report.digestWithErrors++;
    if (i % 64 === 0 || ms > 20) {
      const rss = process.memoryUsage.rss();
      if (rss > report.peakRssBytes) report.peakRssBytes = rss;
      if (rss > rssBudget) report.failures.push({ index: i, command: label, problem: `RSS ${(rss / 2 ** 20).toFixed(0)} MiB over the budget` });
    }
    if (report.failures.length >= 20) break;
  }
  return report;
}

export function formatReport(r: FuzzReport): string {
  return (
    `fuzz ${r.kind} ${r.family}: ${r.cases} cases, slowest #${r.slowest.index} (${r.slowest.command}) ${r.slowest.ms.toFixed(1)} ms, ` +
    `peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB, ${r.failures.length} failures, ${r.digestWithErrors} digests given despite errors`
  );
}

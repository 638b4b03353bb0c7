// `fukiscope diff A B`: what differs between two IGVM files, UKIs/FUKIs or PEs (src/core/diff): header fields,
// measured pages by GPA (IGVM) or sections by name (PE), and for anything that carries an SNP launch (an IGVM,
// or a FUKI's .efifw IGVM) the first step where the two SNP ledgers diverge. Exit 0: no difference; 1: they
// differ (as diff(1)); 2: usage.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { diffFiles, type DiffLedgerStep, type DiffResult, type DiffRow } from '../../core/diff';
import { defaultHash } from '../../core/hash/hash';
import type { Command } from '../commands';
import { diagnosticLine, escapeText } from '../escape';
import { toJson, UsageError, type CliIo } from '../io';
import { appendAll } from '../../core/append';

const usage = `Usage: fukiscope diff A B [--all] [--json]

Compares two files: IGVM (fixed header, platforms, header counts, measured pages by GPA), PE/UKI/FUKI
(headers, sections by name and SHA-256) and, when both carry an SNP launch (an IGVM, or a FUKI's .efifw),
the two SNP ledgers step by step (GPA, page type, content hash) down to the first diverging step.
  --all   list the equal rows too (default: only what differs)
  --json  the whole comparison as JSON
Exit status: 0 no difference, 1 the files differ, 2 usage error.`;

function differs(r: DiffResult): boolean {
  const s = r.partsSummary;
  return (
    r.header.some((h) => !h.same) ||
    s.changed + s.onlyA + s.onlyB > 0 ||
    (r.ledger !== undefined && r.ledger.firstDiverging !== undefined)
  );
}

function rowLine(r: DiffRow): string {
  return `  ${r.same ? '=' : '≠'} ${r.label.padEnd(28)} ${r.a || '—'}${r.same ? '' : `  |  ${r.b || '—'}`}`;
}

function stepLine(s: DiffLedgerStep, mark: string): string {
  return `    ${mark} ${String(s.step).padStart(6)}  ${s.gpa.padEnd(14)} ${s.type.padEnd(10)} ${s.contentHash.slice(0, 32) || '—'}`;
}

function text(r: DiffResult, names: [string, string], all: boolean): string {
  const out = [`A: ${names[0]} (${r.kindA})`, `B: ${names[1]} (${r.kindB})`, '', 'Header'];
  const header = all ? r.header : r.header.filter((h) => !h.same);
  appendAll(out, header.length ? header.map(rowLine) : ['  (no difference)']);
  const s = r.partsSummary;
  const what = r.kindA === 'pe' || r.kindB === 'pe' ? 'Sections' : 'Measured pages';
  out.push('', `${what}: ${s.same} same, ${s.changed} changed, ${s.onlyA} only in A, ${s.onlyB} only in B`);
  appendAll(out, (all ? r.parts : r.parts.filter((p) => !p.same)).map(rowLine));
  if (r.ledger) {
    const L = r.ledger;
    out.push('', `SNP ledger: A ${L.stepsA} steps, B ${L.stepsB} steps`);
    if (L.firstDiverging === undefined) out.push('  identical, step for step');
    else {
      out.push(`  first diverging step: ${L.firstDiverging}`);
      for (const [side, w] of [
        ['A', L.windowA],
        ['B', L.windowB],
      ] as const) {
        out.push(`  ${side}:`);
        for (const st of w) out.push(stepLine(st, st.step === L.firstDiverging ? '>' : ' '));
      }
    }
    out.push(`  digest A ${L.digestA}`, `  digest B ${L.digestB}`);
  }
  return out.join('\n') + '\n';
}

function run(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new UsageError('expected two files');
  const [pa, pb] = positionals as [string, string];
  let a: Uint8Array, b: Uint8Array;
  try {
    a = io.readFile(pa);
    b = io.readFile(pb);
  } catch (e) {
    // Exit 1 means "the files differ"; trouble is 2, as for diff(1).
    io.err(`fukiscope diff: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const r = diffFiles(a, b, defaultHash());
  const different = differs(r);
  if (values.json) io.out(toJson({ a: pa, b: pb, different, ...r }) + '\n');
  else {
    for (const d of r.diagnostics) io.err(diagnosticLine(d) + '\n');
    // Section names and other file-derived values in the rows: one safe line each (issue 11 item 6).
    io.out(text(r, [basename(pa), basename(pb)], values.all).split('\n').map(escapeText).join('\n'));
  }
  return different ? 1 : 0;
}

export const diffCommand: Command = { usage, run };

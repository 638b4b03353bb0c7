// `fukiscope inspect FILE [--json]`: what a file is (detected from its content) and a summary of it with every
// diagnostic. One summarizer per file kind in INSPECTORS; adding a kind is one entry. Exit status 1 when the
// file has error diagnostics.
import { parseArgs } from 'node:util';
import { type Diagnostic } from '../../core/diagnostics';
import { detectFileKind, type FileKind } from '../../core/detect';
import { parseFirmware } from '../../core/firmware/firmware';
import { formatFirmwareSummary, summarizeFirmware } from '../../core/firmware/summary';
import { parseIgvm } from '../../core/igvm/parse';
import { summarizeIgvm, type IgvmSummary } from '../../core/igvm/summary';
import { summarizePe, verifySummarySignatures } from '../../core/uki/summary';
import type { Command } from '../commands';
import { diagnosticLine, escapeText } from '../escape';
import { toJson, UsageError, type CliIo } from '../io';
import { formatPeSummary } from './pe';

const usage = `Usage: fukiscope inspect FILE [--json]

Detects what FILE is from its content (IGVM, PE/UKI/add-on, OVMF firmware, cpio, gzip, text) and prints a
summary: for IGVM the format version, platforms, per-type header counts and directive total; for PE and firmware
the same summary as \`fukiscope pe\` / the firmware view. Every diagnostic is listed (severity, code, header
index, offset, spec section). Exit status 1 when there is an error diagnostic.`;

interface Inspection {
  summary: object;
  diagnostics: Diagnostic[];
  text: string;
}

function formatIgvmSummary(s: IgvmSummary): string {
  const lines = [
    `IGVM v${s.formatVersion} ${s.architecture}  ${s.size} bytes  ${s.headerTotal} headers`,
    'platforms:',
  ];
  for (const p of s.platforms)
    lines.push(
      `  mask 0x${p.compatibilityMask.toString(16)}  ${p.platform} v${p.platformVersion}  highest VTL ${p.highestVtl}  shared GPA boundary 0x${p.sharedGpaBoundary.toString(16)}`,
    );
  const counts = (title: string, c: Record<string, number>) => {
    lines.push(`${title}:`);
    for (const [k, n] of Object.entries(c)) lines.push(`  ${k.padEnd(26)} ${n}`);
  };
  counts('initialization headers', s.initializationCounts);
  counts('directive headers', s.directiveCounts);
  lines.push(`directives total: ${s.directiveTotal}`);
  return lines.join('\n') + '\n';
}

/** kind → summarizer. Kinds without an entry are reported by kind and size only. */
const INSPECTORS: Partial<Record<FileKind, (bytes: Uint8Array) => Inspection | Promise<Inspection>>> = {
  igvm: (bytes) => {
    const { file, diagnostics } = parseIgvm(bytes);
    if (!file)
      return { summary: { kind: 'igvm' }, diagnostics, text: 'IGVM file that could not be framed\n' };
    const summary = summarizeIgvm(file);
    return { summary, diagnostics, text: formatIgvmSummary(summary) };
  },
  pe: async (file) => {
    const s = summarizePe({ file });
    await verifySummarySignatures(file, s);
    return { summary: s, diagnostics: s.diagnostics, text: formatPeSummary(s) };
  },
  firmware: (bytes) => {
    const s = summarizeFirmware(parseFirmware(bytes));
    return { summary: s, diagnostics: s.diagnostics, text: formatFirmwareSummary(s) };
  },
};

/** Kinds another command reads. */
const HINT: Partial<Record<FileKind, string>> = {
  eventlog: ' (`fukiscope eventlog FILE` decodes and replays it)',
  'ccel-table': ' (`fukiscope eventlog AREA --ccel-table FILE` reads the CCEL area with it)',
};

export async function inspectBytes(bytes: Uint8Array): Promise<Inspection & { kind: FileKind }> {
  const kind = detectFileKind(bytes);
  const inspector = INSPECTORS[kind];
  if (inspector) return { kind, ...(await inspector(bytes)) };
  // A file of no kind this tool knows is a failed inspection, not a summary (issue 10 item 8): exit status 1.
  const diagnostics: Diagnostic[] =
    kind === 'unknown'
      ? [
          {
            severity: 'error',
            code: 'UNKNOWN_FILE_KIND',
            message:
              bytes.length === 0
                ? 'empty file'
                : 'not a file kind fukiscope understands: no IGVM, PE, OVMF footer, cpio or gzip signature',
            offset: 0,
          },
        ]
      : [];
  return {
    kind,
    summary: { kind, size: bytes.length },
    diagnostics,
    text: `${kind}: ${bytes.length} bytes${HINT[kind] ?? ''}\n`,
  };
}

export const inspectCommand: Command = {
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) throw new UsageError('inspect takes exactly one FILE');
    const r = await inspectBytes(io.readFile(positionals[0]!));
    const failed = r.diagnostics.some((d) => d.severity === 'error');
    if (values.json) io.out(toJson({ kind: r.kind, summary: r.summary, diagnostics: r.diagnostics }) + '\n');
    else {
      // Every line escaped: summaries quote file strings (section names, .uname, fwid, …) (issue 11 item 6).
      io.out(`kind: ${r.kind}\n${r.text.split('\n').map(escapeText).join('\n')}`);
      if (r.diagnostics.length)
        io.out(`diagnostics:\n${r.diagnostics.map((d) => `  ${diagnosticLine(d)}`).join('\n')}\n`);
    }
    return failed ? 1 : 0;
  },
};

// `fukiscope measure FILE`: launch measurements of an IGVM file per platform (igvm-format-and-measurement.md §14–§16),
// optionally with the step ledger, or printed exactly like coconut-svsm's igvmmeasure (§16.2).
import { appendAll } from '../../core/append';
import { toHex } from '../../core/bytes/bytes';
import { hasErrors, type Diagnostic } from '../../core/diagnostics';
import { detectFileKind } from '../../core/detect';
import {
  IGVM_PLATFORM_TYPE_NAME,
  parseIgvm,
  supportedPlatforms,
  type IgvmFile,
  type IgvmPlatformTypeName,
} from '../../core/igvm';
import {
  coalesceLedger,
  compactLedgerSteps,
  ledgerJsonSteps,
  type LedgerEntry,
  measureIgvm,
  SNP_PROFILES,
  TDX_ORDERS,
  type MeasureOptions,
  type PlatformMeasurement,
  type SnpOptions,
  type SnpProfile,
  type TdxOrder,
} from '../../core/measure';
import type { Command } from '../commands';
import { diagnosticLine } from '../escape';
import { FORCE_USAGE, reportWithheld, withheldFor, type CliWithheld } from '../digest-gate';
import { escapeText } from '../escape';
import { decimalOption } from '../options';
import { describeEntry, pickEfifw } from './efifw-source';
import { measureEfifwPayload } from '../../core/fuki/payload-measure';
import type { EfifwPayloadEntry } from '../../core/uki/efifw-payload';
import { commandArgs, toJson, UsageError, type CliIo } from '../io';
import { basename } from 'node:path';
import { hex64 } from '../../core/bytes/bytes';
import { sha256Of, sha384Of } from '../../core/hash/hash';
import { referenceValuesOfMeasurements } from '../../core/export/reference-values';
import { measurementReceipt } from '../../core/fuki/receipt';
import { EXPORT_USAGE, exportFormatOf, svnOption, writeExport } from '../export';
import { writeJson } from '../json-stream';
import { readIgvmShared, type SharedRead } from '../page-hash-thread';

const PLATFORM: Record<string, IgvmPlatformTypeName> = {
  snp: 'SEV_SNP',
  'sev-snp': 'SEV_SNP',
  tdx: 'TDX',
  vbs: 'VSM_ISOLATION',
  sev: 'SEV',
  'sev-es': 'SEV_ES',
};

const usage = `Usage: fukiscope measure FILE [--platform snp|tdx|vbs|sev|sev-es] [--profile igvm|igvmmeasure|native-zero]
                         [--tdx-order single-pass|two-pass] [--check-kvm] [--ledger] [--json]
                         [--format igvmmeasure [--bare] [--ignore-idblock] [--verbose]] [--force]
                         [--efifw-index N | --fwid ID] [--export corim|trustee|trustee-message|receipt [--out FILE] [--svn N]]

Launch measurements of an IGVM file for every platform it declares (lowercase hex):
  SEV_SNP        SNP launch digest (SHA-384). --profile picks the loader model:
                   igvm         microsoft/igvm measurement module / Hyper-V (default): shared pages skipped, every page
                                of a parameter area, VMSAs only for SNP, GUEST_POLICY required
                   igvmmeasure  coconut-svsm igvmmeasure / QEMU: shared pages measured, one page per parameter insert,
                                every SNP VMSA regardless of mask, empty 2MB pages as 512 pages
                   native-zero  igvmmeasure --native-zero: zero pages as the SNP ZERO page type
                 Single variants override the profile: --shared-pages skip|measure, --insert-pages all|first,
                 --vmsa all|snp, --zero-pages normal|native, --2mb-pages single|expand
  TDX            MRTD (SHA-384); --tdx-order single-pass (igvm crate, default) or two-pass
  VSM_ISOLATION  VBS boot digest (SHA-256)
  SEV, SEV_ES    igvmmeasure's SHA-256 over page data and VMSAs (tool behaviour, not a firmware value)
--check-kvm      igvmmeasure's QEMU/KVM checks (one VMSA at 0xFFFFFFFFF000, CR0 0x31/0x30, after all inserts)
--ledger         every measured step (text: coalesced runs; --json: steps, identical consecutive steps as one
                 entry with a count, and runs)
--format igvmmeasure  print exactly what igvmmeasure measure prints (uppercase hex; --bare: digest only); fails
                 like igvmmeasure when an SNP ID block's ld differs (unless --ignore-idblock); --verbose prints its
                 coalesced page log first
FILE may also be a FUKI (a UKI with .efifw): the IGVM in its .efifw section is measured; with several .efifw
entries the first IGVM one is used unless --efifw-index N (0-based, in section order) or --fwid ID picks one,
and the output says which entry it measured.
Every line is "PLATFORM (mask, algorithm, profile): digest", with or without --platform; --json for scripts.
A file with error diagnostics (damaged, truncated, bad checksum, unlaunchable) gets no digest: exit status 1.
${FORCE_USAGE}
${EXPORT_USAGE}
Exit status 1 when the file cannot be parsed or has errors, a check fails or an ID block's ld does not match.`;

const EQUALS = '='.repeat(111);

function choice<T extends string>(v: string | undefined, allowed: readonly T[], opt: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${opt} must be one of ${allowed.join(', ')}`);
  return v as T;
}

function variantOverrides(v: Record<string, string | boolean | undefined>): Partial<SnpOptions> {
  const o: Partial<SnpOptions> = {};
  const shared = choice(v['shared-pages'] as string | undefined, ['skip', 'measure'], '--shared-pages');
  if (shared) o.sharedPages = shared;
  const insert = choice(v['insert-pages'] as string | undefined, ['all', 'first'], '--insert-pages');
  if (insert) o.parameterInsertPages = insert;
  const vmsa = choice(v.vmsa as string | undefined, ['all', 'snp'], '--vmsa');
  if (vmsa) o.vmsaMaskFilter = vmsa === 'snp';
  const zero = choice(v['zero-pages'] as string | undefined, ['normal', 'native'], '--zero-pages');
  if (zero) o.zeroPages = zero;
  const big = choice(v['2mb-pages'] as string | undefined, ['single', 'expand'], '--2mb-pages');
  if (big) o.twoMbPages = big;
  return o;
}

function run(args: string[], io: CliIo): number {
  const read: { shared?: SharedRead } = {};
  try {
    return measureFile(args, io, read);
  } finally {
    read.shared?.stop();
  }
}

function measureFile(args: string[], io: CliIo, read: { shared?: SharedRead }): number {
  const { values: v, positionals } = commandArgs(args, {
    platform: { type: 'string', short: 'p' },
    profile: { type: 'string' },
    'tdx-order': { type: 'string' },
    'check-kvm': { type: 'boolean', short: 'c', default: false },
    ledger: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    format: { type: 'string' },
    bare: { type: 'boolean', short: 'b', default: false },
    'ignore-idblock': { type: 'boolean', short: 'i', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
    force: { type: 'boolean', default: false },
    'efifw-index': { type: 'string' },
    fwid: { type: 'string' },
    'shared-pages': { type: 'string' },
    'insert-pages': { type: 'string' },
    vmsa: { type: 'string' },
    'zero-pages': { type: 'string' },
    '2mb-pages': { type: 'string' },
    export: { type: 'string' },
    out: { type: 'string' },
    svn: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one IGVM file');
  const file = positionals[0]!;
  const platformArg = choice(v.platform, Object.keys(PLATFORM), '--platform');
  const format = choice(v.format, ['default', 'igvmmeasure'], '--format') ?? 'default';
  const igvmmeasureFormat = format === 'igvmmeasure';
  const profile =
    choice(v.profile, SNP_PROFILES, '--profile') ?? (igvmmeasureFormat ? 'igvmmeasure' : 'igvm');
  const tdxOrder = choice(v['tdx-order'], TDX_ORDERS, '--tdx-order') as TdxOrder | undefined;
  if (igvmmeasureFormat && platformArg && !['snp', 'sev-snp', 'sev', 'sev-es'].includes(platformArg))
    throw new UsageError('--format igvmmeasure supports --platform sev-snp, sev or sev-es only');
  const efifwIndex = decimalOption(v['efifw-index'], '--efifw-index');
  if (efifwIndex !== undefined && v.fwid !== undefined)
    throw new UsageError('--efifw-index and --fwid both pick an entry: give one');
  const snp = variantOverrides(v);
  const exportFormat = exportFormatOf(v.export);
  const svn = svnOption(v.svn);
  if (!exportFormat && (v.out !== undefined || svn !== undefined)) throw new UsageError('--out and --svn go with --export');
  if (exportFormat && (igvmmeasureFormat || v.json)) throw new UsageError('--export cannot be combined with --json or --format');
  if (exportFormat && v.force) throw new UsageError('--export never writes a digest of a damaged file: drop --force');

  // A large IGVM: read into shared memory while a second thread hashes its pages (page-hash-thread.ts).
  const shared = (read.shared = io.fileSystem ? readIgvmShared(file) : undefined);
  const bytes = shared?.bytes ?? io.readFile(file);
  const kind = detectFileKind(bytes);
  let igvmBytes: Uint8Array = bytes;
  let source:
    { efifwIndex: number; fwid: string; offset: number; length: number; entries: number } | undefined;
  const containerDiagnostics: Diagnostic[] = [];
  if (kind === 'firmware') {
    io.err(
      `fukiscope measure: ${escapeText(file)} is OVMF/TDVF firmware, not an IGVM file: use \`fukiscope measure-ovmf --mode snp --ovmf FILE --vcpus N --vcpu-type T\` (SEV/SNP) or \`fukiscope tdx-mrtd FILE\` (TDX); see \`fukiscope measure-ovmf --help\`\n`,
    );
    return 2;
  }
  if (kind === 'pe') {
    const c = pickEfifw(bytes, { index: efifwIndex, fwid: v.fwid });
    appendAll(containerDiagnostics, c.diagnostics);
    if (!c.entry) {
      io.err(`fukiscope measure: ${escapeText(file)} ${c.problem}\n`);
      return 1;
    }
    if (c.entry.kind === 'firmware')
      return measureFirmwarePayload(c.entry, c.all.length, c.diagnostics, file, v.json, v.force, io);
    igvmBytes = c.entry.bytes;
    source = {
      efifwIndex: c.entry.index,
      fwid: c.entry.fwid,
      offset: c.entry.offset,
      length: c.entry.length,
      entries: c.all.length,
    };
    if (!v.json && !igvmmeasureFormat) io.out(`source: ${describeEntry(c.entry, c.all.length)}\n`);
    if (c.all.length > 1 && efifwIndex === undefined && v.fwid === undefined)
      io.err(
        `fukiscope measure: ${c.all.length} .efifw entries; measured entry ${c.entry.index} (fwid '${escapeText(c.entry.fwid)}'); pick another with --efifw-index N or --fwid ID\n`,
      );
  } else if (efifwIndex !== undefined || v.fwid !== undefined) {
    throw new UsageError('--efifw-index/--fwid apply to a FUKI (a UKI with .efifw), not to an IGVM file');
  }

  const parsed = parseIgvm(igvmBytes);
  if (!parsed.file) {
    for (const d of parsed.diagnostics) io.err(diagnosticLine(d) + '\n');
    io.err(
      `fukiscope measure: ${escapeText(file)} is not a readable IGVM file${kind === 'unknown' || kind === 'text' ? ` (detected: ${kind})` : ''}\n`,
    );
    return 1;
  }
  const wanted: IgvmPlatformTypeName | undefined = platformArg
    ? PLATFORM[platformArg]
    : igvmmeasureFormat
      ? 'SEV_SNP'
      : undefined;
  const options: MeasureOptions = {
    platforms: wanted ? [wanted] : undefined,
    snpProfile: profile as SnpProfile,
    snp,
    tdxOrder,
    checkKvm: v['check-kvm'],
    // Runs of identical steps as one entry each: a hostile size cannot make the ledger one entry per page (issue 11).
    ledger: v.ledger || (igvmmeasureFormat && v.verbose) || exportFormat === 'receipt' ? 'runs' : false,
    ...(shared && { hash: shared.backend }),
  };
  // Errors of the file itself (parse, VP contexts, the FUKI around it) block every platform's digest.
  const fileDiagnostics = [...containerDiagnostics, ...parsed.diagnostics];
  // A file with errors gets no digest, so (unless --force asks for the damaged value) it is not measured at all:
  // hostile size fields cannot make a refused file expensive.
  if (!v.force && !igvmmeasureFormat && hasErrors(fileDiagnostics)) {
    const w = withheldFor(fileDiagnostics, undefined, false)!;
    const platforms = supportedPlatformNames(parsed.file, wanted);
    if (v.json)
      io.out(
        toJson({
          file,
          ...(source && { source }),
          platforms: platforms.map((platform) => ({ platform, digest: null, withheld: w })),
          parseDiagnostics: fileDiagnostics,
        }) + '\n',
      );
    else {
      for (const d of fileDiagnostics) if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
      for (const p of platforms.length ? platforms : ['IGVM']) reportWithheld(io, 'measure', p, w);
    }
    return 1;
  }
  const results = measureIgvm(parsed.file, options);
  const gate = (r: PlatformMeasurement) =>
    withheldFor([...fileDiagnostics, ...r.diagnostics], toHex(r.digest), v.force);

  if (igvmmeasureFormat) {
    const r = results[0];
    const w =
      r && !r.diagnostics.some((d) => d.code.startsWith('KVM_') && d.severity === 'error')
        ? gate(r)
        : undefined;
    if (w) {
      for (const d of fileDiagnostics) if (d.severity === 'error') io.err(diagnosticLine(d) + '\n');
      reportWithheld(io, 'measure', `${r!.platform} launch digest`, w);
      return 1;
    }
    return printIgvmmeasure(
      r,
      file,
      { bare: v.bare, ignoreIdBlock: v['ignore-idblock'], verbose: v.verbose },
      io,
    );
  }
  if (results.length === 0) {
    io.err(`fukiscope measure: ${escapeText(file)} declares no ${wanted ?? 'measurable'} platform\n`);
    return 1;
  }
  const withheld = results.map(gate);
  if (exportFormat) {
    for (const d of [...fileDiagnostics, ...results.flatMap((r) => r.diagnostics)])
      if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
    results.forEach((r, i) => withheld[i] && reportWithheld(io, 'measure', label(r), withheld[i]));
    const given = results.filter((_, i) => !withheld[i]);
    if (given.length === 0) return 1;
    const rc = writeExport(io, 'measure', {
      format: exportFormat,
      out: v.out,
      svn,
      values: referenceValuesOfMeasurements(given),
      receipt: () => {
        if (given.length !== 1)
          throw new UsageError(
            `a measurement receipt is of one platform; this file has ${given.length} (${given.map((r) => r.platform).join(', ')}): pick one with --platform`,
          );
        const r = given[0]!;
        return measurementReceipt({
          file: { name: basename(file), size: bytes.length, sha256: toHex(sha256Of(bytes)), sha384: toHex(sha384Of(bytes)) },
          options: {
            profile: options.snpProfile ?? 'igvm',
            ...(tdxOrder && { tdxOrder }),
            ...(source && { efifwIndex: source.efifwIndex, fwid: source.fwid }),
          },
          platform: r.platform,
          label: label(r),
          algorithm: r.algorithm,
          digest: toHex(r.digest),
          profile: r.platform === 'SEV_SNP' ? r.profile : undefined,
          tdxOrder: r.tdxOrder,
          idBlock: r.idBlock && { expected: toHex(r.idBlock.ld), matches: r.idBlock.matches },
          steps: coalesceLedger(ledgerSteps(r)).map((run) => ({
            firstStep: run.firstStep,
            type: run.type,
            gpa: hex64(run.gpa),
            pages: run.count,
          })),
          stepCount: r.steps,
          diagnostics: [...fileDiagnostics, ...r.diagnostics],
        });
      },
    });
    if (rc !== 0) return rc;
    return results.some((r) => r.idBlock && !r.idBlock.matches && !v['ignore-idblock']) ? 1 : 0;
  }
  const idMismatch = !v['ignore-idblock'] && results.some((r) => r.idBlock && !r.idBlock.matches);
  if (v.json) {
    // Streamed: a large ledger is never one string in memory (issue 11 item 2).
    writeJson(
      {
        file,
        ...(source && { source }),
        platforms: results.map((r, i) => jsonOf(r, withheld[i], options.ledger !== false)),
        parseDiagnostics: [...containerDiagnostics, ...parsed.diagnostics],
      },
      (t) => io.out(t),
    );
    io.out('\n');
  } else {
    for (const d of [...fileDiagnostics, ...results.flatMap((r) => r.diagnostics)])
      if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
    results.forEach((r, i) => {
      const w = withheld[i];
      if (w) reportWithheld(io, 'measure', label(r), w);
      else printText(r, v.ledger, io);
    });
  }
  return idMismatch || withheld.some(Boolean) ? 1 : 0;
}

/**
 * A FUKI whose chosen `.efifw` entry is OVMF/TDVF firmware: the classic launch with the defaults the app's UKI view
 * uses (core measureEfifwPayload; the label says them), and the MRTD of a TDVF. For other settings: measure-ovmf.
 */
function measureFirmwarePayload(
  entry: EfifwPayloadEntry,
  of: number,
  container: Diagnostic[],
  file: string,
  json: boolean,
  force: boolean,
  io: CliIo,
): number {
  const m = measureEfifwPayload(entry);
  const all = [...container, ...m.diagnostics];
  const blocked = withheldFor(container, undefined, false);
  const rows = m.measurements.map((x) => {
    const w = blocked ?? (x.withheld && { ...x.withheld });
    return {
      platform: x.platform,
      label: x.label,
      digest: w ? null : toHex(x.digest!),
      ...(w && { withheld: force && x.digest ? { ...w, forcedDigest: toHex(x.digest) } : w }),
    };
  });
  const source = {
    efifwIndex: entry.index,
    fwid: entry.fwid,
    offset: entry.offset,
    length: entry.length,
    entries: of,
    kind: entry.kind,
  };
  if (json) io.out(toJson({ file, source, platforms: rows, parseDiagnostics: all }) + '\n');
  else {
    for (const d of all) if (d.severity !== 'info') io.err(diagnosticLine(d) + '\n');
    io.out(`source: ${describeEntry(entry, of)}\n`);
    for (const r of rows) {
      if (r.withheld) reportWithheld(io, 'measure', r.label, r.withheld);
      else io.out(`${r.label}: ${r.digest}\n`);
    }
    io.err(
      `fukiscope measure: OVMF payload measured with default launch settings; for others use \`fukiscope measure-ovmf\`\n`,
    );
  }
  return rows.length === 0 || rows.some((r) => r.withheld) ? 1 : 0;
}

/** The declared platform names (or just `wanted`), for a file that is not measured. */
function supportedPlatformNames(file: IgvmFile, wanted: IgvmPlatformTypeName | undefined): string[] {
  const names = supportedPlatforms(file)
    .map((p) => IGVM_PLATFORM_TYPE_NAME[p.platformType])
    .filter((n): n is IgvmPlatformTypeName => n !== undefined);
  return wanted ? names.filter((n) => n === wanted) : names;
}

function label(r: PlatformMeasurement): string {
  const how = r.profile
    ? `profile ${r.profile}`
    : r.tdxOrder
      ? `order ${r.tdxOrder}`
      : r.toolBehaviour
        ? 'igvmmeasure tool behaviour'
        : '';
  return `${r.platform} (mask 0x${r.compatibilityMask.toString(16)}, ${r.algorithm}${how ? ', ' + how : ''})`;
}

function printText(r: PlatformMeasurement, ledger: boolean, io: CliIo): void {
  io.out(`${label(r)}: ${toHex(r.digest)}\n`);
  if (r.idBlock && !r.idBlock.matches)
    io.err(`SNP ID block #${r.idBlock.headerIndex}: ld ${toHex(r.idBlock.ld)} does not match\n`);
  else if (r.idBlock) io.out(`  SNP ID block ld matches\n`);
  if (!ledger) return;
  io.out(`  ${r.steps} steps; runs (first step, headers, gpa, bytes, type, value after):\n`);
  for (const run of coalesceLedger(ledgerSteps(r))) {
    const headers =
      run.firstHeader === run.lastHeader ? `#${run.firstHeader}` : `#${run.firstHeader}-#${run.lastHeader}`;
    io.out(
      `  ${String(run.firstStep).padStart(6)}  ${headers.padEnd(13)} 0x${run.gpa.toString(16).padStart(12, '0')}  0x${run.bytes.toString(16).padEnd(8)} ${run.type.padEnd(19)} ${run.value ? toHex(run.value) : ''}\n`,
    );
  }
}

/** The ledger, from the SNP engine step by step when there is one: never a list of every page (issue 11). */
function ledgerSteps(r: PlatformMeasurement): Iterable<LedgerEntry> {
  return r.chain ? r.chain.ledgerEntries() : (r.ledger ?? []);
}

function jsonOf(
  r: PlatformMeasurement,
  withheld: CliWithheld | undefined,
  withLedger: boolean,
): Record<string, unknown> {
  return {
    platform: r.platform,
    compatibilityMask: r.compatibilityMask,
    algorithm: r.algorithm,
    // null, never a value, when the file has errors; `withheld` says why (forcedDigest only with --force).
    digest: withheld ? null : toHex(r.digest),
    ...(withheld && { withheld }),
    steps: r.steps,
    profile: r.profile,
    snpOptions: r.snpOptions,
    tdxOrder: r.tdxOrder,
    toolBehaviour: r.toolBehaviour,
    // A damaged file's ID block is not shown either: its ld is a digest-shaped value a script could take for one.
    idBlock: !withheld &&
      r.idBlock && {
        headerIndex: r.idBlock.headerIndex,
        ld: toHex(r.idBlock.ld),
        matches: r.idBlock.matches,
      },
    ledger:
      !withheld && withLedger
        ? ledgerJsonSteps(r.chain ? compactLedgerSteps(r.chain.ledgerEntries()) : ledgerSteps(r))
        : undefined,
    runs: !withheld && withLedger ? coalesceLedger(ledgerSteps(r)) : undefined,
    diagnostics: r.diagnostics,
  };
}

/** igvmmeasure's `measure` output and failure modes (§16.2, §16.3). */
/** igvmmeasure's page-type names in its `--verbose` log (§16.4). */
const IGVMMEASURE_TYPE: Record<string, string> = {
  NORMAL: 'Normal',
  UNMEASURED: 'Unmeasured',
  ZERO: 'Zero',
  SECRETS: 'Secrets',
  CPUID: 'Cpuid',
  VMSA: 'VMSA',
};

function printIgvmmeasure(
  r: PlatformMeasurement | undefined,
  file: string,
  { bare, ignoreIdBlock, verbose }: { bare: boolean; ignoreIdBlock: boolean; verbose: boolean },
  io: CliIo,
): number {
  if (!r) {
    io.err('Error: "IGVM file is not compatible with the specified platform."\n');
    return 1;
  }
  const kvm: Diagnostic | undefined = r.diagnostics.find(
    (d) => d.code.startsWith('KVM_') && d.severity === 'error',
  );
  if (kvm) {
    io.err(`Error: ${kvm.message}\n`);
    return 1;
  }
  if (verbose) {
    // SEV/SEV-ES mode logs every page as Normal (§16.4).
    const entries =
      r.platform === 'SEV_SNP'
        ? ledgerSteps(r)
        : Array.from(ledgerSteps(r), (e) => ({ ...e, type: 'NORMAL' }));
    for (const run of coalesceLedger(entries, false))
      io.out(
        `gpa 0x${run.gpa.toString(16)} len 0x${run.bytes.toString(16)} (${IGVMMEASURE_TYPE[run.type] ?? run.type} page)\n`,
      );
  }
  const hex = toHex(r.digest).toUpperCase();
  io.out(bare ? `${hex}\n` : `\n${EQUALS}\nigvmmeasure '${file}'\nLaunch Digest: ${hex}\n${EQUALS}\n\n`);
  if (r.platform === 'SEV_SNP' && !ignoreIdBlock && r.idBlock && !r.idBlock.matches) {
    io.err(
      'Error: An ID block has been provided in the IGVM file but the calculated measurement does not match the expected ' +
        `measurement in the ID block. \nExpected: ${toHex(r.idBlock.ld).toUpperCase()}\n`,
    );
    return 1;
  }
  return 0;
}

export const measureCommand: Command = {
  usage,
  run,
};

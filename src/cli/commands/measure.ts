// `fukiscope measure FILE`: launch measurements of an IGVM file per platform (igvm-format-and-measurement.md §14–§16),
// optionally with the step ledger, or printed exactly like coconut-svsm's igvmmeasure (§16.2).
import { parseArgs } from 'node:util';
import { toHex } from '../../core/bytes/bytes';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../../core/diagnostics';
import { parseIgvm, type IgvmPlatformTypeName } from '../../core/igvm';
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
import { UsageError, type CliIo } from '../io';
import { writeJson } from '../json-stream';

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
                         [--format igvmmeasure [--bare] [--ignore-idblock] [--verbose]]

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
Exit status 1 when the file cannot be parsed, a check fails or an ID block's ld does not match.`;

const EQUALS = '='.repeat(111);

function choice<T extends string>(v: string | undefined, allowed: readonly T[], opt: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${opt} must be one of ${allowed.join(', ')}`);
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
  const { values: v, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
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
      'shared-pages': { type: 'string' },
      'insert-pages': { type: 'string' },
      vmsa: { type: 'string' },
      'zero-pages': { type: 'string' },
      '2mb-pages': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('expected exactly one IGVM file');
  const file = positionals[0]!;
  const platformArg = choice(v.platform, Object.keys(PLATFORM), '--platform');
  const format = choice(v.format, ['default', 'igvmmeasure'], '--format') ?? 'default';
  const igvmmeasureFormat = format === 'igvmmeasure';
  const profile = choice(v.profile, SNP_PROFILES, '--profile') ?? (igvmmeasureFormat ? 'igvmmeasure' : 'igvm');
  const tdxOrder = choice(v['tdx-order'], TDX_ORDERS, '--tdx-order') as TdxOrder | undefined;
  if (igvmmeasureFormat && platformArg && !['snp', 'sev-snp', 'sev', 'sev-es'].includes(platformArg))
    throw new UsageError('--format igvmmeasure supports --platform sev-snp, sev or sev-es only');

  const parsed = parseIgvm(io.readFile(file));
  if (!parsed.file) {
    for (const d of parsed.diagnostics) io.err(formatDiagnostic(d) + '\n');
    io.err(`fukiscope measure: ${file} is not a readable IGVM file\n`);
    return 1;
  }
  const wanted: IgvmPlatformTypeName | undefined = platformArg ? PLATFORM[platformArg] : igvmmeasureFormat ? 'SEV_SNP' : undefined;
  const options: MeasureOptions = {
    platforms: wanted ? [wanted] : undefined,
    snpProfile: profile as SnpProfile,
    snp: variantOverrides(v),
    tdxOrder,
    checkKvm: v['check-kvm'],
    // Runs of identical steps as one entry each: a hostile size cannot make the ledger one entry per page (issue 11).
    ledger: v.ledger || (igvmmeasureFormat && v.verbose) ? 'runs' : false,
  };
  const results = measureIgvm(parsed.file, options);

  if (igvmmeasureFormat) return printIgvmmeasure(results[0], file, { bare: v.bare, ignoreIdBlock: v['ignore-idblock'], verbose: v.verbose }, io);
  if (results.length === 0) {
    io.err(`fukiscope measure: ${file} declares no ${wanted ?? 'measurable'} platform\n`);
    return 1;
  }
  const diagnostics = [...parsed.diagnostics, ...results.flatMap((r) => r.diagnostics)];
  const idMismatch = !v['ignore-idblock'] && results.some((r) => r.idBlock && !r.idBlock.matches);
  if (v.json) {
    writeJson({ file, platforms: results.map((r) => jsonOf(r, options.ledger !== false)), parseDiagnostics: parsed.diagnostics }, (t) => io.out(t));
    io.out('\n');
  } else {
    for (const d of diagnostics) if (d.severity !== 'info') io.err(formatDiagnostic(d) + '\n');
    for (const r of results) printText(r, results.length === 1 && platformArg !== undefined, v.ledger, io);
  }
  return idMismatch || hasErrors(results.flatMap((r) => r.diagnostics)) ? 1 : 0;
}

function label(r: PlatformMeasurement): string {
  const how = r.profile ? `profile ${r.profile}` : r.tdxOrder ? `order ${r.tdxOrder}` : r.toolBehaviour ? 'igvmmeasure tool behaviour' : '';
  return `${r.platform} (mask 0x${r.compatibilityMask.toString(16)}, ${r.algorithm}${how ? ', ' + how : ''})`;
}

function printText(r: PlatformMeasurement, bare: boolean, ledger: boolean, io: CliIo): void {
  io.out(bare ? `${toHex(r.digest)}\n` : `${label(r)}: ${toHex(r.digest)}\n`);
  if (r.idBlock && !r.idBlock.matches) io.err(`SNP ID block #${r.idBlock.headerIndex}: ld ${toHex(r.idBlock.ld)} does not match\n`);
  else if (r.idBlock && !bare) io.out(`  SNP ID block ld matches\n`);
  if (!ledger) return;
  io.out(`  ${r.steps} steps; runs (first step, headers, gpa, bytes, type, value after):\n`);
  for (const run of coalesceLedger(ledgerSteps(r))) {
    const headers = run.firstHeader === run.lastHeader ? `#${run.firstHeader}` : `#${run.firstHeader}-#${run.lastHeader}`;
    io.out(
      `  ${String(run.firstStep).padStart(6)}  ${headers.padEnd(13)} 0x${run.gpa.toString(16).padStart(12, '0')}  0x${run.bytes.toString(16).padEnd(8)} ${run.type.padEnd(19)} ${run.value ? toHex(run.value) : ''}\n`,
    );
  }
}

/** The ledger, from the SNP engine step by step when there is one: never a list of every page (issue 11). */
function ledgerSteps(r: PlatformMeasurement): Iterable<LedgerEntry> {
  return r.chain ? r.chain.ledgerEntries() : (r.ledger ?? []);
}

function jsonOf(r: PlatformMeasurement, withLedger: boolean): Record<string, unknown> {
  return {
    platform: r.platform,
    compatibilityMask: r.compatibilityMask,
    algorithm: r.algorithm,
    digest: toHex(r.digest),
    steps: r.steps,
    profile: r.profile,
    snpOptions: r.snpOptions,
    tdxOrder: r.tdxOrder,
    toolBehaviour: r.toolBehaviour,
    idBlock: r.idBlock && { headerIndex: r.idBlock.headerIndex, ld: toHex(r.idBlock.ld), matches: r.idBlock.matches },
    ledger: withLedger ? ledgerJsonSteps(r.chain ? compactLedgerSteps(r.chain.ledgerEntries()) : ledgerSteps(r)) : undefined,
    runs: withLedger ? coalesceLedger(ledgerSteps(r)) : undefined,
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
  const kvm: Diagnostic | undefined = r.diagnostics.find((d) => d.code.startsWith('KVM_') && d.severity === 'error');
  if (kvm) {
    io.err(`Error: ${kvm.message}\n`);
    return 1;
  }
  if (verbose) {
    // SEV/SEV-ES mode logs every page as Normal (§16.4).
    const entries = r.platform === 'SEV_SNP' ? ledgerSteps(r) : Array.from(ledgerSteps(r), (e) => ({ ...e, type: 'NORMAL' }));
    for (const run of coalesceLedger(entries, false))
      io.out(`gpa 0x${run.gpa.toString(16)} len 0x${run.bytes.toString(16)} (${IGVMMEASURE_TYPE[run.type] ?? run.type} page)\n`);
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

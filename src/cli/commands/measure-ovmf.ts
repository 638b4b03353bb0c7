// `fukiscope measure-ovmf`: classic QEMU `-bios` SEV / SEV-ES / SEV-SNP launch digests with the options, value
// spellings, checks and output of virtee/sev-snp-measure (fuki-uki-kernel-hashes.md §4.4–§4.5).
import { parseArgs } from 'node:util';
import { fromHex, toHex } from '../../core/bytes/bytes';
import { measureClassic, measureSvsm, type ClassicResult } from '../../core/classic';
import { kernelHashes } from '../../core/kernel-hashes/kernel-hashes';
import { parseIntLiteral } from '../../core/settings/int-literal';
import { parseMeasureSettings } from '../../core/settings/launch-settings';
import { refuseInvalidSettings } from '../setting-options';
import { cpuSig, VCPU_TYPE_NAMES, VCPU_TYPES } from '../../core/vmsa/vcpu-types';
import { VMM_TYPES, type VmmType } from '../../core/vmsa/build';
import type { Command } from '../commands';
import { diagnosticLine } from '../escape';
import { parseFirmware } from '../../core/firmware/firmware';
import { reportWithheld, withheldFor } from '../digest-gate';
import { decimalOption } from '../options';
import { checkOutputPaths } from '../outputs';
import { fileDigest, toJson, UsageError, type CliIo } from '../io';

const MODES = ['sev', 'seves', 'snp', 'snp:ovmf-hash', 'snp:svsm'] as const;
type Mode = (typeof MODES)[number];
/** sev-snp-measure's verbose names (SevMode enum). */
const MODE_NAME: Record<Mode, string> = {
  'snp:svsm': 'SEV_SNP_SVSM',
  sev: 'SEV',
  seves: 'SEV_ES',
  snp: 'SEV_SNP',
  'snp:ovmf-hash': 'SEV_SNP',
};

const usage = `Usage: fukiscope measure-ovmf --mode MODE --ovmf PATH [options]

Classic QEMU -bios launch digest of OVMF (+ kernel-hashes table), like sev-snp-measure.

  --mode {sev,seves,snp,snp:ovmf-hash,snp:svsm}   guest mode (required)
  --ovmf PATH                OVMF image (required)
  --vcpus N                  number of vCPUs (required except in sev mode)
  --vcpu-type CPUTYPE        ${VCPU_TYPE_NAMES.join(', ')}
  --vcpu-sig VALUE           vCPU signature (CPUID 1 EAX; 0x.. accepted)
  --vcpu-family N --vcpu-model N --vcpu-stepping N   signature from family/model/stepping
  --vmm-type VMMTYPE         QEMU (default), ec2, gce
  --guest-features VALUE     SNP SEV_FEATURES of the VMSAs (default 0x1; 0x21 = with DebugSwap)
  --kernel PATH --initrd PATH --append CMDLINE   direct boot with kernel-hashes=on
  --snp-ovmf-hash HEX        SNP: start from this precomputed OVMF hash (see --mode snp:ovmf-hash)
  --svsm PATH                snp:svsm: the coconut-svsm image (mapped below the OVMF variable store)
  --vars-size SIZE | --vars-file PATH   snp:svsm: size of the OVMF variable store
  --output-format {hex,base64}   digest format (default hex)
  --dump-vmsa                write the measured VMSAs to vmsa<N>.bin (seves, snp, snp:svsm)
  -v, --verbose              print "Calculated <MODE> guest measurement: <digest>"
  --force                    a damaged firmware (error diagnostics) gets no digest; with --force the value computed
                             from it is printed to stderr, labelled "computed from a damaged file" (exit status 1)
  --ledger                   with --json: include every measured step (GPA, page type, contents hash)
  --json                     machine-readable output`;

/** Python `int(s, 0)` (the core's parseIntLiteral, shared with the worker and UI); a usage error when invalid. */
export function parsePythonInt(s: string, option: string): bigint {
  const v = parseIntLiteral(s);
  if (v === undefined) throw new UsageError(`${option}: invalid int value '${s}'`);
  return v;
}

/** A decimal count (vCPUs, family/model/stepping, variable-store size): digits only, no blanks, sign or exponent. */
function parseDecimal(s: string | undefined, option: string): number | undefined {
  return decimalOption(s, option);
}

function printDiagnostics(result: AnyResult, io: CliIo): void {
  for (const d of result.diagnostics) {
    if (d.severity === 'error') io.err(`Error: ${d.message}\n`);
    else if (d.severity === 'warning') io.err(`${diagnosticLine(d)}\n`);
  }
}

/** The classic launch's inputs and settings, as sev-snp-measure names them (also taken by `fukiscope verify --ovmf`). */
export const OVMF_LAUNCH_OPTIONS = {
  vcpus: { type: 'string' },
  'vcpu-type': { type: 'string' },
  'vcpu-sig': { type: 'string' },
  'vcpu-family': { type: 'string' },
  'vcpu-model': { type: 'string' },
  'vcpu-stepping': { type: 'string' },
  'vmm-type': { type: 'string' },
  ovmf: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  append: { type: 'string' },
  'guest-features': { type: 'string' },
} as const;

const OPTIONS = {
  mode: { type: 'string' },
  ...OVMF_LAUNCH_OPTIONS,
  'output-format': { type: 'string', default: 'hex' },
  'snp-ovmf-hash': { type: 'string' },
  'dump-vmsa': { type: 'boolean', default: false },
  svsm: { type: 'string' },
  'vars-size': { type: 'string' },
  'vars-file': { type: 'string' },
  verbose: { type: 'boolean', short: 'v', default: false },
  ledger: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; options: typeof OPTIONS }>
>['values'];
type Warn = (message: string) => void;
/** What every mode returns: ClassicResult, or the SVSM variant of it. */
type AnyResult = Omit<ClassicResult, 'mode'> & { mode: string };

/** `--vcpu-family`, then `--vcpu-sig`, then `--vcpu-type`, as sev-snp-measure's get_vcpu_sig. */
function resolveVcpuSig(v: Values, mode: Mode, vmm: VmmType, warn: Warn): number | undefined {
  const rawSig = v['vcpu-sig'] !== undefined ? parsePythonInt(v['vcpu-sig'], '--vcpu-sig') : undefined;
  if (rawSig !== undefined && (rawSig < 0n || rawSig > 0xffffffffn))
    throw new UsageError('--vcpu-sig must fit in 32 bits');
  const family = parseDecimal(v['vcpu-family'], '--vcpu-family');
  const model = parseDecimal(v['vcpu-model'], '--vcpu-model');
  const stepping = parseDecimal(v['vcpu-stepping'], '--vcpu-stepping');
  if (family === undefined && (model !== undefined || stepping !== undefined))
    warn('--vcpu-model/--vcpu-stepping are ignored without --vcpu-family');
  if (family !== undefined) {
    if (model === undefined || stepping === undefined)
      throw new UsageError('--vcpu-family needs --vcpu-model and --vcpu-stepping');
    if (rawSig !== undefined || v['vcpu-type'])
      warn('--vcpu-family takes precedence over --vcpu-sig/--vcpu-type, which are ignored');
    return cpuSig(family, model, stepping);
  }
  if (rawSig !== undefined) {
    if (v['vcpu-type']) warn('--vcpu-sig takes precedence over --vcpu-type, which is ignored');
    return Number(rawSig);
  }
  if (v['vcpu-type']) return VCPU_TYPES[v['vcpu-type']];
  if (mode !== 'sev' && vmm === 'QEMU')
    throw new UsageError(`missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode '${mode}'`);
  return undefined;
}

function runOvmfHash(v: Values, io: CliIo, warn: Warn): ClassicResult {
  // sev-snp-measure answers this mode before looking at any other option.
  const ignored = [
    'vcpus',
    'vcpu-type',
    'vcpu-sig',
    'vcpu-family',
    'kernel',
    'initrd',
    'append',
    'guest-features',
    'snp-ovmf-hash',
    'vmm-type',
    'svsm',
  ] as const;
  for (const o of ignored)
    if (v[o] !== undefined)
      warn(`--${o} is ignored in mode 'snp:ovmf-hash' (it only hashes the firmware pages)`);
  if (v['dump-vmsa']) warn("--dump-vmsa is ignored in mode 'snp:ovmf-hash' (no VMSA is measured)");
  if (v.verbose || v['output-format'] !== 'hex') warn("mode 'snp:ovmf-hash' always prints plain hex");
  return measureClassic({ mode: 'snp:ovmf-hash', firmware: io.readFile(v.ovmf!) });
}

function runSvsm(
  v: Values,
  io: CliIo,
  warn: Warn,
  vcpus: number,
  vcpuSig: number | undefined,
  vmm: VmmType,
): AnyResult {
  if (v['vars-size'] !== undefined && v['vars-file'] !== undefined)
    throw new UsageError('argument --vars-file: not allowed with argument --vars-size');
  const varsSize =
    v['vars-file'] !== undefined
      ? io.readFile(v['vars-file']).length
      : parseDecimal(v['vars-size'], '--vars-size');
  if (!varsSize) throw new UsageError('snp:svsm mode requires --vars-size or --vars-file');
  if (!v.svsm) throw new UsageError('snp:svsm mode requires --svsm');
  if (vmm !== 'QEMU') throw new UsageError('SVSM mode is only implemented for QEMU');
  if (v['snp-ovmf-hash'] !== undefined) throw new UsageError('SNP OVMF hash only works with SNP');
  for (const o of ['kernel', 'initrd', 'append'] as const)
    if (v[o] !== undefined) warn(`--${o} is ignored in mode 'snp:svsm'`);
  if (v['guest-features'] !== undefined)
    warn("--guest-features is ignored in mode 'snp:svsm' (its VMSAs carry SEV_FEATURES 0x1)");
  return measureSvsm({
    ovmf: io.readFile(v.ovmf!),
    svsm: io.readFile(v.svsm),
    varsSize,
    vcpus,
    vcpuSig: vcpuSig ?? 0,
  });
}

/**
 * `io` reading each path once, and each firmware image parsed once: the measurement and the file-error gate below
 * share both (they read and parsed the OVMF twice: ~1 ms per 4 MiB image, issue 16).
 */
function onceIo(io: CliIo): { io: CliIo; parsed: (path: string) => ReturnType<typeof parseFirmware> } {
  const files = new Map<string, ReturnType<CliIo['readFile']>>();
  const parses = new Map<string, ReturnType<typeof parseFirmware>>();
  const readFile = (path: string) => {
    let b = files.get(path);
    if (!b) files.set(path, (b = io.readFile(path)));
    return b;
  };
  const once: CliIo = { ...io, readFile };
  const parsed = (path: string) => {
    let p = parses.get(path);
    if (!p) parses.set(path, (p = parseFirmware(readFile(path))));
    return p;
  };
  return { io: once, parsed };
}

async function run(args: string[], rawIo: CliIo): Promise<number> {
  const { io, parsed } = onceIo(rawIo);
  const { values: v } = parseArgs({ args, strict: true, options: OPTIONS });
  if (!v.mode) throw new UsageError('the following arguments are required: --mode');
  if (!(MODES as readonly string[]).includes(v.mode))
    throw new UsageError(`argument --mode: invalid choice: '${v.mode}' (choose from ${MODES.join(', ')})`);
  const mode = v.mode as Mode;
  if (!v.ovmf) throw new UsageError('the following arguments are required: --ovmf');
  if (v['vcpu-type'] !== undefined && VCPU_TYPES[v['vcpu-type']] === undefined) {
    throw new UsageError(
      `argument --vcpu-type: invalid choice: '${v['vcpu-type']}' (choose from ${VCPU_TYPE_NAMES.join(', ')})`,
    );
  }
  if (v['output-format'] !== 'hex' && v['output-format'] !== 'base64')
    throw new UsageError(`argument --output-format: invalid choice: '${v['output-format']}'`);
  const warn: Warn = (msg) => io.err(`warning: ${msg}\n`);

  let result: AnyResult;
  if (mode === 'snp:ovmf-hash') {
    result = runOvmfHash(v, io, warn);
  } else {
    if (v.initrd && !v.kernel) throw new UsageError('--kernel required when using --initrd');
    if (v.append && !v.kernel) throw new UsageError('--kernel required when using --append');
    const vcpus = parseDecimal(v.vcpus, '--vcpus');
    if (mode !== 'sev' && vcpus === undefined)
      throw new UsageError(`missing --vcpus N in guest mode '${mode}'`);
    const vmmName = v['vmm-type'] ?? 'QEMU';
    if (!(VMM_TYPES as readonly string[]).includes(vmmName))
      throw new UsageError(`unknown VMM type '${vmmName}' (choose from ${VMM_TYPES.join(', ')})`);
    const vmm = vmmName as VmmType;
    // Then the core's settings parser, whose limits the worker's measure panel and the composer apply too: an
    // option the sev-snp-measure-compatible checks above let through (0 or more than KVM_MAX_VCPUS vCPUs) is
    // refused here as it is there, with the same code.
    const core = parseMeasureSettings({
      vcpus: mode === 'sev' ? undefined : v.vcpus,
      vmm: vmmName,
      guestFeatures: mode === 'snp' ? v['guest-features'] : undefined,
    });
    refuseInvalidSettings(core);
    const vcpuSig = resolveVcpuSig(v, mode, vmm, warn);
    if (v['dump-vmsa'] && mode === 'sev')
      throw new UsageError('--dump-vmsa is not available in the selected mode');
    if (mode === 'snp:svsm') {
      result = runSvsm(v, io, warn, vcpus!, vcpuSig, vmm);
    } else {
      const guestFeatures =
        v['guest-features'] !== undefined
          ? parsePythonInt(v['guest-features'], '--guest-features')
          : undefined;
      if (guestFeatures !== undefined && (guestFeatures < 0n || guestFeatures >= 1n << 64n))
        throw new UsageError('--guest-features must fit in 64 bits');
      // Only their SHA-256s enter the measurement: kernel and initrd are hashed as they are read, never held.
      const kernel = v.kernel
        ? kernelHashes({
            kernel: { sha256: fileDigest(io, v.kernel, 'sha256') },
            initrd: v.initrd ? { sha256: fileDigest(io, v.initrd, 'sha256') } : undefined,
            append: v.append,
          })
        : undefined;
      const snpOvmfHash =
        v['snp-ovmf-hash'] !== undefined ? hexOption(v['snp-ovmf-hash'], '--snp-ovmf-hash') : undefined;
      const vmmOption = v['vmm-type'] === undefined ? undefined : vmm;
      const firmware = io.readFile(v.ovmf);
      result = measureClassic({
        mode,
        firmware,
        parsed: parsed(v.ovmf),
        vcpus,
        vcpuSig,
        vmm: vmmOption,
        guestFeatures,
        kernel,
        snpOvmfHash,
      });
    }
  }
  // Errors of the firmware image itself (its parse, including tables this mode does not use) or of the
  // measurement withhold the digest (issue 10).
  const fileErrors = [v.ovmf, v.svsm]
    .filter((p): p is string => Boolean(p))
    .flatMap((p) =>
      parsed(p).diagnostics.filter(
        (d) =>
          d.severity === 'error' &&
          !result.diagnostics.some((x) => x.code === d.code && x.offset === d.offset),
      ),
    );
  const withheld = result.digest
    ? withheldFor([...fileErrors, ...result.diagnostics], toHex(result.digest), v.force)
    : undefined;
  if (v['dump-vmsa'] && result.digest && !withheld && result.vmsas.length) {
    const files = result.vmsas.map((_, i) => `vmsa${i}.bin`);
    checkOutputPaths(
      [v.ovmf, v.svsm, v.kernel, v.initrd, v['vars-file']],
      files.map((path) => ({ option: '--dump-vmsa', path })),
    );
    result.vmsas.forEach((page, i) => io.writeFile(files[i]!, page));
  }

  if (v.json) {
    const report = jsonReport(result, v.ledger && !withheld);
    io.out(
      toJson(
        withheld
          ? { ...report, digest: null, withheld, diagnostics: [...fileErrors, ...result.diagnostics] }
          : report,
      ) + '\n',
    );
    return result.digest && !withheld ? 0 : 1;
  }
  for (const d of fileErrors) io.err(`${diagnosticLine(d)}\n`);
  printDiagnostics(result, io);
  if (!result.digest) return 1;
  if (withheld) {
    reportWithheld(io, 'measure-ovmf', `${MODE_NAME[mode]} launch digest`, withheld);
    return 1;
  }
  if (mode === 'snp:ovmf-hash') {
    // sev-snp-measure prints this mode's hash as bare hex, whatever -v and --output-format say.
    io.out(`${toHex(result.digest)}\n`);
    return 0;
  }
  const text = v['output-format'] === 'base64' ? base64(result.digest) : toHex(result.digest);
  io.out(v.verbose ? `Calculated ${MODE_NAME[mode]} guest measurement: ${text}\n` : `${text}\n`);
  return 0;
}

function hexOption(s: string, option: string) {
  try {
    return fromHex(s);
  } catch {
    throw new UsageError(`${option}: not a hex string`);
  }
}

function base64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function jsonReport(r: AnyResult, withLedger: boolean) {
  const bySource: Record<string, number> = {};
  for (const s of r.steps) bySource[s.source] = (bySource[s.source] ?? 0) + 1;
  return {
    mode: r.mode,
    digest: r.digest,
    algorithm: r.algorithm,
    vcpus: r.vmsas.length,
    kernelHashesTable: r.kernelHashesTable,
    stepCounts: bySource,
    steps: withLedger
      ? r.steps.map((s) => ({ ...s, digestAfter: undefined, digest: s.digestAfter }))
      : undefined,
    diagnostics: r.diagnostics,
  };
}

export const measureOvmfCommand: Command = {
  usage,
  run,
};

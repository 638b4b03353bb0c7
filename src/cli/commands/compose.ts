// `fukiscope compose`: firmware + kernel + initrd + command line (or a UKI with add-ons) → an IGVM with the
// kernel-hashes page, optionally embedded in a FUKI PE as `.efifw`, with a receipt of every digest
// (fuki-uki-kernel-hashes.md §5.2, §1.5, §1.6).
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { toHex } from '../../core/bytes/bytes';
import { Diagnostics, hasErrors, type Diagnostic } from '../../core/diagnostics';
import {
  addonMatrix,
  buildFukiPe,
  combineIgvmWithUki,
  ComposeSession,
  composeProfileOf,
  directBootBlobs,
  FUKI_PROFILES,
  kernelInputDiagnostics,
  ukiBootBlobs,
  type BootBlobs,
  igvmFirmwareReceipt,
  type ComposeSettings,
  type Receipt,
  type ReceiptBlob,
} from '../../core/fuki';
import { parseComposeSettings } from '../../core/settings';
import { parseIgvm } from '../../core/igvm/parse';
import { measureIgvm } from '../../core/measure/measure-igvm';
import type { AddonInput } from '../../core/uki/addons';
import { VMM_TYPES } from '../../core/vmsa/build';
import { VCPU_TYPE_NAMES } from '../../core/vmsa/vcpu-types';
import type { Command } from '../commands';
import { diagnosticLine } from '../escape';
import { isValidFwid } from '../../core/uki/efifw';
import { reportWithheld, withheldFor } from '../digest-gate';
import { escapeText } from '../escape';
import { toJson, UsageError, type CliIo } from '../io';
import { checkOutputPaths, OutputPlan } from '../outputs';
import { nodeHashBackend } from '../node-hash';
import { parsePythonInt } from './measure-ovmf';
import { refuseInvalidSettings, SETTING_OPTION } from '../setting-options';
import { appendAll } from '../../core/append';

const usage = `Usage: fukiscope compose --firmware FW (--kernel K [--initrd I] [--cmdline S] | --uki U [--addon A]...)
                         --igvm-out OUT.igvm [options]

Builds an IGVM holding the firmware, its SEV metadata pages and the QEMU kernel-hashes page (SNP), and the
TDVF sections (TDX), and prints the launch digests it produces.

  --firmware PATH            OVMF image with SEV metadata (AmdSev build or OVMF >= edk2-stable202511) or TDVF
  --kernel PATH              kernel (bzImage) for direct boot
  --initrd PATH              initrd (repeatable: concatenated in order)
  --cmdline STRING           kernel command line (or @FILE to read it from a file)
  --uki PATH                 take kernel, initrd and command line from a UKI instead
  --addon PATH               UKI add-on applied to the command line/initrd (repeatable; global scope)
  --addon-matrix             also compute every combination of the given add-ons
  --profile P                ${FUKI_PROFILES.join(' | ')} (default qemu-igvm)
  --platform P               snp | tdx (repeatable; default: all the firmware supports)
  --vcpus N                  vCPUs (default 1)
  --vcpu-type T              ${VCPU_TYPE_NAMES.join(', ')} (default EPYC-v4)
  --vcpu-sig VALUE           vCPU signature instead of --vcpu-type
  --vmm-type T               ${VMM_TYPES.join(', ')} (classic-equivalent only; default QEMU)
  --guest-features VALUE     SEV_FEATURES (default 0x1; qemu-igvm requires 0x1)
  --policy VALUE             SNP guest policy (default 0x30000)
  --igvm-out PATH            write the IGVM here (required)
  --fuki-out PATH            also write a FUKI PE: the IGVM as .efifw in a UKI
  --stub PATH                systemd-stub for --fuki-out with --kernel (with --uki the UKI itself is extended)
  --os-release PATH          .osrel for a FUKI built from a stub
  --fwid ID                  firmware-ID in the .efifw header (default: fukiscope)
  --hwid CHID                with --fuki-out: a .hwids uefi-fw entry binding this CHID to the fwid (repeatable;
                             e.g. from systemd-analyze chid / fwupdtool hwids; merged into an existing .hwids)
  --hwid-name NAME           the .hwids device name (default: the fwid)
  --shim PATH                IGVM-firmware route: shim to add next to the UKI
  --db-cert PATH             IGVM-firmware route: DER certificate for db (repeatable)
  --db-hashes                IGVM-firmware route: Authenticode SHA-256 of shim and UKI into db
  --blob-base GPA            IGVM-firmware route: GPA of the first blob (default 0x4000000)
  --receipt PATH             write the receipt (JSON)

When --firmware is itself an IGVM (e.g. one this command made without --kernel), the IGVM-firmware route runs
instead: the UKI (--uki, or --kernel as any EFI binary) is added as measured pages described by edk2 IGVM data
HOBs in the firmware's HOB area, as virtfw-igvm-tools' igvm-update does (fuki §5.4).
  --json                     print the receipt instead of the summary`;

const OPTIONS = {
  firmware: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string', multiple: true },
  cmdline: { type: 'string' },
  uki: { type: 'string' },
  addon: { type: 'string', multiple: true },
  'addon-matrix': { type: 'boolean' },
  profile: { type: 'string' },
  platform: { type: 'string', multiple: true },
  vcpus: { type: 'string' },
  'vcpu-type': { type: 'string' },
  'vcpu-sig': { type: 'string' },
  'vmm-type': { type: 'string' },
  'guest-features': { type: 'string' },
  policy: { type: 'string' },
  'igvm-out': { type: 'string' },
  'fuki-out': { type: 'string' },
  stub: { type: 'string' },
  'os-release': { type: 'string' },
  fwid: { type: 'string' },
  hwid: { type: 'string', multiple: true },
  'hwid-name': { type: 'string' },
  receipt: { type: 'string' },
  json: { type: 'boolean' },
  shim: { type: 'string' },
  'db-cert': { type: 'string', multiple: true },
  'db-hashes': { type: 'boolean' },
  'blob-base': { type: 'string' },
} as const;

const IGVM_MAGIC_BYTES = [0x49, 0x47, 0x56, 0x4d]; // "IGVM" (igvm-format §2.1)

function blobOf(bytes: Uint8Array): ReceiptBlob {
  return {
    size: bytes.length,
    sha256: toHex(nodeHashBackend.digest('sha256', bytes)),
    sha384: toHex(nodeHashBackend.digest('sha384', bytes)),
  };
}

function runIgvmFirmwareRoute(
  v: Record<string, unknown>,
  firmware: Uint8Array,
  io: CliIo,
  plan: OutputPlan,
): number {
  const efi = (v.uki ?? v.kernel) as string | undefined;
  if (!efi) throw new UsageError('the IGVM-firmware route needs --uki (or --kernel with any EFI binary)');
  const blobBase = v['blob-base'] ? parsePythonInt(String(v['blob-base']), '--blob-base') : undefined;
  const kernel = io.readFile(efi);
  const shim = v.shim ? io.readFile(String(v.shim)) : undefined;
  const inputDiagnostics: Diagnostic[] = [
    ...parseIgvm(firmware)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => ({ ...d, message: `firmware IGVM: ${d.message}` })),
    ...kernelInputDiagnostics(kernel, 'EFI binary'),
    ...(shim ? kernelInputDiagnostics(shim, 'shim') : []),
  ];
  if (hasErrors(inputDiagnostics)) {
    printDiagnostics(inputDiagnostics, io);
    reportWithheld(io, 'compose', 'launch digests', withheldFor(inputDiagnostics, undefined, false)!);
    return 1;
  }
  const r = combineIgvmWithUki(
    {
      igvm: firmware,
      kernel,
      shim,
      dbCerts: ((v['db-cert'] as string[] | undefined) ?? []).map((p) => io.readFile(p)),
      dbHashes: Boolean(v['db-hashes']),
      blobBase,
    },
    nodeHashBackend,
  );
  printDiagnostics(r.diagnostics, io);
  if (!r.igvm || hasErrors(r.diagnostics)) return 1;
  const parsed = parseIgvm(r.igvm);
  const measurements = parsed.file ? measureIgvm(parsed.file, { hash: nodeHashBackend }) : [];
  const blocked = withheldFor(
    [...parsed.diagnostics, ...measurements.flatMap((m) => m.diagnostics)],
    undefined,
    false,
  );
  if (!parsed.file || blocked) {
    printDiagnostics(parsed.diagnostics, io);
    if (blocked) reportWithheld(io, 'compose', 'launch digests', blocked);
    return 1;
  }
  const input = (path: string, bytes: Uint8Array) => ({ ...blobOf(bytes), name: basename(path) });
  const inputs: Receipt['inputs'] = {
    firmware: input(String(v.firmware), firmware),
    efi: input(efi, io.readFile(efi)),
  };
  if (v.shim) inputs.shim = input(String(v.shim), io.readFile(String(v.shim)));
  ((v['db-cert'] as string[] | undefined) ?? []).forEach(
    (p, i) => (inputs[`dbCert${i}`] = input(p, io.readFile(p))),
  );
  const receipt = igvmFirmwareReceipt({
    inputs,
    options: {
      dbHashes: Boolean(v['db-hashes']),
      ...(v['blob-base'] ? { blobBase: String(v['blob-base']) } : {}),
    },
    hobAreaGpa: r.hobAreaGpa ?? 0n,
    hobs: r.hobs,
    igvm: {
      size: r.igvm.length,
      sha256: nodeHashBackend.digest('sha256', r.igvm),
      sha384: nodeHashBackend.digest('sha384', r.igvm),
    },
    measurements,
  });
  plan.add(String(v['igvm-out']), r.igvm);
  if (v.receipt) plan.add(String(v.receipt), toJson(receipt) + '\n');
  plan.commit(io);
  if (v.json) io.out(toJson(receipt) + '\n');
  else {
    io.out(`IGVM: ${escapeText(String(v['igvm-out']))} (${r.igvm.length} bytes)\n`);
    for (const h of r.hobs)
      io.out(`  ${h.typeName} @0x${h.gpa.toString(16)} (${h.length} bytes, sha256 ${h.sha256})\n`);
    for (const m of receipt.measurements) io.out(`${m.platform}: ${m.digest}\n`);
  }
  return 0;
}

export { SETTING_OPTION };

/** The options through the core's one settings parser (defaults and limits shared with the worker and UI). */
export function settingsFrom(v: Record<string, unknown>): ComposeSettings {
  const parsed = parseComposeSettings({
    profile: v.profile as string | undefined,
    vcpus: v.vcpus as string | undefined,
    vcpuType: v['vcpu-type'] as string | undefined,
    vcpuSig: v['vcpu-sig'] as string | undefined,
    vmm: v['vmm-type'] as string | undefined,
    guestFeatures: v['guest-features'] as string | undefined,
    snpPolicy: v.policy as string | undefined,
    platforms: v.platform as string[] | undefined,
  });
  refuseInvalidSettings(parsed);
  return parsed.value!;
}

function readCmdline(v: string | undefined, io: CliIo): string | undefined {
  if (v === undefined) return undefined;
  if (!v.startsWith('@')) return v;
  return new TextDecoder().decode(io.readFile(v.slice(1))).replace(/\n+$/, '');
}

function printDiagnostics(list: readonly Diagnostic[], io: CliIo): void {
  for (const d of list) if (d.severity !== 'info') io.err(`${diagnosticLine(d)}\n`);
}

export const composeCommand: Command = {
  usage,
  run(args, io) {
    const { values: v } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
    if (!v.firmware) throw new UsageError('--firmware is required');
    if (!v['igvm-out']) throw new UsageError('--igvm-out is required');
    if (v.uki && (v.kernel || v.initrd || v.cmdline !== undefined))
      throw new UsageError('--uki replaces --kernel/--initrd/--cmdline: give one or the other');
    if (!v.uki && (v.addon?.length || v['addon-matrix'])) throw new UsageError('--addon needs --uki');
    if (!v.kernel && !v.uki && (v.initrd || v.cmdline !== undefined))
      throw new UsageError('--initrd/--cmdline need --kernel');
    // Every check that can fail on the options alone runs before anything is read, computed or written.
    if (v['fuki-out'] && !v.uki && !(v.stub && v.kernel))
      throw new UsageError('--fuki-out needs --uki, or --stub with --kernel');
    if (v['fuki-out'] && !v.uki && (v.initrd?.length ?? 0) > 1)
      throw new UsageError('--fuki-out from a stub takes one --initrd');
    if (
      !v['fuki-out'] &&
      (v.hwid?.length || v['hwid-name'] !== undefined || v.fwid !== undefined || v.stub || v['os-release'])
    )
      throw new UsageError('--fwid/--hwid/--hwid-name/--stub/--os-release apply to --fuki-out');
    if (v.fwid !== undefined && !isValidFwid(v.fwid))
      throw new UsageError(`--fwid must be printable ASCII without spaces: '${escapeText(v.fwid)}'`);
    const cmdlineFile = v.cmdline?.startsWith('@') ? v.cmdline.slice(1) : undefined;
    checkOutputPaths(
      [
        v.firmware,
        v.kernel,
        ...(v.initrd ?? []),
        v.uki,
        ...(v.addon ?? []),
        v.stub,
        v['os-release'],
        v.shim,
        ...(v['db-cert'] ?? []),
        cmdlineFile,
      ],
      [
        { option: '--igvm-out', path: v['igvm-out'] },
        ...(v['fuki-out'] ? [{ option: '--fuki-out', path: v['fuki-out'] }] : []),
        ...(v.receipt ? [{ option: '--receipt', path: v.receipt }] : []),
      ],
    );
    const settings = settingsFrom(v);
    if (v['blob-base'] !== undefined) parsePythonInt(v['blob-base'], '--blob-base');
    const plan = new OutputPlan();
    const firmware = io.readFile(v.firmware);
    if (IGVM_MAGIC_BYTES.every((b, i) => firmware[i] === b))
      return runIgvmFirmwareRoute(v, firmware, io, plan);
    const diags = new Diagnostics();

    const addons: AddonInput[] = (v.addon ?? []).map((p) => ({
      file: io.readFile(p),
      fileName: basename(p),
      scope: 'global',
    }));
    const uki = v.uki ? io.readFile(v.uki) : undefined;
    let boot: BootBlobs | undefined;
    if (uki) boot = ukiBootBlobs(uki, addons, diags);
    else if (v.kernel) {
      const initrds = (v.initrd ?? []).map((p) => io.readFile(p));
      boot = {
        ...directBootBlobs({ kernel: io.readFile(v.kernel), cmdline: readCmdline(v.cmdline, io) }),
        initrds,
      };
      boot.provenance.initrds = v.initrd ?? [];
      for (const d of kernelInputDiagnostics(boot.kernel)) diags.add(d);
    }
    const stub = v['fuki-out'] && !uki && v.stub ? io.readFile(v.stub) : undefined;
    if (stub) for (const d of kernelInputDiagnostics(stub, 'stub')) diags.add(d);
    if (uki && !boot) {
      printDiagnostics(diags.done(), io);
      return 1;
    }

    const session = new ComposeSession(nodeHashBackend);
    const names = {
      firmware: basename(v.firmware),
      kernel: v.kernel && basename(v.kernel),
      initrds: v.initrd?.map((p) => basename(p)),
      uki: v.uki && basename(v.uki),
    };
    const result = session.compose({ firmware, boot, settings, names });
    const all: Diagnostic[] = [...diags.done(), ...result.diagnostics];
    if (!result.igvm || !result.receipt || hasErrors(all)) {
      printDiagnostics(all, io);
      const w = withheldFor(all, undefined, false);
      if (w) reportWithheld(io, 'compose', 'launch digests', w);
      return 1;
    }
    const receipt = result.receipt;
    plan.add(v['igvm-out'], result.igvm);

    if (v['fuki-out']) {
      const fwid = v.fwid ?? 'fukiscope';
      const source = uki
        ? { uki }
        : {
            stub: stub!,
            kernel: boot!.kernel,
            initrd: v.initrd?.length === 1 ? boot!.initrds[0] : undefined,
            cmdline: boot!.cmdline,
            osRelease: v['os-release'] ? new TextDecoder().decode(io.readFile(v['os-release'])) : undefined,
          };
      const hwids = v.hwid?.length ? { name: v['hwid-name'] ?? fwid, chids: v.hwid } : undefined;
      let pe: ReturnType<typeof buildFukiPe>;
      try {
        pe = buildFukiPe({ payload: result.igvm, fwid, source, hwids });
      } catch (e) {
        // e.g. an fwid encodeEfifw refuses: an option error, found before anything is written.
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
      appendAll(all, pe.diagnostics);
      if (!pe.file || hasErrors(pe.diagnostics)) {
        printDiagnostics(all, io);
        return 1;
      }
      plan.add(v['fuki-out'], pe.file);
      receipt.outputs.fuki = {
        size: pe.file.length,
        sha256: toHex(nodeHashBackend.digest('sha256', pe.file)),
        sha384: toHex(nodeHashBackend.digest('sha384', pe.file)),
        note: `.efifw fwid '${fwid}' holds the IGVM${hwids ? `, .hwids binds ${hwids.chids.length} CHID(s) to it` : ''}; PCR 11 (sha256, sections): ukify ${hex(pe.pcr11Ukify?.sections.sha256)}, stub-with-efifw ${hex(pe.pcr11Stub?.sections.sha256)}. ${pe.caveat}`,
      };
    }
    if (v['addon-matrix'] && uki) {
      const m = addonMatrix(session, { firmware, uki, addons, settings, snpProfiles: FUKI_PROFILES });
      appendAll(all, m.diagnostics);
      if (hasErrors(m.diagnostics)) {
        printDiagnostics(all, io);
        reportWithheld(io, 'compose', 'add-on matrix digests', withheldFor(m.diagnostics, undefined, false)!);
        return 1;
      }
      receipt.addonMatrix = m.combinations;
    }
    if (v.receipt) plan.add(v.receipt, toJson(receipt) + '\n');
    plan.commit(io);
    printDiagnostics(all, io);
    if (v.json) {
      io.out(toJson(receipt) + '\n');
      return 0;
    }
    io.out(
      `IGVM: ${escapeText(v['igvm-out'])} (${result.igvm.length} bytes, sha256 ${receipt.outputs.igvm!.sha256})\n`,
    );
    if (receipt.outputs.fuki)
      io.out(`FUKI: ${escapeText(v['fuki-out']!)} (${receipt.outputs.fuki.size} bytes)\n`);
    for (const m of receipt.measurements) io.out(`${measurementLabel(m)}: ${m.digest}\n`);
    for (const c of receipt.addonMatrix ?? [])
      io.out(
        `  add-ons {${c.addons.map(escapeText).join(', ')}}:\n` +
          c.measurements.map((m) => `    ${measurementLabel(m)}: ${m.digest}\n`).join(''),
      );
    return 0;
  },
};

function hex(b: Uint8Array | undefined): string {
  return b ? toHex(b) : '-';
}

function measurementLabel(m: { platform: string; profile?: string; tdxOrder?: string }): string {
  const profile = m.profile && (composeProfileOf(m.profile) ?? m.profile);
  return `${m.platform}${profile ? ` [${profile}]` : ''}${m.tdxOrder ? ` [${m.tdxOrder}]` : ''}`;
}

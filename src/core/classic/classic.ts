// measureClassic: SEV, SEV-ES and SEV-SNP launch digests of a classic QEMU `-bios` launch of OVMF, optionally with
// the kernel-hashes table (fuki-uki-kernel-hashes.md §4.4, §4.5). Inputs and errors follow sev-snp-measure: where it
// errors we return no digest and an error diagnostic with its message; inputs it silently ignores get a warning.
import { type Bytes } from '../bytes/bytes';
import { Diagnostics } from '../diagnostics';
import type { DiagnosticCode } from '../diagnostic-codes';
import { parseFirmware, type ParsedFirmware } from '../firmware/firmware';
import { defaultHash, type HashBackend } from '../hash/hash';
import { buildKernelHashesTable } from '../kernel-hashes/kernel-hashes';
import { PAGE_SIZE, SNP_DIGEST_LENGTH } from '../measure/snp-page-info';
import { buildVmsaPages, type VmmType } from '../vmsa/build';
import { SnpLedger } from './snp-ledger';
import { measureFirmwarePages, measureSevMetadata, measureVmsas } from './snp';
import { DEFAULT_GUEST_FEATURES, MAX_VCPUS, NO_KERNEL_HASHES_HINT } from './constants';
import type { ClassicMode, ClassicOptions, ClassicResult, ClassicStep } from './types';

const OPTION_LABEL: Partial<Record<keyof ClassicOptions, string>> = {
  vcpus: 'vCPU count',
  vcpuSig: 'vCPU signature',
  vmm: 'VMM type',
  guestFeatures: 'guest features',
  kernel: 'kernel',
  snpOvmfHash: 'OVMF hash seed',
};

/** Options each mode accepts but does not use (sev-snp-measure drops them silently), and why. */
const IGNORED_BY_MODE: Record<ClassicMode, { options: (keyof ClassicOptions)[]; why: string }> = {
  'snp:ovmf-hash': {
    options: ['vcpus', 'vcpuSig', 'vmm', 'guestFeatures', 'kernel', 'snpOvmfHash'],
    why: 'it only hashes the firmware pages',
  },
  sev: { options: ['vcpus', 'vcpuSig', 'vmm', 'guestFeatures'], why: 'SEV measures no VMSA' },
  seves: { options: ['guestFeatures'], why: 'SEV-ES VMSAs carry SEV_FEATURES 0' },
  snp: { options: [], why: '' },
};

function ignored(diags: Diagnostics, what: string, why: string): void {
  diags.warning('CLASSIC_IGNORED_INPUT', `${what} is ignored ${why}`);
}

/** Warnings for inputs that the chosen mode or VMM does not use. */
function warnIgnored(o: ClassicOptions, diags: Diagnostics): void {
  const rule = IGNORED_BY_MODE[o.mode];
  for (const k of rule.options) {
    if (o[k] !== undefined) ignored(diags, OPTION_LABEL[k]!, `in mode '${o.mode}' (${rule.why})`);
  }
  if (o.mode === 'sev' || o.mode === 'snp:ovmf-hash') return;
  if (o.vmm && o.vmm !== 'QEMU' && o.vcpuSig !== undefined)
    ignored(diags, 'vCPU signature', `with VMM type ${o.vmm} (RDX is 0x600)`);
  if (o.vcpus === 0)
    diags.warning('CLASSIC_NO_VCPUS', 'a vCPU count of 0 measures no VMSA: no real guest launches like that');
}

/** Copies the parse diagnostics that matter for SEV; true if one of them is an error that makes the digest meaningless. */
function sevParseErrors(parsed: ParsedFirmware, diags: Diagnostics): boolean {
  let bad = false;
  for (const d of parsed.diagnostics) {
    if (d.code.startsWith('FW_TDX') || d.code.startsWith('FW_IGVM')) continue; // the inspector shows these
    diags.add(d);
    if (d.severity === 'error') bad = true;
  }
  return bad;
}

export function measureClassic(o: ClassicOptions, hash: HashBackend = defaultHash()): ClassicResult {
  const diags = new Diagnostics();
  const parsed = o.parsed ?? parseFirmware(o.firmware);
  const algorithm = o.mode === 'sev' || o.mode === 'seves' ? 'sha256' : 'sha384-page-info-chain';
  const result: ClassicResult = {
    mode: o.mode,
    digest: undefined,
    algorithm,
    steps: [],
    vmsas: [],
    diagnostics: [],
  };
  const fail = (code: DiagnosticCode, message: string, spec?: string, hint?: string): ClassicResult => {
    diags.error(code, message, spec ? { spec } : {});
    if (hint) diags.warning('CLASSIC_HINT', hint, spec ? { spec } : {});
    return { ...result, diagnostics: diags.done() };
  };
  warnIgnored(o, diags);
  if (sevParseErrors(parsed, diags))
    return fail(
      'CLASSIC_BAD_FIRMWARE',
      'the firmware footer table or SEV metadata is damaged (see the errors above)',
    );
  const needsPages = o.mode === 'snp:ovmf-hash' || (o.mode === 'snp' && !o.snpOvmfHash);
  if (needsPages && o.firmware.length % PAGE_SIZE !== 0)
    return fail(
      'CLASSIC_FW_NOT_PAGES',
      `firmware size ${o.firmware.length} is not a multiple of 4096`,
      'fuki §4.5',
    );
  if (o.firmware.length > 0x1_0000_0000)
    return fail('CLASSIC_FW_TOO_BIG', 'firmware larger than 4 GiB cannot be mapped below 4 GiB');

  if (o.mode === 'snp:ovmf-hash') {
    const ledger = new SnpLedger(hash);
    measureFirmwarePages(ledger, o.firmware, parsed);
    return { ...result, digest: ledger.ld, steps: ledger.steps, diagnostics: diags.done() };
  }
  if (o.snpOvmfHash && o.mode !== 'snp')
    return fail('CLASSIC_OVMF_HASH_NOT_SNP', 'SNP OVMF hash only works with SNP');
  if (o.snpOvmfHash && o.snpOvmfHash.length !== SNP_DIGEST_LENGTH)
    return fail(
      'CLASSIC_BAD_OVMF_HASH',
      `the OVMF hash must be ${SNP_DIGEST_LENGTH} bytes, got ${o.snpOvmfHash.length}`,
    );

  const vmm: VmmType = o.vmm ?? 'QEMU';
  let vmsas: Bytes[] = [];
  if (o.mode !== 'sev') {
    if (o.vcpus === undefined || !Number.isInteger(o.vcpus) || o.vcpus < 0)
      return fail('CLASSIC_NO_VCPUS', `missing or invalid vCPU count in guest mode '${o.mode}'`);
    if (o.vcpus > MAX_VCPUS)
      return fail(
        'CLASSIC_TOO_MANY_VCPUS',
        `${o.vcpus} vCPUs is more than KVM's x86 maximum of ${MAX_VCPUS}`,
      );
    if (o.vcpuSig === undefined && vmm === 'QEMU')
      return fail('CLASSIC_NO_VCPU_SIG', `missing vCPU type or signature in guest mode '${o.mode}'`);
    if (!parsed.apResetBlock)
      return fail(
        'CLASSIC_NO_RESET_BLOCK',
        "Can't find SEV_ES_RESET_BLOCK_GUID entry in OVMF table",
        'fuki §4.2.1',
        parsed.footer
          ? 'the OVMF footer table has no SEV-ES AP reset block entry: this build cannot start SEV-ES/SNP APs'
          : 'the image has no OVMF footer GUID table (0x30 bytes before its end): it is not an SEV-capable OVMF build',
      );
    const sevFeatures = o.mode === 'snp' ? (o.guestFeatures ?? DEFAULT_GUEST_FEATURES) : 0n;
    if (o.vcpus > 1 && parsed.apResetBlock.eip === 0)
      return fail(
        'CLASSIC_AP_EIP_ZERO',
        'the SEV-ES AP reset address is 0, so APs cannot be built (sev-snp-measure crashes here)',
      );
    vmsas = buildVmsaPages(o.vcpus, parsed.apResetBlock.eip, { sevFeatures, vcpuSig: o.vcpuSig ?? 0, vmm });
  }

  if (o.mode === 'snp') {
    if (!parsed.sevMetadata)
      diags.warning(
        'CLASSIC_NO_SEV_METADATA',
        'the firmware has no SEV metadata: only firmware pages and VMSAs are measured (as sev-snp-measure does); QEMU needs the metadata for SNP',
        { spec: 'fuki §4.2.2' },
      );
    const ledger = new SnpLedger(hash, o.snpOvmfHash);
    if (o.snpOvmfHash) ledger.seed('precomputed OVMF hash (firmware pages not measured here)');
    else measureFirmwarePages(ledger, o.firmware, parsed);
    const meta = measureSevMetadata(ledger, { parsed, vmm, kernel: o.kernel }, diags);
    if (!meta) return { ...result, steps: ledger.steps, diagnostics: diags.done() };
    measureVmsas(ledger, vmsas);
    return { ...result, ...meta, digest: ledger.ld, steps: ledger.steps, vmsas, diagnostics: diags.done() };
  }

  // SEV / SEV-ES: one SHA-256 over firmware ‖ padded table ‖ VMSAs (§4.4).
  const h = hash.create('sha256');
  const steps: ClassicStep[] = [];
  const step = (s: Omit<ClassicStep, 'index'>) => steps.push({ index: steps.length, ...s });
  h.update(o.firmware);
  step({
    source: 'firmware',
    label: 'firmware image (LAUNCH_UPDATE_DATA)',
    gpa: BigInt(parsed.baseGpa),
    length: o.firmware.length,
  });
  let kernelHashesTable: Bytes | undefined;
  if (o.kernel) {
    if (!parsed.features.sevKernelHashes)
      return fail(
        'CLASSIC_NO_SEV_HASH_TABLE',
        "Kernel specified but OVMF doesn't support kernel/initrd/cmdline measurement",
        'fuki §4.3',
        NO_KERNEL_HASHES_HINT,
      );
    kernelHashesTable = buildKernelHashesTable(o.kernel);
    h.update(kernelHashesTable);
    step({
      source: 'kernel-hashes',
      label: 'kernel-hashes table (LAUNCH_UPDATE_DATA)',
      gpa: BigInt(parsed.sevHashTable!.gpa),
      length: kernelHashesTable.length,
    });
  }
  vmsas.forEach((page, vcpu) => {
    h.update(page);
    step({
      source: 'vmsa',
      label: `VMSA vCPU ${vcpu} (LAUNCH_UPDATE_VMSA)`,
      gpa: undefined,
      length: page.length,
      vcpu,
    });
  });
  return { ...result, digest: h.digest(), steps, vmsas, kernelHashesTable, diagnostics: diags.done() };
}

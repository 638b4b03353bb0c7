// The compose family of the fuzz harness (issue 11 item 9): the composer's inputs — `compose` settings and files,
// `uki build` options and files — drawn from pools of valid, edge and hostile values, with at most one input file
// mutated (bit flips, truncation, PE header and section edits) per case. Every case is replayable from its index
// and the PRNG seed. The checks that need the mutated file's own diagnostics live here too (`inputErrors`).
import type { Diagnostic } from '../../core/diagnostics';
import { parseFirmware } from '../../core/firmware';
import { FUKI_PROFILES, kernelInputDiagnostics } from '../../core/fuki';
import { parseIgvm } from '../../core/igvm/parse';
import { parseUki } from '../../core/uki/model';
import { mutate, Rng, type Family } from './mutate';

/** The files a compose case may read; built once per run (see fuzz-compose.test.ts) and shared by every case. */
export interface ComposeSeeds {
  /** A small SEV/TDX firmware (the AmdSev fixture cut to 64 KiB): 16 pages to hash, not 1024. */
  firmware: Uint8Array;
  /** An IGVM `compose` made from that firmware without a kernel (the IGVM-firmware route's input). */
  firmwareIgvm: Uint8Array;
  /** Kernel bytes (not a PE) and a small PE to use as kernel or EFI binary. */
  kernel: Uint8Array;
  kernelPe: Uint8Array;
  initrd: Uint8Array;
  /** A UKI built from the stub with the small kernel, and an add-on. */
  uki: Uint8Array;
  addon: Uint8Array;
  stub: Uint8Array;
  addonStub: Uint8Array;
  osRelease: Uint8Array;
}

/** Which input a case mutated, for the invariant "an input with an error diagnostic yields no digest". */
export type ComposeRole = 'firmware' | 'firmwareIgvm' | 'kernel' | 'kernelPe' | 'initrd' | 'uki' | 'addon' | 'stub' | 'addonStub' | 'osRelease';

export interface ComposeCase {
  /** The command line: ['compose', …] or ['uki', 'build', …]. */
  args: string[];
  files: Record<string, Uint8Array>;
  mutated?: { role: ComposeRole; path: string };
}

// Pools: the valid values first, then edges (limits, other spellings) and hostile text (escapes, newlines, blanks).
const VCPUS = ['1', '2', '4', '0', '-1', '1e1', ' ', '', '0x2', '513', '4097', '99999999999999999999', 'two', '1 '];
const VCPU_TYPES = ['EPYC-v4', 'EPYC-Milan', 'EPYC-Genoa', 'EPYC', 'bogus', '', 'EPYC-v4\n', '\x1b[2J'];
const VCPU_SIGS = ['0x800f12', '0xa00f11', '0', '-1', '0x1ffffffff', '1e3', ' '];
const VMM_TYPES = ['QEMU', 'ec2', 'KRUN', 'bogus', ''];
const GUEST_FEATURES = ['0x1', '0x0', '0x21', '0x41', '-1', '0xffffffffffffffff', '0x10000000000000000', '1.5', ''];
const POLICIES = ['0x30000', '0x0', '0x10000', '0x70000', '0x1ffffffff', '0xffffffffffffffff', 'garbage', '1e5'];
const PROFILES = [...FUKI_PROFILES, 'bogus', ''];
const PLATFORMS = ['snp', 'tdx', 'sev', 'vbs', 'bogus', 'SNP'];
const CMDLINES = ['console=ttyS0', '', 'a'.repeat(5000), 'quiet\x1b[2J\nroot=/dev/sda', '@CMD', '@MISSING', '\u0000x'];
const FWIDS = ['fukiscope', 'ovmf-amdsev', 'bad id', '\x1b[31mred', 'x'.repeat(300), ''];
const HWIDS = ['8e3f0a2c-1b2d-5e4f-9a0b-112233445566', '00000000-0000-0000-0000-000000000000', 'not-a-guid', '8e3f0a2c1b2d5e4f9a0b112233445566', ''];
const HWID_NAMES = ['QEMU q35', '', 'n\x1b]0;title\x07', 'x'.repeat(2000)];
const BLOB_BASES = ['0x4000000', '0x0', '0x1000', '0xfffffffffffff000', '1e3', '-1', 'z'];
const UNAMES = ['6.1.0-56-cloud-amd64', '', '\x1b[2J', 'x'.repeat(300)];
const SECTION_SPECS = ['.sbat:sbat,1,x,y,1,z', '.pcrsig:@CMD', '.dtb:@INITRD', ':x', '.waytoolongname:x', '.cmdline:dup', '.linux:again', 'x:'];
const EFIFW = ['fw1:FW', 'bad id:FW', ':FW', 'fw2:IGVMFW'];

/** PE inputs take the PE mutation families; the rest take the byte families. */
const PE_ROLES = new Set<ComposeRole>(['kernelPe', 'uki', 'addon', 'stub', 'addonStub']);
const PE_MUTATIONS: Family[] = ['bit-flip', 'field-edit', 'truncation', 'pe-section-edit'];
const BYTE_MUTATIONS: Family[] = ['bit-flip', 'truncation'];

const PATHS: Record<ComposeRole, string> = {
  firmware: 'FW',
  firmwareIgvm: 'IGVMFW',
  kernel: 'K',
  kernelPe: 'KPE',
  initrd: 'INITRD',
  uki: 'UKI',
  addon: 'ADDON',
  stub: 'STUB',
  addonStub: 'ASTUB',
  osRelease: 'OSREL',
};

function mutateInput(role: ComposeRole, seed: Uint8Array, r: Rng): Uint8Array {
  if (role === 'firmware' && r.int(4) !== 0) {
    // Most of the firmware is padding: flip bits in its last 4 KiB (footer table, SEV and TDVF metadata).
    const b = seed.slice();
    for (let n = 1 + r.int(8); n > 0; n--) b[b.length - 1 - r.int(4096)]! ^= 1 << r.int(8);
    return b;
  }
  if (role === 'firmwareIgvm') return mutate('igvm', r.pick(['bit-flip', 'field-edit', 'truncation', 'aliasing'] as const), seed, r);
  return mutate(PE_ROLES.has(role) ? 'pe' : 'igvm', r.pick(PE_ROLES.has(role) ? PE_MUTATIONS : BYTE_MUTATIONS), seed, r);
}

/** One case: a command line over the seeds, and (three cases in four) one of the files it reads mutated. */
export function composeCase(seeds: ComposeSeeds, r: Rng): ComposeCase {
  const files: Record<string, Uint8Array> = {};
  for (const [role, path] of Object.entries(PATHS)) files[path] = seeds[role as ComposeRole];
  files.CMD = new TextEncoder().encode('console=ttyS0 from-file\n');
  const args: string[] = [];
  const opt = (p: number, name: string, pool: readonly string[]) => {
    if (r.int(100) < p) args.push(name, r.pick(pool));
  };
  const reads: ComposeRole[] = [];
  /** Passes the seed file of `role` as `flag` (and records that the case reads it, so it may be mutated). */
  const file = (flag: string, role: ComposeRole) => {
    args.push(flag, PATHS[role]);
    reads.push(role);
  };
  /** Maybe an initrd, maybe a command line: what both kernel routes (uki build, compose) add after the kernel. */
  const initrdAndCmdline = () => {
    if (r.int(2)) file('--initrd', 'initrd');
    opt(60, '--cmdline', CMDLINES);
  };
  const route = r.int(8);
  if (route <= 1) {
    // uki build: a UKI or an add-on from a stub and sections.
    const addon = route === 1;
    args.push('uki', 'build');
    file('--stub', addon ? 'addonStub' : 'stub');
    args.push('--output', 'OUT');
    if (addon) args.push('--addon');
    else file('--linux', r.int(4) === 0 ? 'kernelPe' : 'kernel');
    initrdAndCmdline();
    if (r.int(2)) file('--os-release', 'osRelease');
    opt(20, '--uname', UNAMES);
    opt(10, '--section', SECTION_SPECS);
    if (r.int(10) === 0) {
      args.push('--efifw', r.pick(EFIFW));
      reads.push('firmware');
    }
  } else {
    const igvmRoute = route === 7;
    args.push('compose');
    file('--firmware', igvmRoute ? 'firmwareIgvm' : 'firmware');
    args.push('--igvm-out', 'OUT');
    const viaUki = !igvmRoute && r.int(3) === 0;
    if (igvmRoute || viaUki) {
      const uki = r.int(4) !== 0;
      if (uki) file('--uki', 'uki');
      else file('--kernel', 'kernelPe');
      if (viaUki && r.int(2)) {
        file('--addon', 'addon');
        if (r.int(40) === 0) args.push('--addon-matrix');
      }
      if (igvmRoute) opt(30, '--blob-base', BLOB_BASES);
    } else if (r.int(10) !== 0) {
      file('--kernel', r.int(6) === 0 ? 'kernelPe' : 'kernel');
      initrdAndCmdline();
    }
    opt(25, '--profile', PROFILES);
    if (r.int(3) === 0) for (let n = 1 + r.int(2); n > 0; n--) args.push('--platform', r.pick(PLATFORMS));
    opt(25, '--vcpus', VCPUS);
    opt(15, '--vcpu-type', VCPU_TYPES);
    opt(8, '--vcpu-sig', VCPU_SIGS);
    opt(8, '--vmm-type', VMM_TYPES);
    opt(15, '--guest-features', GUEST_FEATURES);
    opt(15, '--policy', POLICIES);
    if (!igvmRoute && r.int(4) === 0) {
      args.push('--fuki-out', 'FUKI');
      if (!viaUki) {
        file('--stub', 'stub');
        if (r.int(2)) file('--os-release', 'osRelease');
      }
      opt(30, '--fwid', FWIDS);
      if (r.int(3) === 0) for (let n = 1 + r.int(3); n > 0; n--) args.push('--hwid', r.pick(HWIDS));
      opt(20, '--hwid-name', HWID_NAMES);
    }
    if (r.int(6) === 0) args.push('--receipt', 'RECEIPT');
  }
  if (r.int(2)) args.push('--json');
  let mutated: ComposeCase['mutated'];
  if (r.int(4) !== 0) {
    const role = r.pick(reads);
    files[PATHS[role]] = mutateInput(role, seeds[role], r);
    mutated = { role, path: PATHS[role] };
  }
  return { args, files, mutated };
}

/**
 * The error diagnostics the core's own parser reports for an input in its role: a firmware, an IGVM, a PE or UKI.
 * A mutated input with any of these must not yield a digest (kernel bytes, initrds and os-release have no format).
 */
export function inputErrors(role: ComposeRole, b: Uint8Array): Diagnostic[] {
  const errors = (list: readonly Diagnostic[]) => list.filter((d) => d.severity === 'error');
  switch (role) {
    case 'firmware':
      return errors(parseFirmware(b).diagnostics);
    case 'firmwareIgvm':
      return errors(parseIgvm(b).diagnostics);
    case 'kernel':
    case 'kernelPe':
    case 'stub':
    case 'addonStub':
      return kernelInputDiagnostics(b);
    case 'uki':
    case 'addon':
      return errors(parseUki(b).diagnostics);
    default:
      return [];
  }
}

// "Why doesn't it match": searches the launch options that are not in the OVMF file for one that reproduces a
// reported SNP MEASUREMENT (issue 13 §5). Classic SNP launches measure the firmware pages and SEV metadata first and
// the VMSAs last (fuki-uki-kernel-hashes.md §4.5), so the digest before the VMSAs depends only on the VMM type and
// the kernel-hashes page; one more vCPU extends the previous candidate's digest by one VMSA step. A candidate
// therefore costs one SHA-384 of a 112-byte PAGE_INFO, not a recompute.
import { equalBytes, toHex } from '../bytes/bytes';
import { measureClassic } from '../classic/classic';
import { DEFAULT_GUEST_FEATURES, MAX_VCPUS } from '../classic/constants';
import type { ParsedFirmware } from '../firmware/firmware';
import { parseFirmware } from '../firmware/firmware';
import { defaultHash, type HashBackend } from '../hash/hash';
import type { KernelHashes } from '../kernel-hashes/kernel-hashes';
import { PAGE_INFO_LENGTH, SNP_PAGE_TYPE, snpExtend, writeSnpPageInfo } from '../measure/snp-page-info';
import { buildVmsaPages, VMM_TYPES, VMSA_GPA, type VmmType } from '../vmsa/build';
import { cpuSig, decodeCpuSig, VCPU_TYPES } from '../vmsa/vcpu-types';

/** The search covers 1–512 vCPUs (issue 13 §5; the worker's limit). */
export const SEARCH_MAX_VCPUS = Math.min(512, MAX_VCPUS);

export interface OvmfSearchInput {
  firmware: Uint8Array;
  parsed?: ParsedFirmware;
  /** The kernel-hashes inputs when the user gave a kernel (searched with kernel-hashes on and off). */
  kernel?: KernelHashes;
  /** What the user gave, tried first. */
  given?: { vcpus?: number; vcpuSig?: number; vmm?: VmmType; guestFeatures?: bigint };
  /** The report's CPUID (v3+), tried right after the given signature. */
  reportCpuid?: { family: number; model: number; stepping: number };
  maxVcpus?: number;
  hash?: HashBackend;
  /** Called every few thousand candidates; return false to stop. */
  onProgress?: (done: number, total: number) => boolean | void;
  /**
   * Only the chains (one per VMM × kernel-hashes × guest features × CPU signature) whose index modulo `count` is
   * `index`: several workers search disjoint parts; mergeOvmfSearches() joins their results.
   */
  partition?: { index: number; count: number };
  /** Another part found a match at this order: chains past it need not be searched (read at each chain). */
  stopBeyond?: () => number;
}

export interface OvmfCandidate {
  vcpus: number;
  vcpuSig: number;
  /** The `--vcpu-type` name for the signature, when it has one. */
  vcpuType?: string;
  vmm: VmmType;
  guestFeatures: bigint;
  kernelHashes: boolean;
  /** The measure-ovmf options that reproduce the value. */
  options: string[];
  /** Position in the unpartitioned search order (chain × vCPU count): the first match wins a merge. */
  order: number;
}

export interface OvmfSearchResult {
  found?: OvmfCandidate;
  /** Candidates tried (up to and including the match). */
  tried: number;
  /** All candidates in the search space. */
  total: number;
  cancelled: boolean;
  /** Prefixes (firmware + metadata) computed, and the time they took: the cost of full recomputes. */
  prefixes: number;
  prefixMs: number;
  /** Time spent on candidate tails. */
  tailMs: number;
  explanation: string;
}

interface Branch {
  vmm: VmmType;
  kernel: boolean;
  prefix: Uint8Array;
}

/** Every SEV_FEATURES value with SNPActive (bit 0) and any combination of bits 1–7 (128 values), given one first. */
export function guestFeatureCandidates(given?: bigint): bigint[] {
  const out: bigint[] = [given ?? DEFAULT_GUEST_FEATURES];
  for (let low = 1; low < 256; low += 2) if (!out.includes(BigInt(low))) out.push(BigInt(low));
  return out;
}

function signatureCandidates(given: number | undefined, cpuid: OvmfSearchInput['reportCpuid']): { sig: number; name?: string; fms?: [number, number, number] }[] {
  const out: { sig: number; name?: string; fms?: [number, number, number] }[] = [];
  const add = (sig: number, name?: string, fms?: [number, number, number]) => {
    if (!out.some((x) => x.sig === sig)) out.push({ sig, name, fms });
  };
  const nameOf = (sig: number) => Object.entries(VCPU_TYPES).find(([, s]) => s === sig)?.[0];
  if (given !== undefined) add(given, nameOf(given));
  if (cpuid) {
    const s = cpuSig(cpuid.family, cpuid.model, cpuid.stepping);
    add(s, nameOf(s), [cpuid.family, cpuid.model, cpuid.stepping]);
  }
  for (const [name, sig] of Object.entries(VCPU_TYPES)) add(sig, name);
  return out;
}

function hexFeatures(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Synchronous search (CLI, tests). */
export function searchOvmf(target: Uint8Array, input: OvmfSearchInput): OvmfSearchResult {
  const it = searchSteps(target, input);
  for (;;) {
    const n = it.next();
    if (n.done) return n.value;
  }
}

/**
 * The same search, yielding to the event loop every few thousand candidates so a worker can take a cancel message
 * (`shouldStop`) and post progress between chunks.
 */
export async function searchOvmfAsync(
  target: Uint8Array,
  input: OvmfSearchInput,
  shouldStop: () => boolean = () => false,
  /** How to give the event loop a turn; a worker passes a MessageChannel round trip (no 4 ms timer clamp). */
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<OvmfSearchResult> {
  const it = searchSteps(target, input);
  for (;;) {
    const n = it.next(shouldStop());
    if (n.done) return n.value;
    await pause();
  }
}

function* searchSteps(target: Uint8Array, input: OvmfSearchInput): Generator<void, OvmfSearchResult, boolean | undefined> {
  const hash = input.hash ?? defaultHash();
  const parsed = input.parsed ?? parseFirmware(input.firmware);
  const maxVcpus = Math.max(1, Math.min(input.maxVcpus ?? SEARCH_MAX_VCPUS, SEARCH_MAX_VCPUS));
  const eip = parsed.apResetBlock?.eip;
  const vmms = [...new Set([input.given?.vmm ?? 'QEMU', ...VMM_TYPES])] as VmmType[];
  const kernels = input.kernel ? [true, false] : [false];
  const features = guestFeatureCandidates(input.given?.guestFeatures);
  const sigs = signatureCandidates(input.given?.vcpuSig, input.reportCpuid);
  const result: OvmfSearchResult = { tried: 0, total: 0, cancelled: false, prefixes: 0, prefixMs: 0, tailMs: 0, explanation: '' };
  const apPossible = eip !== undefined && eip !== 0;
  const perSig = apPossible ? maxVcpus : 1;
  for (const vmm of vmms) for (const _k of kernels) result.total += features.length * (vmm === 'QEMU' ? sigs.length : 1) * perSig;
  const part = input.partition && input.partition.count > 1 ? input.partition : undefined;
  /** The whole search space, whatever this part of it covers (named in the explanation). */
  const wholeTotal = result.total;
  if (part) result.total = 0;
  if (eip === undefined) {
    result.explanation = 'the firmware has no SEV-ES AP reset block: it cannot launch as SEV-SNP (no VMSA can be built)';
    return result;
  }

  // Given vCPU count first: reorder the inner loop so the given count is checked at its natural position anyway
  // (a chain of n steps passes through every smaller count, so the order of counts costs nothing).
  const branches: Branch[] = [];
  const errors: string[] = [];
  for (const vmm of vmms) {
    for (const kernel of kernels) {
      const t0 = performance.now();
      const r = measureClassic({ mode: 'snp', firmware: input.firmware, parsed, vcpus: 0, vcpuSig: 0, vmm, kernel: kernel ? input.kernel : undefined }, hash);
      result.prefixMs += performance.now() - t0;
      result.prefixes++;
      if (!r.digest) {
        errors.push(`${vmm}${kernel ? ' with kernel hashes' : ''}: ${r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no digest'}`);
        continue;
      }
      branches.push({ vmm, kernel, prefix: r.digest });
    }
  }
  const t1 = performance.now();
  const info = new Uint8Array(PAGE_INFO_LENGTH);
  let sinceProgress = 0;
  if (part) {
    let ci = 0;
    for (const b of branches) for (let k = (b.vmm === 'QEMU' ? sigs.length : 1) * features.length; k > 0; k--) if (ci++ % part.count === part.index) result.total += perSig;
  }
  let chain = -1;
  outer: for (const b of branches) {
    const sigList = b.vmm === 'QEMU' ? sigs : [{ sig: 0, name: undefined, fms: undefined }];
    for (const gf of features) {
      for (const s of sigList) {
        chain++;
        if (part && chain % part.count !== part.index) continue;
        if (input.stopBeyond && chain * perSig > input.stopBeyond()) break outer;
        const pages = buildVmsaPages(apPossible ? 2 : 1, eip, { sevFeatures: gf, vcpuSig: s.sig, vmm: b.vmm });
        const bspHash = hash.digest('sha384', pages[0]!);
        let d = snpExtend(b.prefix, bspHash, SNP_PAGE_TYPE.VMSA, VMSA_GPA, hash);
        // Every AP step has the same CONTENTS, type and GPA: one PAGE_INFO buffer, only DIGEST_CUR rewritten.
        if (pages[1]) writeSnpPageInfo(info, d, hash.digest('sha384', pages[1]), SNP_PAGE_TYPE.VMSA, VMSA_GPA);
        for (let n = 1; n <= perSig; n++) {
          if (n > 1) {
            info.set(d, 0);
            d = hash.digest('sha384', info);
          }
          result.tried++;
          if (equalBytes(d, target)) {
            const options = [`--vcpus=${n}`];
            if (b.vmm === 'QEMU') {
              if (s.name) options.push(`--vcpu-type=${s.name}`);
              else if (s.fms) options.push(`--vcpu-family=${s.fms[0]}`, `--vcpu-model=${s.fms[1]}`, `--vcpu-stepping=${s.fms[2]}`);
              else options.push(`--vcpu-sig=0x${s.sig.toString(16)}`);
            }
            if (b.vmm !== 'QEMU') options.push(`--vmm-type=${b.vmm}`);
            if (gf !== DEFAULT_GUEST_FEATURES) options.push(`--guest-features=${hexFeatures(gf)}`);
            if (input.kernel && !b.kernel) options.push('(without --kernel/--initrd/--append: kernel-hashes off)');
            result.found = { vcpus: n, vcpuSig: s.sig, vcpuType: s.name, vmm: b.vmm, guestFeatures: gf, kernelHashes: b.kernel, options, order: chain * perSig + n - 1 };
            break outer;
          }
        }
        sinceProgress += perSig;
        if (sinceProgress >= 4096) {
          sinceProgress = 0;
          const stop = input.onProgress?.(result.tried, result.total) === false || (yield) === true;
          if (stop) {
            result.cancelled = true;
            break outer;
          }
        }
      }
    }
  }
  result.tailMs = performance.now() - t1;
  if (result.found) {
    const f = result.found;
    result.explanation = `reproduced with ${f.vcpus} vCPU${f.vcpus > 1 ? 's' : ''}, ${f.vmm === 'QEMU' ? `CPU signature 0x${f.vcpuSig.toString(16)} (${f.vcpuType ?? describeSig(f.vcpuSig)})` : `VMM ${f.vmm}`}, SEV_FEATURES ${hexFeatures(f.guestFeatures)}${input.kernel ? `, kernel hashes ${f.kernelHashes ? 'on' : 'off'}` : ''}`;
  } else if (result.cancelled) {
    result.explanation = `cancelled after ${result.tried} of ${result.total} candidates`;
  } else {
    const dims = `vCPUs 1–${perSig} × ${sigs.length} CPU signatures (QEMU) × VMM ${vmms.join('/')} × ${features.length} guest-feature sets${input.kernel ? ' × kernel hashes on/off' : ''}`;
    result.explanation =
      `none of ${wholeTotal} candidates (${dims}) reproduces ${toHex(target).slice(0, 16)}…: what differs is not a launch option — ` +
      `the firmware image, ${input.kernel ? 'the kernel/initrd/command line, ' : 'a kernel-hashes page (direct boot with kernel-hashes=on needs --kernel), '}` +
      `or a launch this tool does not model (an IGVM, an SVSM, another VMM's VMSA)` +
      (errors.length ? `; not searched: ${errors.join('; ')}` : '');
  }
  return result;
}

/**
 * Joins the results of the parts of one partitioned search (same target and input, partitions 0…count−1): the
 * match that comes first in the unpartitioned order, counts summed; the parts ran side by side, so the tail time is
 * the longest part's.
 */
export function mergeOvmfSearches(parts: readonly OvmfSearchResult[]): OvmfSearchResult {
  const found = parts.filter((p) => p.found).sort((a, b) => a.found!.order - b.found!.order)[0];
  const sum = (f: (p: OvmfSearchResult) => number) => parts.reduce((n, p) => n + f(p), 0);
  const merged: OvmfSearchResult = {
    found: found?.found,
    tried: sum((p) => p.tried),
    total: sum((p) => p.total),
    cancelled: !found && parts.some((p) => p.cancelled),
    prefixes: sum((p) => p.prefixes),
    prefixMs: sum((p) => p.prefixMs),
    tailMs: Math.max(0, ...parts.map((p) => p.tailMs)),
    explanation: '',
  };
  merged.explanation = found ? found.explanation : merged.cancelled ? `cancelled after ${merged.tried} of ${merged.total} candidates` : (parts[0]?.explanation ?? '');
  return merged;
}

function describeSig(sig: number): string {
  const d = decodeCpuSig(sig);
  return `family 0x${d.family.toString(16)} model 0x${d.model.toString(16)} stepping ${d.stepping}`;
}

// "Why doesn't it match" for an IGVM (issue 13 §4–§5): the IGVM fixes the launch's pages and its VMSAs, so what is
// left to search is the SNP profile (how a loader turns the directives into PAGE_INFOs) and the vCPU count. A loader
// that starts more vCPUs than the file has SNP VP contexts measures one more VMSA per extra vCPU, at launch finish,
// after every page (igvm-format §14.7). This search models that as VMSA replication: each extra vCPU repeats the
// file's last VMSA page (same contents, same GPA). As with the OVMF search, one more vCPU extends the previous
// candidate's digest by one PAGE_INFO step, so a candidate costs one SHA-384 of 112 bytes, not a recompute.
import { equalBytes, toHex } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';
import { IGVM_PLATFORM_TYPE, supportedPlatforms, type IgvmFile } from '../igvm/types';
import { measureIgvm } from '../measure/measure-igvm';
import { SNP_PROFILES, type SnpProfile } from '../measure/options';
import { PAGE_INFO_LENGTH, SNP_PAGE_TYPE, writeSnpPageInfo } from '../measure/snp-page-info';
import { SEARCH_MAX_VCPUS } from './ovmf-search';

export interface IgvmSearchInput {
  file: IgvmFile;
  /** Tried first (the others follow). */
  profile?: SnpProfile;
  maxVcpus?: number;
  hash?: HashBackend;
  /** Called every few thousand candidates; return false to stop. */
  onProgress?: (done: number, total: number) => boolean | void;
}

export interface IgvmCandidate {
  profile: SnpProfile;
  vcpus: number;
  /** SNP VP contexts (VMSAs) in the file for this profile. */
  fileVmsas: number;
  /** The options that reproduce the value (`--profile P`, and `--vcpus N` when vCPUs were added). */
  options: string[];
}

export interface IgvmSearchResult {
  found?: IgvmCandidate;
  tried: number;
  total: number;
  cancelled: boolean;
  /** Full measurements of the file (one per profile) and their time: the cost of a recompute. */
  prefixes: number;
  prefixMs: number;
  tailMs: number;
  explanation: string;
}

interface Branch {
  profile: SnpProfile;
  digest: Uint8Array;
  fileVmsas: number;
  /** The last VMSA step (contents + GPA), when it is the last measured step: what an extra vCPU repeats. */
  replicate?: { contents: Uint8Array; gpa: bigint };
}

/**
 * The SNP launch digest of `file` (one profile) when the loader starts `vcpus` vCPUs: the file's own measurement, then
 * one more VMSA step (a copy of the last VMSA page) per vCPU beyond the file's VMSAs. `vcpus` below the file's VMSA
 * count, or a file whose last measured step is not a VMSA, gives an error instead of a digest.
 */
export function igvmSnpDigestWithVcpus(file: IgvmFile, profile: SnpProfile, vcpus: number, hash: HashBackend = defaultHash()): { digest?: Uint8Array; fileVmsas: number; error?: string } {
  const b = branchOf(file, profile, hash);
  if ('error' in b) return { fileVmsas: 0, error: b.error };
  if (vcpus < b.fileVmsas) return { fileVmsas: b.fileVmsas, error: `the file has ${b.fileVmsas} VMSAs: at least that many vCPUs` };
  if (vcpus === b.fileVmsas) return { digest: b.digest, fileVmsas: b.fileVmsas };
  if (!b.replicate) return { fileVmsas: b.fileVmsas, error: "the file's last measured step is not a VMSA: no VMSA to replicate for more vCPUs" };
  let d = b.digest;
  for (let n = b.fileVmsas; n < vcpus; n++) d = hash.digest('sha384', writeSnpPageInfo(new Uint8Array(PAGE_INFO_LENGTH), d, b.replicate.contents, SNP_PAGE_TYPE.VMSA, b.replicate.gpa));
  return { digest: d, fileVmsas: b.fileVmsas };
}

function branchOf(file: IgvmFile, profile: SnpProfile, hash: HashBackend): Branch | { error: string } {
  const m = measureIgvm(file, { platforms: ['SEV_SNP'], snpProfile: profile, ledger: true, hash })[0];
  if (!m) return { error: 'the IGVM declares no SEV-SNP platform' };
  const err = m.diagnostics.find((d) => d.severity === 'error');
  if (err) return { error: err.message };
  const ledger = m.ledger ?? [];
  const last = ledger[ledger.length - 1];
  const replicate = last && last.type === 'VMSA' && last.contentHash ? { contents: last.contentHash, gpa: last.gpa } : undefined;
  return { profile, digest: m.digest, fileVmsas: ledger.filter((e) => e.type === 'VMSA').length, replicate };
}

/** Synchronous search (CLI, tests). */
export function searchIgvm(target: Uint8Array, input: IgvmSearchInput): IgvmSearchResult {
  const it = igvmSearchSteps(target, input);
  for (;;) {
    const n = it.next();
    if (n.done) return n.value;
  }
}

/** The same search, yielding to the event loop between chunks so a worker can post progress and take a cancel. */
export async function searchIgvmAsync(
  target: Uint8Array,
  input: IgvmSearchInput,
  shouldStop: () => boolean = () => false,
  /** How to give the event loop a turn; a worker passes a MessageChannel round trip (no 4 ms timer clamp). */
  pause: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
): Promise<IgvmSearchResult> {
  const it = igvmSearchSteps(target, input);
  for (;;) {
    const n = it.next(shouldStop());
    if (n.done) return n.value;
    await pause();
  }
}

export function* igvmSearchSteps(target: Uint8Array, input: IgvmSearchInput): Generator<void, IgvmSearchResult, boolean | undefined> {
  const hash = input.hash ?? defaultHash();
  const maxVcpus = Math.max(1, Math.min(input.maxVcpus ?? SEARCH_MAX_VCPUS, SEARCH_MAX_VCPUS));
  const result: IgvmSearchResult = { tried: 0, total: 0, cancelled: false, prefixes: 0, prefixMs: 0, tailMs: 0, explanation: '' };
  if (!supportedPlatforms(input.file).some((p) => p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP)) {
    result.explanation = 'the IGVM declares no SEV-SNP platform: nothing to search';
    return result;
  }
  const profiles: SnpProfile[] = input.profile ? [input.profile, ...SNP_PROFILES.filter((p) => p !== input.profile)] : [...SNP_PROFILES];
  const branches: Branch[] = [];
  const skipped: string[] = [];
  for (const profile of profiles) {
    const t0 = performance.now();
    const b = branchOf(input.file, profile, hash);
    result.prefixMs += performance.now() - t0;
    result.prefixes++;
    if ('error' in b) skipped.push(`--profile ${profile}: ${b.error}`);
    else branches.push(b);
  }
  const topOf = (b: Branch) => (b.replicate ? Math.max(b.fileVmsas, maxVcpus) : b.fileVmsas);
  for (const b of branches) result.total += topOf(b) - b.fileVmsas + 1;

  const t1 = performance.now();
  const info = new Uint8Array(PAGE_INFO_LENGTH);
  let sinceProgress = 0;
  outer: for (const b of branches) {
    let d = b.digest;
    const top = topOf(b);
    if (b.replicate) writeSnpPageInfo(info, d, b.replicate.contents, SNP_PAGE_TYPE.VMSA, b.replicate.gpa);
    for (let n = b.fileVmsas; n <= top; n++) {
      if (n > b.fileVmsas) {
        info.set(d, 0);
        d = hash.digest('sha384', info);
      }
      result.tried++;
      if (equalBytes(d, target)) {
        const options = [`--profile ${b.profile}`];
        if (n !== b.fileVmsas) options.push(`--vcpus ${n}`);
        result.found = { profile: b.profile, vcpus: n, fileVmsas: b.fileVmsas, options };
        break outer;
      }
      if (++sinceProgress >= 256) {
        sinceProgress = 0;
        const stop = input.onProgress?.(result.tried, result.total) === false || (yield) === true;
        if (stop) {
          result.cancelled = true;
          break outer;
        }
      }
    }
  }
  result.tailMs = performance.now() - t1;
  const f = result.found;
  if (f) {
    result.explanation =
      f.vcpus === f.fileVmsas
        ? `reproduced by the file as it is with --profile ${f.profile} (${f.fileVmsas} VMSA${f.fileVmsas === 1 ? '' : 's'})`
        : `reproduced with --profile ${f.profile} and ${f.vcpus} vCPUs: the file's ${f.fileVmsas} VMSA${f.fileVmsas === 1 ? '' : 's'} and ${f.vcpus - f.fileVmsas} more, each a copy of its last VMSA page (VMSA replication)`;
  } else if (result.cancelled) {
    result.explanation = `cancelled after ${result.tried} of ${result.total} candidates`;
  } else {
    const noReplica = branches.filter((b) => !b.replicate).map((b) => b.profile);
    result.explanation =
      `none of ${result.total} candidates (SNP profiles ${branches.map((b) => b.profile).join('/')} × vCPUs up to ${maxVcpus}, extra vCPUs replicating the last VMSA) reproduces ${toHex(target).slice(0, 16)}…: ` +
      'the launched pages or VMSAs differ from this file (another build, a loader that edits the VMSA, parameter pages the loader filled differently)' +
      (noReplica.length ? `; no vCPU search for ${noReplica.join(', ')}: the file's last measured step is not a VMSA` : '') +
      (skipped.length ? `; not searched: ${skipped.join('; ')}` : '');
  }
  return result;
}

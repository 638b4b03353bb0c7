// The Evidence view's data and its verification in the worker (issue 13 §6): decoded fields with offsets, the
// meaning of bit fields, and the check list — certificates and PCS collateral are taken from the other open files
// (nothing is fetched), the launch to compare with is an open IGVM or firmware.
import { allPassed, type Check } from '../../core/attest/checks';
import { compareSnp, compareTdx, snpLaunchOfIgvm, tdxLaunchOfIgvm } from '../../core/attest/compare';
import { decodeEvidence, evidenceSummary, verifyEvidence, type Evidence } from '../../core/attest/evidence';
import { searchIgvmAsync } from '../../core/attest/igvm-search';
import { mergeOvmfSearches, searchOvmfAsync, type OvmfSearchInput, type OvmfSearchResult } from '../../core/attest/ovmf-search';
import { proxy, releaseProxy, wrap } from 'comlink';
import type { SearchWorkerApi } from '../search.worker';
import { yieldTurn } from '../yield-turn';
import { collateralTime, parseCollateral, type PcsCollateral } from '../../core/attest/tdx-collateral';
import { measureClassic } from '../../core/classic';
import { tdvfMrtd, TDVF_PAGE_ORDERS } from '../../core/classic/tdvf-mrtd';
import { parseFirmware } from '../../core/firmware/firmware';
import { parseIgvm } from '../../core/igvm';
import type { SnpProfile } from '../../core/measure';
import { VMM_TYPES, type VmmType } from '../../core/vmsa/build';
import { VCPU_TYPES } from '../../core/vmsa/vcpu-types';
import { readCertificates, type Cert } from '../../core/x509/cert';
import type { EvidenceSearchResult, EvidenceVerifyOptions, EvidenceVerifyResult, EvidenceView, Field } from '../protocol';
import { appendAll } from '../../core/append';

export function evidenceView(bytes: Uint8Array): { view?: EvidenceView; evidence: Evidence } {
  const e = decodeEvidence(bytes);
  if (!e.kind) return { evidence: e };
  const fields: Field[] = e.fields.filter((f) => !f.reserved || f.hex.replace(/0/g, '') !== '').map((f) => ({ label: f.name + (f.reserved ? ' (reserved, not zero!)' : ''), value: f.hex, offset: f.offset, length: f.length }));
  const decoded: Field[] = Object.entries(evidenceSummary(e))
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ({ label: k, value: typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x)) }));
  return { view: { kind: e.kind, fields, decoded }, evidence: e };
}

export interface OtherFile {
  name: string;
  bytes: Uint8Array;
}

/** Certificates and collateral among the other open files (small ones only: certificates are a few KiB). */
function suppliesFrom(others: readonly OtherFile[]): { certs: Cert[]; certFiles: string[]; collateral?: PcsCollateral; collateralFile?: string } {
  const out: { certs: Cert[]; certFiles: string[]; collateral?: PcsCollateral; collateralFile?: string } = { certs: [], certFiles: [] };
  for (const f of others) {
    if (f.bytes.length > 256 * 1024) continue;
    const r = readCertificates(f.bytes, f.name);
    if (r.certs.length) {
      appendAll(out.certs, r.certs);
      out.certFiles.push(f.name);
      continue;
    }
    if (!out.collateral && f.bytes[0] === 0x7b) {
      const c = parseCollateral(new TextDecoder().decode(f.bytes));
      if (c) {
        out.collateral = c;
        out.collateralFile = f.name;
      }
    }
  }
  return out;
}

function measurementOf(e: Evidence): Uint8Array {
  return e.fields.find((f) => f.name === (e.kind === 'tdx-quote' ? 'mrtd' : 'measurement'))!.value as Uint8Array;
}

export async function verifyEvidenceInWorker(e: Evidence, others: readonly OtherFile[], compare: OtherFile | undefined, o: EvidenceVerifyOptions): Promise<EvidenceVerifyResult> {
  const s = suppliesFrom(others);
  const at = o.at ? new Date(o.at) : s.collateral ? (collateralTime(s.collateral) ?? new Date()) : new Date();
  const v = await verifyEvidence(e, { certs: s.certs, at, collateral: s.collateral });
  const checks: Check[] = [...v.checks];
  if (compare) appendAll(checks, compareWith(e, compare, o));
  const m = checks.find((c) => c.id === 'launch.measurement' || c.id === 'launch.mrtd');
  return { checks, certificateFiles: s.certFiles, collateralFile: s.collateralFile, match: m && m.status !== 'not-checked' ? m.status === 'pass' : undefined, at: at.toISOString() };
}

function compareWith(e: Evidence, f: OtherFile, o: EvidenceVerifyOptions): Check[] {
  const measurement = measurementOf(e);
  const igvm = parseIgvm(f.bytes).file;
  if (igvm) {
    if (e.kind === 'tdx-quote') return compareTdx(measurement, tdxLaunchOfIgvm(igvm, f.name));
    const r = e.snp!.report!;
    const g = (n: string) => r.fields.find((x) => x.name === n)!.value;
    return compareSnp(
      { measurement, hostData: g('host_data') as Uint8Array, idKeyDigest: g('id_key_digest') as Uint8Array, authorKeyDigest: g('author_key_digest') as Uint8Array, familyId: g('family_id') as Uint8Array, imageId: g('image_id') as Uint8Array, guestSvn: g('guest_svn') as number, policy: g('policy') as bigint, authorKeyEn: r.keyInfo.authorKeyEn },
      snpLaunchOfIgvm(igvm, f.name, o.profile as SnpProfile | undefined, o.vcpus),
    );
  }
  const parsed = parseFirmware(f.bytes);
  if (e.kind === 'tdx-quote') {
    const candidates = TDVF_PAGE_ORDERS.flatMap((order) => {
      const r = tdvfMrtd(f.bytes, order, parsed);
      return r.mrtd ? [{ label: `${order} page order`, digest: r.mrtd }] : [];
    });
    return compareTdx(measurement, { source: f.name, candidates, error: 'not a TDVF image' });
  }
  const vcpuSig = o.vcpuType ? VCPU_TYPES[o.vcpuType] : undefined;
  const vmm = o.vmm && (VMM_TYPES as readonly string[]).includes(o.vmm) ? (o.vmm as VmmType) : undefined;
  if (o.vcpus === undefined || (vcpuSig === undefined && (vmm ?? 'QEMU') === 'QEMU'))
    return [{ id: 'launch.measurement', status: 'not-checked', detail: `a classic launch of ${f.name} needs the vCPU count and type: set them, or search` }];
  const r = measureClassic({ mode: 'snp', firmware: f.bytes, parsed, vcpus: o.vcpus, vcpuSig, vmm, guestFeatures: o.guestFeatures ? BigInt(o.guestFeatures) : undefined });
  return compareSnp({ measurement }, { source: f.name, candidates: r.digest ? [{ label: 'the chosen options', digest: r.digest }] : [], igvm: false, error: r.diagnostics.find((d) => d.severity === 'error')?.message });
}

/**
 * The OVMF search on two threads where workers exist: this worker searches the even chains, a helper worker
 * (search.worker.ts) the odd ones; whichever finds a match tells the other to stop past it; the results are merged
 * into the answer the one-thread search gives (ovmf-search.test.ts). Without Worker (Node, tests): one thread.
 */
async function searchOvmfSplit(target: Uint8Array, input: OvmfSearchInput, threads: number, onProgress?: (done: number, total: number) => void): Promise<OvmfSearchResult> {
  if (threads < 2 || typeof Worker === 'undefined') return searchOvmfAsync(target, { ...input, onProgress: (d, t) => void onProgress?.(d, t) }, undefined, yieldTurn);
  const worker = new Worker(new URL('../search.worker.ts', import.meta.url), { type: 'module', name: 'fukiscope-search' });
  const remote = wrap<SearchWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      reject(new Error(`the search helper worker failed${e.message ? `: ${e.message}` : ''}`));
    }),
  );
  const done = [0, 0];
  const total = [0, 0];
  const report = (part: number) => (d: number, t: number) => {
    done[part] = d;
    total[part] = t;
    onProgress?.(done[0]! + done[1]!, total[0]! + total[1]!);
  };
  let bound = Infinity;
  try {
    const helper = Promise.race([remote.searchOvmfPart(target, input.firmware.slice(), input.reportCpuid, { index: 1, count: 2 }, proxy(report(1))), failed]).then((r) => {
      if (r.found) bound = Math.min(bound, r.found.order);
      return r;
    });
    const local = searchOvmfAsync(target, { ...input, partition: { index: 0, count: 2 }, stopBeyond: () => bound, onProgress: report(0) }, undefined, yieldTurn).then((r) => {
      if (r.found) void remote.setBound(r.found.order);
      return r;
    });
    return mergeOvmfSearches(await Promise.all([local, helper]));
  } finally {
    remote[releaseProxy]();
    worker.terminate();
  }
}

export async function searchEvidenceInWorker(e: Evidence, f: OtherFile, onProgress?: (done: number, total: number) => void, o: EvidenceVerifyOptions = {}): Promise<EvidenceSearchResult> {
  const t0 = performance.now();
  const target = measurementOf(e);
  const igvm = parseIgvm(f.bytes).file;
  // Two threads only where there are spare cores: on this project's 2-core machine under load the helper gained
  // nothing (bench/browser-search.mjs: 0.99x, and +0.6 s for its own prefixes); the user can still ask for it.
  const spare = typeof navigator !== 'undefined' && (navigator.hardwareConcurrency ?? 1) >= 4;
  const threads = igvm || typeof Worker === 'undefined' ? 1 : Math.max(1, Math.min(2, o.searchThreads ?? (spare ? 2 : 1)));
  // Profiles × vCPUs (VMSA replication) for an IGVM; vCPUs × CPU types × VMM × guest features × kernel hashes for OVMF.
  const r = igvm
    ? await searchIgvmAsync(target, { file: igvm, profile: o.profile as SnpProfile | undefined, onProgress: (d, t) => void onProgress?.(d, t) }, undefined, yieldTurn)
    : await searchOvmfSplit(target, { firmware: f.bytes, reportCpuid: e.snp?.report?.cpuid }, threads, onProgress);
  return {
    found: !!r.found,
    options: r.found?.options,
    explanation: r.explanation,
    tried: r.tried,
    total: r.total,
    ms: performance.now() - t0,
    cancelled: r.cancelled,
    searchedWith: f.name,
    tailMs: r.tailMs,
    fullRecomputeMs: r.prefixes ? r.prefixMs / r.prefixes : undefined,
    threads,
  };
}

export { allPassed };

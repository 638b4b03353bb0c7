// `fukiscope verify`: decode and verify an SEV-SNP report or TDX quote offline with user-supplied certificates and
// collateral, compare it with a launch computed here (IGVM, or classic OVMF with the measure-ovmf options), and
// search the launch options that would reproduce a mismatching value (issue 13 §4–§5).
import { parseArgs } from 'node:util';
import { fromHex, toHex } from '../../core/bytes/bytes';
import { Diagnostics, formatDiagnostic, type Diagnostic } from '../../core/diagnostics';
import { allPassed, CheckList, type Check } from '../../core/attest/checks';
import { compareSnp, compareTdx, snpLaunchOfIgvm, tdxLaunchOfIgvm, type SnpLaunch, type TdxLaunch } from '../../core/attest/compare';
import { certificatesFrom, decodeEvidence, evidenceSummary, fieldsHex, verifyEvidence, type Evidence } from '../../core/attest/evidence';
import { searchIgvm, type IgvmSearchResult } from '../../core/attest/igvm-search';
import { SEARCH_MAX_VCPUS, searchOvmf, type OvmfSearchResult } from '../../core/attest/ovmf-search';
import { collateralTime, parseCollateral, type PcsCollateral } from '../../core/attest/tdx-collateral';
import { measureClassic } from '../../core/classic';
import { tdvfMrtd, TDVF_PAGE_ORDERS } from '../../core/classic/tdvf-mrtd';
import { parseFirmware } from '../../core/firmware/firmware';
import { IGVM_PLATFORM_TYPE, parseIgvm } from '../../core/igvm';
import { kernelHashes, type KernelHashes } from '../../core/kernel-hashes/kernel-hashes';
import { SNP_PROFILES, type SnpProfile } from '../../core/measure';
import { VMM_TYPES, type VmmType } from '../../core/vmsa/build';
import { cpuSig, VCPU_TYPE_NAMES, VCPU_TYPES } from '../../core/vmsa/vcpu-types';
import type { Command } from '../commands';
import { toJson, UsageError, type CliIo } from '../io';
import { OVMF_LAUNCH_OPTIONS, parsePythonInt } from './measure-ovmf';
import { appendAll } from '../../core/append';

const usage = `Usage: fukiscope verify EVIDENCE [--certs FILE]... [--collateral FILE] [--at ISO-TIME]
                        [--igvm FILE [--profile P] [--vcpus N] | --ovmf FILE [measure-ovmf options]] [--search] [--json]
       fukiscope verify --measurement HEX (--igvm FILE [--profile P] [--vcpus N] | --ovmf FILE [options]) [--search] [--json]

Decodes an SEV-SNP attestation report (raw 1184 bytes, hex, base64, Azure HCL report, extended report with its
certificate table) or a TDX quote (v4/v5), verifies it offline and compares it with a launch:
  SNP   report signature (ECDSA P-384) with the VCEK/VLEK, VCEK ← ASK (VLEK ← ASVK) ← ARK, the ARK pinned to AMD's
        root key for the product, VCEK extensions (product, SPLs, hwID) against the report, validity at --at
  TDX   quote signature, QE report binding and signature, PCK chain to the pinned Intel SGX Root CA; with
        --collateral (PCS TCB info + QE identity JSON) the TCB status, at the collateral's time unless --at
  --certs FILE         DER or PEM certificates, any order, any number (KDS cert_chain bundles welcome); nothing is fetched
  --igvm FILE          compare MEASUREMENT (every SNP profile, or --profile ${SNP_PROFILES.join('|')}), the ID block and
                       GUEST_POLICY; TDX: MRTD in both page orders
  --ovmf FILE          classic QEMU -bios launch: --vcpus N --vcpu-type T | --vcpu-sig S | --vcpu-family/-model/-stepping,
                       --vmm-type QEMU|ec2|gce, --guest-features V, --kernel/--initrd/--append (TDVF: MRTD both orders)
  --vcpus N            with --igvm: N vCPUs, those beyond the file's VMSAs replicating its last VMSA page
  --search             when the digest differs (or options are missing): search vCPUs 1–512, CPU signatures, VMM types,
                       guest features, kernel hashes on/off (OVMF) or SNP profiles × vCPUs 1–512 (IGVM, VMSA
                       replication) and print the options that match
Exit status 0 when every check that ran passed, 1 when one failed, 2 for unreadable input or usage errors.`;

const OPTIONS = {
  certs: { type: 'string', multiple: true },
  collateral: { type: 'string' },
  at: { type: 'string' },
  igvm: { type: 'string' },
  profile: { type: 'string' },
  measurement: { type: 'string' },
  search: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  ...OVMF_LAUNCH_OPTIONS,
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: true; options: typeof OPTIONS }>>['values'];

interface ClassicGiven {
  vcpus?: number;
  vcpuSig?: number;
  vmm?: VmmType;
  guestFeatures?: bigint;
  kernel?: KernelHashes;
}

function intOpt(s: string | undefined, name: string): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UsageError(`${name}: invalid int value '${s}'`);
  return Number.parseInt(s, 10);
}

function classicGiven(v: Values, io: CliIo): ClassicGiven {
  const g: ClassicGiven = {};
  g.vcpus = intOpt(v.vcpus, '--vcpus');
  if (v['vmm-type'] !== undefined) {
    if (!(VMM_TYPES as readonly string[]).includes(v['vmm-type'])) throw new UsageError(`unknown VMM type '${v['vmm-type']}' (choose from ${VMM_TYPES.join(', ')})`);
    g.vmm = v['vmm-type'] as VmmType;
  }
  const fam = intOpt(v['vcpu-family'], '--vcpu-family');
  if (fam !== undefined) {
    const model = intOpt(v['vcpu-model'], '--vcpu-model');
    const step = intOpt(v['vcpu-stepping'], '--vcpu-stepping');
    if (model === undefined || step === undefined) throw new UsageError('--vcpu-family needs --vcpu-model and --vcpu-stepping');
    g.vcpuSig = cpuSig(fam, model, step);
  } else if (v['vcpu-sig'] !== undefined) g.vcpuSig = Number(parsePythonInt(v['vcpu-sig'], '--vcpu-sig'));
  else if (v['vcpu-type'] !== undefined) {
    const s = VCPU_TYPES[v['vcpu-type']];
    if (s === undefined) throw new UsageError(`argument --vcpu-type: invalid choice: '${v['vcpu-type']}' (choose from ${VCPU_TYPE_NAMES.join(', ')})`);
    g.vcpuSig = s;
  }
  if (v['guest-features'] !== undefined) g.guestFeatures = parsePythonInt(v['guest-features'], '--guest-features');
  if ((v.initrd || v.append) && !v.kernel) throw new UsageError('--initrd/--append need --kernel');
  if (v.kernel) g.kernel = kernelHashes({ kernel: io.readFile(v.kernel), initrd: v.initrd ? io.readFile(v.initrd) : undefined, append: v.append });
  return g;
}

function parseTime(s: string): Date {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at: not an ISO time '${s}'`);
  return d;
}

interface SearchJson {
  target: string;
  found: boolean;
  options?: string[];
  explanation: string;
  tried: number;
  total: number;
  ms: number;
  candidatesPerSecond?: number;
  /** One full recompute (firmware pages + metadata + VMSAs), for comparison with the per-candidate cost. */
  fullRecomputeMs?: number;
}

function searchJson(target: Uint8Array, r: OvmfSearchResult | IgvmSearchResult): SearchJson {
  const ms = r.tailMs;
  return {
    target: toHex(target),
    found: !!r.found,
    options: r.found?.options,
    explanation: r.explanation,
    tried: r.tried,
    total: r.total,
    ms: Math.round((r.prefixMs + r.tailMs) * 10) / 10,
    candidatesPerSecond: ms > 0 ? Math.round(r.tried / (ms / 1000)) : undefined,
    fullRecomputeMs: r.prefixes ? Math.round((r.prefixMs / r.prefixes) * 10) / 10 : undefined,
  };
}

async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values: v, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError('one EVIDENCE file');
  const evidencePath = positionals[0];
  if (!evidencePath && v.measurement === undefined) throw new UsageError('give an EVIDENCE file or --measurement HEX');
  if (evidencePath && v.measurement !== undefined) throw new UsageError('EVIDENCE and --measurement exclude each other');
  if (v.igvm && v.ovmf) throw new UsageError('--igvm and --ovmf exclude each other');
  if (v.measurement !== undefined && !v.igvm && !v.ovmf) throw new UsageError('--measurement needs --igvm or --ovmf to compare with');
  if (v.search && !v.igvm && !v.ovmf) throw new UsageError('--search needs --igvm or --ovmf');
  const profile = v.profile as SnpProfile | undefined;
  if (profile && !(SNP_PROFILES as readonly string[]).includes(profile)) throw new UsageError(`--profile must be one of ${SNP_PROFILES.join(', ')}`);
  if (profile && !v.igvm) throw new UsageError('--profile applies to --igvm');
  const classicOptionGiven = ['vcpu-type', 'vcpu-sig', 'vcpu-family', 'vmm-type', 'guest-features', 'kernel'].some((k) => v[k as keyof Values] !== undefined);
  if (classicOptionGiven && !v.ovmf) throw new UsageError('the measure-ovmf options apply to --ovmf');
  if (v.vcpus !== undefined && !v.ovmf && !v.igvm) throw new UsageError('--vcpus applies to --ovmf or --igvm');
  const igvmVcpus = v.igvm ? intOpt(v.vcpus, '--vcpus') : undefined;
  if (igvmVcpus !== undefined && (igvmVcpus < 1 || igvmVcpus > SEARCH_MAX_VCPUS)) throw new UsageError(`--vcpus: 1 to ${SEARCH_MAX_VCPUS}`);

  const diags = new Diagnostics();
  const checks = new CheckList();
  let evidence: Evidence | undefined;
  let kind: 'snp-report' | 'tdx-quote';
  let measurement: Uint8Array;
  if (evidencePath) {
    evidence = decodeEvidence(io.readFile(evidencePath));
    for (const d of evidence.diagnostics) diags.add(d);
    if (!evidence.kind) return finish(io, v.json, { kind: undefined, fields: {}, checks: [], match: undefined }, diags.done(), 2);
    kind = evidence.kind;
    measurement = kind === 'snp-report' ? (evidence.fields.find((f) => f.name === 'measurement')!.value as Uint8Array) : (evidence.fields.find((f) => f.name === 'mrtd')!.value as Uint8Array);
  } else {
    try {
      measurement = fromHex(v.measurement!.replace(/^0x/i, ''));
    } catch {
      throw new UsageError('--measurement: not a hex string');
    }
    if (measurement.length !== 48) throw new UsageError(`--measurement: ${measurement.length} bytes; an SNP MEASUREMENT or TDX MRTD is 48`);
    kind = 'snp-report';
  }

  // 1. The evidence itself.
  let at: Date | undefined = v.at ? parseTime(v.at) : undefined;
  let collateral: PcsCollateral | undefined;
  if (v.collateral) {
    collateral = parseCollateral(new TextDecoder().decode(io.readFile(v.collateral)));
    if (!collateral) {
      diags.error('EVIDENCE_BAD_COLLATERAL', `${v.collateral}: not PCS collateral JSON (tcb_info, qe_identity, their signatures and issuer chains)`);
      return finish(io, v.json, { kind, fields: evidence ? fieldsHex(evidence.fields) : {}, checks: [], match: undefined }, diags.done(), 2);
    }
    at ??= collateralTime(collateral);
  }
  if (evidence) {
    const certs = certificatesFrom((v.certs ?? []).map((name) => ({ name, bytes: io.readFile(name) })), diags);
    const ver = await verifyEvidence(evidence, { certs, at, collateral });
    appendAll(checks.list, ver.checks);
  }

  // 2. The launch.
  let search: SearchJson | Record<string, unknown> | undefined;
  let match: boolean | undefined;
  const report = evidence?.snp?.report;
  if (v.igvm) {
    const pr = parseIgvm(io.readFile(v.igvm));
    if (!pr.file) {
      for (const d of pr.diagnostics) diags.add(d);
      diags.error('VERIFY_BAD_IGVM', `${v.igvm}: not a readable IGVM file`);
      return finish(io, v.json, { kind, fields: evidence ? fieldsHex(evidence.fields) : {}, checks: checks.list, match: undefined }, diags.done(), 2);
    }
    const isTdx = kind === 'tdx-quote' || (!evidence && !pr.file.platforms.some((p) => p.kind === 'SupportedPlatform' && p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP));
    if (isTdx) {
      kind = 'tdx-quote';
      const launch: TdxLaunch = tdxLaunchOfIgvm(pr.file, v.igvm);
      appendAll(checks.list, compareTdx(measurement, launch));
    } else {
      const launch: SnpLaunch = snpLaunchOfIgvm(pr.file, v.igvm, profile, igvmVcpus);
      appendAll(checks.list, compareSnp(report ? snpFields(evidence!) : { measurement }, launch));
      if (v.search && checks.get('launch.measurement')?.status !== 'pass') {
        // Profiles × vCPU counts, extra vCPUs replicating the file's last VMSA (core/attest/igvm-search.ts).
        const r = searchIgvm(measurement, { file: pr.file, profile });
        search = { ...searchJson(measurement, r), profile: r.found?.profile, vcpus: r.found?.vcpus };
        checks.add('launch.search', !!r.found, `${r.explanation} — pass: ${r.found?.options.join(' ')}`, r.explanation);
      }
    }
    match = measurementMatch(checks.list);
  } else if (v.ovmf) {
    const firmware = io.readFile(v.ovmf);
    const parsedFw = parseFirmware(firmware);
    const tdvf = kind === 'tdx-quote' || (!evidence && !!parsedFw.tdxMetadata && !parsedFw.sevMetadata);
    if (tdvf) {
      kind = 'tdx-quote';
      const candidates = TDVF_PAGE_ORDERS.flatMap((order) => {
        const r = tdvfMrtd(firmware, order, parsedFw);
        return r.mrtd ? [{ label: `--order ${order}`, digest: r.mrtd }] : [];
      });
      appendAll(checks.list, compareTdx(measurement, { source: v.ovmf, candidates, error: 'not a TDVF image (no TDX metadata)' }));
    } else {
      const g = classicGiven(v, io);
      const complete = g.vcpus !== undefined && (g.vcpuSig !== undefined || (g.vmm !== undefined && g.vmm !== 'QEMU'));
      if (complete) {
        const r = measureClassic({ mode: 'snp', firmware, parsed: parsedFw, vcpus: g.vcpus, vcpuSig: g.vcpuSig, vmm: g.vmm, guestFeatures: g.guestFeatures, kernel: g.kernel });
        for (const d of r.diagnostics) if (d.severity !== 'info') diags.add(d);
        const launch: SnpLaunch = { source: v.ovmf, candidates: r.digest ? [{ label: 'the given options', digest: r.digest }] : [], igvm: false, error: r.diagnostics.find((d) => d.severity === 'error')?.message };
        appendAll(checks.list, compareSnp(report ? snpFields(evidence!) : { measurement }, launch));
      } else {
        checks.skip('launch.measurement', `the classic launch needs --vcpus and --vcpu-type/--vcpu-sig (or --vmm-type ec2/gce)${v.search ? '; searching them' : '; pass them or use --search'}`);
        if (report) for (const c of compareSnp(snpFields(evidence!), { source: v.ovmf, candidates: [], igvm: false }).filter((c) => c.id !== 'launch.measurement')) checks.list.push(c);
      }
      const st = checks.get('launch.measurement')?.status;
      if (v.search && st !== 'pass') {
        const r = searchOvmf(measurement, { firmware, parsed: parsedFw, kernel: g.kernel, given: g, reportCpuid: report?.cpuid });
        const sj = searchJson(measurement, r);
        search = sj;
        checks.add('launch.search', !!r.found, `${r.explanation} — pass: ${r.found?.options.join(' ')}`, r.explanation);
      }
    }
    match = measurementMatch(checks.list);
  }

  const code = allPassed(checks.list) ? 0 : 1;
  return finish(io, v.json, { kind, fields: evidence ? fieldsHex(evidence.fields) : { measurement: toHex(measurement) }, decoded: evidence ? evidenceSummary(evidence) : undefined, checks: checks.list, match, search }, diags.done(), code);
}

function snpFields(e: Evidence) {
  const r = e.snp!.report!;
  const f = (n: string) => r.fields.find((x) => x.name === n)!.value;
  return {
    measurement: f('measurement') as Uint8Array,
    hostData: f('host_data') as Uint8Array,
    idKeyDigest: f('id_key_digest') as Uint8Array,
    authorKeyDigest: f('author_key_digest') as Uint8Array,
    familyId: f('family_id') as Uint8Array,
    imageId: f('image_id') as Uint8Array,
    guestSvn: f('guest_svn') as number,
    policy: f('policy') as bigint,
    authorKeyEn: r.keyInfo.authorKeyEn,
  };
}

/** true/false when the launch measurement (or a search) decided it; undefined when nothing was compared. */
function measurementMatch(checks: readonly Check[]): boolean | undefined {
  const m = checks.find((c) => c.id === 'launch.measurement' || c.id === 'launch.mrtd');
  const s = checks.find((c) => c.id === 'launch.search');
  // The launch as given decides; the search decides only when the given options could not be checked
  // (an OVMF without --vcpus). A launch that failed as given is no match even when the search finds options
  // that would reproduce it: a script reading `match` must not mistake "would match with --vcpus 4" for a pass.
  if (m?.status === 'pass') return true;
  if (m?.status === 'fail') return false;
  if (s?.status === 'pass') return true;
  if (s?.status === 'fail') return false;
  return undefined;
}

interface Report {
  kind: 'snp-report' | 'tdx-quote' | undefined;
  fields: Record<string, string>;
  /** Meaning of the bit fields (product, signer, policy and TD attribute names, TCB per product). */
  decoded?: Record<string, unknown>;
  checks: Check[];
  match: boolean | undefined;
  search?: unknown;
}

const MARK: Record<Check['status'], string> = { pass: 'PASS', fail: 'FAIL', 'not-checked': '----' };

function finish(io: CliIo, json: boolean | undefined, r: Report, diagnostics: Diagnostic[], code: number): number {
  if (json) {
    io.out(toJson({ ...r, diagnostics }) + '\n');
    return code;
  }
  for (const d of diagnostics) if (d.severity !== 'info') io.err(`${formatDiagnostic(d)}\n`);
  if (r.kind) io.out(`${r.kind}\n`);
  const width = Math.max(0, ...Object.keys(r.fields).map((k) => k.length));
  for (const [k, val] of Object.entries(r.fields)) io.out(`  ${k.padEnd(width)}  ${val}\n`);
  if (r.decoded) {
    const d = r.decoded;
    const line = (k: string, val: unknown) => val !== undefined && io.out(`  ${k}: ${typeof val === 'string' ? val : JSON.stringify(val)}\n`);
    io.out('decoded:\n');
    for (const k of ['container', 'product', 'signer', 'policy', 'platformInfo', 'body', 'tdAttributes']) line(k, d[k]);
  }
  if (r.checks.length) io.out('checks:\n');
  for (const c of r.checks) io.out(`  ${MARK[c.status]}  ${c.id}: ${c.detail}\n`);
  const s = r.search as SearchJson | undefined;
  if (s) io.out(s.found ? `search: ${s.explanation}\n  options: ${s.options!.join(' ')}\n` : `search: ${s.explanation}\n`);
  if (r.match !== undefined) io.out(`match: ${r.match ? 'yes' : 'no'}\n`);
  return code;
}

export const verifyCommand: Command = { usage, run };

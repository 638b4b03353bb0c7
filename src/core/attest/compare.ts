// Compares evidence with a launch this tool computed (issue 13 §4): SNP MEASUREMENT against the launch digest of an
// IGVM (each SNP profile) or a classic OVMF launch, and the report's ID-block fields (FAMILY_ID, IMAGE_ID,
// GUEST_SVN, ID_KEY_DIGEST, AUTHOR_KEY_DIGEST) and POLICY against the IGVM's SNP_ID_BLOCK and GUEST_POLICY; TDX MRTD
// against the computed MRTD in both page orders.
import { equalBytes, toHex, type Bytes } from '../bytes/bytes';
import { sha384Of } from '../hash/hash';
import { appliesTo, IGVM_PLATFORM_TYPE, supportedPlatforms, type IgvmFile, type IgvmSnpIdBlock, type IgvmSnpPublicKey } from '../igvm/types';
import { measureIgvm } from '../measure/measure-igvm';
import { SNP_PROFILES, TDX_ORDERS, type SnpProfile } from '../measure/options';
import { CheckList, type Check } from './checks';
import { igvmSnpDigestWithVcpus } from './igvm-search';

export interface LaunchCandidate {
  /** What produced it, e.g. `--profile igvm` or `measure-ovmf --vcpus=2 …`. */
  label: string;
  digest: Uint8Array;
}

export interface SnpLaunch {
  /** Where the launch comes from (file name), for messages. */
  source: string;
  candidates: LaunchCandidate[];
  idBlock?: IgvmSnpIdBlock;
  policy?: bigint;
  /** True for an IGVM (ID block / policy checks apply); false for a classic OVMF launch. */
  igvm: boolean;
  /** Why no digest could be computed, when none. */
  error?: string;
}

export interface TdxLaunch {
  source: string;
  candidates: LaunchCandidate[];
  error?: string;
}

/** The SNP launch of an IGVM: one candidate per profile (or only `profile`), its ID block and guest policy. */
export function snpLaunchOfIgvm(file: IgvmFile, source: string, profile?: SnpProfile, vcpus?: number): SnpLaunch {
  const snp = supportedPlatforms(file).find((p) => p.platformType === IGVM_PLATFORM_TYPE.SEV_SNP);
  if (!snp) return { source, candidates: [], igvm: true, error: 'the IGVM declares no SEV-SNP platform' };
  const candidates: LaunchCandidate[] = [];
  const errors: string[] = [];
  for (const p of profile ? [profile] : SNP_PROFILES) {
    if (vcpus !== undefined) {
      // More vCPUs than the file has VMSAs: the last VMSA replicated (igvm-search.ts).
      const r = igvmSnpDigestWithVcpus(file, p, vcpus);
      if (r.digest) candidates.push({ label: `--profile ${p} --vcpus ${vcpus}`, digest: r.digest });
      else if (r.error) errors.push(`--profile ${p}: ${r.error}`);
      continue;
    }
    const m = measureIgvm(file, { platforms: ['SEV_SNP'], snpProfile: p })[0];
    if (m && !m.diagnostics.some((d) => d.severity === 'error')) candidates.push({ label: `--profile ${p}`, digest: m.digest });
  }
  const idBlocks = file.directives.filter((h): h is IgvmSnpIdBlock => h.kind === 'SnpIdBlock' && appliesTo(h, snp.compatibilityMask, 'overlaps'));
  const policy = file.initialization.find((h) => h.kind === 'GuestPolicy' && appliesTo(h, snp.compatibilityMask, 'overlaps'));
  return {
    source,
    candidates,
    idBlock: idBlocks[idBlocks.length - 1],
    policy: policy && policy.kind === 'GuestPolicy' ? policy.policy : undefined,
    igvm: true,
    error: candidates.length ? undefined : errors.length ? errors.join('; ') : 'no SNP profile gave a digest (see the measure command)',
  };
}

/** The TDX launch of an IGVM: MRTD in both page orders. */
export function tdxLaunchOfIgvm(file: IgvmFile, source: string): TdxLaunch {
  const candidates: LaunchCandidate[] = [];
  for (const order of TDX_ORDERS) {
    const m = measureIgvm(file, { platforms: ['TDX'], tdxOrder: order })[0];
    if (m) candidates.push({ label: `--tdx-order ${order}`, digest: m.digest });
  }
  return { source, candidates, error: candidates.length ? undefined : 'the IGVM declares no TDX platform' };
}

/**
 * SHA-384 of an ID/author public key in the AMD format the firmware hashes (SEV-SNP ABI, Table "ECDSA Public Key
 * Format": CURVE u32 at 0h, QX 72 bytes at 04h, QY 72 bytes at 4Ch, reserved to 403h; 0x404 bytes). The IGVM
 * header stores curve, a reserved u32, qx, qy (igvm-format §7.10).
 */
export function snpKeyDigest(k: IgvmSnpPublicKey): Bytes {
  const b = new Uint8Array(0x404);
  new DataView(b.buffer).setUint32(0, k.curve, true);
  b.set(k.qx.subarray(0, 72), 0x04);
  b.set(k.qy.subarray(0, 72), 0x4c);
  return sha384Of(b);
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

/** Which candidate equals `measurement`. */
export function matchCandidate(measurement: Uint8Array, candidates: readonly LaunchCandidate[]): LaunchCandidate | undefined {
  return candidates.find((c) => equalBytes(c.digest, measurement));
}

export interface ReportFieldsForCompare {
  measurement: Uint8Array;
  hostData?: Uint8Array;
  idKeyDigest?: Uint8Array;
  authorKeyDigest?: Uint8Array;
  familyId?: Uint8Array;
  imageId?: Uint8Array;
  guestSvn?: number;
  policy?: bigint;
  /** KEY_INFO.AUTHOR_KEY_EN. */
  authorKeyEn?: boolean;
}

/** The launch checks; `fields` without the ID-block values (a bare --measurement) skips those checks. */
export function compareSnp(fields: ReportFieldsForCompare, launch: SnpLaunch): Check[] {
  const checks = new CheckList();
  const m = matchCandidate(fields.measurement, launch.candidates);
  if (launch.candidates.length === 0) checks.fail('launch.measurement', `no launch digest from ${launch.source}: ${launch.error ?? 'nothing computed'}`);
  else if (m) checks.pass('launch.measurement', `MEASUREMENT = the launch digest of ${launch.source} (${m.label})`);
  else checks.fail('launch.measurement', `MEASUREMENT ${toHex(fields.measurement).slice(0, 16)}… ≠ ${launch.candidates.map((c) => `${c.label}: ${toHex(c.digest).slice(0, 16)}…`).join(', ')}`);

  if (fields.hostData === undefined) return checks.list;
  checks.skip('launch.host_data', `HOST_DATA (${isZero(fields.hostData) ? 'zero' : toHex(fields.hostData).slice(0, 16) + '…'}) is set by the host at launch; neither an IGVM nor OVMF carries it`);
  if (!launch.igvm) {
    for (const id of ['launch.id_block', 'launch.policy']) checks.skip(id, 'a classic OVMF launch has no ID block or guest policy in the file');
    return checks.list;
  }
  const ib = launch.idBlock;
  if (!ib) {
    const zeros = isZero(fields.familyId!) && isZero(fields.imageId!) && isZero(fields.idKeyDigest!) && isZero(fields.authorKeyDigest!) && fields.guestSvn === 0;
    checks.add('launch.id_block', zeros, 'the IGVM has no SNP_ID_BLOCK and the report\'s FAMILY_ID, IMAGE_ID, GUEST_SVN, ID_KEY_DIGEST, AUTHOR_KEY_DIGEST are zero', 'the IGVM has no SNP_ID_BLOCK, but the report carries ID-block values: the guest was launched with an ID block from elsewhere');
  } else {
    const diffs: string[] = [];
    if (!equalBytes(ib.familyId, fields.familyId!)) diffs.push(`FAMILY_ID ${toHex(fields.familyId!)} ≠ ${toHex(ib.familyId)}`);
    if (!equalBytes(ib.imageId, fields.imageId!)) diffs.push(`IMAGE_ID ${toHex(fields.imageId!)} ≠ ${toHex(ib.imageId)}`);
    if (ib.guestSvn !== fields.guestSvn) diffs.push(`GUEST_SVN ${fields.guestSvn} ≠ ${ib.guestSvn}`);
    const idk = snpKeyDigest(ib.idPublicKey);
    if (!equalBytes(idk, fields.idKeyDigest!)) diffs.push(`ID_KEY_DIGEST ${toHex(fields.idKeyDigest!).slice(0, 16)}… ≠ SHA-384(ID key) ${toHex(idk).slice(0, 16)}…`);
    if (ib.authorKeyEnabled === 1) {
      const ak = snpKeyDigest(ib.authorPublicKey);
      if (!equalBytes(ak, fields.authorKeyDigest!)) diffs.push(`AUTHOR_KEY_DIGEST ≠ SHA-384(author key) ${toHex(ak).slice(0, 16)}…`);
      if (fields.authorKeyEn === false) diffs.push('the ID block has an author key but KEY_INFO.AUTHOR_KEY_EN is 0');
    } else if (!isZero(fields.authorKeyDigest!)) diffs.push('AUTHOR_KEY_DIGEST is set but the ID block has no author key');
    if (!equalBytes(ib.ld, fields.measurement)) diffs.push(`the ID block's ld ${toHex(ib.ld).slice(0, 16)}… ≠ MEASUREMENT (the PSP would have refused this launch)`);
    checks.add('launch.id_block', diffs.length === 0, `FAMILY_ID, IMAGE_ID, GUEST_SVN, ID_KEY_DIGEST${ib.authorKeyEnabled === 1 ? ', AUTHOR_KEY_DIGEST' : ''} = the IGVM's SNP_ID_BLOCK (header ${ib.index})`, diffs.join('; '));
  }
  if (launch.policy === undefined) checks.skip('launch.policy', 'the IGVM has no SNP GUEST_POLICY header');
  else checks.add('launch.policy', launch.policy === fields.policy, `POLICY 0x${fields.policy!.toString(16)} = the IGVM's GUEST_POLICY`, `POLICY 0x${fields.policy!.toString(16)} ≠ the IGVM's GUEST_POLICY 0x${launch.policy.toString(16)}`);
  return checks.list;
}

export function compareTdx(mrtd: Uint8Array, launch: TdxLaunch): Check[] {
  const checks = new CheckList();
  const m = matchCandidate(mrtd, launch.candidates);
  if (launch.candidates.length === 0) checks.fail('launch.mrtd', `no MRTD from ${launch.source}: ${launch.error ?? 'nothing computed'}`);
  else if (m) checks.pass('launch.mrtd', `MRTD = the computed MRTD of ${launch.source} (${m.label})`);
  else checks.fail('launch.mrtd', `MRTD ${toHex(mrtd).slice(0, 16)}… ≠ ${launch.candidates.map((c) => `${c.label}: ${toHex(c.digest).slice(0, 16)}…`).join(', ')}`);
  return checks.list;
}


// A CoRIM (draft-ietf-rats-corim) carrying one launch measurement as a reference value, in the profile the
// microsoft/igvm crate emits for IGVM launch measurements: `tag:microsoft.com,2026:launch-measurement/v1`
// (igvm-format §6.5; the crate's `igvm/src/corim/launch_measurement/profile.rs`). Per that profile:
//
//   #6.501(corim-map {                         tagged-unsigned-corim-map
//     0: "<vendor>/<model>/launch-measurement",  id
//     1: [ #6.506(bstr .cbor concise-mid-tag) ], exactly one CoMID
//     3: #6.32("tag:microsoft.com,2026:launch-measurement/v1"),  profile (uri)
//   })
//   concise-mid-tag {
//     1: { 0: lowercase UUIDv5(85f3f1c2-22a8-441e-a1b9-bccfb63ed5f7, "<vendor>/<model>") },   tag-identity
//     4: { 0: [ [ env, [ mm ] ] ],                                       reference-triples
//          8: [ [ [ env, [] ], [ [ [ mm ], [ { 1: { 1: #6.552(svn) } } ] ] ] ] ] }   conditional-endorsement-series
//   }
//   env = { 0: { 1: vendor, 2: model } }     class-map only: a class-level endorsement
//   mm  = { 0: mkey, 1: { 2: [ [ alg, digest ] ] } }   mkey "MEASUREMENT" (SNP, VBS) / "MRTD" (TDX);
//                                                       alg 7 = SHA-384, 1 = SHA-256 (named-information registry)
//
// The CBOR is written by cbor2 (a maintained RFC 8949 codec) in CDE deterministic encoding (sorted keys,
// shortest forms), so the same measurement always gives the same bytes. The test decodes it with a different
// library (cborg). The profile allows one measurement per CoRIM: several values give several documents.
import { encode, Tag } from 'cbor2';
import { fromHex } from '../bytes/bytes';
import { defaultHash, type HashBackend } from '../hash/hash';
import { REFERENCE_DIGEST_BYTES, type ReferencePlatform, type ReferenceValue } from './reference-values';
import { uuidV5 } from './uuid';

export const CORIM_PROFILE_URI = 'tag:microsoft.com,2026:launch-measurement/v1';
/** The profile's namespace for CoMID tag-ids (UUIDv5 of "<vendor>/<model>"). */
export const CORIM_TAG_ID_NAMESPACE = '85f3f1c2-22a8-441e-a1b9-bccfb63ed5f7';

/** CBOR tags of draft-ietf-rats-corim and RFC 8949. */
export const CBOR_TAG = {
  URI: 32,
  TAGGED_UNSIGNED_CORIM: 501,
  CONCISE_MID_TAG: 506,
  SVN: 552,
} as const;

export interface CorimPlatform {
  vendor: string;
  model: string;
  mkey: string;
  /** Named-information hash algorithm id: 7 = SHA-384, 1 = SHA-256. */
  alg: 1 | 7;
}

export const CORIM_PLATFORMS: Record<ReferencePlatform, CorimPlatform> = {
  SEV_SNP: { vendor: 'AMD', model: 'SEV-SNP', mkey: 'MEASUREMENT', alg: 7 },
  TDX: { vendor: 'Intel', model: 'TDX', mkey: 'MRTD', alg: 7 },
  VSM_ISOLATION: { vendor: 'Microsoft', model: 'VBS', mkey: 'MEASUREMENT', alg: 1 },
};

/** The largest SVN written (a CBOR uint; kept to what JSON and JS numbers carry exactly). */
export const MAX_CORIM_SVN = Number.MAX_SAFE_INTEGER;

export interface CorimOptions {
  /** The SVN the conditional endorsement attaches to this digest (exact-value SVN, #6.552). Default 0. */
  svn?: number;
  hash?: HashBackend;
}

/** The profile's CoMID tag-id for a platform. */
export function corimTagId(platform: ReferencePlatform, hash: HashBackend = defaultHash()): string {
  const p = CORIM_PLATFORMS[platform];
  return uuidV5(CORIM_TAG_ID_NAMESPACE, `${p.vendor}/${p.model}`, hash);
}

/**
 * The CoRIM of one launch measurement (tag 501, unsigned). Returns undefined for a digest of the wrong length
 * for its platform or an SVN that is not a non-negative safe integer.
 */
export function launchMeasurementCorim(v: ReferenceValue, o: CorimOptions = {}): Uint8Array | undefined {
  const p = CORIM_PLATFORMS[v.platform];
  const svn = o.svn ?? 0;
  if (!Number.isSafeInteger(svn) || svn < 0 || svn > MAX_CORIM_SVN) return undefined;
  if (!new RegExp(`^[0-9a-fA-F]{${2 * REFERENCE_DIGEST_BYTES[v.platform]}}$`).test(v.digest)) return undefined;
  const env = () => new Map([[0, new Map<number, string>([[1, p.vendor], [2, p.model]])]]);
  const measurement = () =>
    new Map<number, unknown>([
      [0, p.mkey],
      [1, new Map([[2, [[p.alg, fromHex(v.digest.toLowerCase())]]]])],
    ]);
  const svnAddition = new Map([[1, new Map([[1, new Tag(CBOR_TAG.SVN, svn)]])]]);
  const triples = new Map<number, unknown>([
    [0, [[env(), [measurement()]]]],
    [8, [[[env(), []], [[[measurement()], [svnAddition]]]]]],
  ]);
  const comid = new Map<number, unknown>([
    [1, new Map([[0, corimTagId(v.platform, o.hash)]])],
    [4, triples],
  ]);
  const corim = new Map<number, unknown>([
    [0, `${p.vendor}/${p.model}/launch-measurement`],
    [1, [new Tag(CBOR_TAG.CONCISE_MID_TAG, encode(comid, { cde: true }))]],
    [3, new Tag(CBOR_TAG.URI, CORIM_PROFILE_URI)],
  ]);
  return encode(new Tag(CBOR_TAG.TAGGED_UNSIGNED_CORIM, corim), { cde: true });
}

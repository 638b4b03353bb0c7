// The reference-value exports of corpus IGVMs, checked by tools that are not ours: the CoRIM is decoded with
// cborg (the encoder is cbor2) into the structure of the launch-measurement profile; the Trustee values and the
// receipt validate against their JSON Schemas with ajv.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decode, type TagDecoder } from 'cborg';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes/bytes';
import { measureIgvm } from '../api/measure';
import { parseIgvm } from '../igvm/parse';
import { measurementReceipt } from '../fuki/receipt';
import { measureIgvm as measureModel } from '../measure/measure-igvm';
import { corpusAvailable, manifest, readCorpus } from '../../test-support/corpus';
import { CORIM_PROFILE_URI, corimTagId, launchMeasurementCorim } from './corim';
import { referenceValuesOfMeasurements, referenceValuesOfReceipt, type ReferencePlatform } from './reference-values';
import { publishedReceipt, RECEIPT_SCHEMA, TRUSTEE_SCHEMA } from './receipt-json';
import { trusteeReferenceValues, trusteeRvpsMessage } from './trustee';

/** A decoded CBOR tag, so the test sees which tag wrapped what. */
class T {
  readonly tag: number;
  readonly value: unknown;
  constructor(tag: number, value: unknown) {
    this.tag = tag;
    this.value = value;
  }
}
const tagged = (n: number): TagDecoder => (inner) => new T(n, inner());
/** Strict decoding: maps as Map (integer keys stay integers), only the tags the profile uses. */
const cbor = (b: Uint8Array) =>
  decode(b, {
    useMaps: true,
    strict: true,
    rejectDuplicateMapKeys: true,
    tags: { 32: tagged(32), 501: tagged(501), 506: tagged(506), 552: tagged(552) },
  }) as unknown;

interface Entry {
  path: string;
  measurements: Record<string, Record<string, { value: string }>>;
}
const entries = (): Entry[] => manifest().igvm as Entry[];
const expected = (e: Entry, platform: string) => Object.values(e.measurements[platform] ?? {})[0]?.value;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addFormat('uri', true);
const validateReceipt = ajv.compile(RECEIPT_SCHEMA);
const validateTrustee = ajv.compile(TRUSTEE_SCHEMA);
const validateMessage = ajv.compile({ $ref: 'urn:fukiscope:schema:trustee-reference-values:v1#/$defs/message' });

describe('CoRIM tag-id', () => {
  it('is the UUIDv5 the microsoft/igvm crate derives for AMD/SEV-SNP', () => {
    // The value the igvm crate's own round-trip test asserts (igvm/src/corim/launch_measurement/builder.rs).
    expect(corimTagId('SEV_SNP')).toBe('77e8061e-4634-5e53-a848-d1d09e996843');
  });
});

describe.skipIf(!corpusAvailable())('reference-value exports of corpus IGVMs', () => {
  const files = ['igvm/igvm-crate/lib-multi.igvm', 'igvm/igvm-crate/rich-v1.igvm'];
  for (const path of files)
    it(`${path}: each platform's CoRIM decodes (cborg) to the profile's structure with the manifest digest`, () => {
      const e = entries().find((x) => x.path === path)!;
      const r = measureIgvm(readCorpus(path));
      expect(r.withheld).toBeUndefined();
      const values = referenceValuesOfMeasurements(measureModel(parseIgvm(readCorpus(path)).file!));
      const platforms: Record<ReferencePlatform, { vendor: string; model: string; mkey: string; alg: number }> = {
        SEV_SNP: { vendor: 'AMD', model: 'SEV-SNP', mkey: 'MEASUREMENT', alg: 7 },
        TDX: { vendor: 'Intel', model: 'TDX', mkey: 'MRTD', alg: 7 },
        VSM_ISOLATION: { vendor: 'Microsoft', model: 'VBS', mkey: 'MEASUREMENT', alg: 1 },
      };
      expect(values.map((v) => v.platform).sort()).toEqual(
        Object.keys(e.measurements).filter((p) => p in platforms).sort(),
      );
      for (const v of values) {
        const want = expected(e, v.platform)!;
        expect(v.digest).toBe(want);
        const p = platforms[v.platform];
        const bytes = launchMeasurementCorim(v, { svn: 3 })!;
        const top = cbor(bytes) as T;
        expect(top.tag).toBe(501);
        const corim = top.value as Map<number, unknown>;
        expect([...corim.keys()]).toEqual([0, 1, 3]);
        expect(corim.get(0)).toBe(`${p.vendor}/${p.model}/launch-measurement`);
        expect(corim.get(3)).toEqual(new T(32, CORIM_PROFILE_URI));
        const tags = corim.get(1) as T[];
        expect(tags).toHaveLength(1);
        expect(tags[0]!.tag).toBe(506);
        const comid = cbor(tags[0]!.value as Uint8Array) as Map<number, unknown>;
        expect([...comid.keys()]).toEqual([1, 4]);
        expect(comid.get(1)).toEqual(new Map([[0, corimTagId(v.platform)]]));
        const env = new Map([[0, new Map<number, unknown>([[1, p.vendor], [2, p.model]])]]);
        const mm = new Map<number, unknown>([
          [0, p.mkey],
          [1, new Map([[2, [[p.alg, Uint8Array.from(Buffer.from(want, 'hex'))]]]])],
        ]);
        const triples = comid.get(4) as Map<number, unknown>;
        expect([...triples.keys()]).toEqual([0, 8]);
        expect(triples.get(0)).toEqual([[env, [mm]]]);
        expect(triples.get(8)).toEqual([[[env, []], [[[mm], [new Map([[1, new Map([[1, new T(552, 3)]])]])]]]]]);
        // The digest bytes themselves, not only their shape.
        const digest = ((triples.get(0) as unknown[][])[0]![1] as Map<number, Map<number, unknown[][]>>[])[0]!.get(1)!.get(2)![0]![1];
        expect(toHex(digest as Uint8Array)).toBe(want);
        // Deterministic: the same value gives the same bytes.
        expect(toHex(launchMeasurementCorim(v, { svn: 3 })!)).toBe(toHex(bytes));
      }
    });

  it('a wrong-length digest or a bad SVN gives no CoRIM', () => {
    const d = 'ab'.repeat(48);
    expect(launchMeasurementCorim({ platform: 'VSM_ISOLATION', digest: d })).toBeUndefined();
    expect(launchMeasurementCorim({ platform: 'SEV_SNP', digest: d }, { svn: -1 })).toBeUndefined();
    expect(launchMeasurementCorim({ platform: 'SEV_SNP', digest: d }, { svn: 1.5 })).toBeUndefined();
    expect(launchMeasurementCorim({ platform: 'SEV_SNP', digest: d })).toBeInstanceOf(Uint8Array);
  });

  it('Trustee reference values and the RVPS message validate against their schema and carry the manifest digests', () => {
    const e = entries().find((x) => x.path === 'igvm/igvm-crate/lib-multi.igvm')!;
    const values = referenceValuesOfMeasurements(measureModel(parseIgvm(readCorpus(e.path)).file!));
    const t = trusteeReferenceValues(values, { rtmr1: ['cd'.repeat(48)], rtmr2: ['not hex'] });
    expect(validateTrustee(t), JSON.stringify(validateTrustee.errors)).toBe(true);
    expect(t).toEqual({
      snp_launch_measurement: [expected(e, 'SEV_SNP')],
      mr_td: [expected(e, 'TDX')],
      rtmr_1: ['cd'.repeat(48)],
    });
    const msg = trusteeRvpsMessage(t);
    expect(validateMessage(msg), JSON.stringify(validateMessage.errors)).toBe(true);
    expect(JSON.parse(Buffer.from(msg.payload, 'base64').toString('utf8'))).toEqual(t);
    // The schema is not vacuous: a VBS digest under a Trustee name, or an uppercase digest, fails it.
    expect(validateTrustee({ snp_launch_measurement: [expected(e, 'VSM_ISOLATION')] })).toBe(false);
    expect(validateTrustee({ mr_td: [expected(e, 'TDX')!.toUpperCase()] })).toBe(false);
    expect(validateTrustee({})).toBe(false);
  });

  it('a measurement receipt validates against the receipt schema, and its reference values are the manifest digests', () => {
    const e = entries().find((x) => x.path === 'igvm/igvm-crate/rich-v1.igvm')!;
    const bytes = readCorpus(e.path);
    const m = measureIgvm(bytes).measurements.find((x) => x.platform === 'SEV_SNP')!;
    const receipt = publishedReceipt(
      measurementReceipt({
        file: { name: 'rich-v1.igvm', size: bytes.length, sha256: 'ab'.repeat(32) },
        options: { profile: 'igvm' },
        platform: 'SEV_SNP',
        label: 'SNP launch digest',
        algorithm: m.algorithm,
        digest: m.digest!,
        profile: m.profile,
        steps: [{ type: 'NORMAL', gpa: '0x1000' }],
        diagnostics: [{ severity: 'info', code: 'X_INFO', message: 'x', offset: 0 }],
      }),
    );
    const json = JSON.parse(JSON.stringify(receipt));
    expect(validateReceipt(json), JSON.stringify(validateReceipt.errors)).toBe(true);
    expect(referenceValuesOfReceipt(json)).toEqual([{ platform: 'SEV_SNP', digest: expected(e, 'SEV_SNP') }]);
    // Drift between the type and the schema shows: an unknown field or a malformed digest fails validation.
    expect(validateReceipt({ ...json, extra: 1 })).toBe(false);
    expect(validateReceipt({ ...json, measurements: [{ ...json.measurements[0], digest: 'XYZ' }] })).toBe(false);
  });
});

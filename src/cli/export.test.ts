// `--export` of `fukiscope measure` (issue 15): the CoRIM decodes with cborg (not the encoder, cbor2) to the
// manifest digest; the Trustee values and the receipts (measure and compose) validate against the shipped JSON
// Schemas with ajv; a damaged file exports nothing.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { RECEIPT_SCHEMA, TRUSTEE_SCHEMA } from '../core/export/receipt-json';
import { captureIo } from '../test-support/cli';
import { corpusAvailable, corpusPath, manifest, readCorpus } from '../test-support/corpus';
import { main } from './main';

interface Entry {
  path: string;
  measurements: Record<string, Record<string, { value: string }>>;
}
const want = (rel: string, platform: string): string => {
  const e = (manifest().igvm as Entry[]).find((x) => x.path === rel)!;
  return Object.values(e.measurements[platform]!)[0]!.value;
};
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateReceipt = ajv.compile(RECEIPT_SCHEMA);
const validateTrustee = ajv.compile(TRUSTEE_SCHEMA);
const MULTI = 'igvm/igvm-crate/lib-multi.igvm';

describe.skipIf(!corpusAvailable())('fukiscope measure --export', () => {
  it('corim: one platform per CoRIM; cborg finds the manifest digest under the profile keys', async () => {
    const io = captureIo();
    expect(await main(['measure', corpusPath(MULTI), '--platform', 'tdx', '--export', 'corim', '--out', 'x.cbor', '--svn', '2'], io)).toBe(0);
    const tags: Record<number, (d: () => unknown) => unknown> = {};
    for (const n of [32, 501, 506, 552]) tags[n] = (inner) => ({ tag: n, value: inner() });
    const opts = { useMaps: true, strict: true, tags };
    const top = decode(io.written['x.cbor'] as Uint8Array, opts) as { tag: number; value: Map<number, unknown> };
    expect(top.tag).toBe(501);
    const comid = decode((top.value.get(1) as { value: Uint8Array }[])[0]!.value, opts) as Map<number, Map<number, unknown>>;
    const ref = comid.get(4)!.get(0) as [Map<number, Map<number, string>>, Map<number, unknown>[]][];
    expect(ref[0]![0].get(0)!.get(1)).toBe('Intel');
    const mm = ref[0]![1][0]!;
    expect(mm.get(0)).toBe('MRTD');
    const [alg, digest] = ((mm.get(1) as Map<number, unknown>).get(2) as [number, Uint8Array][])[0]!;
    expect(alg).toBe(7);
    expect(Buffer.from(digest).toString('hex')).toBe(want(MULTI, 'TDX'));

    // Several platforms and no --platform: a usage error, nothing written.
    const many = captureIo();
    expect(await main(['measure', corpusPath(MULTI), '--export', 'corim', '--out', 'y.cbor'], many)).toBe(2);
    expect(many.written['y.cbor']).toBeUndefined();
  });

  it('trustee / trustee-message: the manifest SNP digest and MRTD, valid against the schema', async () => {
    const io = captureIo();
    expect(await main(['measure', corpusPath(MULTI), '--export', 'trustee'], io)).toBe(0);
    const t = JSON.parse(io.stdout);
    expect(validateTrustee(t), JSON.stringify(validateTrustee.errors)).toBe(true);
    expect(t).toEqual({ snp_launch_measurement: [want(MULTI, 'SEV_SNP')], mr_td: [want(MULTI, 'TDX')] });
    const m = captureIo();
    expect(await main(['measure', corpusPath(MULTI), '--export', 'trustee-message'], m)).toBe(0);
    const msg = JSON.parse(m.stdout);
    expect(msg).toMatchObject({ version: '0.1.0', type: 'sample' });
    expect(JSON.parse(Buffer.from(msg.payload, 'base64').toString('utf8'))).toEqual(t);
  });

  it('receipt: valid against the receipt schema, the manifest digest, the file hash', async () => {
    const rel = 'igvm/igvm-crate/rich-v1.igvm';
    for (const [platform, name] of [['snp', 'SEV_SNP'], ['tdx', 'TDX']] as const) {
      const io = captureIo();
      expect(await main(['measure', corpusPath(rel), '--platform', platform, '--export', 'receipt', '--out', 'r.json'], io)).toBe(0);
      const r = JSON.parse(String(io.written['r.json']));
      expect(validateReceipt(r), JSON.stringify(validateReceipt.errors)).toBe(true);
      expect(r.$schema).toBe('urn:fukiscope:schema:receipt:v1');
      expect(r.measurements[0].digest).toBe(want(rel, name));
      expect(r.inputs.file.sha256).toBe((manifest().igvm as { path: string; sha256: string }[]).find((e) => e.path === rel)!.sha256);
      expect(r.measurements[0].steps).toBeGreaterThan(r.steps.length - 1);
    }
  });

  it('a compose receipt validates against the receipt schema too', async () => {
    const c = manifest().ovmf_measure.find((x: { id: string }) => x.id === 'snp_amdsev_1vcpu_EPYC-v4_kernel_initrd_append');
    const io = captureIo();
    const rc = await main(
      [
        'compose',
        '--firmware', corpusPath(c.params.ovmf.path),
        '--kernel', corpusPath(c.params.kernel.path),
        '--initrd', corpusPath(c.params.initrd.path),
        '--cmdline', c.params.append,
        '--profile', 'classic-equivalent',
        '--platform', 'snp',
        '--igvm-out', 'out.igvm',
        '--receipt', 'receipt.json',
      ],
      io,
    );
    expect(rc, io.stderr).toBe(0);
    const r = JSON.parse(String(io.written['receipt.json']));
    expect(validateReceipt(r), JSON.stringify(validateReceipt.errors)).toBe(true);
    expect(r.measurements[0].digest).toBe(c.expected);

    // `fukiscope export` turns that receipt into reference values: Trustee JSON and a CoRIM with its digest.
    const written = io.written['receipt.json']!;
    const files = { 'receipt.json': typeof written === 'string' ? new TextEncoder().encode(written) : written };
    const t = captureIo(files);
    expect(await main(['export', 'receipt.json', '--export', 'trustee'], t), t.stderr).toBe(0);
    const values = JSON.parse(t.stdout);
    expect(validateTrustee(values), JSON.stringify(validateTrustee.errors)).toBe(true);
    expect(values).toEqual({ snp_launch_measurement: [c.expected] });
    const k = captureIo(files);
    expect(await main(['export', 'receipt.json', '--export', 'corim', '--out', 'c.cbor'], k), k.stderr).toBe(0);
    expect(Buffer.from(k.written['c.cbor'] as Uint8Array).toString('hex')).toContain(c.expected);
  });

  it('export refuses what is not a receipt, without throwing', async () => {
    for (const text of ['not json', '{"tool":"other 1.0","measurements":[]}', '{"tool":"fukiscope 0.1.0","measurements":[1,{"platform":5}]}']) {
      const io = captureIo({ 'r.json': new TextEncoder().encode(text) });
      expect(await main(['export', 'r.json', '--export', 'trustee'], io)).toBe(1);
      expect(io.stdout).toBe('');
    }
  });

  it('a damaged file exports nothing (exit 1, no digest anywhere)', async () => {
    const bytes = readCorpus(MULTI).slice();
    bytes[20]! ^= 0x01; // the fixed header's checksum (igvm-format §2.3)
    for (const format of ['trustee', 'receipt', 'corim']) {
      const io = captureIo({ 'damaged.igvm': bytes });
      expect(await main(['measure', 'damaged.igvm', '--platform', 'snp', '--export', format, '--out', 'o'], io)).toBe(1);
      expect(io.written.o).toBeUndefined();
      expect(io.stdout).not.toMatch(/[0-9a-f]{64}/);
    }
    const forced = captureIo({ 'damaged.igvm': bytes });
    expect(await main(['measure', 'damaged.igvm', '--export', 'trustee', '--force'], forced)).toBe(2);
  });
});

// The app's reference-value downloads (issue 15): from the Measurement tab of a dropped corpus IGVM, the receipt
// (valid against the receipt schema), the CoRIM (decoded with cborg, not the app's encoder) and the Trustee JSON
// (valid against its schema) carry the manifest digest.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { decode } from 'cborg';
import { readFileSync } from 'node:fs';
import { corpusFile, dropFiles, expect, manifest, test } from './fixtures';

const schema = (name: string): object => JSON.parse(readFileSync(new URL(`../src/core/export/${name}`, import.meta.url), 'utf8')) as object;
const RECEIPT_SCHEMA = schema('receipt.schema.json');
const TRUSTEE_SCHEMA = schema('trustee.schema.json');

test('Measurement tab: receipt, CoRIM and Trustee downloads carry the manifest digest', async ({ page }) => {
  const rel = 'igvm/igvm-crate/rich-v1.igvm';
  const entry = (manifest().igvm as { path: string; measurements: Record<string, Record<string, { value: string }>> }[]).find(
    (e) => e.path === rel,
  )!;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const validateReceipt = ajv.compile(RECEIPT_SCHEMA);
  const validateTrustee = ajv.compile(TRUSTEE_SCHEMA);
  await page.goto('/');
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByRole('heading', { name: 'rich-v1.igvm' })).toBeVisible();
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  for (const [platform, mkey, trusteeName] of [
    ['SEV_SNP', 'MEASUREMENT', 'snp_launch_measurement'],
    ['TDX', 'MRTD', 'mr_td'],
  ] as const) {
    const want = Object.values(entry.measurements[platform]!)[0]!.value;
    await page.getByRole('combobox', { name: 'Measurement' }).selectOption(platform);
    await expect(page.getByTestId('digest')).toHaveText(want, { timeout: 30_000 });
    const save = async (testId: string) => {
      const download = page.waitForEvent('download');
      await page.getByTestId(testId).click();
      const d = await download;
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const receipt = await save('download-receipt');
    const r = JSON.parse(receipt.bytes.toString('utf8'));
    expect(validateReceipt(r), JSON.stringify(validateReceipt.errors)).toBe(true);
    expect(r.measurements[0].digest).toBe(want);

    const corim = await save('download-corim');
    expect(corim.name).toMatch(/\.corim\.cbor$/);
    const tags: Record<number, (inner: () => unknown) => unknown> = {};
    for (const n of [32, 501, 506, 552]) tags[n] = (inner) => ({ tag: n, value: inner() });
    const top = decode(corim.bytes, { useMaps: true, strict: true, tags }) as { tag: number; value: Map<number, unknown> };
    expect(top.tag).toBe(501);
    const comid = decode((top.value.get(1) as { value: Uint8Array }[])[0]!.value, { useMaps: true, strict: true, tags }) as Map<
      number,
      Map<number, unknown>
    >;
    const mm = (comid.get(4)!.get(0) as [unknown, Map<number, unknown>[]][])[0]![1][0]!;
    expect(mm.get(0)).toBe(mkey);
    const [, digest] = ((mm.get(1) as Map<number, unknown>).get(2) as [number, Uint8Array][])[0]!;
    expect(Buffer.from(digest).toString('hex')).toBe(want);

    const trustee = JSON.parse((await save('download-trustee')).bytes.toString('utf8'));
    expect(validateTrustee(trustee), JSON.stringify(validateTrustee.errors)).toBe(true);
    expect(trustee).toEqual({ [trusteeName]: [want] });
  }
});

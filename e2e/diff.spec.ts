// End-to-end: diff two corpus IGVMs in the app; the SNP digests shown equal the manifest's (igvm crate), the
// first diverging ledger step is highlighted on both sides and really differs there; a file against itself
// shows no difference.
import { corpusFile, dropFiles, expect, manifest, test } from './fixtures';

const A = 'igvm/igvm-crate/lib-snp.igvm';
const B = 'igvm/igvm-crate/rich-v1.igvm';

function snpDigest(rel: string): string {
  const e = (
    manifest().igvm as { path: string; measurements: { SEV_SNP: { snp_launch_digest: { value: string } } } }[]
  ).find((x) => x.path === rel)!;
  return e.measurements.SEV_SNP.snp_launch_digest.value.toLowerCase();
}

test('diff lib-snp.igvm against rich-v1.igvm: header differences, manifest digests, first diverging step highlighted', async ({
  page,
}, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile(A), corpusFile(B)]);
  await expect(page.getByRole('tab', { name: /rich-v1\.igvm/ })).toBeVisible();
  await expect(page.getByRole('tab', { name: /lib-snp\.igvm/ })).toBeVisible();
  await page.getByRole('button', { name: 'Diff', exact: true }).click();
  await page.getByRole('combobox', { name: 'File A' }).selectOption({ label: 'lib-snp.igvm (IGVM)' });
  await page.getByRole('combobox', { name: 'File B' }).selectOption({ label: 'rich-v1.igvm (IGVM)' });

  const digestRow = page.getByTestId('diff-header').getByRole('row', { name: /SNP launch digest/ });
  await expect(digestRow).toContainText(snpDigest(A), { timeout: 30_000 });
  await expect(digestRow).toContainText(snpDigest(B));
  await expect(digestRow).toHaveAttribute('data-same', 'false');

  const summary = page.getByTestId('first-diverging');
  await expect(summary).toContainText('First diverging SNP step');
  const first = (await summary.locator('strong').textContent())!;
  const rowA = page.getByTestId('diverging-A');
  const rowB = page.getByTestId('diverging-B');
  await expect(rowA).toHaveClass(/diverging/);
  await expect(rowA.locator('td').first()).toHaveText(first);
  // The highlighted steps differ in GPA, type or content hash; the step before (if shown) is the same.
  const cells = async (row: typeof rowA) => (await row.locator('td').allTextContents()).slice(1).join('|');
  if ((await rowB.count()) > 0) expect(await cells(rowA)).not.toBe(await cells(rowB));
  const before = Number(first) - 1;
  if (before >= 0) {
    const prevA = page
      .getByTestId('ledger-A')
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: String(before), exact: true }) });
    const prevB = page
      .getByTestId('ledger-B')
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: String(before), exact: true }) });
    expect(await cells(prevA.first())).toBe(await cells(prevB.first()));
  }
  await expect(page.getByTestId('parts-summary')).toContainText('only in B');
  await page.screenshot({ path: info.outputPath('diff.png'), fullPage: true });

  // The same file on both sides: nothing differs.
  await page.getByRole('combobox', { name: 'File B' }).selectOption({ label: 'lib-snp.igvm (IGVM)' });
  await expect(summary).toContainText('identical');
});

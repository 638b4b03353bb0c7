// End-to-end: teaching mode steps through the SNP ledger of the IGVM composed from the corpus OVMF + UKI.
// Counting is 1-based (issue 10). Each step's PAGE_INFO is rebuilt in the page and its SHA-384 must equal the worker's running digest; the
// last step's running digest must be the composer's launch digest.
import { resolve } from 'node:path';
import { CORPUS, expect, teachCorpusTdx, test } from './fixtures';

test('teaching mode: step, keyboard, first/last; PAGE_INFO hashes to the running digest; last step = launch digest', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page
    .getByTestId('slot-firmware-input')
    .setInputFiles(resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd'));
  await page.getByTestId('slot-uki-input').setInputFiles(resolve(CORPUS, 'pe/uki-262.efi'));
  const digest = page.getByTestId('digest-SEV_SNP');
  await expect(digest).toHaveText(/^[0-9a-f]{96}$/, { timeout: 60_000 });
  const launchDigest = await digest.textContent();

  await page.getByRole('button', { name: 'Teach', exact: true }).click();
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(/^Step 1 of \d+$/, { timeout: 60_000 });
  const total = Number((await counter.textContent())!.match(/of (\d+)/)![1]);
  expect(total).toBeGreaterThan(100);
  await expect(page.getByTestId('page-info-check')).toContainText('✓');
  await page.getByRole('button', { name: /Next/ }).click();
  await expect(counter).toHaveText(`Step 2 of ${total}`);
  await expect(page.getByTestId('page-info-check')).toContainText('✓');
  await page.keyboard.press('ArrowRight');
  await expect(counter).toHaveText(`Step 3 of ${total}`);
  await page.keyboard.press('ArrowLeft');
  await expect(counter).toHaveText(`Step 2 of ${total}`);
  await expect(page.getByText('Header record in the composed IGVM')).toBeVisible();
  await expect(page.getByTestId('receipt-notes')).toContainText('ID block');
  await expect(page.getByTestId('trust-chain')).toContainText('.efifw');
  await page.screenshot({ path: info.outputPath('teaching-step.png'), fullPage: true });
  await page.keyboard.press('End');
  await expect(counter).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByTestId('page-type')).toContainText('VMSA');
  await expect(page.getByTestId('running-digest')).toHaveText(launchDigest!);
  await expect(page.getByTestId('page-info-check')).toContainText('✓');
  await page.getByRole('button', { name: /First/ }).click();
  await expect(counter).toHaveText(`Step 1 of ${total}`);
});

test('teaching mode on an open TDX IGVM: MEM.PAGE.ADD / MR.EXTEND records with the header bytes', async ({
  page,
}, info) => {
  await teachCorpusTdx(page);
  await expect(page.getByTestId('tdx-records')).toContainText('MEM.PAGE.ADD');
  await page.screenshot({ path: info.outputPath('teaching-tdx.png'), fullPage: true });
});

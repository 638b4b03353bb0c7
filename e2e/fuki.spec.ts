// Issue 10 item 3: a FUKI opens with its .efifw payload recognised and measured in the UKI view, the same digests
// `fukiscope measure` prints for it, and the payload opens as its own tab. The FUKI is composed here by the CLI
// (corpus OVMF.amdsev.fd + uki-262.efi); the corpus uki-262-efifw.efi covers an OVMF payload.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CORPUS, corpusFile, dropFiles, expect, test } from './fixtures';

const CLI = resolve('bin/fukiscope.mjs');

function measureJson(path: string): { platforms: { platform: string; digest: string }[] } {
  return JSON.parse(execFileSync('node', [CLI, 'measure', path, '--json'], { encoding: 'utf8' })) as {
    platforms: { platform: string; digest: string }[];
  };
}

test('composed FUKI: the UKI view shows the CLI digests of its IGVM, and Open payload measures the same', async ({ page }, info) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'fuki-e2e-'));
  const fuki = join(dir, 'fuki.efi');
  execFileSync('node', [CLI, 'compose', '--firmware', resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd'), '--uki', resolve(CORPUS, 'pe/uki-262.efi'),
    '--igvm-out', join(dir, 'fuki.igvm'), '--fuki-out', fuki, '--fwid', 'e2e-fw']);
  const cli = measureJson(fuki);
  expect(cli.platforms.length).toBeGreaterThan(0);

  await page.goto('/');
  await dropFiles(page, [{ name: 'fuki.efi', bytes: readFileSync(fuki) }]);
  await expect(page.getByRole('heading', { name: 'fuki.efi' })).toBeVisible({ timeout: 60_000 });
  const entry = page.getByTestId('efifw-0');
  await expect(entry).toContainText('e2e-fw');
  await expect(entry).toContainText('IGVM');
  const shown = entry.getByTestId('efifw-measurement').locator('code.digest');
  await expect(shown).toHaveCount(cli.platforms.length);
  expect(await shown.allTextContents()).toEqual(cli.platforms.map((p) => p.digest));
  await page.screenshot({ path: info.outputPath('fuki-uki-view.png'), fullPage: true });

  await entry.getByRole('button', { name: 'Open payload' }).click();
  await expect(page.getByRole('heading', { name: /fuki\.efifw-0-e2e-fw\.igvm/ })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  const snp = cli.platforms.find((p) => p.platform === 'SEV_SNP')!;
  await expect(page.getByTestId('digest')).toHaveText(snp.digest, { timeout: 60_000 });
});

test('corpus uki-262-efifw.efi: OVMF payload recognised, digests as the CLI prints them', async ({ page }) => {
  test.setTimeout(90_000);
  const cli = measureJson(resolve(CORPUS, 'pe/uki-262-efifw.efi'));
  await page.goto('/');
  await dropFiles(page, [corpusFile('pe/uki-262-efifw.efi')]);
  await expect(page.getByRole('heading', { name: 'uki-262-efifw.efi' })).toBeVisible({ timeout: 60_000 });
  const entry = page.getByTestId('efifw-0');
  await expect(entry).toContainText('OVMF / TDVF firmware');
  const shown = entry.getByTestId('efifw-measurement').locator('code.digest');
  expect(await shown.allTextContents()).toEqual(cli.platforms.map((p) => p.digest));
  await expect(entry.getByRole('button', { name: 'Open payload' })).toBeVisible();
});

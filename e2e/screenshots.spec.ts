// Screenshots of each main view at desktop (1440×900) and phone (390×844) width, for a person to look at (issue
// 10): saved to screenshots/<width>-<view>.png (git-ignored) and attached to the test report. The test also
// fails if a page scrolls sideways, so a screenshot never hides a cut-off page.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { CORPUS, corpusFile, dropFiles, expect, test } from './fixtures';

const OUT = resolve('screenshots');
const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];

for (const size of SIZES) {
  test.describe(`${size.name} ${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test(`screenshots of every main view (${size.name})`, async ({ page }, info) => {
      test.setTimeout(240_000);
      mkdirSync(OUT, { recursive: true });
      const shot = async (view: string) => {
        const path = resolve(OUT, `${size.name}-${view}.png`);
        await page.screenshot({ path, fullPage: true });
        await info.attach(`${size.name}-${view}`, { path, contentType: 'image/png' });
        await noSidewaysScroll(page, info, view);
      };
      /** One region of the page, for a closer look than a full-page shot of a tall phone page gives. */
      const part = async (view: string, region: string) => {
        const path = resolve(OUT, `${size.name}-${view}.png`);
        await page.getByRole('region', { name: region }).first().screenshot({ path });
        await info.attach(`${size.name}-${view}`, { path, contentType: 'image/png' });
      };

      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
      await expect(page.getByTestId('verdict')).toBeVisible();
      await shot('inspect-demo');
      await dropFiles(page, [
        corpusFile('igvm/igvm-crate/rich-v1.igvm'),
        corpusFile('igvm/igvm-crate/lib-snp.igvm'),
        corpusFile('pe/uki-262.efi'),
        corpusFile('inputs/ovmf/sid/OVMF.inteltdx.ms.fd'),
      ]);
      await page.getByRole('tab', { name: /rich-v1\.igvm/ }).click();
      await expect(page.getByRole('heading', { name: 'rich-v1.igvm' })).toBeVisible({ timeout: 30_000 });
      for (const [tab, view] of [
        ['Headers', 'inspect-headers'],
        ['Memory map', 'inspect-memory'],
        ['Measurement', 'inspect-measurement'],
        ['Hex', 'inspect-hex'],
      ] as const) {
        await page.getByRole('tab', { name: tab, exact: true }).click();
        if (tab === 'Measurement') await expect(page.getByTestId('digest')).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
        await page.waitForTimeout(300);
        await shot(view);
      }
      await page.getByRole('tab', { name: /uki-262\.efi/ }).click();
      await expect(page.getByRole('heading', { name: 'uki-262.efi' })).toBeVisible({ timeout: 30_000 });
      await page.waitForTimeout(800);
      await shot('inspect-uki');
      await page.getByRole('tab', { name: /OVMF\.inteltdx/ }).click();
      await expect(page.getByTestId('file-kind')).toHaveText('OVMF / TDVF firmware', { timeout: 30_000 });
      await page.waitForTimeout(800);
      await shot('inspect-tdvf');

      // The newer views: a FUKI with its payload measured, an add-on, damaged files (reasons, no digest), an OVMF
      // measurement form, evidence (SNP report, TDX quote, event log).
      const addon = corpusFile('pe/addon-262-cmdline-initrd.addon.efi');
      const igvm = corpusFile('igvm/igvm-crate/lib-snp.igvm');
      const more: [string, { name: string; bytes: Uint8Array }, string?][] = [
        ['inspect-fuki', corpusFile('pe/uki-262-efifw.efi')],
        ['inspect-addon', addon],
        ['inspect-pe-damaged', { name: 'cut-addon.efi', bytes: addon.bytes.slice(0, 2000) }],
        ['inspect-igvm-damaged', { name: 'cut-lib-snp.igvm', bytes: igvm.bytes.slice(0, 5000) }, 'Measurement'],
        ['inspect-ovmf-measure', corpusFile('inputs/ovmf/sid/OVMF.amdsev.fd'), ''],
        ['inspect-snp-report', corpusFile('attest/snp/oak-genoa-v5.bin')],
        ['inspect-tdx-quote', corpusFile('attest/tdx/go-tdx-guest-v5.dat')],
        ['inspect-eventlog', corpusFile('attest/eventlog/tpm/tpm2-tools-sd-boot-fedora37.bin')],
      ];
      for (const [view, file, tab] of more) {
        await dropFiles(page, [file]);
        await expect(page.getByRole('heading', { name: file.name })).toBeVisible({ timeout: 60_000 });
        if (tab !== undefined) {
          // '' = the measurement is part of the file's own view (OVMF): wait for it.
          if (tab) await page.getByRole('tab', { name: tab, exact: true }).click();
          await expect(page.getByTestId('digest').or(page.getByTestId('digest-withheld'))).toBeVisible({ timeout: 30_000 });
        }
        await page.waitForTimeout(800);
        await shot(view);
      }

      await page.getByRole('button', { name: 'Compose', exact: true }).click();
      await page.getByTestId('slot-firmware-input').setInputFiles(resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd'));
      await page.getByTestId('slot-uki-input').setInputFiles(resolve(CORPUS, 'pe/uki-262.efi'));
      await page
        .getByTestId('slot-addons-input')
        .setInputFiles(['addon-262-cmdline.addon.efi', 'addon-262-cmdline-initrd.addon.efi'].map((n) => resolve(CORPUS, 'pe', n)));
      await expect(page.getByTestId('addon-matrix').locator('tbody.matrix-row')).toHaveCount(4, { timeout: 90_000 });
      await shot('compose');
      await part('compose-inputs', 'Inputs');
      await part('compose-results', 'Measurement');
      await page.getByTestId('compose-guest-features').fill('zzz');
      await expect(page.getByTestId('compose-withdrawn')).toBeVisible();
      await shot('compose-invalid');
      await page.getByTestId('compose-guest-features').fill('0x1');
      await expect(page.getByTestId('addon-matrix').locator('tbody.matrix-row')).toHaveCount(4, { timeout: 90_000 });

      await page.getByRole('button', { name: 'Teach', exact: true }).click();
      const counter = page.getByTestId('step-counter');
      await expect(counter).toHaveText(/^Step 1 of/, { timeout: 60_000 });
      await page.getByTestId('jump-input').fill('ZERO');
      await page.getByTestId('jump-input').press('Enter');
      await shot('teach-step');
      await part('teach-step-current', 'Current step');
      await part('teach-step-controls', 'What to step through');
      await page.getByRole('button', { name: /Last/ }).click();
      await expect(page.getByTestId('measurement-callout')).toBeVisible();
      await shot('teach-last');
      await part('teach-last-current', 'Current step');
      await page.getByRole('button', { name: 'Presenter mode' }).click();
      await shot('teach-presenter');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Diff', exact: true }).click();
      await page.getByRole('combobox', { name: 'File A' }).selectOption({ label: 'lib-snp.igvm (IGVM)' });
      await page.getByRole('combobox', { name: 'File B' }).selectOption({ label: 'rich-v1.igvm (IGVM)' });
      await expect(page.getByTestId('first-diverging')).toBeVisible({ timeout: 30_000 });
      await shot('diff');
    });
  });
}

async function noSidewaysScroll(page: Page, info: TestInfo, view: string) {
  const w = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
  }));
  expect.soft(w.doc, `${info.title} ${view}: page scrolls sideways`).toBeLessThanOrEqual(w.view);
}

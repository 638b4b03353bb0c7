// End-to-end (issue 10, items 4, 6, 7): the composer shows add-ons in the order systemd-stub applies them (the
// boot lab's measured command line is the reference), slots refuse files of the wrong kind, the kernel route
// has a stub slot; teaching mode opens on the demo, jumps to a step / GPA / page type and ends on the
// MEASUREMENT callout; the page lives in the URL hash (reload and Back); no page scrolls sideways at 390 px.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { parsePe } from '../src/core/pe/parse';
import { CORPUS, corpusFile, dropFiles, expect, manifest, teachCorpusTdx, test } from './fixtures';

const FIRMWARE = resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd');
const UKI = resolve(CORPUS, 'pe/uki-262.efi');

interface BootlabCase {
  id: string;
  addons: { location: string; file: { path: string } }[];
  guest_cmdline: string | null;
}

/** The `.cmdline` section of a corpus PE, as text (raw section bytes, NULs and trailing whitespace cut). */
function cmdlineOf(rel: string): string {
  const bytes = new Uint8Array(readFileSync(resolve(CORPUS, rel)));
  const pe = parsePe(bytes);
  const s = pe.sections.find((x) => x.name === '.cmdline')!;
  return new TextDecoder()
    .decode(bytes.subarray(s.data.offset, s.data.offset + s.virtualSize))
    .replace(/\0+$/, '')
    .trim();
}

/** The document's scroll width, and the outermost elements that stick out of the screen unclipped. */
async function scrollWidth(page: Page): Promise<{ doc: number; view: number; wide: string[] }> {
  return page.evaluate(() => {
    const view = document.documentElement.clientWidth;
    const clipped = (e: Element) => {
      for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      return false;
    };
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > view + 1 && !clipped(e))
      .filter((e) => !e.closest('.visually-hidden'))
      .slice(0, 6)
      .map((e) => `${e.tagName.toLowerCase()}.${String((e as HTMLElement).className)} (${Math.round(e.getBoundingClientRect().right)})`);
    return { doc: document.documentElement.scrollWidth, view, wide };
  });
}

test('add-on order shown = the order systemd-stub applied in the boot lab; scope per add-on; composed command line follows it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Boot lab case d-both: two per-UKI add-ons; the guest's command line shows the order the stub applied them.
  const both = (manifest().bootlab.cases as BootlabCase[]).find((c) => c.id === 'd-both')!;
  expect(both.addons.every((a) => a.location.startsWith('per-uki'))).toBe(true);
  const measuredOrder = both.addons
    .map((a) => ({ name: a.file.path.split('/').pop()!, at: both.guest_cmdline!.indexOf(cmdlineOf(a.file.path)) }))
    .sort((x, y) => x.at - y.at);
  expect(measuredOrder.every((x) => x.at > 0)).toBe(true);
  // Load them in the opposite order, so a list that merely kept the input order would fail.
  const loadOrder = [...measuredOrder].reverse().map((x) => resolve(CORPUS, 'pe', x.name));

  await page.goto('/#/compose');
  await expect(page.getByTestId('composer-page')).toBeVisible();
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  await page.getByTestId('slot-uki-input').setInputFiles(UKI);
  await page.getByTestId('slot-addons-input').setInputFiles(loadOrder);
  const rows = page.getByTestId('addon-order').locator('li');
  await expect(rows).toHaveCount(2);
  for (const i of [0, 1]) await page.getByTestId(`addon-scope-${i}`).selectOption('per-uki');
  await expect(rows.first()).toHaveAttribute('data-scope', 'per-uki');
  const shown = async () => rows.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-addon-name')));
  await expect.poll(shown).toEqual(measuredOrder.map((x) => x.name));
  await expect(rows.first().locator('.addon-pos')).toHaveText('1.');
  await expect(rows.nth(1).locator('.addon-pos')).toHaveText('2.');
  // The composed command line carries the add-on command lines in the shown order (as the guest saw them).
  const tail = measuredOrder.map((x) => cmdlineOf(`pe/${x.name}`)).join(' ');
  await expect(page.getByTestId('composed-cmdline')).toHaveText(new RegExp(`${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), {
    timeout: 60_000,
  });

  // The CR0 question is one plain note (what is known, what to check), not the KVM checker's failure code.
  await expect(page.getByTestId('note-VMSA_CR0_UNVERIFIED')).toContainText('Check: launch this IGVM once');
  await expect(page.getByTestId('composer-page')).not.toContainText('KVM_INVALID_VMSA_CR0');

  // Global before per-UKI whatever the names: make the one that sorts last global; it moves to the top.
  const lastName = measuredOrder[1]!.name;
  const lastInput = loadOrder.findIndex((p) => p.endsWith(lastName));
  await page.getByTestId(`addon-scope-${lastInput}`).selectOption('global');
  await expect.poll(shown).toEqual([lastName, measuredOrder[0]!.name]);
  const swapped = [lastName, measuredOrder[0]!.name].map((n) => cmdlineOf(`pe/${n}`)).join(' ');
  await expect(page.getByTestId('composed-cmdline')).toHaveText(new RegExp(`${swapped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), {
    timeout: 60_000,
  });
  // An unticked add-on keeps its row but loses its number.
  await page.getByTestId(`addon-${lastInput}`).uncheck();
  await expect(rows.first().locator('.addon-pos')).toHaveText('–');
  await expect(rows.nth(1).locator('.addon-pos')).toHaveText('1.');
});

test('slots: a file of the wrong kind is named and nothing is computed; the kernel route has a stub slot for the FUKI', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/#/compose');
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  await page.getByTestId('slot-uki-input').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('slot-uki-misfit')).toContainText('logo.png (PNG image');
  await expect(page.getByTestId('slot-uki-misfit')).toContainText('is not a UKI');
  await expect(page.getByTestId('compose-reason')).toContainText('logo.png');
  await expect(page.getByTestId('digest-SEV_SNP')).toHaveCount(0);
  // The UKI select offers no firmware and no PNG (only files that fit; the chosen misfit stays visible).
  const ukiOptions = await page.getByRole('combobox', { name: 'UKI', exact: true }).locator('option').allTextContents();
  expect(ukiOptions.some((o) => o.includes('OVMF.amdsev.fd'))).toBe(false);
  await expect(page.getByTestId('slot-uki-input')).toHaveAttribute('accept', '.efi');
  // An empty file says so.
  await page.getByTestId('slot-uki-input').setInputFiles({ name: 'empty.efi', mimeType: 'application/efi', buffer: Buffer.alloc(0) });
  await expect(page.getByTestId('slot-uki-misfit')).toContainText('empty.efi (Empty file)');

  await page.getByRole('radio', { name: /kernel \+ initrd/ }).check();
  await page.getByRole('combobox', { name: 'Platform' }).selectOption('SEV_SNP');
  await page.getByTestId('slot-kernel-input').setInputFiles(resolve(CORPUS, 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'));
  await expect(page.getByTestId('digest-SEV_SNP')).toHaveText(/^[0-9a-f]{96}$/, { timeout: 60_000 });
  const fuki = page.getByRole('button', { name: 'Download FUKI PE' });
  await expect(fuki).toBeDisabled();
  await expect(page.getByTestId('fuki-blocked')).toContainText('systemd-stub');
  await page.getByTestId('slot-stub-input').setInputFiles(resolve(CORPUS, 'inputs/stub/262/linuxx64.efi.stub'));
  await expect(page.getByTestId('slot-stub-misfit')).toHaveCount(0);
  await expect(fuki).toBeEnabled({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), fuki.click()]);
  const pe = parsePe(new Uint8Array(readFileSync((await download.path())!)));
  expect(pe.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.linux', '.cmdline', '.efifw']));
  // Copy and compare: the digest copies whole, and pasting it in the compare box says which one it matches.
  const digest = (await page.getByTestId('digest-SEV_SNP').textContent())!;
  await page.getByTestId('compare-input').fill(`0x${digest.toUpperCase()}`);
  await expect(page.getByTestId('compare-result')).toHaveText('✓ matches SEV_SNP');
  await page.getByTestId('compare-input').fill(digest.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
  await expect(page.getByTestId('compare-result')).toContainText('✗ matches none');
});

test('teaching: opens on the demo, timeline and jump to step / GPA / page type, 1-based, ends on the MEASUREMENT callout', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('first-run-hint')).toContainText('demo IGVM');
  // The demo's launch digest from the inspector: the teaching walk must end on it.
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  await page.getByRole('combobox', { name: 'Measurement' }).selectOption('SEV_SNP');
  await expect(page.getByTestId('digest')).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
  const launch = (await page.getByTestId('digest').textContent())!;

  await page.getByRole('button', { name: 'Teach', exact: true }).click();
  const counter = page.getByTestId('step-counter');
  await expect(counter).toHaveText(/^Step 1 of \d+$/, { timeout: 30_000 });
  await expect(page.getByTestId('teaching-page')).not.toContainText('No ledger yet');
  const total = Number((await counter.textContent())!.match(/of (\d+)/)![1]);
  expect(total).toBeGreaterThan(2);
  await expect(page.getByRole('button', { name: /Prev/ })).toBeDisabled();

  // Jump by step number (1-based), by page type, by GPA.
  const jump = page.getByTestId('jump-input');
  await jump.fill('2');
  await jump.press('Enter');
  await expect(counter).toHaveText(`Step 2 of ${total}`);
  await jump.fill('vmsa');
  await jump.press('Enter');
  await expect(page.getByTestId('page-type')).toContainText('VMSA');
  const gpa = (await page.getByTestId('page-gpa').textContent())!;
  await jump.fill('1');
  await jump.press('Enter');
  await jump.fill(gpa);
  await jump.press('Enter');
  await expect(page.getByTestId('page-gpa')).toHaveText(gpa);
  await jump.fill(String(total + 1));
  await jump.press('Enter');
  await expect(page.getByTestId('jump-message')).toContainText(`steps 1 to ${total}`);
  // The timeline: its first segment goes back to step 1.
  await page.getByTestId('timeline').locator('button').first().click({ position: { x: 1, y: 10 } });
  await expect(counter).toHaveText(`Step 1 of ${total}`);
  await expect(page.getByTestId('measurement-callout')).toHaveCount(0);

  // PAGE_INFO bytes are coloured by field: the PAGE_TYPE byte (offset 0x62) carries the PAGE_TYPE colour.
  const typeByte = page.getByTestId('page-info-bytes').locator('.fx-3');
  await expect(typeByte).toHaveCount(1);
  const typeCode = (await page.getByTestId('page-type').textContent())!.match(/\((\d+)\)/)![1]!;
  await expect(typeByte).toHaveText(Number(typeCode).toString(16).padStart(2, '0'));

  // The last step: Next is disabled and the callout names the value the report carries.
  await page.getByRole('button', { name: /Last/ }).click();
  await expect(counter).toHaveText(`Step ${total} of ${total}`);
  await expect(page.getByRole('button', { name: /Next/ })).toBeDisabled();
  const callout = page.getByTestId('measurement-callout');
  await expect(callout).toContainText('This value is MEASUREMENT');
  await expect(callout.locator('code')).toHaveText(launch);

  // Presenter mode: larger type, side panels hidden; Esc leaves.
  const before = await page.getByTestId('teaching-page').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  const big = await page.getByTestId('teaching-page').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  expect(big).toBeGreaterThan(before * 1.3);
  await expect(page.getByTestId('trust-chain')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('trust-chain')).toBeVisible();
});

test('teaching TDX: every record of a page, MEM.PAGE.ADD and all 16 MR.EXTEND', async ({ page }) => {
  await teachCorpusTdx(page);
  // Find a measured page (PAGE.ADD+EXTEND) and walk to its last MR.EXTEND record.
  await page.getByTestId('jump-input').fill('PAGE.ADD+EXTEND');
  await page.getByTestId('jump-input').press('Enter');
  const records = page.getByRole('group', { name: 'Records of this page' }).getByRole('button');
  await expect(records).toHaveCount(17);
  await records.last().click();
  await expect(page.getByTestId('tdx-record-counter')).toContainText('Record 17 of 17: MR.EXTEND');
  await expect(page.getByTestId('tdx-records')).toContainText('MR.EXTEND record 16 of 16');
});

test('the page lives in the URL: reload keeps it, Back returns to the previous page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await expect(page).toHaveURL(/#\/inspect$/);
  await page.getByRole('button', { name: 'Teach', exact: true }).click();
  await expect(page).toHaveURL(/#\/teach$/);
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await expect(page).toHaveURL(/#\/compose$/);
  await page.reload();
  await expect(page.getByTestId('composer-page')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('teaching-page')).toBeVisible();
  await expect(page).toHaveURL(/#\/teach$/);
  await page.goto('/#/diff');
  await expect(page.getByRole('button', { name: 'Diff', exact: true })).toHaveAttribute('aria-current', 'page');
  await page.goBack();
  await expect(page.getByTestId('teaching-page')).toBeVisible();
});

test.describe('phone width 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test('no page scrolls sideways, with content in it', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
    const check = async (what: string) => {
      const w = await scrollWidth(page);
      expect(w.doc, `${what}: page wider than the screen (${w.wide.join(', ')})`).toBeLessThanOrEqual(w.view);
    };
    for (const tab of ['Overview', 'Headers', 'Memory map', 'Measurement', 'Hex']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.waitForTimeout(300);
      await check(`inspect ${tab}`);
    }
    await page.getByRole('button', { name: 'Compose', exact: true }).click();
    await expect(page.getByTestId('composer-page')).toBeVisible();
    await check('compose, empty');
    await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
    await page.getByTestId('slot-uki-input').setInputFiles(UKI);
    await page
      .getByTestId('slot-addons-input')
      .setInputFiles(['addon-262-cmdline.addon.efi', 'addon-262-cmdline-initrd.addon.efi'].map((n) => resolve(CORPUS, 'pe', n)));
    await expect(page.getByTestId('addon-matrix').locator('tbody.matrix-row')).toHaveCount(4, { timeout: 90_000 });
    await check('compose, with digests and the add-on matrix');
    await page.getByRole('button', { name: 'Teach', exact: true }).click();
    await expect(page.getByTestId('step-counter')).toHaveText(/^Step 1 of/, { timeout: 60_000 });
    await check('teach');
    await page.getByRole('button', { name: 'Diff', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    await check('diff');
    await page.getByRole('button', { name: 'Inspect', exact: true }).click();
    await page.getByRole('tab', { name: /uki-262\.efi/ }).click();
    await expect(page.getByRole('heading', { name: 'uki-262.efi' })).toBeVisible();
    await page.waitForTimeout(500);
    await check('inspect UKI');
  });
});

test('copy buttons put the whole digest on the clipboard: launch digest, Authenticode, section, PCR 11, kernel; counts in the right number', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
  const copy = async (name: string | RegExp) => {
    await page.getByRole('button', { name, exact: typeof name === 'string' }).first().click();
    return clipboard();
  };
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  const digest = page.getByTestId('digest');
  await expect(digest).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
  expect(await copy(/^Copy SEV-SNP launch digest/)).toBe(await digest.textContent());
  // The compare box next to it: the copied value matches.
  await page.getByTestId('compare-input').fill((await clipboard()).toUpperCase());
  await expect(page.getByTestId('compare-result')).toHaveText(/^✓ matches SEV-SNP launch digest/);
  await expect(page.getByRole('region', { name: 'Ledger' })).toContainText(/\d+ runs? of \d[\d,]* steps?/);

  const e = (manifest().pe as { path: string; authenticode: Record<string, Record<string, string>>; ukify_inspect: Record<string, { sha256: string }> }[]).find(
    (x) => x.path === 'pe/uki-262.efi',
  )!;
  await dropFiles(page, [corpusFile(e.path)]);
  await expect(page.getByRole('heading', { name: 'uki-262.efi' })).toBeVisible({ timeout: 30_000 });
  expect(await copy('Copy Authenticode sha256')).toBe(e.authenticode.sha256!['systemd-pcrlock 262 lock-pe']);
  expect(await copy('Copy SHA-256 of .linux')).toBe(e.ukify_inspect['.linux']!.sha256);
  const pcr = await page.getByTestId('pcr11').locator('[data-phase="enter-initrd"]').textContent();
  expect(await copy('Copy PCR 11 sha256 after enter-initrd')).toBe(pcr);
  expect(await copy('Copy kernel Authenticode SHA-256')).toMatch(/^[0-9a-f]{64}$/);
  // One button per section hash and per Authenticode algorithm (the other three computed on request).
  const sections = page.getByTestId('pe-sections').locator('tbody tr');
  await expect(page.getByRole('button', { name: /^Copy SHA-256 of / })).toHaveCount(await sections.count());
  await expect(page.getByRole('button', { name: /^Copy Authenticode / })).toHaveCount(1);
  await page.getByTestId('authenticode-more').click();
  await expect(page.getByRole('button', { name: /^Copy Authenticode / })).toHaveCount(4, { timeout: 30_000 });
  expect(await copy('Copy Authenticode sha512')).toBe(e.authenticode.sha512!['systemd-pcrlock 262 lock-pe']);
  // Counts in the right number.
  await expect(page.getByRole('region', { name: 'Sections' }).getByRole('heading', { level: 3 }).first()).toHaveText(
    `Sections ${await sections.count()} sections`,
  );
  await expect(page.getByTestId('kernel-signature')).toContainText('(sha256, 1 certificate)');
});

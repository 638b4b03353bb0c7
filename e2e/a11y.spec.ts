// Accessibility (issue 7: "keyboard and screen-reader friendly"): axe-core (WCAG 2 A/AA rules) on every main
// view with real content: inspector tabs of a corpus IGVM, a UKI, the composer with results, teaching, diff.
// Serious and critical violations fail the test; the full report is attached.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { corpusFile, dropFiles, expect, test } from './fixtures';

async function audit(page: Page, info: TestInfo, view: string) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  await info.attach(`axe-${view}.json`, { body: JSON.stringify(r.violations, null, 2), contentType: 'application/json' });
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  if (process.env.AXE_DEBUG)
    for (const v of r.violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
      for (const n of v.nodes) console.log(view, v.id, n.target.join(' '), (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 220));
  expect(bad, `${view}: serious/critical axe violations`).toEqual([]);
}

test('axe: inspector (IGVM tabs, UKI), composer, teaching and diff have no serious or critical violations', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await dropFiles(page, [corpusFile('igvm/igvm-crate/rich-v1.igvm')]);
  await expect(page.getByRole('heading', { name: 'rich-v1.igvm' })).toBeVisible();
  for (const tab of ['Overview', 'Headers', 'Memory map', 'Measurement', 'Hex']) {
    await page.getByRole('tab', { name: tab, exact: true }).click();
    await expect(page.getByRole('tab', { name: tab, exact: true })).toHaveAttribute('aria-selected', 'true');
    if (tab === 'Measurement') await expect(page.getByTestId('digest')).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
    await audit(page, info, `igvm-${tab}`);
  }
  await dropFiles(page, [corpusFile('pe/addon-262-cmdline-initrd.addon.efi')]);
  await expect(page.getByRole('heading', { name: 'addon-262-cmdline-initrd.addon.efi' })).toBeVisible();
  await audit(page, info, 'pe');

  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await expect(page.getByTestId('composer-page')).toBeVisible();
  await audit(page, info, 'composer');
  await page.getByRole('button', { name: 'Teach', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await audit(page, info, 'teach');
  await page.getByRole('button', { name: 'Diff', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await audit(page, info, 'diff');

  // Keyboard: the file tabs are a tablist; Delete closes the focused file (the × is for the mouse only).
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  const fileTabs = page.getByRole('tablist', { name: 'Open files' }).getByRole('tab');
  const before = await fileTabs.count();
  const active = page.getByRole('tab', { name: /addon-262-cmdline-initrd/ });
  await active.focus();
  await expect(active).toHaveAttribute('aria-keyshortcuts', 'Delete');
  await page.keyboard.press('Delete');
  await expect(fileTabs).toHaveCount(before - 1);
  await expect(page.getByRole('tab', { name: /addon-262-cmdline-initrd/ })).toHaveCount(0);
  await page.keyboard.press('Home');
  await expect(fileTabs.first()).toBeFocused();
});

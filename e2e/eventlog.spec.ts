// End-to-end: event logs in the app (issue 14). A boot-lab event log dropped with the UKI and add-on that booted
// it: every event matched, every predicted PCR equal to what the TPM reported (manifest measured_pcrs, computed by
// the app from the files); the cos-113 CCEL with its ACPI table: the replayed RTMRs equal the manifest's; the
// composer shows predicted RTMR[1]/RTMR[2] for a TDX composition; no horizontal scroll at phone width.
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseTcgLog } from '../src/core/eventlog/parse';
import { CORPUS, corpusFile, dropFiles, expect, manifest, test, type Manifest } from './fixtures';

const m = manifest();
const bootlab = (id: string) => (m.bootlab.cases as Manifest[]).find((c) => c.id === id)!;

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(name.replace(/\./g, '\\.')) }).click();
}

/** axe-core WCAG 2 A/AA: no serious or critical violation (as e2e/a11y.spec.ts audits the other views). */
async function audit(page: Page, view: string) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
  expect(bad, `${view}: serious/critical axe violations`).toEqual([]);
}

async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

async function noHorizontalScroll(page: Page, what: string) {
  const { scroll, client, widest } = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // The outermost element that sticks out, to name in the failure.
    const out = [...document.querySelectorAll('body *')].find(
      (el) => el.getBoundingClientRect().right > client + 1,
    );
    return {
      scroll: document.documentElement.scrollWidth,
      client,
      widest: out
        ? `${out.tagName.toLowerCase()}.${[...out.classList].join('.')} ${out.getAttribute('data-testid') ?? ''}`
        : '',
    };
  });
  expect(scroll, `${what}: page scroll width at ${client} px (${widest})`).toBeLessThanOrEqual(client);
}

test('a boot-lab log next to its UKI and add-on: every event matched, every predicted PCR equals the measured one', async ({
  page,
}, info) => {
  test.setTimeout(240_000);
  const c = bootlab('b');
  expect(c.uki.path, 'case b boots a corpus UKI').toBeTruthy();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  const addon = c.addons[0].file.path as string;
  await dropFiles(page, [corpusFile(c.event_log), corpusFile(c.uki.path), corpusFile(addon)]);
  await openTab(page, 'b.eventlog.bin');
  const view = page.getByTestId('eventlog-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('file-kind')).toHaveText(/TCG2 event log/);
  // The add-on sits in the UKI's .extra.d in this boot.
  const row = page.getByTestId('evdiff-addon').filter({ hasText: addon.split('/').pop()! });
  await row.getByTestId('evdiff-addon-scope').selectOption('per-uki');
  const verdict = page.getByTestId('evdiff-verdict');
  await expect(verdict).toHaveText(/^Every event matched/, { timeout: 60_000 });
  await expect(page.getByTestId('evdiff-result')).toHaveAttribute('data-ok', 'true');
  // Audited before the firmware rows are shown too (axe over fewer rows is faster on a loaded machine).
  await audit(page, 'event log + diff');

  // Every event of the log has a row, none differs, is extra or missing.
  await page.getByText(/Show the firmware's own events too/).click();
  const log = parseTcgLog(readFileSync(resolve(CORPUS, c.event_log)));
  const logged = log.events.filter((e) => e.type !== 3).length;
  await expect(page.getByTestId('evdiff-row')).toHaveCount(logged);
  for (const bad of ['differs', 'extra', 'missing'])
    await expect(page.locator(`[data-testid=evdiff-row][data-status=${bad}]`)).toHaveCount(0);
  expect(await page.locator('[data-testid=evdiff-row][data-status=match]').count()).toBeGreaterThan(5);

  // Predicted PCR 4/11/12 (and 9 where predictable) equal the TPM's values in every bank.
  const regs = page.getByTestId('evdiff-register');
  await expect(regs).toHaveCount(16);
  let predicted = 0;
  for (const r of await regs.all()) {
    const label = (await r.getAttribute('data-label'))!;
    const bank = (await r.getAttribute('data-bank'))!;
    const want = c.measured_pcrs[bank][label.replace('PCR ', '')] as string;
    const p = r.getByTestId('predicted');
    expect(await p.count(), `${label} ${bank} not predicted: ${await r.textContent()}`).toBe(1);
    await expect(p, `${label} ${bank}`).toHaveText(want);
    await expect(r).toHaveAttribute('data-equal', 'true');
    predicted++;
  }
  // PCR 4, 9 (the stub's /.extra cpio byte-exact), 11 and 12 in four banks.
  expect(predicted).toBe(16);

  // The replayed final values equal the measured PCRs.
  await page.getByTestId('eventlog-bank').selectOption('all');
  for (const [bank, regsOf] of Object.entries(c.measured_pcrs as Record<string, Record<string, string>>))
    for (const [pcr, v] of Object.entries(regsOf)) {
      if (/^0+$/.test(v)) continue;
      await expect(
        page.locator(
          `[data-testid=eventlog-final-value][data-register="${pcr}"][data-bank="${bank}"] [data-testid=value]`,
        ),
        `PCR ${pcr} ${bank}`,
      ).toHaveText(v);
    }

  // An event links to its bytes: selecting it shows its digests, the hex view highlights it.
  await page.getByTestId('eventlog-event').nth(3).click();
  await expect(page.getByTestId('eventlog-detail')).toBeVisible();
  await expect(page.locator('.hex .hl').first()).toBeVisible();

  await shot(page, info, 'eventlog-diff');
  await page.getByTestId('evdiff').screenshot({ path: info.outputPath('evdiff-card.png') });
  // Without the add-on the diff names the first divergent event and why.
  await row.getByRole('checkbox').uncheck();
  await expect(verdict).toHaveText(/^First divergence: event #\d+/, { timeout: 60_000 });
  await expect(page.locator('[data-testid=evdiff-row][data-first]')).toHaveCount(1);

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(view).toBeVisible();
  await noHorizontalScroll(page, 'event log + diff view');
  await shot(page, info, 'eventlog-diff-phone');
});

test('the cos-113 CCEL with its ACPI table: RTMRs equal the manifest, the table is read', async ({
  page,
}, info) => {
  const e = (m.attest.event_logs as Manifest[]).find((x) => x.acpi_table)!;
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile(e.acpi_table), corpusFile(e.path)]);
  await openTab(page, e.path.split('/').pop()!);
  const view = page.getByTestId('eventlog-view');
  await expect(view).toHaveAttribute('data-format', 'ccel');
  await expect(page.getByTestId('eventlog-table')).not.toHaveValue('');
  await expect(page.getByText(/CC type 2 \(0x2\)/)).toBeVisible();
  for (const [r, v] of Object.entries(e.final_rtmrs as Record<string, string>))
    await expect(
      page.locator(
        `[data-testid=eventlog-final-value][data-register="${r}"][data-bank=sha384] [data-testid=value]`,
      ),
      `RTMR${r}`,
    ).toHaveText(v);
  await expect(page.getByTestId('eventlog-checks')).toContainText('Duplicate separators: none');
  // "none" stays none (the only open table is not picked again), and the area still reads as a CCEL.
  await page.getByTestId('eventlog-table').selectOption('');
  await expect(page.getByText(/CC type 2 \(0x2\)/)).toHaveCount(0);
  await expect(page.getByTestId('eventlog-table')).toHaveValue('');
  await expect(view).toHaveAttribute('data-format', 'ccel');
  await page.setViewportSize({ width: 390, height: 844 });
  await noHorizontalScroll(page, 'CCEL view');
  await shot(page, info, 'ccel-phone');
});

test('the duplicate-separator CCEL is flagged in the view; a truncated log has its values withheld', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile('attest/extra/eventlog/ccel/go-eventlog-cos113-dupe-separator.bin')]);
  await openTab(page, 'go-eventlog-cos113-dupe-separator.bin');
  // go-eventlog rejects it, but it replays intact: a warning, and the replayed RTMRs are shown.
  await expect(page.getByTestId('eventlog-checks')).toContainText('a verifier must reject the log');
  await expect(page.getByTestId('verdict')).toHaveText(/warning/);
  await expect(page.getByTestId('eventlog-final-value')).toHaveCount(4);

  // A log cut inside an event is damaged: its replayed values are withheld as reference values; shown on
  // request, marked and without a copy button.
  const log = corpusFile('bootlab/a.eventlog.bin');
  await dropFiles(page, [{ name: 'a-truncated.eventlog.bin', bytes: log.bytes.subarray(0, 9000) }]);
  await openTab(page, 'a-truncated.eventlog.bin');
  await expect(page.getByTestId('verdict')).toHaveText(/error/);
  await expect(page.getByTestId('eventlog-withheld')).toContainText('EVENTLOG_TRUNCATED');
  await expect(page.getByTestId('eventlog-final-value')).toHaveCount(0);
  await page.getByTestId('eventlog-force').click();
  await expect(page.getByTestId('eventlog-final-value')).not.toHaveCount(0);
  await expect(page.getByTestId('eventlog-final').getByRole('button', { name: /^Copy/ })).toHaveCount(0);
});

test('the composer shows predicted RTMR[1]/RTMR[2] next to MRTD for a TDX composition, RTMR1 from a reference log', async ({
  page,
}, info) => {
  test.setTimeout(150_000);
  const c = bootlab('b');
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile(c.event_log)]);
  await expect(page.getByRole('tab', { name: /b\.eventlog\.bin/ })).toBeVisible();
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page
    .getByTestId('slot-firmware-input')
    .setInputFiles(resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd'));
  await page.getByTestId('slot-uki-input').setInputFiles(resolve(CORPUS, c.uki.path));
  await page.getByTestId('slot-addons-input').setInputFiles(resolve(CORPUS, c.addons[0].file.path));
  await page.getByTestId('addon-scope-0').selectOption('per-uki');
  await page.getByLabel('Platform').selectOption('TDX');
  await expect(page.locator('[data-testid^=digest-TDX]').first()).toHaveText(/^[0-9a-f]{96}$/, {
    timeout: 60_000,
  });
  const rtmrs = page.getByTestId('tdx-rtmrs');
  await expect(rtmrs).toBeVisible({ timeout: 60_000 });
  // Without a reference log RTMR1 is not predicted, and says why; RTMR2 (PCR 8–15: the stub's own events, /.extra
  // cpio included) is predicted, and equals the fold of this boot's PCR 8–15 SHA-384 digests (TDVF's mapping).
  await expect(page.getByTestId('rtmr-1-why')).toContainText('reference CCEL');
  const log = parseTcgLog(readFileSync(resolve(CORPUS, c.event_log)));
  const fold = (lo: number, hi: number) => {
    let v = new Uint8Array(48);
    for (const e of log.events.slice(1))
      if (e.type !== 3 && e.register >= lo && e.register <= hi)
        v = new Uint8Array(
          createHash('sha384')
            .update(v)
            .update(e.digests.find((d) => d.algorithm === 'sha384')!.digest)
            .digest(),
        );
    return Buffer.from(v).toString('hex');
  };
  await expect(page.getByTestId('rtmr-2-value')).toHaveText(fold(8, 15));
  await page.getByTestId('rtmr-assumptions').click();
  await expect(page.getByTestId('rtmr-assumptions')).toContainText(
    'PCR 1,7 → RTMR0, 2–6 → RTMR1, 8–15 → RTMR2',
  );

  // With this boot's own log as reference, RTMR1 is the fold of the log's PCR 2–6 SHA-384 digests (as TDVF maps
  // them): the UKI and add-on image events the app predicted must equal the logged ones for that to hold.
  const ref = await page
    .getByTestId('rtmr-reference')
    .locator('option', { hasText: 'b.eventlog.bin' })
    .getAttribute('value');
  await page.getByTestId('rtmr-reference').selectOption(ref!);
  await expect(page.getByTestId('rtmr-1-value')).toHaveText(fold(2, 6), { timeout: 60_000 });
  await rtmrs.screenshot({ path: info.outputPath('composer-rtmrs.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(rtmrs).toBeVisible();
  await noHorizontalScroll(page, 'composer with RTMRs');

  // The log ↔ prediction diff takes the composition's UKI and add-ons (enabled, per-UKI) from the composer.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('button', { name: 'Inspect', exact: true }).click();
  await openTab(page, 'b.eventlog.bin');
  await page.getByTestId('evdiff-from-composer').click();
  await expect(page.getByTestId('evdiff-verdict')).toHaveText(/^Every event matched/, { timeout: 60_000 });
  await expect(page.getByTestId('evdiff-addon-scope')).toHaveValue('per-uki');
});

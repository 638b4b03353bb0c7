// End-to-end: the Evidence view (issue 13 §6) on the corpus evidence.
//  - an SNP report + its certificates: every check the core computes for those files is shown, all passing or
//    not checked, and the MEASUREMENT shown is the manifest's (decoded by the app from the file);
//  - the dcap-qvl TDX quote + its PCS collateral: MRTD and RTMR0–3 as in the manifest, the chain verified, UpToDate;
//  - a tampered copy (one signed byte flipped) shows the failing signature check in red;
//  - the mismatch search: a copy carrying an OVMF launch digest from the manifest finds that launch's options;
//    against a firmware that cannot reproduce the report it shows progress and Cancel stops it;
//  - at phone width (390×844) the view has no horizontal scroll.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { decodeEvidence, verifyEvidence } from '../src/core/attest/evidence';
import { readCertificates } from '../src/core/x509/cert';
import { VCPU_TYPES } from '../src/core/vmsa/vcpu-types';
import { corpusFile, dropFiles, expect, manifest, test, type Manifest } from './fixtures';

const m = manifest();
const snpReports = m.attest.snp_reports as Manifest[];
const tdxQuotes = m.attest.tdx_quotes as Manifest[];
const VCEK_REPORT = snpReports.find((e) => e.signer === 'VCEK' && e.signature === 'valid')!;

async function start(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp(`^${name.replace(/[.]/g, '\\.')}`) }).click();
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible({ timeout: 30_000 });
}

/** The checks the core gives for these files at that time (ids and statuses): what the app must show. */
async function coreChecks(report: Uint8Array, certFiles: string[], at: string) {
  const certs = certFiles.flatMap((p) => readCertificates(corpusFile(p).bytes, p).certs);
  const v = await verifyEvidence(decodeEvidence(report), { certs, at: new Date(at) });
  return v.checks.map((c) => ({ id: c.id, status: c.status }));
}

async function shownChecks(page: Page) {
  const items = page.getByTestId('evidence-checks').locator('li');
  return items.evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-check'), status: e.getAttribute('data-status') })));
}

/** Chooses the compare-with entry whose label starts with `name`. */
async function pickCompare(page: Page, name: string) {
  const select = page.getByTestId('compare-with');
  await expect(select.locator('option', { hasText: name })).toHaveCount(1, { timeout: 30_000 });
  const value = await select.locator('option', { hasText: name }).getAttribute('value');
  await select.selectOption(value!);
}

/** axe-core (WCAG 2 A/AA): no serious or critical violation in the Evidence view (as e2e/a11y.spec.ts). */
async function audit(page: Page, view: string) {
  const r = await new AxeBuilder({ page }).include('[data-testid="evidence-view"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(bad, `${view}: serious/critical axe violations`).toEqual([]);
}

async function setAt(page: Page, at: string) {
  await page.getByTestId('evidence-at').fill(at);
  await expect(page.getByTestId('evidence-supplies')).toContainText(`Checked at ${new Date(at).toISOString()}`);
}

test('an SNP report and its certificates: every check shown, the manifest measurement, the certificates attach', async ({ page }) => {
  await start(page);
  const e = VCEK_REPORT;
  const report = corpusFile(e.path);
  await dropFiles(page, [report]);
  await openTab(page, report.name);
  await expect(page.getByTestId('evidence-measurement')).toHaveText(e.fields.measurement);
  await setAt(page, e.valid_at);
  // No certificate yet: the signature is not checked, and the view says what to drop.
  await expect(page.locator('[data-check="snp.signature"]')).toHaveAttribute('data-status', 'not-checked');
  await expect(page.getByTestId('evidence-supplies')).toContainText('no certificate file is open');

  // Certificates dropped after the report attach to it.
  await dropFiles(page, [corpusFile(e.signer_cert), corpusFile(e.cert_chain)]);
  await openTab(page, report.name);
  await expect(page.locator('[data-check="snp.signature"]')).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
  const expected = await coreChecks(report.bytes, [e.signer_cert, e.cert_chain], e.valid_at);
  expect(expected.length).toBeGreaterThan(3);
  expect(expected.filter((c) => c.status === 'fail')).toEqual([]);
  await expect.poll(() => shownChecks(page)).toEqual(expected);
  await expect(page.locator('.evidence-check.check-pass').first()).toHaveCSS('color', 'rgb(29, 122, 70)');
  await audit(page, 'snp-report');
  // Each field links to its bytes: the measurement at 0x90.
  const row = page.getByTestId('evidence-fields').getByRole('row', { name: /^measurement / });
  await row.getByRole('button', { name: '@0x90' }).click();
  await expect(page.getByTestId('hex-view')).toBeVisible();
  // The receipt carries the checks.
  const dl = page.waitForEvent('download');
  await page.getByTestId('evidence-receipt').click();
  const file = await dl;
  const receipt = JSON.parse(await (await file.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'))) as Manifest;
  expect(receipt.route).toBe('verify');
  expect(receipt.evidence.fields.measurement).toBe(e.fields.measurement);
  expect(receipt.evidence.checks.map((c: Manifest) => c.id)).toEqual(expected.map((c) => c.id));
  expect(Object.values(receipt.inputs).map((i) => (i as Manifest).name).sort()).toEqual(
    [report.name, corpusFile(e.signer_cert).name, corpusFile(e.cert_chain).name].sort(),
  );
});

test('a TDX quote with its collateral: MRTD and RTMRs, a verified chain, UpToDate at the collateral’s time', async ({ page }) => {
  await start(page);
  const q = tdxQuotes.find((x) => x.collateral)!;
  const quote = corpusFile(q.path);
  await dropFiles(page, [quote, corpusFile(q.collateral)]);
  await openTab(page, quote.name);
  await expect(page.getByTestId('evidence-measurement')).toHaveText(q.fields.mrtd);
  const rtmrs = page.getByTestId('tdx-rtmrs');
  for (const i of [0, 1, 2, 3]) await expect(rtmrs.getByRole('row', { name: new RegExp(`^RTMR${i} `) })).toContainText(q.fields[`rtmr${i}`]);
  for (const id of ['tdx.signature', 'tdx.qe-binding', 'tdx.qe-signature', 'tdx.pck-chain', 'tdx.root-pinned'])
    await expect(page.locator(`[data-check="${id}"]`)).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
  await expect(page.locator('[data-check="tdx.tcb-status"]')).toHaveAttribute('data-status', 'pass');
  await expect(page.locator('[data-check="tdx.tcb-status"]')).toContainText(q.tcb_status);
  await expect(page.getByTestId('evidence-supplies')).toContainText(corpusFile(q.collateral).name);
  await expect(page.getByTestId('check-counts')).toContainText('0 failed');
  await audit(page, 'tdx-quote');
});

test('a tampered copy shows the failing check; a copy carrying an OVMF launch digest is found by the search', async ({ page }) => {
  await start(page);
  const e = VCEK_REPORT;
  const good = corpusFile(e.path).bytes;
  const flipped = new Uint8Array(good);
  flipped[0x20] ^= 0x01; // REPORT_DATA, signed (0x0–0x29F)
  // A launch from the manifest: OVMF.amdsev.fd, 2 vCPUs, EPYC-v4, written over MEASUREMENT (0x90, 48 bytes).
  const c = (m.ovmf_measure as Manifest[]).find((x) => x.id === 'snp_amdsev_2vcpu_EPYC-v4')!;
  const launched = new Uint8Array(good);
  launched.set(Buffer.from(c.expected, 'hex'), 0x90);
  const fw = corpusFile(c.params.ovmf.path);
  await dropFiles(page, [
    { name: 'flipped.bin', bytes: flipped },
    { name: 'launched.bin', bytes: launched },
    corpusFile(e.signer_cert),
    corpusFile(e.cert_chain),
    fw,
  ]);
  await openTab(page, 'flipped.bin');
  await setAt(page, e.valid_at);
  const sig = page.locator('[data-check="snp.signature"]');
  await expect(sig).toHaveAttribute('data-status', 'fail', { timeout: 30_000 });
  await expect(sig).toHaveClass(/check-fail/);
  await expect(sig).toHaveCSS('color', 'rgb(180, 35, 47)'); // --bad

  await openTab(page, 'launched.bin');
  await setAt(page, e.valid_at);
  await expect(page.locator('[data-check="snp.signature"]')).toHaveAttribute('data-status', 'fail', { timeout: 30_000 });
  await pickCompare(page, fw.name);
  await expect(page.locator('[data-check="launch.measurement"]')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('search-start').click();
  const result = page.getByTestId('search-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toContainText('reproduced with 2 vCPUs');
  // Several CPU type names share a signature (EPYC, EPYC-v4…): any name with the launch's signature is exact.
  const shown = (await page.getByTestId('search-options').textContent())!;
  const [, vcpus, type] = shown.match(/^--vcpus=(\d+) --vcpu-type=(\S+)$/)!;
  expect(Number(vcpus)).toBe(c.params.vcpus);
  expect(VCPU_TYPES[type!]).toBe(VCPU_TYPES[c.params.vcpu_type as string]);
  // Split over two threads (a helper worker), the search gives the same answer.
  await page.getByTestId('search-threads').selectOption('2');
  await page.getByTestId('search-start').click();
  await expect(result).toHaveAttribute('data-threads', '2', { timeout: 60_000 });
  await expect(page.getByTestId('search-options')).toHaveText(shown);

  // Compare with the firmware's Measure settings: set 2 vCPUs there, and the report matches that launch.
  await openTab(page, fw.name);
  await page.getByLabel('vCPUs').fill(String(c.params.vcpus));
  await expect(page.getByTestId('digest')).toHaveText(c.expected, { timeout: 60_000 });
  await openTab(page, 'launched.bin');
  await pickCompare(page, `${fw.name} with its Measure settings (${c.params.vcpus} vCPUs, ${c.params.vcpu_type}`);
  await expect(page.locator('[data-check="launch.measurement"]')).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });
  await expect(page.getByTestId('evidence-match')).toContainText('✓ matches');
  await audit(page, 'snp-compare-search');
});

test('the search shows progress and Cancel stops it; phone width has no horizontal scroll', async ({ page }) => {
  await start(page);
  const e = VCEK_REPORT;
  const report = corpusFile(e.path);
  const fw = corpusFile('inputs/ovmf/sid/OVMF.amdsev.fd');
  await dropFiles(page, [report, corpusFile(e.signer_cert), corpusFile(e.cert_chain), fw]);
  await openTab(page, report.name);
  await setAt(page, e.valid_at);
  await pickCompare(page, fw.name);
  await expect(page.locator('[data-check="launch.measurement"]')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('search-start').click();
  await expect(page.getByTestId('search-count')).toHaveText(/^[1-9][\d,]* of [\d,]+ candidates$/, { timeout: 30_000 });
  const before = await page.getByTestId('search-progress').evaluate((el) => (el as HTMLProgressElement).value);
  await expect.poll(() => page.getByTestId('search-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBeGreaterThan(before);
  await page.getByTestId('search-cancel').click();
  await expect(page.getByTestId('search-stopped')).toHaveText(/cancelled/);
  await expect(page.getByTestId('search-progress')).toHaveCount(0);
  await expect(page.getByTestId('search-result')).toHaveCount(0);
  // The engine is a fresh worker: verification still answers (a new time re-verifies).
  await setAt(page, '2025-09-02T00:00:00Z');
  await expect(page.locator('[data-check="snp.signature"]')).toHaveAttribute('data-status', 'pass', { timeout: 30_000 });

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('evidence-view')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

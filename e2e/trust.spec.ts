// End-to-end: honest output and the browser's security boundaries (issues 10 and 11).
//  - damaged IGVMs (first 5000 bytes; a bad checksum) get no digest, no receipt and no registers read from garbage;
//  - damaged PEs (a truncated UKI and add-on, a hostile section table, a FUKI whose .initrd runs past the end) show
//    no Authenticode digest, no section hash, no PCR 11, no kernel or .efifw payload digest: the reason instead;
//  - an invalid form value withdraws the digest; a digest being recomputed is marked stale, its receipt disabled;
//  - the engine worker cannot reach another origin (its CSP comes from the HTTP header);
//  - a worker that dies without an error event is noticed, reported and replaced, the open file kept;
//  - IndexedDB blocked or full: no page errors, and the user is told the file was not remembered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { put32 } from '../src/core/bytes/bytes';
import { findSection } from '../src/core/pe/access';
import { parsePe } from '../src/core/pe/parse';
import { manySections } from '../src/test-support/hostile-pe';
import { corpusFile, dropFiles, expect, holdableWorkers, holdWorkers, manifest, test } from './fixtures';

/** Every corpus IGVM (igvm-crate and the 14 MiB igvmgen files). */
const IGVMS = (manifest().igvm as { path: string }[]).map((e) => e.path);

function damaged(rel: string): { name: string; bytes: Uint8Array }[] {
  const f = corpusFile(rel);
  const badSum = new Uint8Array(f.bytes);
  badSum[20] ^= 0x01; // fixed header checksum (igvm-format §2.3)
  return [
    { name: `cut-${f.name}`, bytes: f.bytes.slice(0, 5000) },
    { name: `badsum-${f.name}`, bytes: badSum },
  ];
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
}

const tab = (page: Page, name: string) =>
  page.getByRole('tab', { name: new RegExp(`^${name.replace(/[.]/g, '\\.')}`) });

/** The classic SNP case of OVMF.amdsev.fd with `vcpus` vCPUs and nothing else set, from the manifest. */
function ovmfCase(vcpus: number): { path: string; expected: string } {
  const c = (manifest().ovmf_measure as { expected: string; params: Record<string, unknown> }[]).find(
    (x) =>
      x.params.mode === 'snp' &&
      x.params.vcpus === vcpus &&
      x.params.vcpu_type === 'EPYC-v4' &&
      !x.params.kernel &&
      !x.params.guest_features &&
      !x.params.vmm_type &&
      (x.params.ovmf as { path: string }).path.endsWith('OVMF.amdsev.fd'),
  )!;
  return { path: (c.params.ovmf as { path: string }).path, expected: c.expected };
}

test('truncated and bad-checksum copies of every corpus IGVM: no digest, no receipt, no registers from garbage', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  const files = IGVMS.flatMap(damaged);
  expect(files.length).toBeGreaterThanOrEqual(16);
  // Through the file input (Open files…): the 14 MiB files would be slow as base64 through a synthetic drop.
  await page.getByTestId('file-input').setInputFiles(
    files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })),
  );
  for (const f of files) {
    await tab(page, f.name).click();
    await expect(page.getByRole('heading', { name: f.name })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('verdict')).toHaveText(/error/);
    if (f.name.startsWith('cut-')) {
      // VP contexts of a truncated file: the diagnostic, never registers decoded from the file header.
      const vps = page.getByTestId('vp-context');
      const n = await vps.count();
      await expect(page.getByTestId('vp-unavailable')).toHaveCount(n);
      await expect(vps.locator('table')).toHaveCount(0);
    }
    await openTab(page, 'Measurement');
    await expect(page.getByRole('combobox', { name: 'Measurement' })).toBeVisible();
    const platforms = await page
      .getByRole('combobox', { name: 'Measurement' })
      .locator('option')
      .allTextContents();
    expect(platforms.length, f.name).toBeGreaterThan(0);
    for (const p of platforms) {
      await page.getByRole('combobox', { name: 'Measurement' }).selectOption(p);
      await expect(page.getByTestId('digest-withheld'), `${f.name} ${p}`).toContainText('No digest', {
        timeout: 30_000,
      });
      await expect(page.getByTestId('digest')).toHaveCount(0);
      await expect(page.getByRole('button', { name: /receipt/i })).toHaveCount(0);
      await expect(page.getByTestId('digest-withheld')).not.toContainText(/[0-9a-f]{64}/);
    }
    await openTab(page, 'Overview');
  }
  // Where the user insists: the value computed from the damaged file, in red, still with no receipt.
  await tab(page, 'badsum-lib-snp.igvm').click();
  await openTab(page, 'Measurement');
  await page.getByRole('combobox', { name: 'Measurement' }).selectOption('SEV_SNP');
  await page.getByTestId('force-digest').click();
  await expect(page.getByTestId('forced-digest')).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
  await expect(page.getByTestId('digest-withheld')).toContainText('Computed from a damaged file');
  await expect(page.getByTestId('digest')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /receipt/i })).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('damaged-forced.png') });
});

test('damaged PEs: no Authenticode digest, section hash, PCR 11, kernel or .efifw payload digest; the reason instead', async ({
  page,
}, info) => {
  test.setTimeout(180_000);
  const uki = corpusFile('pe/uki-262.efi');
  const addon = corpusFile('pe/addon-262-cmdline.addon.efi');
  const fuki = corpusFile('pe/uki-262-efifw.efi');
  // .initrd's SizeOfRawData made to run past the end of the file; the .efifw payload itself stays intact.
  const badFuki = new Uint8Array(fuki.bytes);
  put32(badFuki, findSection(parsePe(badFuki), '.initrd')!.offset + 16, 0x40000000);
  const files = [
    { name: 'cut-uki-262.efi', bytes: uki.bytes.slice(0, 8_000_000), uki: true },
    { name: 'cut-addon.efi', bytes: addon.bytes.slice(0, 2000) },
    { name: 'sections-addon.efi', bytes: manySections(addon.bytes) },
    { name: 'bad-initrd-fuki.efi', bytes: badFuki, uki: true, efifw: true },
  ];
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  for (const f of files) {
    await dropFiles(page, [f]);
    await expect(page.getByRole('heading', { name: f.name })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('verdict'), f.name).toHaveText(/error/);
    await expect(page.getByTestId('pe-digests-withheld'), f.name).toContainText(
      /^No Authenticode digests\. The input has \d+ errors?/,
    );
    await expect(page.getByTestId('authenticode'), f.name).toHaveCount(0);
    await expect(page.getByTestId('sections-withheld'), f.name).toContainText('No section hashes.');
    await expect(page.getByTestId('pe-sections').locator('tbody tr').first()).toBeVisible();
    await expect(page.getByTestId('pe-sections').locator('[data-sha256]'), f.name).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Copy / }), f.name).toHaveCount(0);
    if (f.uki) {
      await expect(page.getByTestId('pcr11-withheld'), f.name).toContainText('No PCR 11 prediction.');
      await expect(page.getByTestId('pcr11'), f.name).toHaveCount(0);
      await expect(page.getByTestId('kernel-authenticode-withheld'), f.name).toContainText(
        'No kernel Authenticode digest.',
      );
    }
    if (f.efifw) {
      await expect(page.getByTestId('efifw-0')).toBeVisible();
      await expect(page.getByTestId('efifw-withheld')).toContainText('Payload not measured.');
      await expect(page.getByTestId('efifw-measurement')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Open payload' })).toHaveCount(0);
    }
    // Nothing in the digest card looks like a digest (signature rows may quote the signed values they carry).
    await expect(page.getByTestId('pe-digests-withheld')).not.toContainText(/[0-9a-f]{64}/);
    await expect(page.getByTestId('pe-sections')).not.toContainText(/[0-9a-f]{16}/);
    if (f.uki) await expect(page.getByRole('region', { name: 'UKI measurements' })).not.toContainText(/[0-9a-f]{64}/);
    await page.screenshot({ path: info.outputPath(`damaged-pe-${f.name}.png`), fullPage: true });
  }
});

test('an invalid guest features value is flagged inline and withdraws the digest until it is valid', async ({
  page,
}, info) => {
  const one = ovmfCase(1);
  await page.goto('/');
  await dropFiles(page, [corpusFile(one.path)]);
  const digest = page.getByTestId('digest');
  await expect(digest).toHaveText(one.expected, { timeout: 30_000 });
  const field = page.getByTestId('measure-guest-features');
  await field.fill('zzz');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#measure-guest-features-error')).toHaveText(
    /^Guest features: “zzz” is not a number/,
  );
  await expect(field).toHaveAttribute('aria-describedby', 'measure-guest-features-error');
  await expect(page.getByTestId('digest-withdrawn')).toBeVisible();
  await expect(digest).toHaveCount(0);
  await expect(page.getByRole('button', { name: /receipt/i })).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('invalid-guest-features.png') });
  // Applied on input (no blur): a valid value brings the digest back, recomputed.
  await field.fill('0x1');
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  await expect(digest).toHaveText(one.expected, { timeout: 30_000 });
  // vCPUs: applied on every edit too; an invalid count is flagged the same way.
  const vcpus = page.getByTestId('measure-vcpus');
  await vcpus.fill('0');
  await expect(vcpus).toHaveAttribute('aria-invalid', 'true');
  await expect(digest).toHaveCount(0);
  await vcpus.fill('2');
  await expect(digest).toHaveText(ovmfCase(2).expected, { timeout: 30_000 });
});

test('while a digest is recomputed it is marked stale and its receipt is disabled', async ({
  page,
}, info) => {
  await holdableWorkers(page);
  const [one, two] = [ovmfCase(1), ovmfCase(2)];
  await page.goto('/');
  await dropFiles(page, [corpusFile(one.path)]);
  const block = page.getByTestId('digest-block');
  await expect(page.getByTestId('digest')).toHaveText(one.expected, { timeout: 30_000 });
  await expect(block).not.toHaveAttribute('data-stale');
  await expect(page.getByTestId('download-receipt')).toBeEnabled();
  await holdWorkers(page, 3000);
  await page.getByTestId('measure-vcpus').fill('2');
  await expect(block).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('recomputing')).toHaveText('recomputing…');
  await expect(page.getByTestId('download-receipt')).toBeDisabled();
  // The old value is still there, dimmed: never shown as if it were the new one.
  await expect(page.getByTestId('digest')).toHaveText(one.expected);
  expect(await page.getByTestId('digest').evaluate((e) => Number(getComputedStyle(e).opacity))).toBeLessThan(
    0.6,
  );
  await page.screenshot({ path: info.outputPath('stale-digest.png') });
  await expect(page.getByTestId('digest')).toHaveText(two.expected, { timeout: 30_000 });
  await expect(block).not.toHaveAttribute('data-stale');
  await expect(page.getByTestId('download-receipt')).toBeEnabled();
});

test.describe('the engine worker cannot reach another origin', () => {
  let server: Server;
  let hits = 0;
  let origin = '';
  test.beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript' });
      res.end('export const reached = 1;');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // Another origin: same host, another port.
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('fetch and import() from inside the worker are blocked by its CSP header', async ({
    page,
    baseURL,
    foreignRequests,
  }) => {
    // The server answers (the test could see a successful fetch), and it is another origin than the app's.
    expect((await fetch(`${origin}/ping`)).status).toBe(200);
    expect(new URL(baseURL!).origin).not.toBe(origin);
    hits = 0;
    const response = await page.goto('/?debug');
    expect(response!.headers()['content-security-policy']).toContain("connect-src 'self'");
    await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
    const probe = (how: 'fetch' | 'import') =>
      page.evaluate(
        ([url, how]) =>
          (
            window as unknown as {
              fukiscopeDebug: {
                probeEngineNetwork(u: string, h: string): Promise<{ outcome: string; violation?: string }>;
              };
            }
          ).fukiscopeDebug.probeEngineNetwork(url!, how!),
        [`${origin}/x.js`, how],
      );
    const f = await probe('fetch');
    expect(f.outcome).toMatch(/^blocked/);
    expect(f.violation).toMatch(/^connect-src /);
    const i = await probe('import');
    expect(i.outcome).toMatch(/^blocked/);
    expect(i.violation).toMatch(/^script-src/);
    expect(hits, 'requests that reached the other origin').toBe(0);
    // Chromium reports the two attempts as requests before the CSP stops them; they are this test's own probes.
    const probes = foreignRequests.filter((u) => u.startsWith(origin));
    expect(probes.length).toBeGreaterThan(0);
    foreignRequests.splice(
      0,
      foreignRequests.length,
      ...foreignRequests.filter((u) => !u.startsWith(origin)),
    );
    // The worker script itself was served with the policy (a worker's CSP comes from its own response).
    const workerUrl = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .find((n) => /engine\.worker/.test(n)),
    );
    expect(workerUrl).toBeTruthy();
    const w = await page.request.get(workerUrl!);
    expect(w.headers()['content-security-policy']).toContain("connect-src 'self'");
  });
});

test('a worker that dies without an error event is noticed, reported and replaced; the open file stays', async ({
  page,
}) => {
  const [one, two] = [ovmfCase(1), ovmfCase(2)];
  await page.goto('/?debug');
  await dropFiles(page, [corpusFile(one.path)]);
  await expect(page.getByTestId('digest')).toHaveText(one.expected, { timeout: 30_000 });
  await page.evaluate(() =>
    (
      window as unknown as { fukiscopeDebug: { closeEngineDuringNextMeasure(): Promise<void> } }
    ).fukiscopeDebug.closeEngineDuringNextMeasure(),
  );
  const t0 = Date.now();
  await page.getByTestId('measure-vcpus').fill('2'); // this measurement meets self.close()
  await expect(page.locator('.banner').filter({ hasText: 'stopped without reporting an error' })).toBeVisible(
    {
      timeout: 10_000,
    },
  );
  const noticedMs = Date.now() - t0;
  expect(noticedMs).toBeLessThan(10_000);
  await expect(page.getByTestId('measure-error')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Measuring' })).toHaveCount(0);
  // Not wedged: the same file, measured again on the new worker.
  await page.getByRole('button', { name: 'Measure again' }).click();
  await expect(page.getByTestId('digest')).toHaveText(two.expected, { timeout: 30_000 });
  await expect(tab(page, 'OVMF.amdsev.fd')).toHaveCount(1);
  console.log(`silent worker death noticed after ${noticedMs} ms`);
});

for (const failure of [
  {
    name: 'blocked',
    expect: 'blocks storage',
    // indexedDB.open throws, as in a browser that forbids storage for the page.
    init: () => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    },
  },
  {
    name: 'full',
    expect: 'storage is full',
    // Every write fails as when the quota is used up.
    init: () => {
      IDBObjectStore.prototype.put = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    },
  },
]) {
  test(`IndexedDB ${failure.name}: no page errors, and the user is told the file was not remembered`, async ({
    page,
  }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(failure.init);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
    const f = corpusFile('igvm/igvm-crate/lib-snp.igvm');
    await dropFiles(page, [f]);
    await expect(page.getByRole('heading', { name: f.name })).toBeVisible({ timeout: 30_000 });
    const warning = page.getByTestId('storage-warning');
    await expect(warning).toContainText(`${f.name} was not remembered`);
    await expect(warning).toContainText(failure.expect);
    // The file works all the same.
    await expect(page.getByTestId('verdict')).toHaveText('Valid');
    // Let the debounced session save run and fail too.
    await page.waitForTimeout(600);
    expect(errors).toEqual([]);
  });
}

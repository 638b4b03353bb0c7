// The installable, offline app (issue 15): the production build is loaded once online, the browser context goes
// offline, and after a reload the app starts from the service worker's precache and measures a dropped corpus
// IGVM to the manifest values. Installability: the manifest is linked and complete, its icons load, and a
// service worker controls the page.
import { corpusFile, dropFiles, expect, manifest, test } from './fixtures';

test('after one online visit the app opens offline and measures a dropped IGVM; it is installable', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });

  // Installability criteria: a linked manifest with name, start_url, display and 192/512 px PNG icons.
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifestUrl = new URL(href!, page.url()).href;
  const webManifest = (await (await page.request.get(manifestUrl)).json()) as {
    name: string;
    short_name: string;
    start_url: string;
    display: string;
    icons: { src: string; sizes: string; type: string }[];
  };
  expect(webManifest.name).toContain('Fukiscope');
  expect(webManifest.short_name).toBe('Fukiscope');
  expect(webManifest.display).toBe('standalone');
  expect(webManifest.start_url).toBeTruthy();
  for (const size of ['192x192', '512x512']) {
    const icon = webManifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
    expect(icon, size).toBeTruthy();
    const r = await page.request.get(new URL(icon!.src, manifestUrl).href);
    expect(r.status()).toBe(200);
    expect(r.headers()['content-type']).toContain('image/png');
  }
  // The service worker is installed (its precache complete) and controls this page.
  // (`ready` resolves while the worker may still be 'activating': wait for 'activated'.)
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  // The CSP is the same as before: connect-src 'self' (header on the page and on the worker script).
  const swHeaders = (await page.request.get(new URL('sw.js', page.url()).href)).headers();
  expect(swHeaders['content-security-policy']).toContain("connect-src 'self'");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Really offline: anything not precached fails.
  expect(
    await page.evaluate(() =>
      fetch(`./not-precached-${Date.now()}.json`).then(
        (r) => `status ${r.status}`,
        () => 'network error',
      ),
    ),
  ).toBe('network error');

  const rel = 'igvm/igvm-crate/rich-v1.igvm';
  const entry = (manifest().igvm as { path: string; measurements: Record<string, Record<string, { value: string }>> }[]).find(
    (e) => e.path === rel,
  )!;
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByRole('heading', { name: 'rich-v1.igvm' })).toBeVisible();
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  for (const [platform, values] of Object.entries(entry.measurements)) {
    await page.getByRole('combobox', { name: 'Measurement' }).selectOption(platform);
    await expect(page.getByTestId('digest')).toHaveText(Object.values(values)[0]!.value, { timeout: 30_000 });
  }
  await context.setOffline(false);
});

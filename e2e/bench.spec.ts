// Browser benchmark (opt-in: BENCH=1, project "bench"; run through `node bench/browser.mjs`). Ratios against
// a baseline measured in the same run, never absolute thresholds: the machine is shared and noisy.
//  1. classic SNP digest of a 4 MiB OVMF in the engine worker vs WebCrypto SHA-384 of the same bytes in the page
//     (the physical floor: every firmware page is hashed once);
//  2. opening the 14 MiB igvmgen IGVM (parse + view model in the worker, rows to the page) vs hashing it;
//  3. scrolling the 14k-row header table: frame times while scrolling top to bottom.
import { writeFileSync } from 'node:fs';
import { corpusFile, dropFiles, expect, manifest, test } from './fixtures';
import type { Page } from '@playwright/test';

const REPS = Number(process.env.BENCH_REPS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function sha384Ms(page: Page, name: string): Promise<number> {
  return page.evaluate(async (n) => {
    const file = (window as unknown as { __benchFiles: Record<string, File> }).__benchFiles[n]!;
    const buf = await file.arrayBuffer();
    const t = performance.now();
    await crypto.subtle.digest('SHA-384', buf);
    return performance.now() - t;
  }, name);
}

async function keepFile(page: Page, f: { name: string; bytes: Uint8Array }) {
  await page.evaluate(
    ({ name, b64 }) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const w = window as unknown as { __benchFiles?: Record<string, File> };
      (w.__benchFiles ??= {})[name] = new File([bytes], name);
    },
    { name: f.name, b64: Buffer.from(f.bytes).toString('base64') },
  );
}

test('browser benchmark', async ({ page }, info) => {
  test.setTimeout(600_000);
  const results: Record<string, unknown> = {};
  await page.goto('/');

  // 1. classic SNP digest in the worker vs WebCrypto floor.
  const fw = corpusFile('inputs/ovmf/sid/OVMF.amdsev.fd');
  await keepFile(page, fw);
  await dropFiles(page, [fw]);
  const digest = page.getByTestId('digest');
  await expect(digest).toHaveText(/^[0-9a-f]{96}$/, { timeout: 60_000 });
  const worker: number[] = [];
  for (let i = 0; i < REPS; i++) {
    await page.getByLabel('vCPUs').fill(String(2 + (i % 2)));
    await expect(page.locator('.digest-label')).toContainText(`steps`);
    await expect(digest).toHaveText(/^[0-9a-f]{96}$/);
    await page.waitForFunction(() => !document.querySelector('[aria-label="Measuring"]'));
    const ms = Number((await page.locator('.digest-label').textContent())!.match(/, (\d+) ms\)/)![1]);
    worker.push(ms);
  }
  const floor: number[] = [];
  for (let i = 0; i < REPS; i++) floor.push(await sha384Ms(page, fw.name));
  results.classicSnp = {
    workerMs: median(worker),
    webCryptoSha384Ms: median(floor),
    ratio: median(worker) / median(floor),
  };

  // 2 + 3 need the IGVM codec.
  const big = (manifest().igvm as { path: string }[]).find((e) => e.path.includes('snp-x64-vtl0'));
  if (big && (await page.evaluate(() => true))) {
    const f = corpusFile(big.path);
    await keepFile(page, f);
    const t0 = Date.now();
    await dropFiles(page, [f]);
    const ok = await page
      .getByTestId('header-counts')
      .waitFor({ timeout: 60_000 })
      .then(() => true)
      .catch(() => false);
    if (ok) {
      const openMs = Date.now() - t0;
      const hashFloor = median(await Promise.all([0, 1, 2].map(() => sha384Ms(page, f.name))));
      results.openIgvm = { openMs, webCryptoSha384Ms: hashFloor, ratio: openMs / hashFloor };
      await page.getByRole('tab', { name: 'Headers', exact: true }).click();
      const grid = page.getByTestId('header-table');
      await expect(grid).toBeVisible();
      results.scroll = await grid.evaluate(async (el) => {
        const frames: number[] = [];
        let last = performance.now();
        const steps = 300;
        for (let i = 1; i <= steps; i++) {
          el.scrollTop = (el.scrollHeight * i) / steps;
          await new Promise((r) => requestAnimationFrame(() => r(null)));
          const now = performance.now();
          frames.push(now - last);
          last = now;
        }
        frames.sort((a, b) => a - b);
        return {
          rows: Number(el.getAttribute('aria-rowcount')),
          frames: steps,
          p50Ms: frames[Math.floor(steps * 0.5)],
          p95Ms: frames[Math.floor(steps * 0.95)],
          maxMs: frames.at(-1),
          domRows: el.querySelectorAll('[role=row]').length,
        };
      });
    }
  }
  const out = info.outputPath('bench.json');
  writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
});

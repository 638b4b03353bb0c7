// Shared Playwright fixture: every test fails if the page makes a request outside the local origin, and
// helpers drop real files through a DataTransfer (dragenter → dragover → drop, toolchain notes §2).
import { test as base, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export const CORPUS = process.env.FUKISCOPE_CORPUS ?? resolve('../shared/corpus');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;
export function manifest(): Manifest {
  return JSON.parse(readFileSync(resolve(CORPUS, 'manifest.json'), 'utf8')) as Manifest;
}

export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const foreign: string[] = [];
      page.on('request', (r) => {
        const url = r.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests outside the local origin').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Drops files on the drop zone the way a browser does: a DataTransfer with Files, then drag events. */
export async function dropFiles(page: Page, files: { name: string; bytes: Uint8Array }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: Buffer.from(f.bytes).toString('base64') }));
  await page.evaluate(async (items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], it.name));
    }
    const zone = document.querySelector('[data-testid="dropzone"]')!;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, payload);
}

export function corpusFile(rel: string): { name: string; bytes: Uint8Array } {
  return { name: basename(rel), bytes: readFileSync(resolve(CORPUS, rel)) };
}

/** Opens the corpus TDX IGVM (igvm-crate lib-tdx) in teaching mode, at step 1 (teaching and polish specs). */
export async function teachCorpusTdx(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile('igvm/igvm-crate/lib-tdx.igvm')]);
  await expect(page.getByRole('heading', { name: 'lib-tdx.igvm' })).toBeVisible();
  await page.getByRole('button', { name: 'Teach', exact: true }).click();
  const source = page.getByRole('combobox', { name: 'Measurement source' });
  const option = source.locator('option', { hasText: 'lib-tdx.igvm' }).first();
  await source.selectOption((await option.getAttribute('value'))!);
  await expect(page.getByTestId('step-counter')).toHaveText(/^Step 1 of \d+$/, { timeout: 30_000 });
}

/**
 * Holds back every message from the app's workers by `window.__e2eHoldWorker` ms while it is set (comlink listens
 * with addEventListener('message') on the Worker), so what the page shows before the worker answers can be looked
 * at: stale digests, progress notes. Call before page.goto.
 */
export async function holdableWorkers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const add = EventTarget.prototype.addEventListener;
    EventTarget.prototype.addEventListener = function (
      this: EventTarget,
      type: string,
      fn: unknown,
      opts?: unknown,
    ) {
      if (!(this instanceof Worker) || type !== 'message' || typeof fn !== 'function')
        return add.call(this, type, fn as EventListener, opts as AddEventListenerOptions);
      const held = (e: Event) => {
        const w = window as unknown as { __e2eHoldWorker?: number };
        if (w.__e2eHoldWorker) setTimeout(() => (fn as EventListener).call(this, e), w.__e2eHoldWorker);
        else (fn as EventListener).call(this, e);
      };
      return add.call(this, type, held, opts as AddEventListenerOptions);
    };
  });
}

/** Sets (ms) or clears (0) the hold of holdableWorkers. */
export async function holdWorkers(page: Page, ms: number): Promise<void> {
  await page.evaluate((v) => ((window as unknown as { __e2eHoldWorker: number }).__e2eHoldWorker = v), ms);
}

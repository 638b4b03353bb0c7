// End-to-end: the app in Debian chromium, files dropped through a real DataTransfer. Expected numbers come
// from the corpus manifest (independent tools); screenshots of each main view are saved as artifacts.
import { corpusFile, dropFiles, expect, holdableWorkers, holdWorkers, manifest, test } from './fixtures';
import type { Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';

async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: false });
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
}

test('first visit shows the demo IGVM, built in the browser by our codec', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('file-kind')).toHaveText('IGVM');
  await expect(page.getByTestId('verdict')).toHaveText('Valid');
  await expect(page.getByTestId('platforms')).toContainText('SEV_SNP');
  await shot(page, info, 'demo-overview');
  await openTab(page, 'Memory map');
  await expect(page.getByTestId('page-map').locator('[data-kind="vmsa"]')).toHaveCount(1);
  await shot(page, info, 'demo-memory');
});

test('an IGVM\'s Headers and Memory map tabs say so while its header tables, sent after the Overview, are on their way', async ({
  page,
}) => {
  const rel = 'igvm/igvm-crate/rich-v1.igvm';
  const entry = (manifest().igvm as { path: string; directive_counts: Record<string, number>; initialization_counts: Record<string, number>; platforms: unknown[] }[]).find((e) => e.path === rel)!;
  const headers =
    Object.values(entry.directive_counts).reduce((a, b) => a + b, 0) +
    Object.values(entry.initialization_counts).reduce((a, b) => a + b, 0) +
    entry.platforms.length;
  await holdableWorkers(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  // Every worker message now arrives 2 s late: the open result, then (2 s after it) the header columns and page maps.
  await holdWorkers(page, 2000);
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByTestId('header-counts')).toBeVisible({ timeout: 30_000 });
  await openTab(page, 'Headers');
  await expect(page.getByRole('status').filter({ hasText: 'Building the header table…' })).toBeVisible();
  await openTab(page, 'Memory map');
  await expect(page.getByRole('status').filter({ hasText: 'Building the page map…' })).toBeVisible();
  await holdWorkers(page, 0);
  await expect(page.getByTestId('page-map').locator('[data-kind="vmsa"]')).toHaveCount(1, { timeout: 30_000 });
  await openTab(page, 'Headers');
  await expect(page.getByTestId('header-table')).toHaveAttribute('aria-rowcount', String(headers));
});

test('a dropped corpus IGVM shows the manifest counts, its page map and its decoded VMSA', async ({
  page,
}, info) => {
  const rel = 'igvm/igvm-crate/rich-v1.igvm';
  const entry = (
    manifest().igvm as {
      path: string;
      sha256: string;
      directive_counts: Record<string, number>;
      initialization_counts: Record<string, number>;
      platforms: { platform_type: string }[];
    }[]
  ).find((e) => e.path === rel)!;
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByRole('heading', { name: 'rich-v1.igvm' })).toBeVisible();
  const counts = page.getByTestId('header-counts');
  for (const [kind, n] of Object.entries({ ...entry.directive_counts, ...entry.initialization_counts })) {
    await expect(counts.locator(`[data-count="${kind}"]`), kind).toHaveText(n.toLocaleString('en'));
  }
  const total = Object.values(entry.directive_counts).reduce((a, b) => a + b, 0);
  await expect(page.getByTestId('directive-total')).toHaveText(total.toLocaleString('en'));
  for (const p of entry.platforms) await expect(page.getByTestId('platforms')).toContainText(p.platform_type);
  // The SNP VMSA decodes to named registers (rip is the first instruction the vCPU runs).
  const vp = page.getByTestId('vp-context').first();
  await expect(vp).toContainText('SEV_SNP');
  await expect(vp.getByRole('row', { name: /^rip / })).toBeVisible();
  await shot(page, info, 'igvm-overview');

  await openTab(page, 'Memory map');
  const map = page.getByTestId('page-map');
  await expect(map.locator('[data-kind="parameter"]').first()).toBeVisible();
  await expect(map.locator('[data-kind="vmsa"]')).toHaveCount(1);
  await map.locator('[data-kind="vmsa"]').click();
  await expect(page.getByTestId('run-detail')).toContainText('VMSA');
  await shot(page, info, 'igvm-memory');

  // Each platform's launch measurement equals the manifest (igvm crate measurement module).
  await openTab(page, 'Measurement');
  const m = (entry as unknown as { measurements: Record<string, Record<string, { value: string }>> })
    .measurements;
  for (const [platform, values] of Object.entries(m)) {
    await page.getByRole('combobox', { name: 'Measurement' }).selectOption(platform);
    await expect(page.getByTestId('digest')).toHaveText(Object.values(values)[0]!.value, { timeout: 30_000 });
  }
  await page.getByRole('combobox', { name: 'Measurement' }).selectOption('SEV_SNP');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download receipt (JSON)' }).click();
  const receipt = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as {
    route: string;
    inputs: { file: { name: string; sha256: string } };
    measurements: { digest: string }[];
    steps: unknown[];
  };
  // The one typed receipt of core/fuki/receipt.ts, named after its content.
  const digest = Object.values(m.SEV_SNP!)[0]!.value;
  expect(receipt.route).toBe('measure');
  // The SHA-256 the open left pending (OpenResult.sha256Pending), as the manifest records it; the header shows it too.
  expect(receipt.inputs.file.sha256).toBe(entry.sha256);
  await expect(page.getByTestId('file-sha256')).toHaveText(`sha256 ${entry.sha256.slice(0, 16)}…`);
  expect(receipt.measurements[0]!.digest).toBe(digest);
  expect(receipt.steps.length).toBeGreaterThan(0);
  expect((await download).suggestedFilename()).toBe(`${rel.split('/').pop()!.replace(/\.igvm$/, '')}-snp-${digest.slice(0, 12)}.receipt.json`);
  await expect(page.getByTestId('ledger').getByRole('row').first()).toBeVisible();
  await shot(page, info, 'igvm-measure');

  await openTab(page, 'Headers');
  await expect(page.getByTestId('row-count')).toHaveText(/rows/);
  await page.getByTestId('header-table').getByRole('row').first().click();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('header-table').locator('[aria-selected="true"]')).toHaveCount(1);
  // Pick a measured page with data and ask what one flipped byte does to the SNP digest.
  await page.getByRole('combobox', { name: 'Kind' }).selectOption('PageData');
  await page.getByTestId('header-table').getByRole('row').filter({ hasText: 'NORMAL, data' }).first().click();
  await page.getByRole('button', { name: /Flip it and re-measure/ }).click();
  await expect(page.getByTestId('what-if')).toContainText('First diverging ledger step');
  await expect(page.locator('.digest-changed')).toHaveText(/^[0-9a-f]{96}$/);
  await shot(page, info, 'igvm-headers');
});

test('the 14k-directive igvmgen file scrolls through a virtualized table', async ({ page }) => {
  const rel = 'igvm/igvmgen/snp-x64-vtl0.igvm';
  const entry = (manifest().igvm as { path: string; directive_counts: Record<string, number> }[]).find(
    (e) => e.path === rel,
  )!;
  await page.goto('/');
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByRole('heading', { name: 'snp-x64-vtl0.igvm' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('header-counts').locator('[data-count="PageData"]')).toHaveText(
    entry.directive_counts.PageData!.toLocaleString('en'),
  );
  await openTab(page, 'Headers');
  const grid = page.getByTestId('header-table');
  const rows = await grid.getAttribute('aria-rowcount');
  expect(Number(rows)).toBeGreaterThan(13_000);
  expect(await grid.getByRole('row').count()).toBeLessThan(120);
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(grid.getByRole('row').last()).toContainText(String(Number(rows) - 1));
});

test('corrupted and unknown files get a clear error, and the rest of the app keeps working', async ({
  page,
}, info) => {
  const good = corpusFile('igvm/igvm-crate/lib-snp.igvm');
  const bad = new Uint8Array(good.bytes);
  bad[20] ^= 0xff; // checksum byte
  bad.fill(0xee, 40, 56); // smash the first variable header
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await dropFiles(page, [
    { name: 'corrupted.igvm', bytes: bad },
    { name: 'noise.bin', bytes: new Uint8Array(4096).map((_, i) => (i * 131 + 7) & 0xff) },
  ]);
  await expect(page.getByRole('tab', { name: /corrupted\.igvm/ })).toBeVisible();
  await page.getByRole('tab', { name: /corrupted\.igvm/ }).click();
  await expect(page.getByTestId('verdict')).toHaveText(/error/);
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toContainText(/error/i);
  await shot(page, info, 'corrupted');
  await page.getByRole('tab', { name: /noise\.bin/ }).click();
  await expect(page.getByTestId('file-kind')).toHaveText('Unknown data');
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toContainText('UNKNOWN_FILE_KIND');
  await expect(page.getByRole('tab', { name: /demo\.igvm/ })).toBeVisible();
});

test('OVMF: classic SNP digest equals sev-snp-measure, live with the vCPU count; session survives a reload', async ({
  page,
}, info) => {
  const cases = manifest().ovmf_measure as {
    id: string;
    expected: string;
    params: Record<string, unknown>;
  }[];
  const plain = (n: number) =>
    cases.find(
      (c) =>
        c.params.mode === 'snp' &&
        c.params.vcpus === n &&
        c.params.vcpu_type === 'EPYC-v4' &&
        !c.params.kernel &&
        !c.params.guest_features &&
        !c.params.vmm_type &&
        (c.params.ovmf as { path: string }).path.endsWith('OVMF.amdsev.fd'),
    )!;
  const rel = (plain(1).params.ovmf as { path: string }).path;
  await page.goto('/');
  await dropFiles(page, [corpusFile(rel)]);
  await expect(page.getByTestId('file-kind')).toHaveText('OVMF / TDVF firmware', { timeout: 30_000 });
  await expect(page.getByTestId('digest')).toHaveText(plain(1).expected, { timeout: 30_000 });
  await shot(page, info, 'firmware-top');
  await page.getByLabel('vCPUs').fill('2');
  await expect(page.getByTestId('digest')).toHaveText(plain(2).expected, { timeout: 30_000 });
  await page.getByTestId('digest').scrollIntoViewIfNeeded();
  await shot(page, info, 'firmware-measure');
  await page.reload();
  await expect(page.getByRole('tab', { name: /OVMF\.amdsev\.fd/ })).toBeVisible();
  await page.getByRole('button', { name: 'Clear session' }).click();
  await expect(page.getByRole('tab', { name: /OVMF\.amdsev\.fd/ })).toHaveCount(0);
});

test('a crashed engine worker is reported and restarted with the open files reloaded', async ({ page }) => {
  const rel = 'inputs/ovmf/sid/OVMF.amdsev.fd';
  await page.goto('/?debug');
  await dropFiles(page, [corpusFile(rel)]);
  const digest = page.getByTestId('digest');
  await expect(digest).toHaveText(/^[0-9a-f]{96}$/, { timeout: 30_000 });
  const before = await digest.textContent();
  await page.evaluate(() =>
    (window as unknown as { fukiscopeDebug: { crashEngine(): Promise<void> } }).fukiscopeDebug.crashEngine(),
  );
  await expect(page.getByRole('alert').filter({ hasText: 'engine worker crashed' })).toBeVisible();
  // A new measurement needs the restarted worker to hold the file again.
  await page.getByLabel('vCPUs').fill('2');
  await expect(digest).not.toHaveText(before!, { timeout: 30_000 });
  await expect(digest).toHaveText(/^[0-9a-f]{96}$/);
  await page.getByLabel('vCPUs').fill('1');
  await expect(digest).toHaveText(before!, { timeout: 30_000 });
  await expect(page.getByTestId('vmsa').first()).toContainText('rip');
});

test('OVMF direct boot: kernel, initrd and command line from other dropped files give sev-snp-measure’s digest', async ({
  page,
}, info) => {
  const c = (manifest().ovmf_measure as { expected?: string; params: Record<string, unknown> }[]).find(
    (x) => x.expected && x.params.mode === 'snp' && x.params.kernel && x.params.initrd && x.params.append,
  )!;
  const p = (k: string) => (c.params[k] as { path: string }).path;
  await page.goto('/');
  const [fw, kernel, initrd] = [corpusFile(p('ovmf')), corpusFile(p('kernel')), corpusFile(p('initrd'))];
  await dropFiles(page, [kernel, initrd]);
  await expect(page.getByRole('tab', { name: new RegExp(initrd.name.replace(/\./g, '\\.')) })).toBeVisible();
  await expect(page.getByRole('tab', { name: new RegExp(kernel.name.replace(/\./g, '\\.')) })).toBeVisible();
  await dropFiles(page, [fw]);
  await expect(page.getByTestId('file-kind')).toHaveText('OVMF / TDVF firmware', { timeout: 30_000 });
  await page.getByLabel('vCPUs').fill(String(c.params.vcpus));
  await page.getByLabel('vCPU type').selectOption(c.params.vcpu_type as string);
  await page.getByRole('combobox', { name: 'Kernel' }).selectOption({ label: kernel.name });
  await page.getByRole('combobox', { name: 'Initrd' }).selectOption({ label: initrd.name });
  const cmd = page.getByLabel('Command line');
  await cmd.fill(c.params.append as string);
  await cmd.press('Enter');
  await expect(page.getByTestId('digest')).toHaveText(c.expected!, { timeout: 30_000 });
  await page.getByTestId('digest').scrollIntoViewIfNeeded();
  await shot(page, info, 'firmware-direct-boot');
});

test('a UKI shows its layout, section hashes as ukify inspect printed them, and its Authenticode digest', async ({
  page,
}, info) => {
  const e = (
    manifest().pe as {
      path: string;
      ukify_inspect: Record<string, { sha256: string }>;
      authenticode: Record<string, Record<string, string>>;
    }[]
  ).find((x) => x.path === 'pe/uki-262.efi')!;
  await page.goto('/');
  await dropFiles(page, [corpusFile(e.path)]);
  await expect(page.getByTestId('file-kind')).toHaveText(/UKI/, { timeout: 30_000 });
  const table = page.getByTestId('pe-sections');
  for (const [name, want] of Object.entries(e.ukify_inspect)) {
    await expect(table.locator(`tr[data-section="${name}"] [data-sha256]`), name).toHaveAttribute(
      'data-sha256',
      want.sha256,
    );
  }
  await expect(page.getByTestId('authenticode').locator('[data-alg="sha256"]')).toHaveText(
    e.authenticode.sha256!['systemd-pcrlock 262 lock-pe']!,
  );
  const pcr = (e as unknown as { pcr11: Record<string, Record<string, string>> }).pcr11;
  await expect(page.getByTestId('pcr11').locator('[data-phase="enter-initrd"]')).toHaveText(
    pcr['enter-initrd']!.sha256!,
  );
  // The kernel inside .linux: its own Authenticode digest and Secure Boot signer, as for the kernel file.
  const kernel = (
    manifest().pe as { path: string; authenticode: Record<string, Record<string, string>>; signatures: { signer_subject?: string }[] }[]
  ).find((x) => x.path.includes('vmlinuz'))!;
  await expect(page.getByTestId('kernel-authenticode')).toContainText(kernel.authenticode.sha256!['sbsign --detached']!);
  const signer = kernel.signatures.find((x) => x.signer_subject)!.signer_subject!.replace(/^\/CN=/, '');
  await expect(page.getByTestId('kernel-signature').filter({ hasText: '✓ covers the kernel' })).toContainText(signer);
  await page
    .getByTestId('pe-layout')
    .getByRole('listitem', { name: /^\.linux/ })
    .click();
  await shot(page, info, 'uki');
});

// End-to-end: compose the corpus FUKI inputs (OVMF.amdsev.fd + uki-262.efi + its two add-ons) through the
// composer page with real file inputs, and check every digest against `fukiscope compose --json` run on the
// same files; toggle an add-on; reload and find the same state; download the IGVM and compare its bytes.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { Diagnostics } from '../src/core/diagnostics';
import { parsePe } from '../src/core/pe/parse';
import { buildUki } from '../src/core/uki/build';
import { decodeEfifw } from '../src/core/uki/efifw';
import { decodeHwids } from '../src/core/uki/hwids';
import { CORPUS, expect, holdableWorkers, holdWorkers, test } from './fixtures';

const FIRMWARE = resolve(CORPUS, 'inputs/ovmf/sid/OVMF.amdsev.fd');
const UKI = resolve(CORPUS, 'pe/uki-262.efi');
const ADDONS = [
  resolve(CORPUS, 'pe/addon-262-cmdline.addon.efi'),
  resolve(CORPUS, 'pe/addon-262-cmdline-initrd.addon.efi'),
];

interface CliReceipt {
  measurements: { platform: string; tdxOrder?: string; digest: string }[];
  cmdline: { text: string };
}

/** Runs the bundled CLI; on failure the error carries its stderr, not just "Command failed". */
function runCli(args: string[]): string {
  try {
    return execFileSync('node', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status?: number; stderr?: string };
    throw new Error(`fukiscope ${args.slice(1, 2).join(' ')} exited ${err.status}: ${err.stderr ?? ''}`, { cause: e });
  }
}

/** `fukiscope compose --firmware FIRMWARE <source> --json` (the bundled CLI); also returns the IGVM it wrote. */
function compose(source: string[]): { receipt: CliReceipt; igvm: Buffer } {
  const out = join(mkdtempSync(join(tmpdir(), 'fukiscope-e2e-')), 'out.igvm');
  const args = ['bin/fukiscope.mjs', 'compose', '--firmware', FIRMWARE, ...source, '--igvm-out', out, '--json'];
  return { receipt: JSON.parse(runCli(args)) as CliReceipt, igvm: readFileSync(out) };
}

/** The corpus UKI with the given add-ons. */
const cli = (addons: string[]) => compose(['--uki', UKI, ...addons.flatMap((a) => ['--addon', a])]);

const testId = (m: CliReceipt['measurements'][number]) =>
  `digest-${m.platform}${m.tdxOrder ? `-${m.tdxOrder}` : ''}`;

async function expectDigests(page: Page, receipt: CliReceipt) {
  expect(receipt.measurements.length).toBeGreaterThan(0);
  for (const m of receipt.measurements)
    await expect(page.getByTestId(testId(m)), testId(m)).toHaveText(m.digest, { timeout: 30_000 });
}

async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

test('compose the corpus FUKI inputs: digests equal the CLI, add-on toggle, matrix, reload keeps the state, IGVM download', async ({
  page,
}, info) => {
  test.setTimeout(180_000);
  const both = cli(ADDONS);
  const first = cli([ADDONS[0]!]);
  expect(first.receipt.measurements[0]!.digest).not.toBe(both.receipt.measurements[0]!.digest);

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await expect(page.getByTestId('compose-reason')).toContainText('firmware');
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  await page.getByTestId('slot-uki-input').setInputFiles(UKI);
  await page.getByTestId('slot-addons-input').setInputFiles(ADDONS);
  await expect(page.getByTestId('addon-1')).toBeChecked();
  await expectDigests(page, both.receipt);
  await expect(page.getByTestId('composed-cmdline')).toHaveText(both.receipt.cmdline.text);
  // PCR 12 for the two add-ons: one command-line event and the initrd add-on, values for all four banks.
  await page.getByText('PCR 12 from the add-ons').click();
  await expect(page.getByTestId('pcr12').locator('tbody tr')).toHaveCount(2 + 4);
  await expect(page.getByTestId('pcr12').locator('[data-bank="sha256"]')).toHaveText(/^[0-9a-f]{64}$/);
  // What is and is not covered: the add-ons change the SNP digest through the hashes page, not the TDX MRTD.
  await page.getByText('What these digests cover').click();
  await expect(page.getByTestId('receipt-notes')).toContainText('RTMR[2]');
  // The add-on matrix: every combination of the two add-ons, the selected ones among them.
  const matrix = page.getByTestId('addon-matrix');
  await expect(matrix.locator('tbody.matrix-row')).toHaveCount(4, { timeout: 60_000 });
  await expect(matrix).toContainText(both.receipt.measurements[0]!.digest);
  await expect(matrix).toContainText(first.receipt.measurements[0]!.digest);
  await shot(page, info, 'composer');

  // Untick the second add-on: the digests become the CLI's for the first add-on alone.
  await page.getByTestId('addon-1').uncheck();
  await expectDigests(page, first.receipt);

  // The downloaded IGVM is byte for byte the one the CLI writes.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download IGVM' }).click(),
  ]);
  const bytes = readFileSync((await download.path())!);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(
    createHash('sha256').update(first.igvm).digest('hex'),
  );

  const [receiptDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download receipt' }).click(),
  ]);
  const receipt = JSON.parse(readFileSync((await receiptDownload.path())!, 'utf8')) as CliReceipt;
  expect(receipt.measurements.map((m) => m.digest)).toEqual(first.receipt.measurements.map((m) => m.digest));
  // Downloads are named after their content: <UKI name>-snp-<first 12 hex of the SNP digest>.
  const tag = `uki-262-snp-${first.receipt.measurements[0]!.digest.slice(0, 12)}`;
  expect(download.suggestedFilename()).toBe(`${tag}.igvm`);
  expect(receiptDownload.suggestedFilename()).toBe(`${tag}.receipt.json`);
  // Trustee reference values of the same composition: the receipt's SNP digests (issue 15).
  const [trusteeDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download Trustee JSON' }).click(),
  ]);
  const trustee = JSON.parse(readFileSync((await trusteeDownload.path())!, 'utf8')) as Record<string, string[]>;
  expect(trustee.snp_launch_measurement).toContain(first.receipt.measurements.find((m) => m.platform === 'SEV_SNP')!.digest);
  expect(trusteeDownload.suggestedFilename()).toBe(`${tag}.trustee.json`);
  const chid = '8e3f0a2c-1b2d-5e4f-9a0b-112233445566';
  await page.getByLabel('CHIDs for .hwids').fill(chid);
  const [fukiDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download FUKI PE' }).click(),
  ]);
  const fuki = new Uint8Array(readFileSync((await fukiDownload.path())!));
  const fukiPe = parsePe(fuki);
  expect(fukiPe.ok).toBe(true);
  // The .efifw holds the IGVM the page composed; the .hwids entry binds the CHID to its fwid.
  const efifw = fukiPe.sections.find((x) => x.name === '.efifw')!;
  const blob = decodeEfifw(fuki.subarray(efifw.data.offset, efifw.data.offset + efifw.data.length), new Diagnostics())!;
  expect(blob.payload.length).toBe(first.igvm.length);
  const hw = fukiPe.sections.find((x) => x.name === '.hwids')!;
  const entries = decodeHwids(fuki.subarray(hw.data.offset, hw.data.offset + hw.data.length), new Diagnostics());
  expect(entries.map((e) => [e.chid, e.fwid])).toEqual([[chid, blob.fwid]]);

  // Open in inspector: the composed IGVM opens as a file; its SNP measurement equals the composer's digest.
  await page.getByRole('button', { name: 'Open in inspector' }).click();
  await expect(page.getByRole('heading', { name: 'composed.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('tab', { name: 'Measurement', exact: true }).click();
  await page.getByRole('combobox', { name: 'Measurement' }).selectOption('SEV_SNP');
  await expect(page.getByTestId('digest')).toHaveText(first.receipt.measurements[0]!.digest, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Compose', exact: true }).click();

  // Reload: the page, the slots and the add-on choice come back, and so does the digest.
  await page.waitForTimeout(600); // session saves are debounced (250 ms)
  await page.reload();
  await expect(page.getByTestId('composer-page')).toBeVisible();
  await expect(page.getByTestId('addon-0')).toBeChecked();
  await expect(page.getByTestId('addon-1')).not.toBeChecked();
  await expectDigests(page, first.receipt);
  await shot(page, info, 'composer-reloaded');
});

test('direct boot: kernel + initrd + an edited command line give the CLI digests; the digest follows each edit', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const kernel = resolve(CORPUS, 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64');
  const initrd = resolve(CORPUS, 'inputs/initrd/initrd-small.cpio.gz');
  const direct = (cmdline: string) =>
    compose(['--kernel', kernel, '--initrd', initrd, '--cmdline', cmdline, '--platform', 'snp']).receipt;
  const one = direct('console=ttyS0');
  const two = direct('console=ttyS0 quiet');
  expect(one.measurements[0]!.digest).not.toBe(two.measurements[0]!.digest);

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page.getByRole('radio', { name: /kernel \+ initrd/ }).check();
  await page.getByRole('combobox', { name: 'Platform' }).selectOption('SEV_SNP');
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  await page.getByTestId('slot-kernel-input').setInputFiles(kernel);
  // The initrd is dropped on its slot (a DataTransfer with the file, as a browser does), not picked.
  const b64 = readFileSync(initrd).toString('base64');
  await page.getByTestId('slot-initrd').evaluate((slot, data) => {
    const bin = atob(data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'initrd-small.cpio.gz'));
    for (const type of ['dragover', 'drop'])
      slot.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
  }, b64);
  await expect(page.getByRole('combobox', { name: 'Initrd' })).toHaveValue(/.+/);
  const cmdline = page.getByTestId('cmdline');
  await cmdline.fill('console=ttyS0');
  await expectDigests(page, one);
  await cmdline.pressSequentially(' quiet', { delay: 20 });
  await expectDigests(page, two);
});

test('a long add-on matrix (8 add-ons with 2 MiB initrds, 256 combinations) can be stopped; the composer keeps working after it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  // Eight add-ons built by our UKI builder on the corpus add-on stub, each with its own 2 MiB .initrd: every
  // combination hashes a different initrd concatenation (up to 16 MiB), so the matrix takes long enough to stop.
  const stub = readFileSync(resolve(CORPUS, 'inputs/stub/262/addonx64.efi.stub'));
  const dir = mkdtempSync(join(tmpdir(), 'fukiscope-e2e-addons-'));
  const many = Array.from({ length: 8 }, (_, i) => {
    const initrd = new Uint8Array(2 * 1024 * 1024).fill(0x41 + i);
    const built = buildUki({ stub, kind: 'addon', sections: [{ name: '.cmdline', data: `a${i}=1` }, { name: '.initrd', data: initrd }] });
    const p = join(dir, `a${i}.addon.efi`);
    writeFileSync(p, built.file!);
    return p;
  });
  const seven = cli(many.slice(0, 7));

  await page.goto('/');
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  await page.getByTestId('slot-uki-input').setInputFiles(UKI);
  await page.getByTestId('slot-addons-input').setInputFiles(many);
  await expect(page.getByTestId('addon-7')).toBeChecked();
  const progress = page.getByTestId('matrix-progress');
  await expect(progress).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('matrix-stop').click();
  await expect(page.getByTestId('matrix-stopped')).toBeVisible();
  await expect(progress).toBeHidden();
  await expect(page.getByTestId('addon-matrix')).toHaveCount(0);

  // The worker was restarted; the next edit recomputes from the reloaded files: the CLI's digests for 7 add-ons.
  await page.getByTestId('addon-7').uncheck();
  await expectDigests(page, seven.receipt);
  await expect(page.getByTestId('matrix-stopped')).toBeHidden();
});

test('launch settings: zzz withdraws the digest until valid, Enter and input apply, long actions show progress at once, downloads wait while stale', async ({
  page,
}, info) => {
  test.setTimeout(180_000);
  // The classic-equivalent profile: a 2-vCPU launch is one KVM can reproduce (qemu-igvm takes one VMSA only).
  const one = compose(['--uki', UKI, '--profile', 'classic-equivalent']);
  const two = compose(['--uki', UKI, '--profile', 'classic-equivalent', '--vcpus', '2']);
  expect(two.receipt.measurements[0]!.digest).not.toBe(one.receipt.measurements[0]!.digest);
  await holdableWorkers(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'demo.igvm' })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await page.getByTestId('slot-firmware-input').setInputFiles(FIRMWARE);
  await page.getByTestId('slot-uki-input').setInputFiles(UKI);
  await page.getByRole('combobox', { name: 'Profile' }).selectOption('classic-equivalent');
  await expectDigests(page, one.receipt);
  const snp = page.getByTestId(testId(one.receipt.measurements[0]!));

  // Invalid guest features, typed and applied on Enter: flagged inline, every digest and download withdrawn.
  const gf = page.getByTestId('compose-guest-features');
  await gf.fill('');
  await gf.pressSequentially('zzz');
  await gf.press('Enter');
  await expect(gf).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#compose-guestFeatures-error')).toHaveText(/^Guest features: “zzz” is not a number/);
  await expect(page.getByTestId('compose-withdrawn')).toContainText('Digests withdrawn until the launch settings are valid');
  await expect(page.locator('[data-testid^="digest-"]')).toHaveCount(0);
  await expect(page.getByTestId('addon-matrix')).toHaveCount(0);
  for (const b of ['download-igvm', 'download-fuki', 'download-receipt', 'open-in-inspector'])
    await expect(page.getByTestId(b), b).toHaveCount(0);
  await shot(page, info, 'composer-invalid-guest-features');
  // Valid again, on input alone (no blur, no Enter): the digest comes back, the same as before.
  await gf.fill('0x1');
  await expect(gf).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('compose-withdrawn')).toHaveCount(0);
  await expectDigests(page, one.receipt);

  // vCPUs typed and applied on Enter, with the worker held back: the old digest is marked stale, downloads wait.
  await holdWorkers(page, 3000);
  const vcpus = page.getByTestId('compose-vcpus');
  await vcpus.press('Control+a');
  await vcpus.pressSequentially('2');
  await vcpus.press('Enter');
  const block = page.locator('.composer-results .digest-block').first();
  await expect(block).toHaveAttribute('data-stale', 'true');
  await expect(page.getByTestId('recomputing').first()).toHaveText('recomputing…');
  await expect(snp).toHaveText(one.receipt.measurements[0]!.digest);
  for (const b of ['download-igvm', 'download-fuki', 'download-receipt', 'open-in-inspector'])
    await expect(page.getByTestId(b), b).toBeDisabled();
  await expect(page.getByRole('button', { name: /^Copy .*digest$/ }).first()).toBeDisabled();
  await shot(page, info, 'composer-stale');
  await holdWorkers(page, 0);
  await expectDigests(page, two.receipt);
  await expect(block).not.toHaveAttribute('data-stale');
  await expect(page.getByTestId('download-fuki')).toBeEnabled();

  // Long actions: the progress note is there before the worker has answered (its replies held back 2 s).
  await holdWorkers(page, 2000);
  const [fukiDownload] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    (async () => {
      await page.getByTestId('download-fuki').click();
      await expect(page.getByTestId('download-pending')).toHaveText('Building the FUKI PE…');
      for (const b of ['download-igvm', 'download-fuki', 'download-receipt', 'open-in-inspector'])
        await expect(page.getByTestId(b), b).toBeDisabled();
    })(),
  ]);
  expect(fukiDownload.suggestedFilename()).toMatch(/\.efi$/);
  await expect(page.getByTestId('download-pending')).toHaveCount(0);
  await page.getByTestId('open-in-inspector').click();
  await expect(page.getByTestId('download-pending')).toHaveText('Building the IGVM and FUKI, then opening them…');
  await expect(page.getByTestId('open-in-inspector')).toBeDisabled();
  await holdWorkers(page, 0);
  await expect(page.getByRole('heading', { name: 'composed.igvm' })).toBeVisible({ timeout: 60_000 });
});

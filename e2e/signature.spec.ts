// End-to-end: the UI's Authenticode verdicts (issue 11 item 1). A signature shows "✓ covers …" only when all
// three checks pass; the forged kernel (.text tampered, SpcIndirectDataContent re-digested, built here from the
// signed corpus kernel) and a UKI carrying it show "✗ does not cover …" with the failing messageDigest check.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { forgeSignedPe, forgeUkiKernel } from '../src/test-support/forge';
import { CORPUS, dropFiles, expect, test } from './fixtures';

const KERNEL = 'inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64';
const read = (rel: string) => new Uint8Array(readFileSync(resolve(CORPUS, rel)));

test('the corpus kernel: ✓ covers this file, all three checks pass', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, [{ name: 'vmlinuz', bytes: read(KERNEL) }]);
  const sig = page.getByTestId('signature');
  await expect(sig.getByTestId('signature-verdict')).toHaveText('✓ covers this file', { timeout: 30_000 });
  for (const check of ['imageDigest', 'messageDigest', 'signerSignature'])
    await expect(sig.locator(`[data-check="${check}"]`), check).toHaveAttribute('data-status', 'pass');
});

test('the forged kernel: ✗ does not cover this file, messageDigest fails', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, [{ name: 'forged.efi', bytes: forgeSignedPe(read(KERNEL)) }]);
  const sig = page.getByTestId('signature');
  await expect(sig.getByTestId('signature-verdict')).toHaveText('✗ does not cover this file', {
    timeout: 30_000,
  });
  await expect(sig.locator('[data-check="imageDigest"]')).toHaveAttribute('data-status', 'pass');
  await expect(sig.locator('[data-check="messageDigest"]')).toHaveAttribute('data-status', 'fail');
  await expect(sig.locator('[data-check="messageDigest"]')).toContainText('replaced after signing');
  await expect(sig.locator('[data-check="signerSignature"]')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByText('✓ covers this file')).toHaveCount(0);
});

test('the forged kernel with a re-digested messageDigest: the signer signature fails', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, [
    { name: 'forged2.efi', bytes: forgeSignedPe(read(KERNEL), { redigestAttribute: true }) },
  ]);
  const sig = page.getByTestId('signature');
  await expect(sig.getByTestId('signature-verdict')).toHaveText('✗ does not cover this file', {
    timeout: 30_000,
  });
  await expect(sig.locator('[data-check="messageDigest"]')).toHaveAttribute('data-status', 'pass');
  await expect(sig.locator('[data-check="signerSignature"]')).toHaveAttribute('data-status', 'fail');
});

test('a UKI whose .linux kernel is forged: ✗ does not cover the kernel', async ({ page }) => {
  await page.goto('/');
  await dropFiles(page, [{ name: 'forged-uki.efi', bytes: forgeUkiKernel(read('pe/uki-262.efi')) }]);
  const sig = page.getByTestId('kernel-signature');
  await expect(sig.getByTestId('signature-verdict')).toHaveText('✗ does not cover the kernel', {
    timeout: 30_000,
  });
  await expect(sig.locator('[data-check="messageDigest"]')).toHaveAttribute('data-status', 'fail');
  await expect(page.getByText('✓ covers the kernel')).toHaveCount(0);
});

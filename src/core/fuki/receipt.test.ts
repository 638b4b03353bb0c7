import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOOL, TOOL_VERSION } from '../version';
import { contentFileName, evidenceReceipt } from './receipt';

describe('receipt helpers', () => {
  it('the tool version is package.json’s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(TOOL_VERSION).toBe(pkg.version);
    expect(TOOL).toBe(`fukiscope ${pkg.version}`);
  });
  it('downloads are named after their content', () => {
    const snp = { platform: 'SEV_SNP', digest: 'a1b2c3d4e5f60718293a4b5c' };
    expect(contentFileName('uki-262.efi', snp, 'igvm')).toBe('uki-262-snp-a1b2c3d4e5f6.igvm');
    expect(contentFileName('dir/OVMF.amdsev.fd', snp, 'receipt.json')).toBe(
      'OVMF.amdsev-snp-a1b2c3d4e5f6.receipt.json',
    );
    expect(contentFileName('td.fd', { platform: 'TDX', digest: 'ffeeddccbbaa99' }, 'efi')).toBe(
      'td-tdx-ffeeddccbbaa.efi',
    );
    expect(
      contentFileName('ovmf.fd', { platform: 'snp:ovmf-hash', digest: '00112233445566' }, 'receipt.json'),
    ).toBe('ovmf-snpovmfhash-001122334455.receipt.json');
    expect(contentFileName('x.igvm', { platform: 'SEV_SNP', digest: '' }, 'receipt.json')).toBe(
      'x.receipt.json',
    );
  });
  it('a verify receipt carries the checks and says what was not checked and what a search answer means', () => {
    const base = { inputs: { evidence: { name: 'r.bin', size: 1184, sha256: 'ab' } }, options: { at: '2025-09-01T00:00:00.000Z' } };
    const evidence = {
      kind: 'snp-report' as const,
      fields: { measurement: '00' },
      at: '2025-09-01T00:00:00.000Z',
      checks: [{ id: 'snp.signature', status: 'not-checked' as const, detail: 'no VCEK' }],
    };
    const plain = evidenceReceipt({ ...base, evidence });
    expect(plain).toMatchObject({ route: 'verify', tool: TOOL, measurements: [], evidence });
    expect(plain.notes.join(' ')).toMatch(/not-checked were not verified/);
    expect(plain.notes.join(' ')).not.toMatch(/search answer/);
    const found = evidenceReceipt({
      ...base,
      evidence: { ...evidence, checks: [], search: { searchedWith: 'fw.fd', found: true, options: ['--vcpus=2'], explanation: 'x', tried: 3, total: 9, cancelled: false } },
    });
    expect(found.notes.join(' ')).toMatch(/search answer/);
    expect(found.notes.join(' ')).not.toMatch(/not-checked/);
  });
});

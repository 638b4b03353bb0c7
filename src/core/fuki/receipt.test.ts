import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOOL, TOOL_VERSION } from '../version';
import { contentFileName } from './receipt';

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
});

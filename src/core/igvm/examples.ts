// Small example files built from the spec, for tests and the app's demo.
import { put64 } from '../bytes/bytes';
import { IgvmBuilder } from './builder';

/** The SNP-only v1 file of igvm-format §18.1 (its bytes, CRC and digests are given there). */
export function workedExample(): IgvmBuilder {
  const b = new IgvmBuilder();
  const snp = b.platform({ type: 'SEV_SNP' });
  b.guestPolicy(0x30000n, snp);
  const pattern = new Uint8Array(4096).map((_, i) => i & 0xff);
  b.page({ gpa: 0, mask: snp, data: pattern });
  b.page({ gpa: 0x1000, mask: snp });
  b.page({ gpa: 0x2000, mask: snp, flags: { unmeasured: true } });
  b.page({ gpa: 0x3000, mask: snp, dataType: 'SECRETS' });
  b.page({ gpa: 0x4000, mask: snp, dataType: 'CPUID_DATA' });
  const area = b.parameterArea({ size: 4096 });
  b.parameter('VpCount', area, 0);
  b.parameterInsert({ gpa: 0x5000, mask: snp, index: area });
  const vmsa = new Uint8Array(4096);
  put64(vmsa, 0x178, 0xfff0n);
  put64(vmsa, 0x158, 0x31n);
  put64(vmsa, 0x3b0, 0x1n);
  b.snpVpContext({ gpa: 0xfffffffff000n, mask: snp, vmsa });
  return b;
}

// The embedded demo: a small SNP + TDX IGVM built at run time by our own codec (src/core/igvm IgvmBuilder), so
// the repository holds no binary and the first screen shows every page kind the inspector knows.
import { textEncoder, type Bytes } from '../core/bytes/bytes';
import { IgvmBuilder } from '../core/igvm';
import { BSP_EIP, buildVmsa, VMSA_GPA } from '../core/vmsa/build';
import { VCPU_TYPES } from '../core/vmsa/vcpu-types';

/** A page of readable filler: a label repeated, so the hex view shows what the page is. */
function labelled(label: string, pages = 1): Bytes {
  const out = new Uint8Array(4096 * pages);
  const text = textEncoder.encode(`${label} `);
  for (let i = 0; i < out.length; i++) out[i] = text[i % text.length]!;
  return out;
}

export function buildDemoIgvm(): Bytes {
  const b = new IgvmBuilder({ formatVersion: 2 });
  const snp = b.platform({ type: 'SEV_SNP' });
  const tdx = b.platform({ type: 'TDX' });
  const both = snp | tdx;
  b.guestPolicy(0x30000n, snp); // SNP policy: SMT allowed, reserved bit 17 set (§6.1)
  b.guestPolicy(0n, tdx);

  // "Firmware": code and data pages measured on both platforms, then its stack as zero pages.
  b.pages({ gpa: 0xffe00000n, mask: both, data: labelled('demo firmware code', 8) });
  b.pages({ gpa: 0xffe08000n, mask: both, data: labelled('demo firmware data', 4) });
  for (let i = 0; i < 4; i++) b.page({ gpa: 0x800000n + BigInt(i) * 4096n, mask: both });

  // SNP-only pages: secrets and CPUID filled by the PSP, an unmeasured scratch page, a shared page for the host.
  b.page({ gpa: 0x80d000n, mask: snp, dataType: 'SECRETS' });
  b.page({ gpa: 0x80e000n, mask: snp, dataType: 'CPUID_DATA' });
  b.page({ gpa: 0x80f000n, mask: both, data: labelled('unmeasured scratch'), flags: { unmeasured: true } });
  b.page({ gpa: 0x810000n, mask: both, data: labelled('shared with host'), flags: { shared: true } });

  // A kernel command line the guest can read: measured data on both platforms.
  b.page({ gpa: 0x820000n, mask: both, data: textEncoder.encode('console=ttyS0 root=/dev/vda1 demo=1\0') });

  // Host-filled parameters: VP count, memory map and command line in one 2-page area.
  const area = b.parameterArea({ size: 2 * 4096 });
  b.parameter('VpCount', area, 0);
  b.parameter('MemoryMap', area, 0x100);
  b.parameter('CommandLine', area, 0x1000);
  b.parameterInsert({ gpa: 0x830000n, mask: both, index: area });

  b.requiredMemory({ gpa: 0x1000000n, mask: both, size: 16 * 4096 });

  // The BSP's initial state (SNP): QEMU's reset state at the reset vector, as sev-snp-measure builds it.
  const vmsa = buildVmsa({ eip: BSP_EIP, sevFeatures: 0x1n, vcpuSig: VCPU_TYPES['EPYC-v4']!, vmm: 'QEMU' });
  b.snpVpContext({ gpa: VMSA_GPA, mask: snp, vmsa });
  return b.build();
}

// A paravisor-sized SNP IGVM from our own builder, for the large-file benchmarks (bench/large.mjs, e2e/bench.spec.ts):
// `mib` MiB of distinct data pages (pseudo-random, so no page is de-duplicated or a zero page) loaded from 1 MiB up,
// a GUEST_POLICY and one VMSA, like an OpenHCL image without its parameter areas. Built at bench time, never stored.
import { IgvmBuilder } from '../src/core/igvm';

export { parseIgvm } from '../src/core/igvm';
export { measureIgvm } from '../src/core/measure';
export { toHex } from '../src/core/bytes/bytes';

export function largeSnpIgvm(mib: number): Uint8Array {
  const b = new IgvmBuilder();
  const mask = b.platform({ type: 'SEV_SNP' });
  b.guestPolicy(0x30000n, mask);
  const payload = new Uint8Array(mib * 2 ** 20);
  const words = new Uint32Array(payload.buffer);
  let x = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  b.pages({ gpa: 0x100000n, mask, data: payload });
  b.snpVpContext({ gpa: 0xfffffffff000n, mask, vmsa: new Uint8Array(4096) });
  return b.build();
}

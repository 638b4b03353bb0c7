// The fuzz harness's own checks must be able to fail: a budget no process can meet is reported, after the full GC.
import { describe, expect, it } from 'vitest';
import { IgvmBuilder } from '../../core/igvm/builder';
import { fuzz } from './harness';

describe('fuzz harness', () => {
  it('reports an RSS budget that is still exceeded after a forced full GC', async () => {
    const b = new IgvmBuilder({});
    const snp = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x1000, mask: snp, data: new Uint8Array(4096).fill(7) });
    const r = await fuzz({ kind: 'igvm', family: 'bit-flip', seeds: [b.build()], cases: 2, rssBytes: 1 });
    expect(r.forcedGcs).toBeGreaterThan(0);
    expect(r.failures[0]?.problem).toMatch(/^RSS \d+ MiB over the budget after a full GC$/);
    expect(r.peakRssBytes).toBeGreaterThan(1);
  });
});

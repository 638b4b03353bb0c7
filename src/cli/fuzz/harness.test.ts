// The fuzz harness's own memory checks must be able to fail: budgets no process can meet are reported.
import { describe, expect, it } from 'vitest';
import { IgvmBuilder } from '../../core/igvm/builder';
import { fuzz } from './harness';

function seed(): Uint8Array {
  const b = new IgvmBuilder({});
  const snp = b.platform({ type: 'SEV_SNP' });
  b.page({ gpa: 0x1000, mask: snp, data: new Uint8Array(4096).fill(7) });
  return b.build();
}

describe('fuzz harness', () => {
  it('reports live memory over its budget after the full GC forced by an RSS sample over its budget', async () => {
    const r = await fuzz({ kind: 'igvm', family: 'bit-flip', seeds: [seed()], cases: 2, rssBytes: 1, liveBytes: 1 });
    expect(r.forcedGcs).toBeGreaterThan(0);
    expect(r.failures[0]?.problem).toMatch(/^RSS \d+ MiB, and \d+ MiB still live after a full GC \(budget 0 MiB\)$/);
  });

  it('forces the GC but passes when what stays live is within its budget', async () => {
    const r = await fuzz({ kind: 'igvm', family: 'bit-flip', seeds: [seed()], cases: 2, rssBytes: 1 });
    expect(r.forcedGcs).toBeGreaterThan(0);
    expect(r.failures).toEqual([]);
  });

  it('reports a case that grows RSS past the per-case budget', async () => {
    const r = await fuzz({ kind: 'igvm', family: 'bit-flip', seeds: [seed()], cases: 64, caseRssBytes: -1 });
    expect(r.failures[0]?.problem).toMatch(/^grew RSS by \d+ MiB \(budget -0 MiB per case\)$/);
  });
});

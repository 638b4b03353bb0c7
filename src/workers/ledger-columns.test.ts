// The ledger as columns (ledger-columns.ts) must give the page exactly the entries the object ledger gave: every
// corpus IGVM's SNP ledger (each profile) against entries built the old way from chain.ledgerEntries(), after a
// structured clone with the buffers transferred as the worker sends them; and any entries through ledgerColumns.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corpusAvailable, manifest, readCorpus } from '../test-support/corpus';
import { toHex } from '../core/bytes/bytes';
import { parseIgvm, supportedPlatforms } from '../core/igvm';
import { coalesceLedger, measurePlatform, SNP_PROFILES } from '../core/measure';
import { IGVM_PLATFORM_TYPE } from '../core/igvm/types';
import { IgvmSession, snpLedgerColumns } from './inspect/igvm';
import { byteLedgerColumns, bytesColumn, hexAt, hexColumn, ledgerBuffers, ledgerColumns, ledgerEntries, ledgerEntry, packedAt, StringPacker, type ByteLedgerEntry } from './ledger-columns';
import type { LedgerEntry } from './protocol';

const d = corpusAvailable() ? describe : describe.skip;

d('SNP ledger columns on the corpus', () => {
  it('equal, entry for entry, the objects built from chain.ledgerEntries(), and the runs too', () => {
    const files = manifest().igvm as { path: string }[];
    let checked = 0;
    for (const { path } of files) {
      const bytes = readCorpus(path);
      const f = parseIgvm(bytes).file;
      const p = f && supportedPlatforms(f).find((x) => x.platformType === IGVM_PLATFORM_TYPE.SEV_SNP);
      if (!f || !p) continue;
      const session = new IgvmSession(bytes);
      for (const profile of SNP_PROFILES) {
        const m = measurePlatform(f, p, { snpProfile: profile, ledger: true });
        if (!m.chain) continue;
        const old: LedgerEntry[] = [...m.chain.ledgerEntries()].map((e) => ({
          gpa: '0x' + e.gpa.toString(16),
          pageType: e.type,
          source: f.headers[e.header]?.kind ?? '',
          headerIndex: e.header,
          headerOffset: e.offset,
          contentHash: e.contentHash ? toHex(e.contentHash) : '',
          running: e.value ? toHex(e.value) : '',
        }));
        const cols = snpLedgerColumns(f, m.chain, m.chain.length);
        const sent = structuredClone(cols, { transfer: ledgerBuffers(cols) });
        expect(cols.headerIndex.length, 'transferred, so detached here').toBe(0);
        expect(ledgerEntries(sent), `${path} ${profile}`).toEqual(old);
        // What the engine returns: the same entries and the runs coalesceLedger gives over the objects.
        const r = session.measure({ platform: 'SEV_SNP', profile });
        expect(ledgerEntries(r.ledger), `${path} ${profile} engine`).toEqual(old);
        expect(r.runs, `${path} ${profile} runs`).toEqual(coalesceLedger(m.chain.ledgerEntries()).map((x) => ({ first: x.firstStep, count: x.count })));
        expect(ledgerEntry(r.ledger, r.ledger.length - 1).running).toBe(r.digest);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('ledger columns', () => {
  const entry = fc.record(
    {
      gpa: fc.string(),
      pageType: fc.string(),
      source: fc.string(),
      headerIndex: fc.nat({ max: 2 ** 31 - 1 }),
      headerOffset: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      contentHash: fc.oneof(fc.constant(''), fc.uint8Array({ minLength: 1, maxLength: 48 }).map(toHex)),
      running: fc.oneof(fc.constant(''), fc.uint8Array({ minLength: 48, maxLength: 48 }).map(toHex)),
    },
    { requiredKeys: ['gpa', 'pageType', 'source', 'contentHash', 'running'] },
  );

  it('give back any entries, with absent header fields absent', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const cols = ledgerColumns(entries);
        expect(cols.length).toBe(entries.length);
        expect(ledgerEntries(structuredClone(cols))).toEqual(entries);
      }),
    );
  });

  it('from digest bytes: the same columns as from their hex strings (absent and empty bytes shown as "")', () => {
    const digest = fc.oneof(fc.constant(undefined), fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 1, maxLength: 64 }));
    const byteEntry = fc.record(
      { gpa: fc.string(), pageType: fc.string(), source: fc.string(), headerIndex: fc.nat({ max: 2 ** 31 - 1 }), contentHash: digest, running: digest },
      { requiredKeys: ['gpa', 'pageType', 'source'] },
    );
    fc.assert(
      fc.property(fc.array(byteEntry, { maxLength: 40 }), (entries: ByteLedgerEntry[]) => {
        const hex = entries.map(({ contentHash, running, ...e }) => ({ ...e, contentHash: contentHash ? toHex(contentHash) : '', running: running ? toHex(running) : '' }));
        const cols = byteLedgerColumns(entries);
        expect(cols).toEqual(ledgerColumns(hex));
        expect(ledgerEntries(structuredClone(cols, { transfer: ledgerBuffers(cols) }))).toEqual(hex);
      }),
    );
    // The column holds copies: changing the bytes afterwards changes nothing shown.
    const b = new Uint8Array([1, 2]);
    const c = bytesColumn([b, undefined]);
    b[0] = 9;
    expect([hexAt(c, 0), hexAt(c, 1)]).toEqual(['0102', '']);
  });

  it('refuse a step outside the ledger, a packer given the wrong number of strings and a digest not in lowercase hex', () => {
    const cols = ledgerColumns([{ gpa: '0x0', pageType: 'NORMAL', source: '', contentHash: '', running: 'ab' }]);
    expect(() => ledgerEntry(cols, 1)).toThrow(RangeError);
    expect(() => ledgerEntry(cols, -1)).toThrow(RangeError);
    const p = new StringPacker(2);
    p.add('x');
    expect(() => p.done()).toThrow(RangeError);
    p.add('');
    const packed = p.done();
    expect([packedAt(packed, 0), packedAt(packed, 1)]).toEqual(['x', '']);
    // A digest column takes only what it gives back unchanged.
    for (const bad of ['AB', 'abc', '0xab', ' ab', 'zz']) expect(() => hexColumn([bad]), bad).toThrow();
    const h = hexColumn(['', '00ff', '', 'ab']);
    expect([0, 1, 2, 3].map((i) => hexAt(h, i))).toEqual(['', '00ff', '', 'ab']);
  });
});

// The IGVM header declarations against the spec's own type table (igvm-format §3.3), and the generic codec they
// drive: decode → write reproduces every body byte a declaration owns; a header declared only as a table decodes,
// checks, serializes and shows without any other edit (issue 12 item 1).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics';
import { resolveSpecRef } from '../spec';
import type { ParseContext } from './context';
import { decodeFields, fieldValues, igvmHeader, u32h, u64h, writeFields } from './header-fields';
import { IgvmBuilder } from './builder';
import { parseIgvm } from './parse';
import { IGVM_BODY_SIZE, IGVM_HEADER_DECLS, decodeDeclared, headerFields } from './registry';
import { serializeIgvm } from './serialize';

const SPEC = resolve(import.meta.dirname, '../../../../shared/spec/igvm-format-and-measurement.md');

/** The §3.3 table rows: type value → { body struct, body size }. */
function specTable(): Map<number, { struct: string; size: number }> {
  const text = readFileSync(SPEC, 'utf8');
  const rows = new Map<number, { struct: string; size: number }>();
  for (const m of text.matchAll(
    /^\| (0x[0-9A-Fa-f]{3}) \| `IGVM_VHT_[A-Z_0-9]+`[^|]*\| [a-z]+ \| `(IGVM_VHS_[A-Z_0-9]+)` \| \**(\d+)/gm,
  ))
    rows.set(parseInt(m[1]!, 16), { struct: m[2]!, size: Number(m[3]) });
  return rows;
}

describe('IGVM header declarations', () => {
  it.runIf(existsSync(SPEC))('are exactly the spec §3.3 table: type, body struct and body size', () => {
    const table = specTable();
    expect(table.size).toBeGreaterThan(20);
    const declared = new Map(IGVM_HEADER_DECLS.map((d) => [d.type, { struct: d.struct, size: d.bodySize }]));
    expect(declared).toEqual(table);
    expect(IGVM_BODY_SIZE[0x302]).toBe(table.get(0x302)!.size);
  });

  it('cite an igvm-format section that exists, and sit in their type range', () => {
    for (const d of IGVM_HEADER_DECLS) {
      expect(resolveSpecRef(`igvm-format §${d.specSection}`), d.kind).toBeDefined();
      const [lo, hi] = {
        platform: [0x001, 0x100],
        initialization: [0x101, 0x200],
        directive: [0x301, 0x400],
      }[d.section];
      expect(d.type >= lo! && d.type <= hi!, d.kind).toBe(true);
    }
  });

  it('decode → write gives back every body byte that is not reserved or computed', () => {
    for (const d of IGVM_HEADER_DECLS) {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: d.bodySize, maxLength: d.bodySize }), (body) => {
          const o: Record<string, unknown> = {};
          decodeFields(o, body, 0, d.fields);
          const out = new Uint8Array(d.bodySize);
          writeFields(out, 0, d.fields, o);
          // Bytes of reserved fields are written as zero; every other declared byte round-trips.
          const expected = body.slice();
          const covered = new Uint8Array(d.bodySize);
          const mark = (fields: typeof d.fields, at: number): void => {
            for (const f of fields) {
              if (f.sub) mark(f.sub, at + f.offset);
              else covered.fill(f.reserved ? 2 : 1, at + f.offset, at + f.offset + f.size);
            }
          };
          mark(d.fields, 0);
          for (let i = 0; i < d.bodySize; i++) if (covered[i] !== 1) expected[i] = 0;
          expect(out).toEqual(expected);
        }),
        { numRuns: 20 },
      );
    }
  });

  it('every parsed header of a built file shows each declared field at its byte offset in the file', () => {
    const b = new IgvmBuilder();
    const mask = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x1000, mask, data: new Uint8Array([1, 2, 3]) });
    b.requiredMemory({ gpa: 0x2000, mask, size: 0x1000 });
    const bytes = b.build();
    const { file } = parseIgvm(bytes);
    for (const h of file!.headers) {
      for (const f of headerFields(h)) {
        if (typeof f.value === 'object')
          expect(bytes.subarray(f.offset, f.offset + f.length), f.name).toEqual(f.value);
        else {
          let v = 0n;
          for (let i = f.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[f.offset + i]!);
          expect(v, `${h.kind}.${f.name}`).toBe(BigInt(f.value));
        }
      }
    }
  });
});

describe('a header type is one declaration', () => {
  // A made-up directive, declared the way directives.ts declares ERROR_RANGE: nothing else is written for it.
  const EXAMPLE = igvmHeader()({
    kind: 'ExampleRange',
    type: 0x3ff,
    struct: 'IGVM_VHS_EXAMPLE',
    section: 'directive',
    specSection: '7.9',
    bodySize: 16,
    fields: [u64h('gpa', 0), u32h('compatibility_mask', 8), u32h('reserved', 12, { reserved: 'mustBeZero' })],
    finish(h, ctx) {
      if (h.gpa % 4096n !== 0n)
        ctx.diags.error('IGVM_UNALIGNED_ADDRESS', 'not aligned', { index: h.index, offset: h.offset });
    },
  });

  it('decodes with typed fields, checks reserved bytes and its own rule, and lists its fields with offsets', () => {
    const bytes = new Uint8Array(8 + 16);
    new DataView(bytes.buffer).setBigUint64(8, 0x1234n, true);
    bytes[8 + 8] = 1;
    bytes[8 + 12] = 9;
    const diags = new Diagnostics();
    const ctx: ParseContext = {
      bytes,
      fileSize: bytes.length,
      diags,
      formatVersion: 1,
      architecture: 'X64',
      fileDataOffset: 24,
      maskToPlatform: new Map(),
    };
    const base = { kind: 'Unknown', type: 0x3ff, index: 0, offset: 0, length: 24, bodyLength: 16 };
    const h = decodeDeclared(ctx, EXAMPLE, base, 8) as unknown as { gpa: bigint; compatibilityMask: number };
    expect(h.gpa).toBe(0x1234n);
    expect(h.compatibilityMask).toBe(1);
    expect(diags.done().map((d) => d.code)).toEqual(['IGVM_UNALIGNED_ADDRESS', 'IGVM_RESERVED_NOT_ZERO']);
    expect(fieldValues(h as never, EXAMPLE.fields, 8).map((f) => [f.name, f.offset])).toEqual([
      ['gpa', 8],
      ['compatibility_mask', 16],
      ['reserved', 20],
    ]);
    const out = new Uint8Array(16);
    writeFields(out, 0, EXAMPLE.fields, h as never);
    expect(out).toEqual(bytes.subarray(8).map((x, i) => (i >= 12 ? 0 : x)));
  });

  it('a parsed and re-serialized file is byte-identical (the declarations drive both directions)', () => {
    const b = new IgvmBuilder();
    const mask = b.platform({ type: 'SEV_SNP' });
    b.page({ gpa: 0x1000, mask, data: new Uint8Array([1, 2, 3]) });
    b.requiredMemory({ gpa: 0x2000, mask, size: 0x1000 });
    const bytes = b.build();
    expect(serializeIgvm(parseIgvm(bytes).file!)).toEqual(bytes);
  });
});

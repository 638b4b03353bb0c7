// stdoutWriter: write(2) on fd 1 while it takes the bytes, then process.stdout (here a recorder) for the rest.
import { describe, expect, it } from 'vitest';
import { stdoutWriter } from './io';

const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

describe('stdoutWriter', () => {
  it('writes every byte to fd 1, across partial writes, and leaves the stream alone', () => {
    const fd: Uint8Array[] = [];
    const streamed: Uint8Array[] = [];
    const out = stdoutWriter(
      (n, b, off, len) => {
        expect(n).toBe(1);
        const k = Math.min(len, 3);
        fd.push(Buffer.from(b.subarray(off, off + k)));
        return k;
      },
      (rest) => streamed.push(Buffer.from(rest)),
    );
    out('digest ✓\n');
    out('two');
    expect(text(fd)).toBe('digest ✓\ntwo');
    expect(streamed).toEqual([]);
  });

  it('sends the rest through the stream when fd 1 refuses, and every later write too (no reordering)', () => {
    const fd: Uint8Array[] = [];
    const streamed: Uint8Array[] = [];
    let calls = 0;
    const out = stdoutWriter(
      (_n, b, off, len) => {
        if (++calls > 1) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
        fd.push(Buffer.from(b.subarray(off, off + 4)));
        return Math.min(len, 4);
      },
      (rest) => streamed.push(Buffer.from(rest)),
    );
    out('abcdefgh\n');
    out('later\n');
    expect(text(fd)).toBe('abcd');
    expect(text(streamed)).toBe('efgh\nlater\n');
    expect(calls).toBe(2);
  });

  it('treats a write that takes nothing as a refusal (no endless loop)', () => {
    const streamed: Uint8Array[] = [];
    const out = stdoutWriter(
      () => 0,
      (rest) => streamed.push(Buffer.from(rest)),
    );
    out('x\n');
    expect(text(streamed)).toBe('x\n');
  });
});

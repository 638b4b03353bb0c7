// The stub's cpio archives byte for byte (systemd src/boot/cpio.c): GNU cpio reads them back with the stub's
// names, modes and mtime 0; the layout details that decide PCR 9 (inodes from 1, 4-byte padding counted from the
// archive start, the fixed trailer) are pinned on a small input.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, textEncoder } from '../bytes/bytes';
import {
  combineInitrds,
  newcArchive,
  sidecarKindsFor,
  sidecarPicks,
  stubLiteralCpio,
  stubSidecarCpio,
} from './extra-cpio';

const text = (b: Uint8Array) => decodeUtf8(b);

describe('the stub-generated cpio', () => {
  it('os-release: .extra (0555), .extra/os-release (0444), inodes 1 and 2, the exact trailer', () => {
    const cpio = stubLiteralCpio('.extra', 'os-release', textEncoder.encode('ID=x\n'))!;
    expect(cpio.length % 4).toBe(0);
    const s = text(cpio);
    // header 110 bytes + ".extra\0" = 117 → padded to 120
    expect(s.slice(0, 110)).toBe(
      '070701' +
        '00000001' +
        '0000416d' +
        '00000000'.repeat(2) +
        '00000001' +
        '00000000'.repeat(6) +
        '00000007' +
        '00000000',
    );
    expect(s.slice(110, 120)).toBe('.extra\0\0\0\0');
    expect(s.slice(120, 230)).toBe(
      '070701' +
        '00000002' +
        '00008124' +
        '00000000'.repeat(2) +
        '00000001' +
        '00000000' +
        '00000005' +
        '00000000'.repeat(4) +
        '00000012' +
        '00000000',
    );
    // 120 + 110 + 18 = 248 (aligned), then 5 bytes of data padded to 8
    expect(s.slice(230, 248)).toBe('.extra/os-release\0');
    expect(s.slice(248, 256)).toBe('ID=x\n\0\0\0');
    // The trailer read back field by field (newc: magic, then 13 eight-digit hex words c_ino … c_check): only
    // c_nlink (1) and c_namesize (11 = "TRAILER!!!" + NUL) are not zero; systemd spells the name size "0000000B"
    // (uppercase, unlike every other word), and 110 + 11 = 121 is padded with three more NULs to 124.
    const trailer = s.slice(256);
    expect(trailer.slice(0, 6)).toBe('070701');
    const words = Array.from({ length: 13 }, (_, i) => trailer.slice(6 + i * 8, 14 + i * 8));
    expect(words.map((w) => Number.parseInt(w, 16))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 11, 0]);
    expect(words[11]).toBe('0000000B');
    expect(trailer.slice(110)).toBe('TRAILER!!!' + '\0'.repeat(4));
    expect(trailer.length).toBe(124);
  });

  it('GNU cpio lists it with the stub modes and mtime 0', () => {
    const cpio = stubLiteralCpio('.extra', 'os-release', textEncoder.encode('NAME=x\n'))!;
    const out = execFileSync('cpio', ['-itv', '--quiet'], {
      input: cpio,
      env: { ...process.env, TZ: 'UTC' },
    }).toString();
    expect(out).toMatch(/^dr-xr-xr-x .* 0 Jan {2}1 {2}1970 \.extra$/m);
    expect(out).toMatch(/^-r--r--r-- .* 7 Jan {2}1 {2}1970 \.extra\/os-release$/m);
  });

  it('credentials: only *.cred (any case), ASCII, no dot files, sorted by code unit; 0500/0400 under .extra/credentials', () => {
    const f = (name: string) => ({ name, data: textEncoder.encode(name) });
    const a = stubSidecarCpio(
      [f('b.cred'), f('A.CRED'), f('.hidden.cred'), f('x.txt'), f('é.cred')],
      'credentials',
    )!;
    expect(a.files).toEqual(['A.CRED', 'b.cred']);
    const out = execFileSync('cpio', ['-itv', '--quiet'], { input: a.cpio }).toString().trim().split('\n');
    expect(out.map((l) => l.split(/\s+/).pop())).toEqual([
      '.extra',
      '.extra/credentials',
      '.extra/credentials/A.CRED',
      '.extra/credentials/b.cred',
    ]);
    expect(out.map((l) => l.slice(0, 10))).toEqual(['dr-xr-xr-x', 'dr-x------', '-r--------', '-r--------']);
    expect(stubSidecarCpio([f('x.txt')], 'credentials')).toBeUndefined();
  });

  it('sysext takes *.raw but not *.confext.raw; confext takes only those', () => {
    expect(sidecarPicks('a.raw', '.raw', '.confext.raw')).toBe(true);
    expect(sidecarPicks('a.confext.raw', '.raw', '.confext.raw')).toBe(false);
    expect(sidecarPicks('a.CONFEXT.raw', '.confext.raw')).toBe(true);
    expect(sidecarPicks('x'.repeat(252) + '.raw', '.raw')).toBe(false);
  });

  it('257 reads no \\loader\\extensions (the boot test saw PCR 13 stay zero); 262 does', () => {
    expect(sidecarKindsFor(257)).toEqual(['credentials', 'globalCredentials', 'sysext', 'confext']);
    expect(sidecarKindsFor(262)).toContain('globalSysext');
    expect(sidecarKindsFor(262)).toContain('globalConfext');
  });

  it('combine_initrds: one part as is; several each padded to 4 with zeros', () => {
    const a = new Uint8Array([1, 2, 3]);
    expect(combineInitrds([a])).toEqual([a]);
    const parts = combineInitrds([a, new Uint8Array([4, 5, 6, 7, 8])]);
    expect(parts.reduce((n, p) => n + p.length, 0)).toBe(12);
    expect([...parts[1]!]).toEqual([0]);
  });

  it('refuses what cpio cannot describe', () => {
    expect(
      newcArchive([{ name: 'x', mode: 0o100444, data: { length: 2 ** 32 } as Uint8Array }]),
    ).toBeUndefined();
  });
});

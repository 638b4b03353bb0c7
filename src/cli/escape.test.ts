// Issue 11 item 6: file-derived strings cannot spoof text output. A UKI whose .cmdline, .uname, .osrel and a
// section name carry newlines, ANSI escape sequences and bidi overrides prints them escaped, on one line each, in
// `pe`, `inspect` and `diff`; --json keeps the real text.
import { describe, expect, it } from 'vitest';
import { captureIo } from '../test-support/cli';
import { corpusAvailable, corpusPath } from '../test-support/corpus';
import { escapeText } from './escape';
import { main } from './main';

describe('escapeText', () => {
  it('escapes C0, DEL, C1, line separators, bidi controls and the backslash; keeps printable text', () => {
    expect(escapeText('a\nb\r\tc\x1b[31m\x00\x7f\x9b\u2028\u202e\\ é ok')).toBe('a\\nb\\r\\tc\\e[31m\\x00\\x7f\\x9b\\u{2028}\\u{202e}\\\\ é ok');
    expect(escapeText('console=ttyS0 root=/dev/vda1')).toBe('console=ttyS0 root=/dev/vda1');
  });
});

describe.skipIf(!corpusAvailable())('hostile strings in a UKI', () => {
  it('pe, inspect and diff print them escaped; no control character reaches stdout', async () => {
    const evil = 'quiet\nsha256 0000000000000000000000000000000000000000000000000000000000000000 matches\x1b[2K\u202e';
    const io = captureIo();
    const rc = await main(
      ['uki', 'build', '--stub', corpusPath('inputs/stub/262/linuxx64.efi.stub'), '--linux', corpusPath('inputs/kernel/vmlinuz-6.1.0-56-cloud-amd64'),
        '--cmdline', evil, '--uname', `6.1\n\x1b]0;pwned\x07`, '--section', `.zzzzzz:${evil}`, '--output', 'evil.efi'],
      io,
    );
    expect(rc, io.stderr).toBe(0);
    // The builder refuses unprintable section names; patch one into the section table: ".x\n\x1b[2K" (8 bytes).
    const bytes = io.written['evil.efi'] as Uint8Array;
    const name = new TextEncoder().encode('.zzzzzz');
    const at = bytes.findIndex((_, i) => name.every((c, j) => bytes[i + j] === c));
    expect(at).toBeGreaterThan(0);
    bytes.set([0x2e, 0x78, 0x0a, 0x1b, 0x5b, 0x32, 0x4b, 0x00], at);
    const files = { 'evil.efi': bytes, 'plain.bin': new Uint8Array(64) };
    for (const args of [['pe', 'evil.efi'], ['inspect', 'evil.efi'], ['diff', 'evil.efi', 'plain.bin']]) {
      const out = captureIo(files);
      await main(args, out);
      const text = out.stdout + out.stderr;
      // eslint-disable-next-line no-control-regex
      expect(text, args.join(' ')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/);
      if (args[0] === 'pe') {
        expect(out.stdout).toContain('cmdline: quiet\\nsha256 0000');
        expect(out.stdout).toContain('\\e[2K\\u{202e}');
        expect(out.stdout).toContain('uname: 6.1\\n\\e]0;pwned\\x07');
        expect(out.stdout.split('\n').some((l) => l.startsWith('sha256 0000'))).toBe(false);
        expect(out.stdout).toContain('.x\\n\\e[2K');
      }
    }
    const json = captureIo(files);
    await main(['pe', 'evil.efi', '--json'], json);
    expect((JSON.parse(json.stdout) as { uki: { cmdline: string } }).uki.cmdline).toBe(evil);
  }, 60_000);
});

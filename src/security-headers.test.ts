// One security policy everywhere: the Vite servers' headers (security-headers.ts), the static-hosting header file
// (public/_headers) and the page's <meta> must say the same, or a deployment silently loses the worker CSP.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../security-headers';

const root = resolve(import.meta.dirname, '..');

describe('security headers', () => {
  it('public/_headers sends every header of security-headers.ts for every path', () => {
    const lines = readFileSync(resolve(root, 'public/_headers'), 'utf8').split('\n');
    const start = lines.findIndex((l) => l.trim() === '/*');
    expect(start).toBeGreaterThanOrEqual(0);
    const sent: Record<string, string> = {};
    for (const l of lines.slice(start + 1)) {
      if (!/^\s+\S/.test(l)) break;
      const i = l.indexOf(':');
      sent[l.slice(0, i).trim()] = l.slice(i + 1).trim();
    }
    expect(sent).toEqual(SECURITY_HEADERS);
  });

  it('the <meta> policy of index.html is the header policy minus frame-ancestors (ignored in <meta>)', () => {
    const html = readFileSync(resolve(root, 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('forbids connections and scripts from other origins', () => {
    const d = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((x) => [x.split(' ')[0], x.split(' ').slice(1)]),
    );
    expect(d['connect-src']).toEqual(["'self'"]);
    // 'wasm-unsafe-eval' lets WebAssembly compile (the hash-wasm SHA-2); never 'unsafe-eval' (JavaScript eval).
    expect(d['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(d['default-src']).toEqual(["'self'"]);
  });
});

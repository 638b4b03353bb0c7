// The HTTP security headers of the app, in one place: Vite's dev and preview servers send them (vite.config.ts),
// public/_headers carries the same set for static hosts (Netlify / Cloudflare Pages syntax), and a test keeps the
// two and index.html's <meta> policy in step (src/security-headers.test.ts).
//
// Why a header and not only the <meta> tag (issue 11 item 4): a worker's policy comes from the response that
// delivered its script, never from the page's <meta>. Without the header the engine worker, which parses untrusted
// files, could fetch, open WebSockets or import() code from any origin.

/** The Content-Security-Policy: nothing but this origin, workers from this origin or blob:, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' allows compiling WebAssembly (the hash-wasm SHA-2, src/core/hash/wasm.ts) and nothing else: no
  // eval(), no new Function(), no inline script.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

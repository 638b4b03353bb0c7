/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { SECURITY_HEADERS } from './security-headers';

// The app is served from any path (file:// excluded): relative asset URLs.
export default defineConfig({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  // The CSP as an HTTP header on every response, the worker scripts included (security-headers.ts).
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: SECURITY_HEADERS },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: SECURITY_HEADERS },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // Under CI a missing corpus or a skipped test fails the run (src/test-support/ci-guard.ts).
    globalSetup: ['src/test-support/ci-guard.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

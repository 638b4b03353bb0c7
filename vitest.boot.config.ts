// The boot test (boot/*.test.ts, issue 14 item 5): real boots under QEMU + OVMF + swtpm, a separate step of
// scripts/test-all.sh so the fast unit step is unchanged. At most two boots at a time (2 cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['boot/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['src/test-support/ci-guard.ts'],
    maxConcurrency: 2,
    fileParallelism: false,
    // Two boot attempts of at most 150 s each (boot/stubs.test.ts) plus building the UKI and comparing.
    testTimeout: 360_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig, devices } from '@playwright/test';

// Debian chromium, never a downloaded browser (see toolchain notes §6).
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DEV = !!process.env.E2E_DEV;
// E2E_PORT lets several checkouts run their e2e suites side by side without reusing each other's server.
const PORT = Number(process.env.E2E_PORT ?? (DEV ? 5173 : 4173));

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 90_000,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${PORT}`, trace: 'retain-on-failure', launchOptions: { executablePath, args } },
  projects: [
    {
      name: 'chromium',
      testIgnore: /bench\.spec\.ts/,
      use: { ...devices['Desktop Chrome'], viewport: { width: 1440, height: 900 }, launchOptions: { executablePath, args } },
    },
    ...(process.env.BENCH
      ? [
          {
            name: 'bench',
            testMatch: /bench\.spec\.ts/,
            timeout: 600_000,
            use: { viewport: { width: 1440, height: 900 }, launchOptions: { executablePath, args: [...args, '--js-flags=--expose-gc'] } },
          },
        ]
      : []),
  ],
  webServer: {
    command: DEV ? `npm run dev -- --port ${PORT}` : `npm run build:app && npm run preview -- --port ${PORT}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});

// Builds the CLI bundle once, before any worker starts. (A per-file beforeAll ran in every Playwright
// worker, so with fullyParallel one worker's `vite build` emptied dist-cli/ while another ran the CLI from it.)
import { execFileSync } from 'node:child_process';

export default function globalSetup(): void {
  execFileSync('npm', ['run', '--silent', 'build:cli', '--', '--logLevel', 'warn'], { stdio: 'inherit' });
}

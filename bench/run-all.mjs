// Runs every Node benchmark in one go (each prints its own ratio against a baseline measured in the same run).
// The browser benchmark needs Chromium and takes longer: `node bench/browser.mjs`.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
execFileSync('npm', ['run', '--silent', 'build:cli', '--', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
for (const script of ['measure.mjs', 'measure-ovmf.mjs', 'compose.mjs', 'verify-search.mjs']) {
  console.log(`\n=== bench/${script} ===`);
  execFileSync(process.execPath, [resolve(root, 'bench', script)], { cwd: root, stdio: 'inherit' });
}

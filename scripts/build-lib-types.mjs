#!/usr/bin/env node
// After `vite build --config vite.lib.config.ts`: the library's type declarations as ONE file,
// dist-lib/index.d.ts (dts-bundle-generator over tsconfig.lib.json; --no-check: the pack test type-checks a consumer against it, so consumers on any moduleResolution —
// node16, nodenext, bundler — resolve it without extension-less relative imports), and the published JSON
// Schemas under dist-lib/schemas/ (package.json exports `fukiscope/receipt.schema.json`, `…/trustee.schema.json`).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(root, 'node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js');
execFileSync(
  process.execPath,
  [bin, '--silent', '--no-check', '--no-banner', '--export-referenced-types=false', '--project', 'tsconfig.lib.json', '-o', 'dist-lib/index.d.ts', 'src/core/index.ts'],
  { cwd: root, stdio: 'inherit' },
);
mkdirSync(resolve(root, 'dist-lib/schemas'), { recursive: true });
for (const name of ['receipt.schema.json', 'trustee.schema.json'])
  copyFileSync(resolve(root, 'src/core/export', name), resolve(root, 'dist-lib/schemas', name));

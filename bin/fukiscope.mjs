#!/usr/bin/env node
// The `fukiscope` command: loads the CLI bundle that `npm ci` (prepare) or `npm run build:cli` produces.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist-cli/fukiscope.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('fukiscope: the CLI is not built yet; run `npm run build:cli` in the checkout.\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(process.argv.slice(2));

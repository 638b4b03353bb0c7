#!/usr/bin/env node
// The `fukiscope` command: loads the CLI bundle that `npm ci` (prepare) or `npm run build:cli` produces.
// `fukiscope measure-ovmf` loads that command's own one-file bundle (dist-cli/measure-ovmf.mjs: same command module,
// fewer modules to load); every other command, the full CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const bundle = fileURLToPath(
  new URL(
    argv[0] === 'measure-ovmf' ? '../dist-cli/measure-ovmf.mjs' : '../dist-cli/fukiscope.mjs',
    import.meta.url,
  ),
);
if (!existsSync(bundle)) {
  process.stderr.write('fukiscope: the CLI is not built yet; run `npm run build:cli` in the checkout.\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(bundle).href);
process.exitCode = await main(argv);

// `fukiscope measure-ovmf` as a bundle of its own (dist-cli/measure-ovmf.mjs, built by `npm run build:cli`):
// bin/fukiscope.mjs loads this one file for that command instead of the CLI bundle and the dozen chunks the
// command's import graph is split into there (issue 16: ~19 ms of module loading in a ~45 ms run became ~8 ms).
// The same command module, the same runCommand handling and the same node:crypto backend as main.ts.
import { setDefaultHash } from '../core/hash/hash';
import { measureOvmfCommand } from './commands/measure-ovmf';
import { processIo, type CliIo } from './io';
import { nodeHashBackend } from './node-hash';
import { runCommand } from './run-command';

/** The command name this bundle runs; bin/fukiscope.mjs sends every other argv to the full CLI. */
export const COMMAND = 'measure-ovmf';

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  // This bundle has its own copy of the core's hash module: its default backend is set here.
  setDefaultHash(nodeHashBackend);
  const [name, ...rest] = argv;
  if (name !== COMMAND) throw new Error(`the measure-ovmf bundle cannot run '${String(name)}'`);
  return runCommand(COMMAND, measureOvmfCommand, rest, io);
}

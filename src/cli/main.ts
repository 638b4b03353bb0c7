// Entry point of the `fukiscope` command (bundled to dist-cli/fukiscope.mjs, run by bin/fukiscope.mjs).
import { setDefaultHash } from '../core/hash/hash';
import { COMMANDS } from './commands';
import { escapeText } from './escape';
import { processIo, type CliIo } from './io';
import { runCommand } from './run-command';
import { nodeHashBackend } from './node-hash';
import { TOOL_VERSION as VERSION } from '../core/version';

function help(io: CliIo): void {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(8, ...names.map((n) => n.length));
  io.out(
    `fukiscope ${VERSION}: inspect and compose IGVM files, UKIs and FUKIs; compute SNP/TDX launch measurements.\n\n` +
      `Usage: fukiscope <command> [options]   (every command takes --json)\n\nCommands:\n` +
      names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`).join('\n') +
      `\n\nRun \`fukiscope <command> --help\` for a command's options.\n`,
  );
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  setDefaultHash(nodeHashBackend);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`fukiscope: unknown command '${escapeText(name)}' (see \`fukiscope --help\`)\n`);
    return 2;
  }
  return runCommand(name, await entry.load(), rest, io);
}

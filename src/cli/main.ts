// Entry point of the `fukiscope` command (bundled to dist-cli/fukiscope.mjs, run by bin/fukiscope.mjs).
import { setDefaultHash } from '../core/hash/hash';
import { COMMANDS } from './commands';
import { escapeText } from './escape';
import { processIo, UsageError, type CliIo } from './io';
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

/** The one-line message of a usage error: ours, or node:util parseArgs' (unknown option, missing value, …). */
function usageMessage(e: unknown): string | undefined {
  if (e instanceof UsageError) return escapeText(e.message);
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') && e instanceof Error) {
    // parseArgs adds advice after the first sentence ("To specify a positional argument starting with a '-', …").
    const first = e.message.split(/(?<=\.) /)[0]!.replace(/\.$/, '');
    return escapeText(first);
  }
  return undefined;
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
  const cmd = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage.endsWith('\n') ? cmd.usage : cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    const usage = usageMessage(e);
    if (usage !== undefined) {
      // One line, and where to read more (issue 10 item 8): the full usage would bury the reason.
      io.err(`fukiscope ${name}: ${usage} (see \`fukiscope ${name} --help\`)\n`);
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`fukiscope ${name}: ${escapeText(msg)}\n`);
    return 1;
  }
}

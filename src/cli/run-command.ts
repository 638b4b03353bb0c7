// Runs one loaded sub-command with the CLI's help, usage-error and failure handling. Shared by the full CLI
// (main.ts) and the one-command entry of `measure-ovmf` (measure-ovmf-main.ts), so both answer alike.
import type { Command } from './commands';
import { escapeText } from './escape';
import { UsageError, type CliIo } from './io';

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

/** `fukiscope <name> ...rest` once `cmd` is loaded: its usage for --help/-h, else its exit status. */
export async function runCommand(name: string, cmd: Command, rest: string[], io: CliIo): Promise<number> {
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

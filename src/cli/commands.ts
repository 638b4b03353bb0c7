// The fukiscope sub-commands. Each lives in src/cli/commands/<name>.ts; register it here.
import type { CliIo } from './io';
import { measureCommand } from './commands/measure';
import { measureOvmfCommand } from './commands/measure-ovmf';
import { tdxMrtdCommand } from './commands/tdx-mrtd';
import { peCommand } from './commands/pe';
import { ukiCommand } from './commands/uki';
import { composeCommand } from './commands/compose';
import { inspectCommand } from './commands/inspect';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number> | number;
}

export const COMMANDS: Record<string, Command> = {
  measure: measureCommand,
  'measure-ovmf': measureOvmfCommand,
  'tdx-mrtd': tdxMrtdCommand,
  pe: peCommand,
  uki: ukiCommand,
  compose: composeCommand,
  inspect: inspectCommand,
};

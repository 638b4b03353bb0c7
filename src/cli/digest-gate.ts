// The one place the CLI decides whether a digest it computed may be printed (issue 10): any error diagnostic of the
// input (core digestBlocker) withholds it. A withheld digest never reaches stdout or a written file; with --force
// it goes to stderr, labelled as computed from a damaged file, so no script can mistake it for a measurement.
import { digestBlocker, type Diagnostic } from '../core/diagnostics';
import type { CliIo } from './io';

/** What `--json` carries instead of a digest: why, the error codes, and (only with --force) the damaged value. */
export interface CliWithheld {
  reason: string;
  codes: string[];
  forcedDigest?: string;
}

export const FORCE_USAGE = `--force          when the input has errors, still print the value computed from it, to stderr, labelled
                 "computed from a damaged file" (never on stdout, exit status stays 1)`;

/** The withheld record for these diagnostics, or undefined when the digest may be given. */
export function withheldFor(
  diagnostics: readonly Diagnostic[],
  digestHex: string | undefined,
  force: boolean,
): CliWithheld | undefined {
  const b = digestBlocker(diagnostics);
  if (!b) return undefined;
  return { reason: b.reason, codes: b.codes, ...(force && digestHex ? { forcedDigest: digestHex } : {}) };
}

/** Tells the user (stderr) why there is no digest, and the forced value when there is one. */
export function reportWithheld(io: CliIo, command: string, what: string, w: CliWithheld): void {
  io.err(`fukiscope ${command}: ${what}: ${w.reason}\n`);
  if (w.forcedDigest)
    io.err(`${what}: ${w.forcedDigest}  <- computed from a damaged file: not a launch measurement, do not use as a reference value\n`);
}

// One rule for every file-derived string the CLI prints as text (issue 11 item 6): control characters (C0, DEL,
// C1), line and paragraph separators and bidirectional overrides are shown as escapes, and the backslash itself is
// doubled, so a section name, .cmdline, .osrel, .uname or fwid can neither start a new output line, move the cursor,
// recolour the terminal nor reorder what follows. --json output needs none of this (JSON escapes controls itself).

import { formatDiagnostic, type Diagnostic } from '../core/diagnostics';

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\', '\x1b': '\\e' };

/** C0, DEL, C1; U+2028/U+2029; the bidi embeddings/overrides/isolates (Unicode UAX #9); BOM / zero-width no-break. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/g;

export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const cp = c.codePointAt(0)!;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}

/** escapeText of each line of a multi-line text (shown as several output lines); the line breaks stay. */
export function escapeLines(s: string): string[] {
  return s.split('\n').map((l) => escapeText(l));
}

/** A diagnostic as one safe text line (its message may quote file strings: a section name, a fwid, …). */
export function diagnosticLine(d: Diagnostic): string {
  return escapeText(formatDiagnostic(d));
}

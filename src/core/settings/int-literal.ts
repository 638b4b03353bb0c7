// Integers as users type them, in every host. The grammar is Python's `int(s, 0)` because sev-snp-measure, whose
// options the CLI mirrors, reads its numbers that way: decimal without leading zeros, or 0x / 0o / 0b prefixed,
// an optional sign, single underscores between digits, surrounding white space.

const INT_LITERAL = /^\s*([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0+)\s*$/;

/** The value of `s`, or undefined when it is not an integer literal (empty text included). */
export function parseIntLiteral(s: string): bigint | undefined {
  const m = INT_LITERAL.exec(s);
  if (!m || /__|_$|^0[xob]_?$/i.test(m[2]!)) return undefined;
  const v = BigInt(m[2]!.replace(/_/g, ''));
  return m[1] === '-' ? -v : v;
}

// Strict numeric option values (issue 11 item 7): `Number('1e1')`, `Number('')`, `Number(' 7 ')` and `0x` oddities
// are all numbers to JavaScript; an option value is accepted only in one of the spelled-out forms below.
import { UsageError } from './io';

/** A non-negative decimal integer option ("0", "12"; no sign, blanks, exponent, fraction or leading zeros). */
export function decimalOption(value: string | undefined, option: string, range: { min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) throw new UsageError(`${option}: '${value}' is not a decimal integer`);
  const n = Number(value);
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (n < min || n > max) throw new UsageError(`${option}: ${n} is outside ${min}…${max}`);
  return n;
}

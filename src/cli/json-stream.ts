// JSON output written piece by piece: the same text as `toJson` (io.ts: JSON.stringify with 2-space indent, bigint
// as 0x hex, byte arrays as lowercase hex) without building one string of the whole document, so a long ledger
// costs its own entries and a 64 KiB buffer, not a second copy of the output (issue 11: streaming JSON output).

const CHUNK = 64 * 1024;

function scalar(v: unknown): string | undefined {
  if (typeof v === 'bigint') return JSON.stringify('0x' + v.toString(16));
  if (v instanceof Uint8Array) {
    let s = '';
    for (let i = 0; i < v.length; i++) s += v[i]!.toString(16).padStart(2, '0');
    return JSON.stringify(s);
  }
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const withToJson = v as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return JSON.stringify(withToJson.toJSON());
  return undefined;
}

/** Writes `value` as `toJson(value)` would print it, through `out` in chunks of about 64 KiB. */
export function writeJson(value: unknown, out: (text: string) => void): void {
  let buf = '';
  const emit = (s: string) => {
    buf += s;
    if (buf.length >= CHUNK) {
      out(buf);
      buf = '';
    }
  };
  const walk = (v: unknown, indent: string): void => {
    const s = scalar(v);
    if (s !== undefined) {
      emit(s);
      return;
    }
    const inner = indent + '  ';
    // Arrays, and any other iterable (a generator of ledger entries) printed as the array it would make.
    if (Array.isArray(v) || typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function') {
      let i = 0;
      for (const x of v as Iterable<unknown>) {
        emit((i++ ? ',\n' : '[\n') + inner);
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') emit('null');
        else walk(x, inner);
      }
      emit(i ? '\n' + indent + ']' : '[]');
      return;
    }
    let first = true;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      emit((first ? '{\n' : ',\n') + inner + JSON.stringify(k) + ': ');
      first = false;
      walk(x, inner);
    }
    emit(first ? '{}' : '\n' + indent + '}');
  };
  walk(value, '');
  if (buf) out(buf);
}

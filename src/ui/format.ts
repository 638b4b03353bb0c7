// Small display helpers shared by the views.

export function hex(n: number, width = 0): string {
  return '0x' + n.toString(16).padStart(width, '0');
}

export function bytesLabel(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[u]}`;
}

export function maskLabel(mask: number | undefined): string {
  return mask === undefined ? '—' : hex(mask);
}

/** Adds a big hex GPA ("0x…") and a page count into an end GPA string (exclusive). */
export function gpaEnd(start: string, pages: number): string {
  return '0x' + (BigInt(start) + BigInt(pages) * 4096n).toString(16);
}

/** "1 step", "2 steps", "1,024 pages": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

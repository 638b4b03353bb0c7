// A small static hex dump of bytes already on the main thread (a PAGE_INFO, a TDX record, a header record).
import { hex } from '../format';

export function MiniHex({ bytes, label, base = 0 }: { bytes: Uint8Array; label: string; base?: number }) {
  const rows: string[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const chunk = Array.from(bytes.subarray(o, o + 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    rows.push(`${hex(base + o, 8)}  ${chunk}`);
  }
  return (
    <figure className="mini-hex-figure">
      <figcaption className="small muted">{label}</figcaption>
      <pre className="mini-hex" aria-label={label}>
        {rows.join('\n')}
      </pre>
    </figure>
  );
}

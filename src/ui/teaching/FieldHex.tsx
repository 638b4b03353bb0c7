// A hex dump whose bytes are coloured by the field they belong to, next to a table of the same fields in the
// same colours: hovering or focusing a field (in either) outlines it in both. Used for PAGE_INFO.
import { useState, type ReactNode } from 'react';
import { hex } from '../format';

export interface HexField {
  name: string;
  offset: number;
  length: number;
  /** The decoded value, as shown in the table. */
  value: ReactNode;
  testId?: string;
}

export function FieldHex({ bytes, fields, caption }: { bytes: Uint8Array; fields: HexField[]; caption: ReactNode }) {
  const [active, setActive] = useState<number>();
  const fieldAt = (o: number) => fields.findIndex((f) => o >= f.offset && o < f.offset + f.length);
  const rows: ReactNode[] = [];
  for (let o = 0; o < bytes.length; o += 16) {
    const cells: ReactNode[] = [];
    for (let i = o; i < Math.min(o + 16, bytes.length); i++) {
      const f = fieldAt(i);
      cells.push(
        <span
          key={i}
          className={`fx fx-${f < 0 ? 'none' : f}${f === active ? ' fx-active' : ''}`}
          onMouseEnter={() => setActive(f < 0 ? undefined : f)}
          onMouseLeave={() => setActive(undefined)}
        >
          {bytes[i]!.toString(16).padStart(2, '0')}
        </span>,
        ' ',
      );
    }
    rows.push(
      <span key={o} className="fx-row">
        <span className="muted">{hex(o, 2)}</span> {cells}
      </span>,
    );
  }
  return (
    <div className="field-hex">
      <table className="page-info" data-testid="page-info">
        <caption>{caption}</caption>
        <tbody>
          {fields.map((f, i) => (
            <tr
              key={f.name}
              className={`fx-${i}${i === active ? ' fx-active' : ''}`}
              tabIndex={0}
              onMouseEnter={() => setActive(i)}
              onMouseLeave={() => setActive(undefined)}
              onFocus={() => setActive(i)}
              onBlur={() => setActive(undefined)}
            >
              <td>
                {f.name}
                <span className="muted small">
                  {' '}
                  @{hex(f.offset, 2)}, {f.length} {f.length === 1 ? 'byte' : 'bytes'}
                </span>
              </td>
              <td data-testid={f.testId}>{f.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <figure className="mini-hex-figure">
        <figcaption className="small muted">PAGE_INFO bytes, coloured by field</figcaption>
        <pre className="mini-hex fx-hex" aria-label="PAGE_INFO bytes" data-testid="page-info-bytes">
          {rows}
        </pre>
      </figure>
    </div>
  );
}

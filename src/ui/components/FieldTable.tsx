import { useState, type ReactNode } from 'react';
import type { Field, FieldGroup } from '../../workers/protocol';
import { hex } from '../format';

/** A two-column label/value table; values with an offset can be clicked to show their bytes. */
export function FieldTable({
  fields,
  caption,
  onOffset,
}: {
  fields: Field[];
  caption?: string;
  onOffset?(offset: number, length: number): void;
}) {
  return (
    <table className="fields">
      {caption && <caption>{caption}</caption>}
      <tbody>
        {fields.map((f, i) => (
          <tr key={`${f.label}-${i}`}>
            <th scope="row">{f.label}</th>
            <td>
              <span className="mono">{f.value}</span>
              {f.offset !== undefined && onOffset && (
                <button
                  type="button"
                  className="link small"
                  onClick={() => onOffset(f.offset!, f.length ?? 1)}
                  title="Show these bytes in the hex view"
                >
                  @{hex(f.offset)}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * A native <details> whose body is rendered once it is first opened (then kept): a closed group costs one <summary>,
 * not its whole subtree. The IGVM Overview's closed header tree was a third of its elements at mount (issue 16).
 */
function Disclosure({
  open,
  summary,
  children,
}: {
  open: boolean;
  summary: ReactNode;
  children: () => ReactNode;
}) {
  const [shown, setShown] = useState(open);
  return (
    <details open={open} onToggle={(e) => e.currentTarget.open && setShown(true)}>
      <summary>{summary}</summary>
      {shown && children()}
    </details>
  );
}

/** A tree of field groups as nested disclosure sections (native <details>: keyboard and screen-reader friendly). */
export function FieldTree({
  groups,
  onOffset,
  open = true,
}: {
  groups: FieldGroup[];
  onOffset?(offset: number, length: number): void;
  open?: boolean;
}) {
  return (
    <div className="field-tree">
      {groups.map((g, i) => (
        <Disclosure
          key={`${g.title}-${i}`}
          open={open}
          summary={
            <>
              {g.title}
              {g.offset !== undefined && (
                <span className="muted mono small">
                  {' '}
                  @{hex(g.offset)}
                  {g.length !== undefined ? ` +${hex(g.length)}` : ''}
                </span>
              )}
            </>
          }
        >
          {() => (
            <>
              {g.fields.length > 0 && <FieldTable fields={g.fields} onOffset={onOffset} />}
              {g.children && g.children.length > 0 && (
                <FieldTree groups={g.children} onOffset={onOffset} open={false} />
              )}
            </>
          )}
        </Disclosure>
      ))}
    </div>
  );
}

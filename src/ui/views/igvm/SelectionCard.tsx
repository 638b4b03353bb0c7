// The side card of the IGVM header table and page map: what is selected (or how to select something) above the
// file's bytes, the selected range highlighted in the hex view.
import type { ReactNode } from 'react';
import type { OpenResult } from '../../../workers/protocol';
import { HexView } from '../../components/HexView';
import { useFileView } from '../../store';

export function SelectionCard({
  result,
  label,
  hint,
  bytesLabel,
  children,
}: {
  result: OpenResult;
  /** The card's accessible name ("Selected header"). */
  label: string;
  /** Shown while nothing is selected (`children` is null or false). */
  hint: string;
  /** The hex view's accessible name. */
  bytesLabel: string;
  /** The selection's detail. */
  children: ReactNode;
}) {
  const view = useFileView(result.id);
  return (
    <section className="card side" aria-label={label}>
      {children || <p className="muted">{hint}</p>}
      <HexView key={result.id} fileId={result.id} size={result.size} highlight={view.hex} label={bytesLabel} />
    </section>
  );
}

// The "Summary" card of a file view: the summary fields and the diagnostics, both linked to the hex view.
import type { OpenResult } from '../../workers/protocol';
import { DiagnosticsList } from '../components/Diagnostics';
import { FieldTable } from '../components/FieldTable';

export function SummaryCard({
  result,
  show,
  indexLabel,
}: {
  result: OpenResult;
  show(offset: number, length: number): void;
  /** What a diagnostic's index counts (default: headers). */
  indexLabel?: string;
}) {
  const id = `sum-${result.id}`;
  return (
    <section className="card" aria-labelledby={id}>
      <h3 id={id}>Summary</h3>
      <FieldTable fields={result.summary} onOffset={show} />
      <h3>Diagnostics</h3>
      <DiagnosticsList diagnostics={result.diagnostics} onOffset={show} indexLabel={indexLabel} />
    </section>
  );
}

// What the Headers and Memory map tabs show while an IGVM's header columns and page maps are still on their way
// from the engine (IgvmView `tablesPending`: the open result leaves them for a second request, issue 16), or why
// they could not be had.
import type { IgvmTables, IgvmView } from '../../../workers/protocol';
import { ErrorPanel } from '../../components/ErrorPanel';

/** The tables of `igvm` once they are there, else undefined. */
export function tablesOf(igvm: IgvmView): IgvmTables | undefined {
  return igvm.headers && igvm.pageMaps ? { headers: igvm.headers, pageMaps: igvm.pageMaps } : undefined;
}

export function TablesPending({ igvm, what }: { igvm: IgvmView; what: string }) {
  if (igvm.tablesError) return <ErrorPanel title={`Could not show the ${what}`} message={igvm.tablesError} />;
  return (
    <p className="muted" role="status">
      Building the {what}…
    </p>
  );
}

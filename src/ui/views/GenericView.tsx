// Files without a dedicated multi-tab view (firmware, and kinds whose core has not landed): summary,
// diagnostics, memory map and launch measurement when the engine has them, decoded structure, bytes.
import { lazy, Suspense } from 'react';
import type { OpenResult } from '../../workers/protocol';
import { FieldTree } from '../components/FieldTable';
import { BytesCard } from '../components/HexView';
import { RangeMap } from '../components/RangeMap';
import { useApp, useFileView } from '../store';
import { FileHeader } from './FileHeader';
import { SummaryCard } from './SummaryCard';

const MeasurePanel = lazy(() => import('./MeasurePanel'));

export default function GenericView({ result }: { result: OpenResult }) {
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const show = (offset: number, length: number) => patch(result.id, { hex: { offset, length } });
  return (
    <div className="file-view">
      <FileHeader result={result} />
      <div className="grid-2">
        <SummaryCard result={result} show={show} />
        {result.memoryRanges ? (
          <section className="card" aria-labelledby={`mm-${result.id}`}>
            <h3 id={`mm-${result.id}`}>Guest-physical memory map</h3>
            <RangeMap ranges={result.memoryRanges} />
          </section>
        ) : (
          <BytesCard fileId={result.id} size={result.size} highlight={view.hex} />
        )}
      </div>
      {result.measurable.length > 0 && (
        <section className="generic-measure" aria-label="Launch measurement">
          <h3>Launch measurement</h3>
          <Suspense fallback={<p role="status">Loading…</p>}>
            <MeasurePanel result={result} />
          </Suspense>
        </section>
      )}
      {result.memoryRanges && (
        <div className="grid-2">
          <section className="card" aria-label="Structure">
            <h3>Structure</h3>
            {result.structure && result.structure.length > 0 ? (
              <FieldTree groups={result.structure} onOffset={show} />
            ) : (
              <p className="muted">Nothing more decoded.</p>
            )}
          </section>
          <BytesCard fileId={result.id} size={result.size} highlight={view.hex} />
        </div>
      )}
    </div>
  );
}

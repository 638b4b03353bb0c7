// The IGVM inspector: overview (summary, platforms, diagnostics, parameter areas, VP contexts), the directive
// table, the guest-physical page map, the measurement panel and the hex view, all linked through the store.
import { lazy, Suspense } from 'react';
import type { OpenResult } from '../../../workers/protocol';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { HexView } from '../../components/HexView';
import { Tabs } from '../../components/Tabs';
import { useApp, useFileView, type ViewTab } from '../../store';
import { FileHeader } from '../FileHeader';
import { HeaderTable } from './HeaderTable';
import { Overview } from './Overview';
import { PageMap } from './PageMap';

const MeasurePanel = lazy(() => import('../MeasurePanel'));

const TABS: { id: ViewTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'headers', label: 'Headers' },
  { id: 'memory', label: 'Memory map' },
  { id: 'measure', label: 'Measurement' },
  { id: 'hex', label: 'Hex' },
];

export default function IgvmView({ result }: { result: OpenResult }) {
  const view = useFileView(result.id);
  const patch = useApp((s) => s.patchView);
  const igvm = result.igvm!;
  const tabs = TABS.filter((t) => t.id !== 'measure' || result.measurable.length > 0);
  const prefix = `v-${result.id}`;
  let body;
  switch (view.tab) {
    case 'headers':
      body = <HeaderTable result={result} />;
      break;
    case 'memory':
      body = <PageMap result={result} />;
      break;
    case 'measure':
      body = (
        <Suspense fallback={<p role="status">Loading…</p>}>
          <MeasurePanel result={result} />
        </Suspense>
      );
      break;
    case 'hex':
      body = <HexView key={result.id} fileId={result.id} size={result.size} highlight={view.hex} />;
      break;
    default:
      body = <Overview result={result} igvm={igvm} />;
  }
  return (
    <div className="file-view">
      <FileHeader result={result} />
      <Tabs
        label="Views"
        idPrefix={prefix}
        className="view-tabs"
        items={tabs}
        active={view.tab}
        onSelect={(id) => patch(result.id, { tab: id as ViewTab })}
      />
      <div
        id={`${prefix}-panel`}
        role="tabpanel"
        aria-labelledby={`${prefix}-tab-${view.tab}`}
        className="view-body"
      >
        <ErrorBoundary key={view.tab} title="This view failed to render">
          {body}
        </ErrorBoundary>
      </div>
    </div>
  );
}

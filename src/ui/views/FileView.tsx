// One open file: loading progress, a clear error panel, or the view for its kind (lazy-loaded).
import { lazy, Suspense } from 'react';
import { ErrorPanel } from '../components/ErrorPanel';
import { bytesLabel } from '../format';
import { useApp, type OpenFile } from '../store';

const IgvmView = lazy(() => import('./igvm/IgvmView'));
const GenericView = lazy(() => import('./GenericView'));
const PeView = lazy(() => import('./pe/PeView'));
const EventLogView = lazy(() => import('./eventlog/EventLogView'));
const EvidenceView = lazy(() => import('./evidence/EvidenceView'));

function Loading({ file }: { file: OpenFile }) {
  const job = useApp((s) => s.jobs.find((j) => j.fileId === file.id));
  return (
    <div className="loading" role="status" aria-live="polite">
      <div className="spinner" aria-hidden="true" />
      <p>
        Reading {file.name} ({bytesLabel(file.size)})…
      </p>
      {job && job.total > 0 && <progress max={job.total} value={job.done} aria-label="Progress" />}
    </div>
  );
}

export function FileView({ file }: { file: OpenFile }) {
  if (file.status === 'loading') return <Loading file={file} />;
  if (file.status === 'error' || !file.result) {
    return <ErrorPanel title={`Could not open ${file.name}`} message={file.error ?? 'Unknown error.'} />;
  }
  return (
    <Suspense fallback={<Loading file={file} />}>
      {file.result.igvm ? (
        <IgvmView result={file.result} />
      ) : file.result.pe ? (
        <PeView result={file.result} />
      ) : file.result.eventLog ? (
        <EventLogView result={file.result} />
      ) : file.result.evidence ? (
        <EvidenceView result={file.result} />
      ) : (
        <GenericView result={file.result} />
      )}
    </Suspense>
  );
}

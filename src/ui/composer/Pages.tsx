// Navigation between the inspector and the composer, teaching and diff pages. The three pages are lazy-loaded
// (React.lazy) so the initial bundle stays small; only this switch and the composer slice load up front.
import { lazy, Suspense, useEffect } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useApp } from '../store';
import { startRouteSync } from '../route';
import { restoreComposer, startComposerSync } from './persist';
import type { Page } from './slice';

const ComposerPage = lazy(() => import('./ComposerPage'));
const TeachingPage = lazy(() => import('../teaching/TeachingPage'));
const DiffPage = lazy(() => import('../diff/DiffPage'));

const PAGES: { id: Page; label: string }[] = [
  { id: 'files', label: 'Inspect' },
  { id: 'composer', label: 'Compose' },
  { id: 'teach', label: 'Teach' },
  { id: 'diff', label: 'Diff' },
];

/** The saved composer state is restored once per page load, not on every remount of the toolbar. */
let restored = false;

export function PageNav() {
  const page = useApp((s) => s.page);
  const setPage = useApp((s) => s.setPage);
  useEffect(() => {
    const stop = startComposerSync();
    const stopRoute = startRouteSync();
    if (!restored) {
      restored = true;
      void restoreComposer();
    }
    return () => {
      stop();
      stopRoute();
    };
  }, []);
  return (
    <nav className="page-nav" aria-label="Pages">
      {PAGES.map((p) => (
        <button
          key={p.id}
          type="button"
          aria-current={page === p.id ? 'page' : undefined}
          className={page === p.id ? 'primary' : undefined}
          onClick={() => setPage(p.id)}
        >
          {p.label}
        </button>
      ))}
    </nav>
  );
}

/** The page shown instead of the file view, or null for the inspector. */
export function PageOutlet() {
  const page = useApp((s) => s.page);
  if (page === 'files') return null;
  const Component = page === 'composer' ? ComposerPage : page === 'teach' ? TeachingPage : DiffPage;
  return (
    <ErrorBoundary key={page} title={`Could not show the ${page} page`}>
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Component />
      </Suspense>
    </ErrorBoundary>
  );
}

// The shown page lives in the URL hash (#/inspect, #/compose, #/teach, #/diff), so a reload keeps it and the
// browser's Back and Forward move between pages. The store stays the source of truth while the app runs:
// a page change pushes a history entry, a hashchange (Back, an edited URL, a link) sets the page.
import type { Page } from './composer/slice';
import { useApp } from './store';

const SLUG: Record<Page, string> = { files: 'inspect', composer: 'compose', teach: 'teach', diff: 'diff' };

export function hashOf(page: Page): string {
  return `#/${SLUG[page]}`;
}

/** The page named by a location hash, or undefined when it names none. */
export function pageOfHash(hash: string): Page | undefined {
  const slug = hash.replace(/^#\/?/, '');
  return (Object.keys(SLUG) as Page[]).find((p) => SLUG[p] === slug);
}

/** Sets the page from the URL at start-up and keeps the two in step; returns the stop function. */
export function startRouteSync(): () => void {
  const fromUrl = pageOfHash(location.hash);
  if (fromUrl) useApp.getState().setPage(fromUrl);
  else history.replaceState(history.state, '', hashOf(useApp.getState().page));
  const onHash = () => {
    const p = pageOfHash(location.hash);
    if (p && p !== useApp.getState().page) useApp.getState().setPage(p);
  };
  window.addEventListener('hashchange', onHash);
  const unsubscribe = useApp.subscribe((s, prev) => {
    if (s.page === prev.page || pageOfHash(location.hash) === s.page) return;
    history.pushState(history.state, '', hashOf(s.page));
  });
  return () => {
    window.removeEventListener('hashchange', onHash);
    unsubscribe();
  };
}

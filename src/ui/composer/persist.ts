// Keeps the composer inputs, the shown page and the diff pair in the same IndexedDB store as the rest of the
// session (src/ui/session.ts), so "Clear session" forgets them too and a reload restores them.
import { pageOfHash } from '../route';
import { getKey, setKey } from '../session';
import { useApp } from '../store';
import { DEFAULT_COMPOSER, type ComposerSlice } from './slice';

const KEY = 'composer';

type Saved = Pick<ComposerSlice, 'page' | 'composer' | 'diffPair'>;

export async function restoreComposer(): Promise<void> {
  const saved = await getKey<Saved>(KEY).catch(() => undefined);
  if (!saved) return;
  useApp.setState({
    // The URL names the page when it names one (a reload, a bookmark, Back): it wins over the saved page.
    page: pageOfHash(location.hash) ?? saved.page,
    composer: { ...DEFAULT_COMPOSER, ...saved.composer },
    diffPair: saved.diffPair,
  });
}

/** Saves (debounced) whenever the composer state changes and the user keeps a session. */
export function startComposerSync(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return useApp.subscribe((st, prev) => {
    if (st.composer === prev.composer && st.page === prev.page && st.diffPair === prev.diffPair) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const s = useApp.getState();
      if (!s.settings.persist) return;
      void setKey(KEY, { page: s.page, composer: s.composer, diffPair: s.diffPair } satisfies Saved).catch(
        () => undefined,
      );
    }, 250);
  });
}

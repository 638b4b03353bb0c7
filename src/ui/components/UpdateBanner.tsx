/// <reference types="vite-plugin-pwa/react" />
// The service worker (vite-plugin-pwa / Workbox, vite.config.ts) precaches the app so it opens offline. A new
// version waits (registerType 'prompt') until the user chooses to reload: an open session is never swapped
// under them. Rendered once, beside <App /> (main.tsx), so the worker is registered once.
import { useRegisterSW } from 'virtual:pwa-register/react';

export function UpdateBanner() {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW();
  if (needRefresh)
    return (
      <div className="banner update-banner" role="status" data-testid="update-available">
        <span>A new version of Fukiscope is available.</span>
        <span>
          <button type="button" onClick={() => void updateServiceWorker(true)}>
            Reload
          </button>{' '}
          <button type="button" className="link" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </span>
      </div>
    );
  return null;
}

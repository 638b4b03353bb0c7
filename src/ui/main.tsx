import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { UpdateBanner } from './components/UpdateBanner';
import { engine } from './engine';
import './styles.css';

// `?debug` exposes hooks to crash or silently close the engine worker and to probe its network access (its CSP),
// so crash recovery and the worker policy can be exercised (e2e tests).
if (new URLSearchParams(location.search).has('debug')) {
  Object.assign(window, {
    fukiscopeDebug: {
      crashEngine: () => engine.crashForTest(),
      closeEngineDuringNextMeasure: () => engine.closeDuringNextMeasureForTest(),
      probeEngineNetwork: (url: string, how: 'fetch' | 'import') => engine.probeNetworkForTest(url, how),
    },
  });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <UpdateBanner />
    <App />
  </StrictMode>,
);

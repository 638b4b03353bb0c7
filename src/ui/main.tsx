import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { engine } from './engine';
import './styles.css';

// `?debug` exposes a hook to crash the engine worker, so crash recovery can be exercised (e2e tests).
if (new URLSearchParams(location.search).has('debug')) {
  Object.assign(window, { fukiscopeDebug: { crashEngine: () => engine.crashForTest() } });
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The app's one engine client. A worker crash is reported in the store (banner) and the worker restarts.
import { EngineClient } from '../workers/client';
import { useApp } from './store';

export const engine = new EngineClient((message) => useApp.getState().setEngineError(message));

// Recomputes the composition in the engine worker whenever the composer inputs change (debounced ~150 ms).
// The digests come first; the add-on matrix (every combination, slow) follows in a second call with a
// progress bar and a Stop button. Answers to superseded requests are dropped, and a matrix still running for
// superseded inputs is stopped (it would hold the worker the new digests need). Stopping terminates the worker
// (the matrix is synchronous inside it); the next call starts a fresh one with the files reloaded.
import { proxy } from 'comlink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ComposeRequest, ComposeResponse } from '../../workers/compose';
import { JobCancelledError } from '../../workers/client';
import { engine } from '../engine';
import { useApp } from '../store';
import { composeRequest, type RequestOrReason } from './request';

export const DEBOUNCE_MS = 150;

export interface Composition {
  request?: ComposeRequest;
  /** Why nothing is computed yet. */
  reason?: string;
  response?: ComposeResponse;
  matrix?: ComposeResponse['addonMatrix'];
  busy: boolean;
  /** The inputs changed and `response` is for the previous ones: shown dimmed, no downloads (issue 10). */
  stale?: boolean;
  progress?: { done: number; total: number };
  /** The add-on matrix was stopped before it finished. */
  matrixStopped?: boolean;
  error?: string;
  /** Stops a running add-on matrix. */
  stopMatrix(): void;
}

export function useComposition(options: { matrix?: boolean; ledger?: boolean } = {}): Composition {
  const inputs = useApp((s) => s.composer);
  const files = useApp((s) => s.files);
  // The request as JSON: a new inputs object with the same content must not recompute.
  const key = useMemo(() => JSON.stringify(composeRequest(inputs, files)), [inputs, files]);
  const [state, setState] = useState<Omit<Composition, 'stopMatrix'>>({ busy: false });
  const seq = useRef(0);
  const matrixJob = useRef<number | undefined>(undefined);
  const stopMatrix = useCallback(() => {
    if (matrixJob.current !== undefined) engine.cancel(matrixJob.current);
  }, []);

  useEffect(() => {
    const n = ++seq.current;
    const built = JSON.parse(key) as RequestOrReason;
    if (!('request' in built)) {
      setState({ busy: false, reason: built.reason });
      return;
    }
    const request = { ...built.request, ledger: options.ledger };
    setState((s) => ({ ...s, busy: true, stale: !!s.response, reason: undefined, error: undefined, request }));
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const response = await engine.call((r) => r.compose(request));
          if (n !== seq.current) return;
          const wantMatrix =
            options.matrix &&
            request.source.kind === 'uki' &&
            request.source.addons.length > 0 &&
            response.ok;
          setState({ busy: !!wantMatrix, request, response, progress: undefined });
          if (!wantMatrix) return;
          // Progress messages the worker posted before a Stop terminated it still arrive afterwards: once the
          // job has settled they are ignored, or they would bring the progress bar back.
          let settled = false;
          const onProgress = proxy((done: number, total: number) => {
            if (n === seq.current && !settled) setState((s) => ({ ...s, progress: { done, total } }));
          });
          const job = engine.job((r) => r.compose({ ...request, ledger: false, addonMatrix: true }, onProgress));
          matrixJob.current = job.job;
          let m: ComposeResponse;
          try {
            m = await job.result;
          } catch (e) {
            if (!(e instanceof JobCancelledError)) throw e;
            if (n === seq.current) setState((s) => ({ ...s, busy: false, progress: undefined, matrixStopped: true }));
            return;
          } finally {
            settled = true;
            if (matrixJob.current === job.job) matrixJob.current = undefined;
          }
          if (n !== seq.current) return;
          setState((s) => ({ ...s, busy: false, matrix: m.addonMatrix, progress: undefined }));
        } catch (e) {
          if (n === seq.current)
            setState({ busy: false, request, error: e instanceof Error ? e.message : String(e) });
        }
      })();
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      // New inputs: a matrix for the old ones would only delay the new digests.
      if (matrixJob.current !== undefined) engine.cancel(matrixJob.current);
    };
  }, [key, options.matrix, options.ledger]);
  return { ...state, stopMatrix };
}

// Jobs slice: long-running engine work (open, measure) with progress, so the UI can show and cancel it.
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface Job {
  id: number;
  fileId: string;
  label: string;
  done: number;
  total: number;
}

export interface JobsSlice {
  jobs: Job[];
  /** Last engine-level problem (worker crash…), shown in a banner until dismissed. */
  engineError: string | null;
  /** Files or state that could not be remembered (IndexedDB blocked or full), shown until dismissed. */
  storageWarning: string | null;
  startJob(job: Job): void;
  progressJob(id: number, done: number, total: number): void;
  endJob(id: number): void;
  setEngineError(message: string | null): void;
  setStorageWarning(message: string | null): void;
}

export const createJobsSlice: StateCreator<AppState, [], [], JobsSlice> = (set) => ({
  jobs: [],
  engineError: null,
  storageWarning: null,
  startJob: (job) => set((s) => ({ jobs: [...s.jobs, job] })),
  progressJob: (id, done, total) =>
    set((s) => ({ jobs: s.jobs.map((j) => (j.id === id ? { ...j, done, total } : j)) })),
  endJob: (id) => set((s) => ({ jobs: s.jobs.filter((j) => j.id !== id) })),
  setEngineError: (engineError) => set({ engineError }),
  setStorageWarning: (storageWarning) => set({ storageWarning }),
});

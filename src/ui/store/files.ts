// Files slice: every open file, its load status and what the engine returned for it.
import type { StateCreator } from 'zustand';
import type { OpenResult } from '../../workers/protocol';
import type { AppState } from './index';

export type FileStatus = 'loading' | 'ready' | 'error';

export interface OpenFile {
  id: string;
  name: string;
  size: number;
  status: FileStatus;
  result?: OpenResult;
  /** Why the file could not be opened (the engine crashed, the worker died, …). */
  error?: string;
  demo?: boolean;
}

export interface FilesSlice {
  files: OpenFile[];
  addFile(f: OpenFile): void;
  updateFile(id: string, patch: Partial<OpenFile>): void;
  removeFile(id: string): void;
  clearFiles(): void;
}

export const createFilesSlice: StateCreator<AppState, [], [], FilesSlice> = (set) => ({
  files: [],
  addFile: (f) => set((s) => ({ files: [...s.files.filter((x) => x.id !== f.id), f] })),
  updateFile: (id, patch) =>
    set((s) => ({ files: s.files.map((f) => (f.id === id ? { ...f, ...patch } : f)) })),
  removeFile: (id) =>
    set((s) => {
      const files = s.files.filter((f) => f.id !== id);
      const activeId = s.activeId === id ? (files.at(-1)?.id ?? null) : s.activeId;
      const views = { ...s.views };
      delete views[id];
      return { files, activeId, views };
    }),
  clearFiles: () => set({ files: [], activeId: null, views: {} }),
});

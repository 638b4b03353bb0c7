// The one app store, built from slices (zustand slices pattern). Actions that talk to the engine worker
// live in ../actions.ts as module-level functions, not in the store.
import { create } from 'zustand';
import { createFilesSlice, type FilesSlice } from './files';
import { createJobsSlice, type JobsSlice } from './jobs';
import { createSelectionSlice, DEFAULT_VIEW, type FileViewState, type SelectionSlice } from './selection';
import { createSettingsSlice, type SettingsSlice } from './settings';
import { createComposerSlice, type ComposerSlice } from '../composer/slice';
import { createEventLogSlice, type EventLogSlice } from './eventlog';
import { createEvidenceSlice, type EvidenceSlice } from './evidence';

export type AppState = FilesSlice &
  SelectionSlice &
  SettingsSlice &
  JobsSlice &
  ComposerSlice &
  EvidenceSlice &
  EventLogSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createFilesSlice(...a),
  ...createSelectionSlice(...a),
  ...createSettingsSlice(...a),
  ...createJobsSlice(...a),
  ...createComposerSlice(...a),
  ...createEvidenceSlice(...a),
  ...createEventLogSlice(...a),
}));

/** The view state of one file (defaults when none was set yet). */
export function useFileView(id: string): FileViewState {
  return useApp((s) => s.views[id] ?? DEFAULT_VIEW);
}

export type { OpenFile, FileStatus } from './files';
export type { FileViewState, ViewTab, HexRange } from './selection';
export type { Settings } from './settings';
export type { EvidenceState } from './evidence';

// Selection slice: which file is shown and, per file, what is selected inside it (tab, header, page run,
// hex cursor). The views link through this state: clicking a page run selects its header and moves the hex view.
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export type ViewTab = 'overview' | 'headers' | 'memory' | 'measure' | 'hex';

export interface HexRange {
  offset: number;
  length: number;
}

export interface FileViewState {
  tab: ViewTab;
  headerIndex?: number;
  /** Compatibility mask whose page map is shown. */
  mask?: number;
  /** Platform whose measurement is shown. */
  platform?: string;
  /** Selected page-map run, as "start:pages". */
  run?: string;
  hex?: HexRange;
  /** A firmware's classic launch settings as its Measure panel has them (the Evidence view compares with them). */
  launch?: { vcpus?: number; vcpuType?: string; vmm?: string; guestFeatures?: string };
  /** Evidence view: the file (or '@composer') to compare with, an IGVM's vCPU count, and the validity time (ISO). */
  compareWith?: string;
  compareVcpus?: number;
  at?: string;
  /** Threads for the OVMF search (1 or 2). */
  searchThreads?: number;
}

export interface SelectionSlice {
  activeId: string | null;
  views: Record<string, FileViewState>;
  setActive(id: string | null): void;
  patchView(id: string, patch: Partial<FileViewState>): void;
}

export const DEFAULT_VIEW: FileViewState = { tab: 'overview' };

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set) => ({
  activeId: null,
  views: {},
  setActive: (id) => set({ activeId: id }),
  patchView: (id, patch) =>
    set((s) => ({ views: { ...s.views, [id]: { ...DEFAULT_VIEW, ...s.views[id], ...patch } } })),
});

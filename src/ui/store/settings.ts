// Settings slice: user preferences that outlive a file (kept in IndexedDB with the session).
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface Settings {
  /** Keep open files and view state in this browser (IndexedDB) across reloads. */
  persist: boolean;
  snpProfile: string;
  tdxOrder: string;
  /** Show the first-run hint over the demo (false once dismissed). */
  firstRunHint?: boolean;
}

export interface SettingsSlice {
  settings: Settings;
  setSettings(patch: Partial<Settings>): void;
}

export const DEFAULT_SETTINGS: Settings = { persist: true, snpProfile: 'igvm', tdxOrder: 'single-pass' };

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: DEFAULT_SETTINGS,
  setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
});

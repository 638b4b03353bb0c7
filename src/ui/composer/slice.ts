// Composer slice: which page is shown (inspector, composer, teaching, diff), the composer's inputs (slot file
// ids, command line, settings) and the two files picked for a diff. Persisted by ./persist.ts.
import type { StateCreator } from 'zustand';
import type { AppState } from '../store';
import { LAUNCH_DEFAULTS } from '../../core/settings/launch-settings';

export type Page = 'files' | 'composer' | 'teach' | 'diff';

export interface ComposerAddon {
  id: string;
  enabled: boolean;
  /** Where it sits on the ESP: global = \loader\addons, per-uki = <uki>.efi.extra.d (default global). */
  scope?: 'global' | 'per-uki';
}

export interface ComposerInputs {
  firmwareId: string | null;
  mode: 'direct' | 'uki';
  kernelId: string | null;
  initrdIds: string[];
  cmdline: string;
  ukiId: string | null;
  /** Direct route: the systemd-stub (linuxx64.efi.stub) a FUKI PE is built on; without it no FUKI download. */
  stubId?: string | null;
  addons: ComposerAddon[];
  profile: 'qemu-igvm' | 'classic-equivalent';
  vcpus: number;
  vcpuType: string;
  vmm: 'QEMU' | 'ec2' | 'gce';
  guestFeatures: string;
  snpPolicy: string;
  /** 'all' = every platform the firmware supports. */
  platform: 'all' | 'SEV_SNP' | 'TDX';
  fwid: string;
  /** CHIDs for an optional .hwids entry binding them to the fwid (whitespace or comma separated). */
  hwids: string;
  /** An open event log whose firmware RTMR1 events complete the predicted TDX RTMR1. */
  rtmrReferenceId?: string | null;
}

export interface ComposerSlice {
  page: Page;
  composer: ComposerInputs;
  diffPair: { a: string | null; b: string | null };
  setPage(page: Page): void;
  patchComposer(patch: Partial<ComposerInputs>): void;
  setDiffPair(patch: Partial<{ a: string | null; b: string | null }>): void;
}

/** The same defaults as `fukiscope compose` (fuki-uki-kernel-hashes.md §5.2), so the app and CLI agree. */
export const DEFAULT_COMPOSER: ComposerInputs = {
  firmwareId: null,
  mode: 'uki',
  kernelId: null,
  initrdIds: [],
  cmdline: '',
  ukiId: null,
  addons: [],
  profile: LAUNCH_DEFAULTS.profile,
  vcpus: LAUNCH_DEFAULTS.vcpus,
  vcpuType: LAUNCH_DEFAULTS.vcpuType,
  vmm: LAUNCH_DEFAULTS.vmm,
  guestFeatures: '0x' + LAUNCH_DEFAULTS.guestFeatures.toString(16),
  snpPolicy: '0x' + LAUNCH_DEFAULTS.snpPolicy.toString(16),
  platform: 'all',
  fwid: 'fukiscope',
  hwids: '',
};

export const createComposerSlice: StateCreator<AppState, [], [], ComposerSlice> = (set) => ({
  page: 'files',
  composer: DEFAULT_COMPOSER,
  diffPair: { a: null, b: null },
  setPage: (page) => set({ page }),
  patchComposer: (patch) => set((s) => ({ composer: { ...s.composer, ...patch } })),
  setDiffPair: (patch) => set((s) => ({ diffPair: { ...s.diffPair, ...patch } })),
});

// Evidence slice: per open report/quote, the last verification and mismatch search the Evidence view ran, so a tab
// switch keeps them and the receipt carries exactly what was shown. The inputs (compare-with, time) live in the
// file's view state (selection slice), like every other per-file choice.
import type { StateCreator } from 'zustand';
import type { EvidenceSearchResult, EvidenceVerifyResult } from '../../workers/protocol';
import type { AppState } from './index';

export interface EvidenceState {
  /** The verification and the request it answers (a changed request makes it stale). */
  verify?: { key: string; result: EvidenceVerifyResult; comparedWith?: string };
  verifyError?: string;
  search?: { key: string; result: EvidenceSearchResult };
}

export interface EvidenceSlice {
  evidence: Record<string, EvidenceState>;
  patchEvidence(id: string, patch: Partial<EvidenceState>): void;
}

export const createEvidenceSlice: StateCreator<AppState, [], [], EvidenceSlice> = (set) => ({
  evidence: {},
  patchEvidence: (id, patch) => set((s) => ({ evidence: { ...s.evidence, [id]: { ...s.evidence[id], ...patch } } })),
});

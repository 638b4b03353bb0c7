// Event-log slice: per open event log, what it is compared with — the ACPI CCEL table to read a CCEL area with, and
// the UKI and add-ons of the log ↔ prediction diff (open files by id; add-on scope decides the stub's load order).
import type { StateCreator } from 'zustand';
import type { AppState } from './index';

export interface EventLogAddon {
  id: string;
  enabled: boolean;
  scope: 'global' | 'per-uki';
}

export interface EventLogInputs {
  /** undefined: the only open table, if one is; null: none. */
  tableId?: string | null;
  /** undefined: the only open UKI, if one is; null: none. */
  ukiId?: string | null;
  addons: EventLogAddon[];
}

export const DEFAULT_EVENTLOG_INPUTS: EventLogInputs = { addons: [] };

export interface EventLogSlice {
  eventLogInputs: Record<string, EventLogInputs>;
  patchEventLogInputs(logId: string, patch: Partial<EventLogInputs>): void;
}

export const createEventLogSlice: StateCreator<AppState, [], [], EventLogSlice> = (set) => ({
  eventLogInputs: {},
  patchEventLogInputs: (logId, patch) =>
    set((s) => ({
      eventLogInputs: {
        ...s.eventLogInputs,
        [logId]: { ...DEFAULT_EVENTLOG_INPUTS, ...s.eventLogInputs[logId], ...patch },
      },
    })),
});

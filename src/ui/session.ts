// Persistence: open files (their bytes, as Blobs) and UI state kept in IndexedDB (idb-keyval) and restored
// after a reload, until the user clears the session. The demo is rebuilt, not stored.
import { clear, createStore, del, get, set } from 'idb-keyval';
import type { FileViewState, Settings } from './store';

const db = createStore('fukiscope', 'session');

export interface SessionFile {
  id: string;
  name: string;
  demo?: boolean;
}

export interface SessionState {
  files: SessionFile[];
  activeId: string | null;
  views: Record<string, FileViewState>;
  settings: Settings;
}

const STATE_KEY = 'state';
const blobKey = (id: string) => `file:${id}`;

export async function loadSession(): Promise<SessionState | undefined> {
  try {
    return await get<SessionState>(STATE_KEY, db);
  } catch {
    return undefined; // private mode or a blocked IndexedDB: start empty
  }
}

export async function saveState(state: SessionState): Promise<void> {
  await set(STATE_KEY, state, db);
}

export async function saveFileBlob(id: string, blob: Blob): Promise<void> {
  await set(blobKey(id), blob, db);
}

export async function loadFileBlob(id: string): Promise<Blob | undefined> {
  return get<Blob>(blobKey(id), db);
}

export async function deleteFileBlob(id: string): Promise<void> {
  await del(blobKey(id), db);
}

export async function clearSession(): Promise<void> {
  await clear(db);
}

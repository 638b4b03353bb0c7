// Persistence: open files (their bytes, as Blobs) and UI state kept in IndexedDB (idb-keyval) and restored
// after a reload, until the user clears the session. The demo is rebuilt, not stored.
import { clear, createStore, del, get, set } from 'idb-keyval';
import type { FileViewState, Settings } from './store';

// Created on first use: createStore opens the database lazily, and a browser that blocks IndexedDB may throw
// synchronously from indexedDB.open (SecurityError) or from a transaction; safe() turns every such throw into a
// rejected promise, so callers only ever see rejections (issue 11 item 8).
let store: ReturnType<typeof createStore> | undefined;
function db(): ReturnType<typeof createStore> {
  store ??= createStore('fukiscope', 'session');
  return store;
}

/** Runs one IndexedDB operation; a synchronous throw becomes a rejection. Never waits longer than `ms`. */
function safe<T>(op: () => Promise<T>, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the browser storage (IndexedDB) did not answer')), ms);
    try {
      op().then(resolve, reject).finally(() => clearTimeout(timer));
    } catch (e) {
      clearTimeout(timer);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** A storage failure in words for the user: "storage is full", "storage is blocked", or the browser's message. */
export function storageProblem(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'QuotaExceededError') return 'this browser’s storage is full';
  if (name === 'SecurityError' || name === 'InvalidStateError') return 'this browser blocks storage (IndexedDB) for this page';
  return `this browser’s storage failed (${e instanceof Error ? e.message : String(e)})`;
}

/** get/set of any key in the session store (the composer's state lives there too). */
export function getKey<T>(key: string): Promise<T | undefined> {
  return safe(() => get<T>(key, db()));
}
export function setKey(key: string, value: unknown): Promise<void> {
  return safe(() => set(key, value, db()));
}

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
    return await getKey<SessionState>(STATE_KEY);
  } catch {
    return undefined; // private mode or a blocked IndexedDB: start empty
  }
}

export async function saveState(state: SessionState): Promise<void> {
  await setKey(STATE_KEY, state);
}

export async function saveFileBlob(id: string, blob: Blob): Promise<void> {
  await setKey(blobKey(id), blob);
}

export async function loadFileBlob(id: string): Promise<Blob | undefined> {
  return getKey<Blob>(blobKey(id));
}

export async function deleteFileBlob(id: string): Promise<void> {
  await safe(() => del(blobKey(id), db()));
}

export async function clearSession(): Promise<void> {
  await safe(() => clear(db()));
}

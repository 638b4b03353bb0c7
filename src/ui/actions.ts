// Module-level actions (zustand "no store actions" practice): they bridge the store and the engine worker.
import { engine } from './engine';
import {
  deleteFileBlob,
  loadFileBlob,
  loadSession,
  saveFileBlob,
  saveState,
  storageProblem,
  clearSession as wipeSession,
} from './session';
import { useApp } from './store';
import { HASH_ALGORITHMS } from '../core/authenticode/digest';
import type { HashAlgorithm } from '../core/hash/hash';
import type { IgvmView } from '../workers/protocol';

let counter = 0;
function newId(): string {
  counter += 1;
  return `${Date.now().toString(36)}-${counter}`;
}

/** Tells the user what was not kept across reloads and why (storage blocked or full); the file stays open. */
function notRemembered(what: string, e: unknown): void {
  const s = useApp.getState();
  const line = `${what}: ${storageProblem(e)}. It stays open until you close this page, but a reload will not bring it back.`;
  const previous = s.storageWarning;
  // One banner for several files: new lines are added, the same line is not repeated.
  if (previous?.split('\n').includes(line)) return;
  s.setStorageWarning(previous ? `${previous}\n${line}` : line);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function openBlob(id: string, name: string, blob: Blob, activate: boolean): Promise<void> {
  const s = useApp.getState();
  s.addFile({ id, name, size: blob.size, status: 'loading' });
  if (activate) s.setActive(id);
  const job = Date.now() + counter++;
  s.startJob({ id: job, fileId: id, label: `Opening ${name}`, done: 0, total: blob.size });
  try {
    const result = await engine.open(id, blob, name, (p) =>
      useApp.getState().progressJob(job, p.done, p.total),
    );
    useApp.getState().updateFile(id, { status: 'ready', result });
    if (result.igvm?.tablesPending) void fillIgvmTables(id);
    if (result.sha256Pending) void fillSha256(id);
  } catch (e) {
    useApp.getState().updateFile(id, { status: 'error', error: errorText(e) });
  } finally {
    useApp.getState().endJob(job);
  }
}

/**
 * Puts the header columns and page maps the engine left pending (IgvmView `tablesPending`) into IGVM `id`'s open
 * result, if that file is still open; or, if they cannot be had, the reason, which the Headers and Memory map tabs
 * show instead of waiting for ever.
 */
async function fillIgvmTables(id: string): Promise<void> {
  let patch: Partial<IgvmView>;
  try {
    patch = await engine.igvmTables(id);
  } catch (e) {
    patch = { tablesError: errorText(e) };
  }
  const f = useApp.getState().files.find((x) => x.id === id);
  const igvm = f?.result?.igvm;
  if (f?.result && igvm?.tablesPending) {
    const { tablesPending: _, ...rest } = igvm;
    useApp.getState().updateFile(id, { result: { ...f.result, igvm: { ...rest, ...patch } } });
  }
}

/** Puts the SHA-256 the engine left pending into file `id`'s open result (if that file is still open). */
async function fillSha256(id: string): Promise<void> {
  let sha256: string;
  try {
    sha256 = await engine.sha256(id);
  } catch {
    // The file was closed meanwhile, or the engine failed: '' says "not available", and nothing names the file by it.
    sha256 = '';
  }
  const f = useApp.getState().files.find((x) => x.id === id);
  if (f?.result?.sha256Pending) {
    const { sha256Pending: _, ...rest } = f.result;
    useApp.getState().updateFile(id, { result: { ...rest, sha256 } });
  }
}

/** Opens dropped or picked files, each in its own tab; the last one becomes active. */
export async function openFiles(files: readonly File[]): Promise<void> {
  const persist = useApp.getState().settings.persist;
  await Promise.all(
    files.map(async (file, i) => {
      const id = newId();
      // Remembered once opened, not before: the IndexedDB write of the File took the main thread ~7 ms at the drop
      // (its first transaction) and its copy of the bytes competed with the engine's read (issue 16). A file closed
      // while it opened is not written.
      await openBlob(id, file.name, file, i === files.length - 1);
      if (persist && useApp.getState().files.some((f) => f.id === id))
        void saveFileBlob(id, file).catch((e: unknown) => notRemembered(`${file.name} was not remembered`, e));
    }),
  );
}

/**
 * Opens the payload of `.efifw` entry `index` of an open FUKI as its own file tab (issue 10 item 3): the engine
 * copies the bytes out; the tab then behaves like any opened file (measure, hex view, remembered if enabled).
 */
export async function openEfifwPayload(fileId: string, index: number): Promise<void> {
  const p = await engine.call((remote) => remote.efifwPayload(fileId, index));
  const id = newId();
  const blob = new Blob([p.bytes], { type: 'application/octet-stream' });
  if (useApp.getState().settings.persist) void saveFileBlob(id, new File([blob], p.name)).catch(() => undefined);
  await openBlob(id, p.name, blob, true);
}

/** Opens the embedded demo IGVM, built at run time by our own codec inside the worker. `quiet` (first visit):
 * if the demo cannot be built, show the empty start screen instead of an error. */
export async function openDemo(quiet = false): Promise<void> {
  const existing = useApp.getState().files.find((f) => f.demo);
  if (existing) {
    useApp.getState().setActive(existing.id);
    return;
  }
  const id = newId();
  const s = useApp.getState();
  s.addFile({ id, name: 'demo.igvm', size: 0, status: 'loading', demo: true });
  s.setActive(id);
  try {
    const result = await engine.openDemo(id);
    useApp.getState().updateFile(id, { status: 'ready', result, size: result.size });
  } catch (e) {
    if (quiet) useApp.getState().removeFile(id);
    else useApp.getState().updateFile(id, { status: 'error', error: errorText(e) });
  }
}

export function closeFile(id: string): void {
  engine.close(id);
  useApp.getState().removeFile(id);
  void deleteFileBlob(id).catch(() => undefined);
}

/** Forgets every open file and the stored session. */
export async function clearAll(): Promise<void> {
  for (const f of useApp.getState().files) engine.close(f.id);
  useApp.getState().clearFiles();
  await wipeSession().catch(() => undefined);
}

/** Restores the previous session from IndexedDB; on a first visit, opens the demo. */
export async function restoreSession(): Promise<void> {
  const saved = await loadSession();
  if (!saved || saved.files.length === 0) {
    // First visit: the demo, unless the user already dropped something while the session was being read.
    if (!saved && useApp.getState().files.length === 0) await openDemo(true);
    if (saved) useApp.getState().setSettings(saved.settings);
    return;
  }
  const s = useApp.getState();
  s.setSettings(saved.settings);
  for (const [id, v] of Object.entries(saved.views)) s.patchView(id, v);
  await Promise.all(
    saved.files.map(async (f) => {
      if (f.demo) {
        const result = await engine.openDemo(f.id).catch(() => undefined);
        useApp
          .getState()
          .addFile({
            id: f.id,
            name: f.name,
            size: result?.size ?? 0,
            status: result ? 'ready' : 'error',
            result,
            demo: true,
          });
        return;
      }
      const blob = await loadFileBlob(f.id).catch(() => undefined);
      if (blob) await openBlob(f.id, f.name, blob, false);
    }),
  );
  // Tabs restored in their saved order, whatever order the opens finished in.
  const order = new Map(saved.files.map((f, i) => [f.id, i]));
  useApp.setState((st) => ({
    files: [...st.files].sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9)),
  }));
  // A file the user opened while the session was being restored stays in front.
  const current = useApp.getState().activeId;
  if (current && !order.has(current)) return;
  const active =
    saved.activeId && useApp.getState().files.some((f) => f.id === saved.activeId)
      ? saved.activeId
      : (useApp.getState().files[0]?.id ?? null);
  useApp.getState().setActive(active);
}

/** Saves the session (debounced) whenever files, views or settings change. */
export function startSessionSync(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return useApp.subscribe((st, prev) => {
    if (
      st.files === prev.files &&
      st.views === prev.views &&
      st.settings === prev.settings &&
      st.activeId === prev.activeId
    )
      return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const s = useApp.getState();
      if (!s.settings.persist) {
        void wipeSession()
          .then(() => saveState({ files: [], activeId: null, views: {}, settings: s.settings }))
          .catch(() => undefined);
        return;
      }
      void saveState({
        files: s.files
          .filter((f) => f.status !== 'loading' || f.demo)
          .map((f) => ({ id: f.id, name: f.name, demo: f.demo })),
        activeId: s.activeId,
        views: s.views,
        settings: s.settings,
      }).catch((e: unknown) => notRemembered('The list of open files was not remembered', e));
    }, 250);
  });
}

const peDigestsInFlight = new Set<string>();

/**
 * Computes what opening a PE left for later (the SHA-1, SHA-384 and SHA-512 Authenticode digests and PCR 11
 * banks, Engine.peDigests) and puts it into the file's view: the values are those a full open would have shown.
 */
export async function computePeDigests(fileId: string): Promise<void> {
  const pending = useApp.getState().files.find((f) => f.id === fileId)?.result?.pe?.pendingAlgorithms;
  if (!pending?.length || peDigestsInFlight.has(fileId)) return;
  peDigestsInFlight.add(fileId);
  try {
    const more = await engine.peDigests(fileId, pending as HashAlgorithm[]);
    const result = useApp.getState().files.find((f) => f.id === fileId)?.result;
    const pe = result?.pe;
    if (!result || !pe) return;
    const order = (a: { algorithm: string }) => (HASH_ALGORITHMS as readonly string[]).indexOf(a.algorithm);
    const authenticode = [...pe.authenticode, ...more.authenticode].sort((a, b) => order(a) - order(b));
    const uki = pe.uki && {
      ...pe.uki,
      pcr11: pe.uki.pcr11.map((p, i) => ({
        ...p,
        sections: { ...p.sections, ...more.pcr11[i]?.sections },
        phases: p.phases.map((ph, k) => ({ ...ph, values: { ...ph.values, ...more.pcr11[i]?.phases[k] } })),
      })),
    };
    useApp.getState().updateFile(fileId, { result: { ...result, pe: { ...pe, authenticode, pendingAlgorithms: [], uki } } });
  } finally {
    peDigestsInFlight.delete(fileId);
  }
}

import { useEffect } from 'react';
import { clearAll, closeFile, openDemo, restoreSession, startSessionSync } from './actions';
import { DropZone, OpenFilesButton } from './components/DropZone';
import { ErrorBoundary } from './components/ErrorBoundary';
import { Tabs } from './components/Tabs';
import { bytesLabel } from './format';
import { useApp } from './store';
import { FileView } from './views/FileView';
import { PageNav, PageOutlet } from './composer/Pages';

function EngineBanner() {
  const message = useApp((s) => s.engineError);
  const dismiss = useApp((s) => s.setEngineError);
  if (!message) return null;
  return (
    <div className="banner" role="alert">
      <span>{message}</span>
      <button type="button" className="link" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}

/** IndexedDB blocked or full: which files will not come back after a reload (issue 11 item 8). */
function StorageBanner() {
  const message = useApp((s) => s.storageWarning);
  const dismiss = useApp((s) => s.setStorageWarning);
  if (!message) return null;
  return (
    <div className="banner storage-banner" role="alert" data-testid="storage-warning">
      <span>
        {message.split('\n').map((line) => (
          <span key={line} className="banner-line">
            {line}
          </span>
        ))}
      </span>
      <button type="button" className="link" onClick={() => dismiss(null)}>
        Dismiss
      </button>
    </div>
  );
}

function Toolbar() {
  const persist = useApp((s) => s.settings.persist);
  const setSettings = useApp((s) => s.setSettings);
  return (
    <header className="topbar">
      <div className="brand">
        <h1>Fukiscope</h1>
        <span className="tagline">IGVM, UKI and FUKI inspector. Your files never leave this browser.</span>
      </div>
      <nav className="actions" aria-label="File actions">
        <PageNav />
        <OpenFilesButton />
        <button type="button" onClick={() => void openDemo()}>
          Open demo
        </button>
        <label
          className="check persist"
          title="Open files are kept in this browser's own storage (IndexedDB) on this computer, never uploaded; Clear session deletes them"
        >
          <input
            type="checkbox"
            checked={persist}
            aria-describedby="persist-where"
            onChange={(e) => setSettings({ persist: e.currentTarget.checked })}
          />
          Remember files
          <span id="persist-where" className="muted small persist-where">
            {persist ? '(kept in this browser only)' : '(forgotten on reload)'}
          </span>
        </label>
        <button type="button" className="quiet" onClick={() => void clearAll()}>
          Clear session
        </button>
      </nav>
    </header>
  );
}

function EmptyState() {
  return (
    <section className="empty" aria-label="No file open">
      <h2>Drop IGVM, UKI, add-on, OVMF, kernel or event log files anywhere</h2>
      <p>
        Several at once are fine. An SEV-SNP attestation report or TDX quote, with its certificates and collateral,
        opens as evidence to verify and compare with a launch. Or use “Open files…”, or look at the demo IGVM built
        in your browser.
      </p>
      <div className="empty-actions">
        <OpenFilesButton />
        <button type="button" onClick={() => void openDemo()}>
          Open demo
        </button>
      </div>
    </section>
  );
}

/** First visit: what the demo is and where to go next, until dismissed. */
function FirstRunHint() {
  const show = useApp((s) => s.settings.firstRunHint !== false);
  const onDemo = useApp((s) => s.files.find((f) => f.id === s.activeId)?.demo === true);
  const setPage = useApp((s) => s.setPage);
  const setSettings = useApp((s) => s.setSettings);
  if (!show || !onDemo) return null;
  return (
    <aside className="first-run" aria-label="Getting started" data-testid="first-run-hint">
      <p>
        <strong>This is a demo IGVM</strong>, built in your browser by Fukiscope&apos;s own encoder: a small
        guest image for SEV-SNP and TDX to look around in (headers, memory map, launch measurement).
      </p>
      <p>
        Next: drop your own IGVM, UKI, add-on or OVMF file anywhere on the page; or{' '}
        <button type="button" className="link" onClick={() => setPage('composer')}>
          compose a FUKI
        </button>{' '}
        from firmware and a UKI; or{' '}
        <button type="button" className="link" onClick={() => setPage('teach')}>
          step through the measurement
        </button>{' '}
        page by page.
      </p>
      <button type="button" className="quiet" onClick={() => setSettings({ firstRunHint: false })}>
        Got it
      </button>
    </aside>
  );
}

function FileTabs() {
  const files = useApp((s) => s.files);
  const activeId = useApp((s) => s.activeId);
  const setActive = useApp((s) => s.setActive);
  return (
    <Tabs
      label="Open files"
      idPrefix="file"
      className="file-tabs"
      active={activeId}
      onSelect={setActive}
      items={files.map((f) => ({
        id: f.id,
        title: `${f.name} (${bytesLabel(f.size)})`,
        label: (
          <>
            <span className={`kind-dot kind-${f.result?.kind ?? f.status}`} aria-hidden="true" />
            {f.name}
            {f.status === 'error' && <span className="badge error">error</span>}
            {f.result && f.result.diagnostics.some((d) => d.severity === 'error') && (
              <span className="badge error">!</span>
            )}
          </>
        ),
        onClose: () => closeFile(f.id),
        closeLabel: `Close ${f.name}`,
      }))}
    />
  );
}

export function App() {
  useEffect(() => {
    const stop = startSessionSync();
    void restoreSession();
    return stop;
  }, []);
  const active = useApp((s) => s.files.find((f) => f.id === s.activeId));
  const count = useApp((s) => s.files.length);
  const page = useApp((s) => s.page);
  if (page !== 'files') {
    return (
      <DropZone>
        <div className="app">
          <Toolbar />
          <EngineBanner />
          <StorageBanner />
          <PageOutlet />
        </div>
      </DropZone>
    );
  }
  return (
    <DropZone>
      <div className="app">
        <Toolbar />
        <EngineBanner />
        <FirstRunHint />
        <StorageBanner />
        {count > 0 && <FileTabs />}
        <main
          id="file-panel"
          role={count > 0 ? 'tabpanel' : undefined}
          aria-labelledby={active ? `file-tab-${active.id}` : undefined}
        >
          {active ? (
            <ErrorBoundary key={active.id} title={`Could not show ${active.name}`}>
              <FileView file={active} />
            </ErrorBoundary>
          ) : (
            <EmptyState />
          )}
        </main>
      </div>
    </DropZone>
  );
}

// An accessible tab list (WAI-ARIA tabs pattern): arrow keys move between tabs, Home/End jump, Delete closes a
// closable tab. The × after a closable tab is for the mouse only (hidden from the accessibility tree and the Tab
// order): a tablist may own only tabs, so the keyboard way to close is Delete (announced via aria-keyshortcuts).
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem {
  id: string;
  label: ReactNode;
  /** Makes the tab closable: a × after it and the Delete key. */
  onClose?: () => void;
  /** Label of the × (its title). */
  closeLabel?: string;
  title?: string;
}

export function Tabs({
  items,
  active,
  onSelect,
  label,
  idPrefix,
  className,
}: {
  items: TabItem[];
  active: string | null;
  onSelect(id: string): void;
  label: string;
  idPrefix: string;
  className?: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent) => {
    const i = items.findIndex((t) => t.id === active);
    if (e.key === 'Delete' && items[i]?.onClose) {
      e.preventDefault();
      items[i].onClose();
      // The focused tab is gone: keep the keyboard in the tab list, on the tab selected next.
      requestAnimationFrame(() =>
        list.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"], [role="tab"]')?.focus(),
      );
      return;
    }
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % items.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + items.length) % items.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = items.length - 1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(items[next]!.id);
    list.current?.querySelector<HTMLElement>(`#${CSS.escape(`${idPrefix}-tab-${items[next]!.id}`)}`)?.focus();
  };
  return (
    <div className={`tabs ${className ?? ''}`} role="tablist" aria-label={label} ref={list} onKeyDown={onKey}>
      {items.map((t) => (
        <div key={t.id} className="tab-wrap" role="presentation" data-active={t.id === active || undefined}>
          <button
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${t.id}`}
            aria-selected={t.id === active}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            title={t.onClose ? `${t.title ?? ''} (Delete closes)`.trim() : t.title}
            aria-keyshortcuts={t.onClose ? 'Delete' : undefined}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
          {t.onClose && (
            <button
              type="button"
              className="tab-close"
              tabIndex={-1}
              aria-hidden="true"
              title={t.closeLabel}
              onClick={t.onClose}
            >
              ×
            </button>
          )}
        </div>
      ))}
    </div>
  );
}

// An accessible tab list (WAI-ARIA tabs pattern): arrow keys move between tabs, Home/End jump.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';

export interface TabItem {
  id: string;
  label: ReactNode;
  /** Extra element after the tab (e.g. a close button), outside the tab's own button. */
  after?: ReactNode;
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
        <div key={t.id} className="tab-wrap" data-active={t.id === active || undefined}>
          <button
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${t.id}`}
            aria-selected={t.id === active}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={t.id === active ? 0 : -1}
            title={t.title}
            onClick={() => onSelect(t.id)}
          >
            {t.label}
          </button>
          {t.after}
        </div>
      ))}
    </div>
  );
}

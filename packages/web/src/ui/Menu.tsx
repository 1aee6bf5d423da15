import { type ReactNode, useEffect, useRef, useState } from 'react';
import { MoreIcon } from './icons';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

/** A "more" (three dots) button with a small popup menu; closes on choice, outside click or Escape. */
export function Menu({ label, items, header }: { label: string; items: MenuItem[]; header?: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  // The popup opens upward near the bottom of the window, and towards the side with room, so it is never cut off.
  const [place, setPlace] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    const key = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', key);
    };
  }, [open]);
  return (
    <div className="menu" ref={ref}>
      <button
        type="button"
        className="icon"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          e.stopPropagation();
          const at = e.currentTarget.getBoundingClientRect();
          const vertical = at.bottom > window.innerHeight - 280 ? ' upward' : '';
          const horizontal = at.left + 220 > window.innerWidth ? ' to-left' : at.right - 220 < 0 ? ' to-right' : '';
          setPlace(vertical + horizontal);
          setOpen(!open);
        }}
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          className={`menu-popup${place}`}
          role="menu"
          onClick={(e) => e.stopPropagation()}
          // Keys go on to the document, where Escape closes the menu.
          onKeyDown={() => {}}
        >
          {header?.(() => setOpen(false))}
          {items.map((item) => (
            <button
              type="button"
              role="menuitem"
              key={item.label}
              className={item.danger ? 'danger-text' : undefined}
              onClick={() => {
                setOpen(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

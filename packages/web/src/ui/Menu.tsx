import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { moveFocus, STEP_KEYS } from './focus';
import { MoreIcon } from './icons';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
}

const choicesIn = (popup: HTMLElement | null) => [...(popup?.querySelectorAll<HTMLElement>('button:not(:disabled)') ?? [])];

/**
 * A "more" (three dots) button with a small popup menu; closes on choice, outside click, Tab or Escape. From the
 * keyboard: Enter, Space or ArrowDown opens it on its first item (ArrowUp on its last), the arrows,
 * Home and End move, and Escape or a choice puts focus back on the button.
 */
export function Menu(props: { label: string; items: MenuItem[]; header?: (close: () => void) => ReactNode; tabIndex?: number }) {
  const { label, items, header } = props;
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  // The popup opens upward near the bottom of the window, and towards the side with room, so it is never cut off.
  const [place, setPlace] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const popup = useRef<HTMLDivElement>(null);
  const popupId = useId();

  useEffect(() => {
    if (!open) return;
    moveFocus(choicesIn(popup.current), open);
    const away = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  /** Closes the menu, focus back on its button: a dialog opened by the choice returns focus there when it closes. */
  const close = () => {
    setOpen(false);
    trigger.current?.focus();
  };
  const placePopup = () => {
    const at = trigger.current?.getBoundingClientRect();
    if (!at) return;
    const vertical = at.bottom > window.innerHeight - 280 ? ' upward' : '';
    const horizontal = at.left + 220 > window.innerWidth ? ' to-left' : at.right - 220 < 0 ? ' to-right' : '';
    setPlace(vertical + horizontal);
  };
  const onTriggerKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    placePopup();
    setOpen(e.key === 'ArrowDown' ? 'first' : 'last');
  };
  const onPopupKey = (e: KeyboardEvent) => {
    const step = STEP_KEYS[e.key];
    if (step !== undefined) {
      e.preventDefault();
      moveFocus(choicesIn(popup.current), step);
    } else if (e.key === 'Escape') {
      // Only the menu closes, not a dialog or chat it sits in.
      e.stopPropagation();
      close();
    } else if (e.key === 'Tab') {
      // From the button, so Tab goes on to what follows the menu (the popup is gone by then).
      close();
    }
  };

  return (
    <div className="menu" ref={ref}>
      <button
        ref={trigger}
        type="button"
        className="icon"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={Boolean(open)}
        aria-controls={open ? popupId : undefined}
        tabIndex={props.tabIndex}
        onKeyDown={onTriggerKey}
        onClick={(e) => {
          e.stopPropagation();
          placePopup();
          setOpen(open ? false : 'first');
        }}
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          ref={popup}
          id={popupId}
          className={`menu-popup${place}`}
          role="menu"
          aria-label={label}
          tabIndex={-1}
          onClick={(e) => e.stopPropagation()}
          onKeyDown={onPopupKey}
        >
          {header?.(() => close())}
          {items.map((item) => (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              key={item.label}
              className={item.danger ? 'danger-text' : undefined}
              onClick={() => {
                close();
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

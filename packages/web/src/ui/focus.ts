import { type RefObject, useLayoutEffect, useState } from 'react';

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]';

/** The elements inside `root` that Tab reaches, in document order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0);
}

export type Step = 1 | -1 | 'first' | 'last';

/** The keys that move through a vertical list of items (a menu, the conversation list). */
export const STEP_KEYS: Record<string, Step> = { ArrowDown: 1, ArrowUp: -1, Home: 'first', End: 'last' };

/** Moves focus to the next (or previous) of `items` after the focused one, wrapping around. */
export function moveFocus(items: HTMLElement[], step: Step): void {
  if (!items.length) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const from = at < 0 ? (step === 1 ? -1 : 0) : at;
  const next = step === 'first' ? 0 : step === 'last' ? items.length - 1 : (from + step + items.length) % items.length;
  items[next]?.focus();
}

/**
 * Keeps keyboard focus inside `container` while it is mounted (a dialog): Tab and Shift+Tab wrap
 * around, focus that lands outside (a click on the backdrop) comes back, and on unmount focus
 * returns to where it was before, usually the button that opened the dialog.
 */
export function useFocusTrap(container: RefObject<HTMLElement | null>): void {
  // Read while rendering: an autoFocus inside moves focus before any effect runs.
  const [before] = useState(() => document.activeElement as HTMLElement | null);
  useLayoutEffect(() => {
    const root = container.current;
    if (!root) return;
    if (!root.contains(document.activeElement)) (tabbables(root)[0] ?? root).focus();
    const onKey = (e: KeyboardEvent) => {
      // A dialog inside this one wrapped the focus already.
      if (e.key !== 'Tab' || e.defaultPrevented) return;
      const items = tabbables(root);
      const first = items[0];
      const last = items.at(-1);
      if (!first || !last) return e.preventDefault();
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    };
    const onFocusIn = (e: FocusEvent) => {
      if (!root.contains(e.target as Node)) (tabbables(root)[0] ?? root).focus();
    };
    root.addEventListener('keydown', onKey);
    document.addEventListener('focusin', onFocusIn);
    return () => {
      root.removeEventListener('keydown', onKey);
      document.removeEventListener('focusin', onFocusIn);
      if (before?.isConnected) before.focus();
    };
  }, [container, before]);
}

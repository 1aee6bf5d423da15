import { useCallback, useSyncExternalStore } from 'react';

/** The open conversation lives in the URL hash (`#/c/p2p%7Cbob`), so a reload or a shared link reopens it. */
const read = (): string | undefined => {
  const m = /^#\/c\/(.+)$/.exec(location.hash);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return undefined; // a mangled link (bad % escape) opens the list, not a blank page
  }
};

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

export function useOpenConversation(): [string | undefined, (id: string | undefined) => void] {
  const open = useSyncExternalStore(subscribe, read);
  const setOpen = useCallback((id: string | undefined) => {
    location.hash = id ? `#/c/${encodeURIComponent(id)}` : '#/';
  }, []);
  return [open, setOpen];
}

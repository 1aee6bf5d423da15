import { useCallback, useSyncExternalStore } from 'react';

/** The open conversation lives in the URL hash (`#/c/p2p%7Cbob`), so a reload or a shared link reopens it. */
const read = (): string | undefined => {
  const m = /^#\/c\/(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1] as string) : undefined;
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

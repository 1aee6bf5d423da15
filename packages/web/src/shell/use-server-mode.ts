import { useEffect, useState } from 'react';
import { type ServerMode, serverMode } from '../session/api';
import { knownMode, rememberMode } from './known-mode';

/** Reads the server's mode until it answers, trying again after 1, 2, 4… seconds (at most 15 between tries). */
export function useServerMode(): { mode: ServerMode | undefined; unreachable: boolean } {
  // The mode seen last time, so the app starts (and its shell says it is reconnecting) while the server is down.
  const [mode, setMode] = useState<ServerMode | undefined>(knownMode);
  const [unreachable, setUnreachable] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const attempt = (n: number) => {
      clearTimeout(timer);
      serverMode().then(
        (m) => {
          if (!live) return;
          rememberMode(m);
          setMode(m);
          setUnreachable(false);
        },
        () => {
          if (!live) return;
          setUnreachable(true);
          timer = setTimeout(() => attempt(n + 1), Math.min(15_000, 1000 * 2 ** n));
        },
      );
    };
    // The browser knows when the network is back: try at once then.
    const online = () => attempt(0);
    window.addEventListener('online', online);
    attempt(0);
    return () => {
      live = false;
      clearTimeout(timer);
      window.removeEventListener('online', online);
    };
  }, []);
  return { mode, unreachable };
}

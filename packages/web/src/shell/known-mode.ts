import type { ServerMode } from '../session/api';

const KEY = 'parley.mode';

/** The server's mode as last read from /healthz: lets the app start (and say it is reconnecting) while the server is down. */
export function knownMode(): ServerMode | undefined {
  const stored = localStorage.getItem(KEY);
  return stored === 'development' || stored === 'production' ? stored : undefined;
}

export function rememberMode(mode: ServerMode): void {
  localStorage.setItem(KEY, mode);
}

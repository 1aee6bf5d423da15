/**
 * Who is signed in, kept in localStorage so a reload (or a new tab) stays signed in. `uid` names the
 * user's local cache (IndexedDB); a production token is pasted without it, so it is learnt on the
 * first connection.
 */
export interface Session {
  token: string;
  uid?: string;
}

const KEY = 'parley.session';

export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Session>) : undefined;
    if (typeof parsed?.token !== 'string') return undefined;
    return typeof parsed.uid === 'string' ? { token: parsed.token, uid: parsed.uid } : { token: parsed.token };
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

/**
 * One device id per tab (sessionStorage survives a reload, not a new tab), so two tabs of one user are
 * two devices that both get every message, not one device replacing the other.
 */
export function deviceId(): string {
  const existing = sessionStorage.getItem('parley.device');
  if (existing) return existing;
  const id = `web-${crypto.randomUUID().slice(0, 8)}`;
  sessionStorage.setItem('parley.device', id);
  return id;
}

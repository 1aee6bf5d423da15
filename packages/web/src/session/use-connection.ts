import { type ClientStore, type ConnectionStatus, ParleyClient } from '@parley/client';
import { useEffect, useRef, useState } from 'react';
import { devLogin, type ServerMode, serverUrl } from './api';
import { localCache } from './local-cache';
import { deviceId, loadSession, saveSession } from './session';

/** `token` answers this tab's current token: localStorage is shared with other tabs, which may sign in as someone else. */
export type Phase =
  | { kind: 'connecting' }
  | { kind: 'ready'; client: ParleyClient; token: () => string }
  | { kind: 'failed'; reason: string };

/** Why the SDK stopped, said to the user on the sign-in screen. */
const endings: Partial<Record<ConnectionStatus, string>> = {
  banned: 'You were signed out: this account is banned.',
  erased: 'You were signed out: this account was erased.',
  kicked: 'You were signed out by the app.',
  replaced: 'You signed in on another device of this kind, so this one was signed out.',
};

/**
 * One SDK client for the signed-in token, over the user's local cache. With a cache from the last
 * session the app shows at once (the list, the open chat, waiting sends) while the socket connects;
 * without, it shows once connected. The SDK keeps retrying while the server is away. A refused token,
 * a ban or an erasure ends the session and empties the cache; so does `signOut`.
 */
export function useConnection(
  token: string,
  mode: ServerMode | undefined,
): { phase: Phase; status: ConnectionStatus; signOut: () => Promise<void> } {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const running = useRef<{ client: ParleyClient; store: ClientStore }>(undefined);

  useEffect(() => {
    if (!mode) return;
    setPhase({ kind: 'connecting' });
    let current = token;
    let closed = false;
    let client: ParleyClient | undefined;
    // The stored session's uid, if the stored session is still this tab's (another tab may have signed in since).
    const saved = loadSession();
    const uid = saved?.token === token ? saved.uid : undefined;
    void localCache(uid)
      .then(async (store) => {
        if (closed) return;
        const c: ParleyClient = new ParleyClient({
          url: serverUrl(),
          token,
          deviceId: deviceId(),
          deviceFlag: 3,
          store,
          // In development a token is one click away, so an expired one is renewed instead of ending the session.
          ...(mode === 'development' && {
            refreshToken: async () => {
              const fresh = await devLogin(c.uid);
              remember(current, { token: fresh, uid: c.uid });
              current = fresh;
              return fresh;
            },
          }),
        });
        client = c;
        running.current = { client: c, store };
        let shown = false;
        let accepted = false;
        const show = () => {
          if (shown) return;
          shown = true;
          setPhase({ kind: 'ready', client: c, token: () => current });
        };
        const end = (reason: string) => {
          c.close();
          void store.clear().catch(() => {});
          setPhase({ kind: 'failed', reason });
        };
        c.onStatus.add('app', (s) => {
          setStatus(s);
          if (s === 'connected') {
            accepted = true;
            // A production session learns its uid here: the next reload opens its cache.
            if (!uid) remember(current, { token: current, uid: c.uid });
            show();
          }
          if (s === 'tokenExpired' && !accepted) end('The server refused this token. Sign in again.');
          const ending = endings[s];
          if (ending) end(ending);
        });
        if (await c.openCache().catch(() => false)) show();
        await c.start();
      })
      .catch(() => {});
    return () => {
      closed = true;
      client?.close();
    };
  }, [token, mode]);

  const signOut = async () => {
    const now = running.current;
    if (!now) return;
    now.client.close();
    await now.store.clear().catch(() => {});
  };
  return { phase, status, signOut };
}

/** Saves `next` as the session if the stored one is still this tab's (`token`). */
function remember(token: string, next: { token: string; uid: string }): void {
  if (loadSession()?.token === token) saveSession(next);
}

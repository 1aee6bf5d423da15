import { type ConnectionStatus, ParleyClient } from '@parley/client';
import { useEffect, useState } from 'react';
import { devLogin, type ServerMode, serverUrl } from './api';
import { deviceId, loadSession, saveSession } from './session';

/** `token` answers this tab's current token: localStorage is shared with other tabs, which may sign in as someone else. */
export type Phase =
  | { kind: 'connecting' }
  | { kind: 'ready'; client: ParleyClient; token: () => string }
  | { kind: 'failed'; reason: string };

/**
 * One SDK client for the signed-in token. The first connect may fail while the server is away: the
 * SDK keeps retrying, and the app shows the app once it is connected. A refused token ends the session.
 */
export function useConnection(token: string, mode: ServerMode | undefined): { phase: Phase; status: ConnectionStatus } {
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  const [status, setStatus] = useState<ConnectionStatus>('connecting');

  useEffect(() => {
    if (!mode) return;
    setPhase({ kind: 'connecting' });
    let current = token;
    const client: ParleyClient = new ParleyClient({
      url: serverUrl(),
      token,
      deviceId: deviceId(),
      deviceFlag: 3,
      // In development a token is one click away, so an expired one is renewed instead of ending the session.
      ...(mode === 'development' && {
        refreshToken: async () => {
          const fresh = await devLogin(client.uid);
          // Keep the stored session only if it is still this tab's: another tab may have signed in since.
          if (loadSession()?.token === current) saveSession({ token: fresh });
          current = fresh;
          return fresh;
        },
      }),
    });
    let ready = false;
    client.onStatus.add('app', (s) => {
      setStatus(s);
      if (s === 'connected' && !ready) {
        ready = true;
        setPhase({ kind: 'ready', client, token: () => current });
      }
      if (s === 'tokenExpired' && !ready) setPhase({ kind: 'failed', reason: 'The server refused this token. Sign in again.' });
      if (s === 'kicked') setPhase({ kind: 'failed', reason: 'You were signed out: this device was kicked.' });
    });
    void client.start().catch(() => {});
    return () => client.close();
  }, [token, mode]);

  return { phase, status };
}

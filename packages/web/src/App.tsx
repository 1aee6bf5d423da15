import { useEffect, useState } from 'react';
import { ChatApp } from './ChatApp';
import type { ServerMode } from './session/api';
import { Login } from './session/Login';
import { clearSession, loadSession, saveSession } from './session/session';
import { useConnection } from './session/use-connection';
import { OfflineShell } from './shell/OfflineShell';
import { useServerMode } from './shell/use-server-mode';

export function App() {
  const { mode, unreachable } = useServerMode();
  const [token, setToken] = useState(() => loadSession()?.token);
  const [notice, setNotice] = useState<string>();

  if (!mode && unreachable)
    return (
      <p className="center error" role="alert">
        The Parley server cannot be reached. Is it running? Trying again…
      </p>
    );
  if (!mode) return <p className="center muted">Loading…</p>;
  if (!token)
    return (
      <Login
        mode={mode}
        notice={notice}
        onToken={(t, uid) => {
          saveSession(uid ? { token: t, uid } : { token: t });
          setNotice(undefined);
          setToken(t);
        }}
      />
    );
  return (
    <Connected
      token={token}
      mode={mode}
      onSignOut={(why) => {
        clearSession();
        // The open chat was this user's: the next one to sign in starts at the list.
        history.replaceState(null, '', location.pathname);
        setNotice(why);
        setToken(undefined);
      }}
    />
  );
}

function Connected({ token, mode, onSignOut }: { token: string; mode: ServerMode; onSignOut: (why?: string) => void }) {
  const { phase, status, signOut } = useConnection(token, mode);
  useEffect(() => {
    if (phase.kind === 'failed') onSignOut(phase.reason);
  }, [phase, onSignOut]);
  if (phase.kind !== 'ready') return <OfflineShell status={status} />;
  return (
    <ChatApp
      client={phase.client}
      token={phase.token}
      mode={mode}
      status={status}
      onSignOut={() => {
        void signOut();
        onSignOut();
      }}
    />
  );
}

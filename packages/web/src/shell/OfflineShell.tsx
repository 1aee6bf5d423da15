import type { ConnectionStatus } from '@parley/client';
import { useEffect, useState } from 'react';
import { ConnectionIndicator } from '../ui/ConnectionIndicator';

/**
 * The app's frame while the first connection is being made: right away on a normal start, and
 * for as long as it takes when the server is down (the page itself then came from the service
 * worker). The SDK keeps reconnecting; the app replaces this once it is connected.
 */
export function OfflineShell({ status }: { status: ConnectionStatus }) {
  // Once a connect failed, say so, even while the next attempt is "connecting".
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (status === 'disconnected') setFailed(true);
  }, [status]);
  return (
    <div className="app shell">
      <aside className="sidebar">
        <header className="sidebar-header">
          <div className="me">
            <span className="me-text">
              <strong className="me-name">Parley</strong>
              <ConnectionIndicator status={failed && status === 'connecting' ? 'disconnected' : status} />
            </span>
          </div>
        </header>
        <p className="empty muted">Your conversations appear once the server answers.</p>
      </aside>
      <main className="pane">
        <div className="welcome muted">
          {failed ? (
            <>
              <h2>Reconnecting…</h2>
              <p>The Parley server cannot be reached. The app reconnects by itself as soon as it is back.</p>
            </>
          ) : (
            <h2>Connecting…</h2>
          )}
        </div>
      </main>
    </div>
  );
}

import type { ConnectionStatus } from '@parley/client';

const labels: Record<ConnectionStatus, string> = {
  connected: 'Online',
  connecting: 'Connecting…',
  reconnecting: 'Offline, reconnecting…',
  disconnected: 'Offline',
  tokenExpired: 'Session expired',
  banned: 'Banned',
  erased: 'Account erased',
  kicked: 'Signed out',
  replaced: 'Signed in elsewhere',
  closed: 'Closed',
};

export function ConnectionIndicator({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`connection ${status}`} role="status" data-status={status}>
      <span className="dot" aria-hidden="true" />
      {labels[status]}
    </span>
  );
}

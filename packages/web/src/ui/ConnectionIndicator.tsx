import type { ConnectionStatus } from '@parley/client';

const labels: Record<ConnectionStatus, string> = {
  connected: 'Online',
  connecting: 'Connecting…',
  disconnected: 'Offline, reconnecting…',
  tokenExpired: 'Session expired',
  kicked: 'Signed out on this device',
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

import { useState } from 'react';
import { setNotifications, useNotificationsState } from './desktop-notifications';

const titles = {
  on: 'Desktop notifications are on: click to turn them off',
  off: 'Turn on desktop notifications for messages in chats you are not looking at',
  blocked: 'Notifications are blocked for this site in your browser’s settings',
} as const;

/** A bell in the sidebar: turns desktop notifications on (the browser asks once) and off. Its icon is inline SVG. */
export function NotificationsToggle() {
  const state = useNotificationsState();
  const [busy, setBusy] = useState(false);
  if (state === 'unsupported') return null;
  return (
    <button
      type="button"
      className="icon notifications-toggle"
      aria-label="Desktop notifications"
      aria-pressed={state === 'on'}
      title={titles[state]}
      disabled={state === 'blocked' || busy}
      onClick={async () => {
        setBusy(true);
        await setNotifications(state !== 'on');
        setBusy(false);
      }}
    >
      <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        {state !== 'on' && <path d="M3 3l18 18" />}
      </svg>
    </button>
  );
}

import { useSyncExternalStore } from 'react';

/**
 * Whether this browser shows Parley's desktop notifications: the browser's permission (asked for
 * only from a click, as browsers require) and the user's own switch, kept in localStorage so it
 * holds across reloads and for every tab.
 */
export type NotificationsState = 'unsupported' | 'blocked' | 'off' | 'on';

const KEY = 'parley.notifications';
const listeners = new Set<() => void>();
const changed = () => {
  for (const l of listeners) l();
};

export const notificationsSupported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;

export function notificationsState(): NotificationsState {
  if (!notificationsSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  return Notification.permission === 'granted' && localStorage.getItem(KEY) === 'on' ? 'on' : 'off';
}

/** Turns notifications on (asking the browser first if it has not been asked) or off. */
export async function setNotifications(on: boolean): Promise<NotificationsState> {
  if (on && notificationsSupported() && Notification.permission === 'default') await Notification.requestPermission();
  localStorage.setItem(KEY, on ? 'on' : 'off');
  changed();
  return notificationsState();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  // Another tab flipped the switch.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
};

export const useNotificationsState = (): NotificationsState => useSyncExternalStore(subscribe, notificationsState);

import { useSyncExternalStore } from 'react';

/**
 * Registers sw.js (built from packages/web/sw, production builds only: the dev server has none) and
 * tells when a newer build's worker took over this page, so the page can offer a reload: the page
 * itself is still the older build until then.
 */
let updated = false;
const listeners = new Set<() => void>();

export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // The first worker to control a page that had none (a first visit) is no update; any later one is.
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) {
      updated = true;
      for (const l of listeners) l();
    }
    controlled = true;
  });
  // Worth trying again on the next load; the app works without it.
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useAppUpdated = (): boolean => useSyncExternalStore(subscribe, () => updated);

import { useCallback, useSyncExternalStore } from 'react';

/**
 * The console routes by path under /admin (the server answers every /admin/* path with this page), so
 * each screen has a link of its own: /admin/users?prefix=al, /admin/users/alice, /admin/groups/g1,
 * /admin/live, /admin/config. Nothing secret is ever in the URL.
 */
export type Route =
  | { page: 'users'; prefix: string }
  | { page: 'user'; uid: string }
  | { page: 'groups'; prefix: string }
  | { page: 'group'; groupId: string }
  | { page: 'live' }
  | { page: 'config' };

export type Section = 'users' | 'groups' | 'live' | 'config';

export const sectionOf = (route: Route): Section => (route.page === 'user' ? 'users' : route.page === 'group' ? 'groups' : route.page);

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined; // a mangled link (bad % escape) opens the list instead of a blank page
  }
}

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname
    .replace(/^\/admin\/?/, '')
    .split('/')
    .filter(Boolean);
  const prefix = new URLSearchParams(search).get('prefix') ?? '';
  const [section, id] = [parts[0], parts[1] === undefined ? undefined : decode(parts[1])];
  if (section === 'users' && id) return { page: 'user', uid: id };
  if (section === 'groups' && id) return { page: 'group', groupId: id };
  if (section === 'groups') return { page: 'groups', prefix };
  if (section === 'live') return { page: 'live' };
  if (section === 'config') return { page: 'config' };
  return { page: 'users', prefix };
}

export function pathOf(route: Route): string {
  const withPrefix = (base: string, prefix: string) => (prefix ? `${base}?prefix=${encodeURIComponent(prefix)}` : base);
  switch (route.page) {
    case 'users':
      return withPrefix('/admin/users', route.prefix);
    case 'user':
      return `/admin/users/${encodeURIComponent(route.uid)}`;
    case 'groups':
      return withPrefix('/admin/groups', route.prefix);
    case 'group':
      return `/admin/groups/${encodeURIComponent(route.groupId)}`;
    default:
      return `/admin/${route.page}`;
  }
}

const NAVIGATED = 'parley-admin-navigated';

const subscribe = (listener: () => void) => {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATED, listener);
  };
};

const current = (): string => location.pathname + location.search;

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const path = pathOf(route);
  if (path === current()) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** The route of the current URL, following back/forward and `navigate`. */
export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, current);
  const url = new URL(path, location.origin);
  return parseRoute(url.pathname, url.search);
}

/** A click handler for links: an ordinary click navigates in place; a modified one (new tab…) is left to the browser. */
export function useLinkClick(route: Route) {
  return useCallback(
    (e: React.MouseEvent<HTMLAnchorElement>) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(route);
    },
    [route],
  );
}

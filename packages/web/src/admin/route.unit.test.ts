import { describe, expect, it } from 'vitest';
import { parseRoute, pathOf, type Route } from './route';

describe('console routes', () => {
  it('reads every screen from its path, and writes the same path back', () => {
    const routes: Route[] = [
      { page: 'users', prefix: '' },
      { page: 'users', prefix: 'al' },
      { page: 'user', uid: 'alice@example.com' },
      { page: 'groups', prefix: 'g-' },
      { page: 'group', groupId: 'g.1' },
      { page: 'live' },
      { page: 'config' },
    ];
    for (const route of routes) {
      const url = new URL(pathOf(route), 'http://x');
      expect(parseRoute(url.pathname, url.search)).toEqual(route);
    }
    expect(pathOf({ page: 'user', uid: 'a@b' })).toBe('/admin/users/a%40b');
  });

  it('opens the users for /admin, unknown paths and mangled links', () => {
    for (const path of ['/admin', '/admin/', '/admin/nope', '/admin/users/%E0%A4%A']) {
      expect(parseRoute(path, '')).toEqual({ page: 'users', prefix: '' });
    }
    expect(parseRoute('/admin/groups/', '?prefix=x')).toEqual({ page: 'groups', prefix: 'x' });
  });
});

import { EventName } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { describe, expect, it } from 'vitest';

const changes = (client: TestClient, uid: string) =>
  client
    .eventsOf(EventName.PresenceChanged)
    .filter((e) => e.uid === uid)
    .map((e) => (e.online ? 'online' : `offline@${e.lastSeen === null ? 'null' : 'time'}`));

await describeEachBackend('presence', (backend) => {
  describe('with no grace period', () => {
    const server = useServer(backend, { PARLEY_PRESENCE_GRACE_SECONDS: '0', PARLEY_PRESENCE_MAX_SUBSCRIPTIONS: '3' });

    it('answers the current state, then pushes first device in and last device out, with lastSeen', async () => {
      const t = server();
      await t.ensureUsers('pz-a', 'pz-b', 'pz-c');
      const watcher = await t.connect('pz-a', 'w');
      const before = await watcher.request('presence.subscribe', { uids: ['pz-b', 'pz-a', 'pz-nobody'] });
      expect(before.users).toEqual([
        { uid: 'pz-b', online: false, lastSeen: null },
        { uid: 'pz-a', online: true, lastSeen: null },
        { uid: 'pz-nobody', online: false, lastSeen: null },
      ]);
      const phone = await t.connect('pz-b', 'phone');
      await watcher.until(() => changes(watcher, 'pz-b').length === 1);
      const laptop = await t.connect('pz-b', 'laptop');
      await phone.close();
      const left = Date.now();
      await laptop.close();
      await watcher.until(() => changes(watcher, 'pz-b').length === 2);
      // The second device changed nothing: one online, then one offline once both left.
      expect(changes(watcher, 'pz-b')).toEqual(['online', 'offline@time']);
      const offline = watcher.eventsOf(EventName.PresenceChanged).at(-1);
      expect(offline.lastSeen).toBeGreaterThanOrEqual(left - 5);
      // The time is stored: a later subscriber (and the admin API) read it.
      const again = await (await t.connect('pz-c', 'later')).request('presence.subscribe', { uids: ['pz-b'] });
      expect(again.users).toEqual([{ uid: 'pz-b', online: false, lastSeen: offline.lastSeen }]);
      const admin = await t.adminOk('POST', '/users/online', { uids: ['pz-b', 'pz-a'] });
      expect(admin.users).toEqual([
        { uid: 'pz-b', online: false, devices: [], lastSeen: offline.lastSeen, hidden: false },
        {
          uid: 'pz-a',
          online: true,
          devices: [{ deviceFlag: 2, deviceId: 'w', since: expect.any(Number) }],
          lastSeen: null,
          hidden: false,
        },
      ]);
    });

    it('lists every device of a user in the admin read', async () => {
      const t = server();
      await t.ensureUsers('pz-d');
      await t.connect('pz-d', 'one');
      await t.connect('pz-d', 'two');
      const admin = await t.adminOk('POST', '/users/online', { uids: ['pz-d'] });
      expect(admin.users[0].devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual(['one', 'two']);
    });

    it('shows a user who hides their presence as offline with no lastSeen, and the truth to the admin API', async () => {
      const t = server();
      await t.ensureUsers('pz-e', 'pz-f');
      const watcher = await t.connect('pz-e', 'w');
      await t.connect('pz-f', 'f');
      expect((await watcher.request('presence.subscribe', { uids: ['pz-f'] })).users).toEqual([
        { uid: 'pz-f', online: true, lastSeen: null },
      ]);
      expect(await t.adminOk('PUT', '/users/pz-f/presence', { hidden: true })).toEqual({ uid: 'pz-f', hidden: true });
      await watcher.until(() => changes(watcher, 'pz-f').length === 1);
      expect(changes(watcher, 'pz-f')).toEqual(['offline@null']);
      expect((await watcher.request('presence.subscribe', { uids: ['pz-f'] })).users).toEqual([
        { uid: 'pz-f', online: false, lastSeen: null },
      ]);
      expect((await t.adminOk('POST', '/users/online', { uids: ['pz-f'] })).users[0]).toMatchObject({ online: true, hidden: true });
      await t.adminOk('PUT', '/users/pz-f/presence', { hidden: false });
      await watcher.until(() => changes(watcher, 'pz-f').length === 2);
      expect(changes(watcher, 'pz-f')).toEqual(['offline@null', 'online']);
      expect((await t.admin('PUT', '/users/pz-ghost/presence', { hidden: true })).status).toBe(404);
    });

    it('caps what one connection follows, and unsubscribing makes room', async () => {
      const t = server();
      await t.ensureUsers('pz-g');
      const watcher = await t.connect('pz-g', 'w');
      await watcher.request('presence.subscribe', { uids: ['x1', 'x2', 'x3'] });
      await expect(watcher.request('presence.subscribe', { uids: ['x4'] })).rejects.toMatchObject({ code: 'presence.too_many' });
      // Following one already followed again is no new subscription.
      await watcher.request('presence.subscribe', { uids: ['x3'] });
      expect(await watcher.request('presence.unsubscribe', { uids: ['x1', 'x9'] })).toEqual({ subscribed: 2 });
      await watcher.request('presence.subscribe', { uids: ['x4'] });
      await expect(watcher.request('presence.subscribe', { uids: [] })).rejects.toMatchObject({ code: 'request.invalid' });
    });

    it('stops pushing to a follower that unsubscribed', async () => {
      const t = server();
      await t.ensureUsers('pz-h', 'pz-i', 'pz-j');
      const watcher = await t.connect('pz-h', 'w');
      await watcher.request('presence.subscribe', { uids: ['pz-i', 'pz-j'] });
      await watcher.request('presence.unsubscribe', { uids: ['pz-i'] });
      await t.connect('pz-i', 'i');
      await t.connect('pz-j', 'j');
      // pz-j's push comes after pz-i's would have: once it is here, pz-i's would be too.
      await watcher.until(() => changes(watcher, 'pz-j').length === 1);
      expect(changes(watcher, 'pz-i')).toEqual([]);
    });
  });

  describe('with a grace period', () => {
    const server = useServer(backend, { PARLEY_PRESENCE_GRACE_SECONDS: '300' });

    it('does not flap when the last device reconnects within it', async () => {
      const t = server();
      await t.ensureUsers('pg-a', 'pg-b');
      const watcher = await t.connect('pg-a', 'w');
      await watcher.request('presence.subscribe', { uids: ['pg-b'] });
      const first = await t.connect('pg-b', 'phone');
      await watcher.until(() => changes(watcher, 'pg-b').length === 1);
      await first.close();
      await eventually(() => t.server.ctx.presence.isLeaving('pg-b'));
      await t.connect('pg-b', 'phone');
      // The pending switch to offline is cancelled: nothing will ever be pushed for the gap.
      await eventually(() => !t.server.ctx.presence.isLeaving('pg-b'));
      expect(changes(watcher, 'pg-b')).toEqual(['online']);
      expect((await t.adminOk('POST', '/users/online', { uids: ['pg-b'] })).users[0].online).toBe(true);
    });
  });
});

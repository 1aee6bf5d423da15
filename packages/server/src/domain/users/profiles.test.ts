import { EventName } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

await describeEachBackend('profiles', (backend) => {
  describe('visible to those who share a chat or a group (the default)', () => {
    const server = useServer(backend);

    it('shows yourself, a 1:1 peer and a group mate, and nobody else', async () => {
      const t = server();
      for (const [uid, name] of [
        ['pf-a', 'Ada'],
        ['pf-b', 'Ben'],
        ['pf-c', 'Cat'],
        ['pf-d', 'Dan'],
      ])
        await t.adminOk('POST', '/users', { uid, name, avatar: `https://img/${uid}` });
      await t.adminOk('POST', '/groups', { groupId: 'pf-g', channelType: 2, ownerUid: 'pf-a', members: ['pf-c'] });
      const a = await t.connect('pf-a', 'a');
      expect(
        (await a.request('message.send', { channelId: 'pf-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('hi') }))
          .reasonCode,
      ).toBe(1);
      const token = await t.token('pf-b');
      // The peer sees the sender through the 1:1 chat, from the other side.
      expect((await t.http('GET', '/v1/users/pf-a', { token })).body).toEqual({ uid: 'pf-a', name: 'Ada', avatar: 'https://img/pf-a' });
      // pf-b shares nothing with pf-c or pf-d: the same 404 as for a uid that does not exist.
      for (const uid of ['pf-c', 'pf-nobody']) {
        const res = await t.http('GET', `/v1/users/${uid}`, { token });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('user.not_found');
      }
      const seen = await a.request('user.profiles', { uids: ['pf-d', 'pf-c', 'pf-b', 'pf-a'] });
      expect(seen.users.map((u: { uid: string }) => u.uid)).toEqual(['pf-c', 'pf-b', 'pf-a']);
      const batch = await t.http('POST', '/v1/users/batch', { token, body: { uids: ['pf-a', 'pf-c', 'pf-b'] } });
      expect(batch.body.users.map((u: { name: string }) => u.name)).toEqual(['Ada', 'Ben']);
      expect((await t.http('POST', '/v1/users/batch', { token, body: { uids: [] } })).status).toBe(400);
    });

    it('pushes user.updated to the connections following the user when their name or avatar changes', async () => {
      const t = server();
      await t.ensureUsers('pf-e', 'pf-f');
      const follower = await t.connect('pf-f', 'f');
      await follower.request('presence.subscribe', { uids: ['pf-e'] });
      await t.adminOk('PATCH', '/users/pf-e', { ext: 'not shown' });
      await t.adminOk('PATCH', '/users/pf-e', { name: 'Eve', avatar: 'https://img/eve' });
      await follower.until(() => follower.eventsOf(EventName.UserUpdated).length === 1);
      expect(follower.eventsOf(EventName.UserUpdated)).toEqual([{ uid: 'pf-e', name: 'Eve', avatar: 'https://img/eve' }]);
    });
  });

  describe('visible to anyone (PARLEY_PROFILES_VISIBLE=all)', () => {
    const server = useServer(backend, { PARLEY_PROFILES_VISIBLE: 'all' });

    it('shows any user that exists', async () => {
      const t = server();
      await t.adminOk('POST', '/users', { uid: 'pf-x', name: 'Xia' });
      await t.ensureUsers('pf-y');
      const res = await t.http('GET', '/v1/users/pf-x', { token: await t.token('pf-y') });
      expect(res.body).toEqual({ uid: 'pf-x', name: 'Xia', avatar: '' });
    });
  });
});

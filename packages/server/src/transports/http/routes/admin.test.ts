import { describeEachBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

await describeEachBackend('admin API', (backend) => {
  const server = useServer(backend);

  it('registers, updates and reads users; refuses the reserved system uid and unknown users', async () => {
    const t = server();
    const created = await t.admin('POST', '/users', { uid: 'ad-alice', name: 'Alice', avatar: 'https://x/a.png' });
    expect(created).toMatchObject({ status: 200, body: { uid: 'ad-alice', name: 'Alice', avatar: 'https://x/a.png', ext: '' } });
    expect((await t.admin('PATCH', '/users/ad-alice', { ext: '{"vip":true}' })).body).toMatchObject({ name: 'Alice', ext: '{"vip":true}' });
    expect((await t.admin('GET', '/users/ad-alice')).body.ext).toBe('{"vip":true}');
    expect((await t.admin('GET', '/users/AD-ALICE')).body.code).toBe('user.not_found');
    expect((await t.admin('PATCH', '/users/ghost', { name: 'x' })).status).toBe(404);
    expect((await t.admin('POST', '/users', { uid: '__system__' })).body.code).toBe('user.reserved_id');
    expect((await t.admin('POST', '/users/ghost/token', {})).body.code).toBe('user.not_found');
  });

  it('issues tokens that the WebSocket and REST accept, with the requested lifetime', async () => {
    const t = server();
    const res = await t.adminOk('POST', '/users/ad-alice/token', { expiresInSeconds: 120 });
    expect(res.uid).toBe('ad-alice');
    expect(res.expiresAt - Date.now()).toBeGreaterThan(100_000);
    expect(res.expiresAt - Date.now()).toBeLessThanOrEqual(120_000);
    const client = await t.connect('ad-alice');
    expect(await client.request('ping')).toHaveProperty('pong');
  });

  it('manages a group’s whole lifecycle', async () => {
    const t = server();
    await t.createUsers('ad-o', 'ad-m1', 'ad-m2', 'ad-m3');
    const group = await t.adminOk('POST', '/groups', {
      groupId: 'ad-g',
      channelType: 2,
      name: 'Crew',
      ownerUid: 'ad-o',
      members: ['ad-m1', 'ad-o'],
    });
    expect(group).toMatchObject({ groupId: 'ad-g', channelType: 2, name: 'Crew', ownerUid: 'ad-o', memberCount: 2, dismissed: false });
    expect((await t.admin('POST', '/groups', { groupId: 'ad-g', channelType: 3, ownerUid: 'ad-o' })).body.code).toBe(
      'group.already_exists',
    );
    const missing = await t.admin('POST', '/groups', { groupId: 'ad-g9', channelType: 2, ownerUid: 'ad-o', members: ['nobody1', 'ad-m1'] });
    expect(missing).toMatchObject({ status: 404, body: { code: 'user.not_found', details: { missing: ['nobody1'] } } });
    expect((await t.admin('GET', '/groups/ad-g9')).body.code).toBe('group.not_found');

    expect((await t.adminOk('POST', '/groups/ad-g/members', { uids: ['ad-m2', 'ad-m3', 'ad-m1'] })).added).toEqual(['ad-m2', 'ad-m3']);
    expect((await t.adminOk('POST', '/groups/ad-g/members/remove', { uids: ['ad-m3'] })).group.memberCount).toBe(3);
    expect((await t.admin('POST', '/groups/ad-g/members/remove', { uids: ['ad-o'] })).body.code).toBe('group.owner_cannot_leave');

    const admins = await t.adminOk('PUT', '/groups/ad-g/admins', { uids: ['ad-m1'], isAdmin: true });
    expect(admins.members.find((m: { uid: string }) => m.uid === 'ad-m1').role).toBe(1);
    expect((await t.admin('PUT', '/groups/ad-g/admins', { uids: ['ad-m3'], isAdmin: true })).body.code).toBe('group.not_member');
    expect((await t.adminOk('PUT', '/groups/ad-g/owner', { uid: 'ad-m2' })).ownerUid).toBe('ad-m2');
    const members = (await t.adminOk('GET', '/groups/ad-g/members')).members;
    expect(Object.fromEntries(members.map((m: { uid: string; role: number }) => [m.uid, m.role]))).toEqual({
      'ad-o': 1,
      'ad-m1': 1,
      'ad-m2': 2,
    });

    const muted = await t.adminOk('PUT', '/groups/ad-g/members/ad-m1/mute', { muted: true, durationSeconds: 60 });
    expect(muted.mutedUntil).toBeGreaterThan(Date.now());
    expect((await t.adminOk('PUT', '/groups/ad-g/members/ad-m1/mute', { muted: true })).mutedUntil).toBe(-1);
    expect((await t.adminOk('PUT', '/groups/ad-g/mute', { muteAll: true })).muteAll).toBe(true);
    expect((await t.adminOk('PUT', '/groups/ad-g/whitelist', { uids: ['ad-m1', 'ad-m1'] })).uids).toEqual(['ad-m1']);
    expect((await t.adminOk('GET', '/groups/ad-g/whitelist')).uids).toEqual(['ad-m1']);
    expect(await t.adminOk('PATCH', '/groups/ad-g', { name: 'Crew 2', allowHistory: true })).toMatchObject({
      name: 'Crew 2',
      allowHistory: true,
    });

    expect((await t.adminOk('DELETE', '/groups/ad-g')).dismissed).toBe(true);
    expect((await t.admin('DELETE', '/groups/ad-g')).body.code).toBe('group.dismissed');
    expect((await t.admin('POST', '/groups/ad-g/members', { uids: ['ad-m3'] })).body.code).toBe('group.dismissed');
    expect((await t.adminOk('GET', '/groups/ad-g')).dismissed).toBe(true);
  });

  it('keeps a user’s blacklist', async () => {
    const t = server();
    expect((await t.adminOk('POST', '/users/ad-alice/blacklist', { uids: ['ad-m1', 'ad-m2'] })).uids).toEqual(['ad-m1', 'ad-m2']);
    expect((await t.adminOk('POST', '/users/ad-alice/blacklist/remove', { uids: ['ad-m1'] })).uids).toEqual(['ad-m2']);
    expect((await t.adminOk('GET', '/users/ad-alice/blacklist')).uids).toEqual(['ad-m2']);
    expect((await t.admin('GET', '/users/ghost/blacklist')).body.code).toBe('user.not_found');
  });

  it('sends as a user (who must exist) and as the system', async () => {
    const t = server();
    const bob = await t.connect('ad-m1', 'admin-send');
    const ack = await t.adminOk('POST', '/messages', {
      fromUid: 'ad-alice',
      channelId: 'ad-m1',
      channelType: 1,
      payload: { type: 1, content: 'from the app server' },
    });
    expect(ack.reasonCode).toBe(1);
    expect((await bob.waitForEvent('message.new', (m) => m.messageId === ack.messageId)).data.channelId).toBe('ad-alice');
    expect(
      (await t.admin('POST', '/messages', { fromUid: 'ghost', channelId: 'ad-m1', channelType: 1, payload: { type: 1, content: 'x' } }))
        .body.code,
    ).toBe('user.not_found');
    const refused = await t.admin('POST', '/messages', { channelId: 'ad-m1', channelType: 1, payload: { type: 1, content: 'x' } });
    expect(refused.body.details.reason).toBe('ReasonNotSupportChannelType');
  });
});

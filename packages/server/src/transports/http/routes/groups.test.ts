import { describeEachBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

interface Member {
  uid: string;
  role: number;
}

// Production mode: members read their groups in every mode.
await describeEachBackend('groups read by their members', (backend) => {
  const server = useServer(backend, { PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'r'.repeat(40) });

  it('shows a member the group and its members; a non-member gets conversation.forbidden, an unknown group 404', async () => {
    const t = server();
    await t.createUsers('gr-o', 'gr-m', 'gr-x');
    const created = await t.adminOk('POST', '/groups', {
      groupId: 'gr-g',
      channelType: 2,
      name: 'Readers',
      ownerUid: 'gr-o',
      members: ['gr-m'],
    });
    await t.adminOk('PUT', '/groups/gr-g/admins', { uids: ['gr-m'], isAdmin: true });
    const member = await t.token('gr-m');
    expect(await t.http('GET', '/v1/groups/gr-g', { token: member })).toEqual({ status: 200, body: created });
    const members = await t.http('GET', '/v1/groups/gr-g/members', { token: member });
    expect(members.status).toBe(200);
    expect(members.body.members.map((m: Member) => [m.uid, m.role]).sort()).toEqual([
      ['gr-m', 1],
      ['gr-o', 2],
    ]);
    expect(Object.keys(members.body.members[0]).sort()).toEqual(['joinedAt', 'mutedUntil', 'role', 'uid']);

    const outsider = await t.token('gr-x');
    for (const path of ['/v1/groups/gr-g', '/v1/groups/gr-g/members']) {
      expect(await t.http('GET', path, { token: outsider })).toMatchObject({ status: 403, body: { code: 'conversation.forbidden' } });
      const unknown = await t.http('GET', path.replace('gr-g', 'gr-none'), { token: member });
      expect(unknown).toMatchObject({ status: 404, body: { code: 'group.not_found' } });
    }
  });

  it('keeps a dismissed group readable by its members, and drops removed ones', async () => {
    const t = server();
    const member = await t.token('gr-m');
    await t.adminOk('POST', '/groups/gr-g/members', { uids: ['gr-x'] });
    await t.adminOk('POST', '/groups/gr-g/members/remove', { uids: ['gr-x'] });
    expect((await t.http('GET', '/v1/groups/gr-g', { token: await t.token('gr-x') })).body.code).toBe('conversation.forbidden');
    await t.adminOk('DELETE', '/groups/gr-g');
    expect((await t.http('GET', '/v1/groups/gr-g', { token: member })).body).toMatchObject({ dismissed: true, memberCount: 2 });
  });

  it('are documented under groups, with the cap', async () => {
    const spec = (await server().http('GET', '/docs/json')).body;
    expect(spec.paths['/v1/groups/{groupId}'].get.tags).toEqual(['groups']);
    expect(spec.paths['/v1/groups/{groupId}/members'].get.summary).toContain('at most 1000');
  });

  it('returns at most 1000 members of a larger super group, the first to join, in joining order', async () => {
    const t = server();
    const uids = Array.from({ length: 1002 }, (_, i) => `gr-s${String(i).padStart(4, '0')}`);
    await t.adminOk('POST', '/users/batch', { users: uids.slice(0, 1000).map((uid) => ({ uid })) });
    await t.adminOk('POST', '/users/batch', { users: uids.slice(1000).map((uid) => ({ uid })) });
    await t.adminOk('POST', '/groups', { groupId: 'gr-big', channelType: 3, ownerUid: uids[0], members: uids.slice(1, 1001) });
    await t.adminOk('POST', '/groups/gr-big/members', { uids: [uids[1001]] });
    const token = await t.token(uids[1001] as string);
    expect((await t.http('GET', '/v1/groups/gr-big', { token })).body).toMatchObject({ channelType: 3, memberCount: 1002 });
    const { members } = (await t.http('GET', '/v1/groups/gr-big/members', { token })).body as { members: Member[] };
    // The creation's members joined in one instant, so uid breaks the tie; the later joiner comes last.
    expect(members.map((m) => m.uid)).toEqual(uids.slice(0, 1000));
  });
});

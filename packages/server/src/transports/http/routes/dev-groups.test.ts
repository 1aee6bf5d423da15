import { describeEachBackend, sqliteBackend } from '@parley/test-kit/backends';
import { type TestServer, useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

const notice = (text: string) => ({ type: 1000, kind: 'parley.notice', text });

const devLogin = async (t: TestServer, uid: string): Promise<string> => {
  const res = await t.http('POST', '/v1/dev/login', { body: { uid } });
  if (res.status !== 200) throw new Error(`dev login ${uid} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
};

/** A member's view of the group's conversation, as their conversation list shows it. */
const conversationOf = async (t: TestServer, uid: string, groupId: string) => {
  const list = await t.http('GET', '/v1/conversations', { token: await devLogin(t, uid) });
  return list.body.conversations.find((c: { conversationId: string }) => c.conversationId === `team|${groupId}`);
};

await describeEachBackend('development group actions', (backend) => {
  const server = useServer(backend);

  it('creates a group owned by the caller, creating unknown members, and announces it to every member at once', async () => {
    const t = server();
    const alice = await devLogin(t, 'dg-alice');
    await devLogin(t, 'dg-bob');
    const bob = await t.connect('dg-bob');
    const res = await t.http('POST', '/v1/dev/groups', {
      token: alice,
      body: { groupId: 'dg-crew', name: 'Crew', members: ['dg-bob', 'dg-carol', 'dg-bob', 'dg-alice'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      groupId: 'dg-crew',
      channelType: 2,
      name: 'Crew',
      ownerUid: 'dg-alice',
      allowHistory: false,
      banned: false,
      muteAll: false,
      dismissed: false,
      memberCount: 3,
      createdAt: expect.any(Number),
    });
    expect(await t.storage.users.get('dg-carol')).toMatchObject({ uid: 'dg-carol' });
    const roles = (await t.adminOk('GET', '/groups/dg-crew/members')).members.map((m: { uid: string; role: number }) => [m.uid, m.role]);
    expect(roles.sort()).toEqual([
      ['dg-alice', 2],
      ['dg-bob', 0],
      ['dg-carol', 0],
    ]);

    const pushed = await bob.waitForEvent('message.new', (m) => m.channelId === 'dg-crew');
    expect(pushed.data).toMatchObject({
      fromUid: 'dg-alice',
      channelType: 2,
      messageSeq: 1,
      contentType: 1000,
      payload: notice('dg-alice created the group "Crew"'),
      header: { redDot: false },
    });
    await bob.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'team|dg-crew');
    for (const uid of ['dg-alice', 'dg-bob', 'dg-carol']) {
      const conversation = await conversationOf(t, uid, 'dg-crew');
      expect(conversation).toMatchObject({
        unreadCount: 0,
        lastMsg: { messageSeq: 1, payload: notice('dg-alice created the group "Crew"') },
      });
    }
  });

  it('generates a short, URL-safe, unique id when none is given, and names the group by it', async () => {
    const t = server();
    const alice = await devLogin(t, 'dg-alice');
    const first = await t.http('POST', '/v1/dev/groups', { token: alice, body: { members: ['dg-bob'] } });
    const second = await t.http('POST', '/v1/dev/groups', { token: alice, body: { name: '', members: ['dg-bob'] } });
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.body.groupId).toMatch(/^g-[0-9a-z]{10}$/);
      expect(res.body).toMatchObject({ name: '', memberCount: 2, ownerUid: 'dg-alice' });
      const last = (await conversationOf(t, 'dg-bob', res.body.groupId)).lastMsg;
      expect(last.payload).toEqual(notice(`dg-alice created the group "${res.body.groupId}"`));
    }
    expect(first.body.groupId).not.toBe(second.body.groupId);
  });

  it('refuses a taken id, the reserved system uid and member lists out of bounds, creating no one', async () => {
    const t = server();
    const alice = await devLogin(t, 'dg-alice');
    const before = await t.rowCounts();
    const taken = await t.http('POST', '/v1/dev/groups', { token: alice, body: { groupId: 'dg-crew', members: ['dg-never-1'] } });
    expect([taken.status, taken.body.code]).toEqual([409, 'group.already_exists']);
    const reserved = await t.http('POST', '/v1/dev/groups', { token: alice, body: { members: ['__system__', 'dg-never-2'] } });
    expect([reserved.status, reserved.body.code]).toEqual([400, 'user.reserved_id']);
    const tooMany = Array.from({ length: 101 }, (_, i) => `dg-many-${i}`);
    expect((await t.http('POST', '/v1/dev/groups', { token: alice, body: { members: tooMany } })).body.code).toBe('request.invalid');
    expect((await t.http('POST', '/v1/dev/groups', { token: alice, body: { members: [] } })).body.code).toBe('request.invalid');
    expect(await t.rowCounts()).toEqual(before);
  });

  it('adds people to a group the caller is in, announcing only those actually added', async () => {
    const t = server();
    const bob = await devLogin(t, 'dg-bob');
    const res = await t.http('POST', '/v1/dev/groups/dg-crew/members', { token: bob, body: { uids: ['dg-dave', 'dg-carol', 'dg-erin'] } });
    expect(res.status).toBe(200);
    expect(res.body.added.sort()).toEqual(['dg-dave', 'dg-erin']);
    expect(res.body.group).toMatchObject({ groupId: 'dg-crew', memberCount: 5, ownerUid: 'dg-alice' });
    const text = `dg-bob added ${res.body.added.join(', ')}`;
    // The newcomers see the notice: it was sent after they joined.
    const dave = await conversationOf(t, 'dg-dave', 'dg-crew');
    expect(dave).toMatchObject({ unreadCount: 0, lastMsg: { fromUid: 'dg-bob', messageSeq: 2, payload: notice(text) } });
    const history = await t.http('GET', '/v1/conversations/team%7Cdg-crew/messages', { token: await devLogin(t, 'dg-dave') });
    expect(history.body.messages.map((m: { payload: unknown }) => m.payload)).toEqual([notice(text)]);

    const again = await t.http('POST', '/v1/dev/groups/dg-crew/members', { token: bob, body: { uids: ['dg-dave'] } });
    expect(again.body).toMatchObject({ added: [], group: { memberCount: 5 } });
    expect((await conversationOf(t, 'dg-alice', 'dg-crew')).lastMsg.messageSeq).toBe(2);
  });

  it('lets a member leave: the notice reaches the others first, then the group is no longer theirs', async () => {
    const t = server();
    const alice = await devLogin(t, 'dg-alice');
    const bob = await devLogin(t, 'dg-bob');
    expect(
      (await t.http('POST', '/v1/dev/groups', { token: alice, body: { groupId: 'dg-leave', members: ['dg-bob', 'dg-carol'] } })).status,
    ).toBe(200);
    await devLogin(t, 'dg-carol');
    const carol = await t.connect('dg-carol');

    const res = await t.http('POST', '/v1/dev/groups/dg-leave/leave', { token: bob });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ groupId: 'dg-leave', memberCount: 2, ownerUid: 'dg-alice' });
    const pushed = await carol.waitForEvent('message.new', (m) => m.channelId === 'dg-leave' && m.fromUid === 'dg-bob');
    expect(pushed.data).toMatchObject({ payload: notice('dg-bob left the group'), header: { redDot: false } });
    const uids = (await t.adminOk('GET', '/groups/dg-leave/members')).members.map((m: { uid: string }) => m.uid);
    expect(uids.sort()).toEqual(['dg-alice', 'dg-carol']);
    expect((await t.http('GET', '/v1/groups/dg-leave', { token: bob })).body.code).toBe('conversation.forbidden');
    const again = await t.http('POST', '/v1/dev/groups/dg-leave/leave', { token: bob });
    expect([again.status, again.body.code]).toEqual([403, 'conversation.forbidden']);
  });

  it('refuses the owner leaving, and non-members and unknown groups; a dismissed group is left without a notice', async () => {
    const t = server();
    const alice = await devLogin(t, 'dg-alice');
    const carol = await devLogin(t, 'dg-carol');
    const owner = await t.http('POST', '/v1/dev/groups/dg-leave/leave', { token: alice });
    expect([owner.status, owner.body.code]).toEqual([409, 'group.owner_cannot_leave']);
    const outsider = await t.http('POST', '/v1/dev/groups/dg-crew/leave', { token: await devLogin(t, 'dg-outsider') });
    expect([outsider.status, outsider.body.code]).toEqual([403, 'conversation.forbidden']);
    const unknown = await t.http('POST', '/v1/dev/groups/dg-nowhere/leave', { token: carol });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'group.not_found']);

    await t.adminOk('DELETE', '/groups/dg-leave');
    const before = (await conversationOf(t, 'dg-carol', 'dg-leave')).lastMsg.messageSeq;
    expect((await t.http('POST', '/v1/dev/groups/dg-leave/leave', { token: carol })).body).toMatchObject({
      memberCount: 1,
      dismissed: true,
    });
    const history = await t.http('GET', '/v1/conversations/team%7Cdg-leave/messages', { token: alice });
    expect(history.body.messages.at(-1).messageSeq).toBe(before);
  });

  it('refuses non-members, unknown and dismissed groups, creating no one', async () => {
    const t = server();
    const outsider = await devLogin(t, 'dg-outsider');
    const gone = await t.http('POST', '/v1/dev/groups', { token: outsider, body: { groupId: 'dg-gone', members: ['dg-bob'] } });
    expect(gone.status).toBe(200);
    await t.adminOk('DELETE', '/groups/dg-gone');
    const before = await t.rowCounts();
    const dismissed = await t.http('POST', '/v1/dev/groups/dg-gone/members', { token: outsider, body: { uids: ['dg-never-5'] } });
    expect(dismissed).toMatchObject({ status: 409, body: { code: 'group.dismissed' } });
    const forbidden = await t.http('POST', '/v1/dev/groups/dg-crew/members', { token: outsider, body: { uids: ['dg-never-3'] } });
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'conversation.forbidden' } });
    const unknown = await t.http('POST', '/v1/dev/groups/dg-nowhere/members', { token: outsider, body: { uids: ['dg-never-4'] } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'group.not_found' } });
    expect(await t.rowCounts()).toEqual(before);
  });
});

describe('development group actions in the OpenAPI document', () => {
  const server = useServer(sqliteBackend);

  it('are tagged development, with the shared protocol schemas', async () => {
    const spec = (await server().http('GET', '/docs/json')).body;
    const create = spec.paths['/v1/dev/groups'].post;
    const add = spec.paths['/v1/dev/groups/{groupId}/members'].post;
    const leave = spec.paths['/v1/dev/groups/{groupId}/leave'].post;
    expect([create.tags, add.tags, leave.tags, spec.paths['/v1/dev/login'].post.tags]).toEqual([
      ['development'],
      ['development'],
      ['development'],
      ['development'],
    ]);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['members']);
    expect(Object.keys(add.responses['200'].content['application/json'].schema.properties)).toEqual(['added', 'group']);
  });
});

describe('development group actions outside development mode', () => {
  const server = useServer(sqliteBackend, { PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'p'.repeat(40) });

  it('are refused with dev.disabled before anything is read; dev login keeps its own code', async () => {
    const t = server();
    await t.createUsers('dp-alice');
    const token = await t.token('dp-alice');
    for (const [path, body] of [
      ['/v1/dev/groups', { members: ['dp-bob'] }],
      ['/v1/dev/groups/dp-g/members', { uids: ['dp-bob'] }],
      ['/v1/dev/groups/dp-g/leave', undefined],
    ] as const) {
      for (const options of [{ token, body }, { body }, { token, raw: '{"broken' }]) {
        const res = await t.http('POST', path, options);
        expect([path, res.status, res.body.code]).toEqual([path, 403, 'dev.disabled']);
      }
    }
    const login = await t.http('POST', '/v1/dev/login', { body: { uid: 'dp-alice' } });
    expect([login.status, login.body.code]).toEqual([403, 'auth.dev_login_disabled']);
    expect(await t.storage.users.get('dp-bob')).toBeUndefined();
  });
});

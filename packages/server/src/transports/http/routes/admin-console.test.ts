import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

const SECRET = 'a-console-test-secret-that-nobody-may-read-0123456789';
const DB_PASSWORD = 'db-pass-nobody-may-read';

await describeEachBackend('admin API: the console’s reads', (backend) => {
  // The storage is the test's own (the URL is never dialled): only what the config endpoint shows of it matters.
  const server = useServer(backend, {
    PARLEY_MODE: 'production',
    PARLEY_APP_SECRET: SECRET,
    DATABASE_URL: `postgres://parley:${DB_PASSWORD}@db.internal:5432/parley?sslmode=require`,
    PARLEY_NODE_ID: '7',
  });

  it('finds users by uid prefix, case-sensitively, in keyset pages', async () => {
    const t = server();
    const uids = ['fu-b', 'fu-a', 'fu-B', 'fu-a1', 'fu-c', 'fu-ab', 'fv-a'];
    await t.adminOk('POST', '/users/batch', { users: uids.map((uid) => ({ uid, name: uid.toUpperCase() })) });
    const first = await t.adminOk('GET', '/users?prefix=fu-&limit=2');
    expect(first.users.map((u: { uid: string }) => u.uid)).toEqual(['fu-B', 'fu-a']);
    expect(first.users[0]).toMatchObject({ uid: 'fu-B', name: 'FU-B', avatar: '', ext: '' });
    expect(first.cursor).toBe('fu-a');
    const second = await t.adminOk('GET', `/users?prefix=fu-&limit=2&cursor=${first.cursor}`);
    expect(second).toMatchObject({ cursor: 'fu-ab' });
    expect(second.users.map((u: { uid: string }) => u.uid)).toEqual(['fu-a1', 'fu-ab']);
    const last = await t.adminOk('GET', `/users?prefix=fu-&limit=2&cursor=${second.cursor}`);
    expect(last).toMatchObject({ users: [{ uid: 'fu-b' }, { uid: 'fu-c' }], cursor: null });
    expect((await t.adminOk('GET', '/users?prefix=fu-a')).users.map((u: { uid: string }) => u.uid)).toEqual(['fu-a', 'fu-a1', 'fu-ab']);
    expect(await t.adminOk('GET', '/users?prefix=FU-')).toEqual({ users: [], cursor: null });
    // No prefix: everyone, 50 to a page by default.
    const all = await t.adminOk('GET', '/users');
    expect(all.users.map((u: { uid: string }) => u.uid)).toEqual(expect.arrayContaining(uids));
  });

  it('refuses a prefix, cursor or limit outside the rules, and changes nothing', async () => {
    const t = server();
    for (const query of [
      'prefix=a%20b',
      `prefix=${'a'.repeat(65)}`,
      'cursor=',
      'cursor=a%7Cb',
      'limit=0',
      'limit=101',
      'limit=x',
      'other=1',
    ]) {
      for (const path of ['/users', '/groups']) {
        const res = await t.admin('GET', `${path}?${query}`);
        expect([path, query, res.status, res.body.code]).toEqual([path, query, 400, 'request.invalid']);
      }
    }
    expect((await t.admin('GET', '/users/fu-a/groups?limit=1001')).body.code).toBe('request.invalid');
  });

  it("lists a user's groups with role and mute, and refuses an unknown user", async () => {
    const t = server();
    await t.createUsers('ug-o', 'ug-m');
    await t.adminOk('POST', '/groups', { groupId: 'ug-1', channelType: 2, name: 'One', ownerUid: 'ug-o', members: ['ug-m'] });
    await t.adminOk('POST', '/groups', { groupId: 'ug-2', channelType: 3, name: 'Two', ownerUid: 'ug-m', members: ['ug-o'] });
    await t.adminOk('PUT', '/groups/ug-1/members/ug-m/mute', { muted: true });
    expect(await t.adminOk('GET', '/users/ug-m/groups')).toEqual({
      groups: [
        { groupId: 'ug-1', channelType: 2, name: 'One', role: 0, mutedUntil: -1 },
        { groupId: 'ug-2', channelType: 3, name: 'Two', role: 2, mutedUntil: 0 },
      ],
      hasMore: false,
    });
    expect(await t.adminOk('GET', '/users/ug-m/groups?limit=1')).toMatchObject({ groups: [{ groupId: 'ug-1' }], hasMore: true });
    expect(await t.admin('GET', '/users/ug-nobody/groups')).toMatchObject({ status: 404, body: { code: 'user.not_found' } });
  });

  it('finds groups and super groups by id prefix, in keyset pages', async () => {
    const t = server();
    await t.ensureUsers('fg-o', 'fg-p');
    for (const [groupId, channelType] of [
      ['fg-b', 2],
      ['fg-a', 3],
      ['fg-c', 2],
    ] as const)
      await t.adminOk('POST', '/groups', { groupId, channelType, ownerUid: 'fg-o', name: groupId });
    // A 1:1 channel between fg-o and fg-p exists now, and is no group.
    await t.adminOk('POST', '/messages', { fromUid: 'fg-o', channelId: 'fg-p', channelType: 1, payload: text('hi') });
    const first = await t.adminOk('GET', '/groups?prefix=fg&limit=2');
    expect(first.groups.map((g: { groupId: string }) => g.groupId)).toEqual(['fg-a', 'fg-b']);
    expect(first.groups[0]).toMatchObject({ groupId: 'fg-a', channelType: 3, name: 'fg-a', ownerUid: 'fg-o', memberCount: 1 });
    const next = await t.adminOk('GET', `/groups?prefix=fg&limit=2&cursor=${first.cursor}`);
    expect(next).toMatchObject({ groups: [{ groupId: 'fg-c', channelType: 2 }], cursor: null });
    const all = await t.adminOk('GET', '/groups?limit=100');
    expect(all.groups.some((g: { groupId: string }) => g.groupId.includes('|'))).toBe(false);
  });

  it('reports the live figures /metrics has: online users, connections and sends', async () => {
    const t = server();
    await t.ensureUsers('ls-a', 'ls-b');
    const before = await t.adminOk('GET', '/stats');
    expect(before).toMatchObject({ nodeId: 7, onlineUsers: 0, connections: 0, bus: { connected: true } });
    expect(before.at).toBeGreaterThan(0);
    expect(before.residentMemoryBytes).toBeGreaterThan(0);
    const a1 = await t.connect('ls-a', 'd1');
    const a2 = await t.connect('ls-a', 'd2');
    const b = await t.connect('ls-b', 'd1');
    const during = await t.adminOk('GET', '/stats');
    expect([during.onlineUsers, during.connections]).toEqual([2, 3]);
    for (let i = 0; i < 5; i++) {
      const ack = await a1.request('message.send', {
        channelId: 'ls-b',
        channelType: 1,
        clientMsgNo: clientMsgNo(),
        payload: text(`m${i}`),
      });
      expect(ack.reasonCode).toBe(1);
    }
    const refused = await a1.request('message.send', {
      channelId: 'ls-nobody',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: text('x'),
    });
    expect(refused.reasonCode).not.toBe(1);
    const after = await t.adminOk('GET', '/stats');
    expect(after.sends.accepted - before.sends.accepted).toBe(5);
    expect(after.sends.refused - before.sends.refused).toBe(1);
    expect(after.sends.byReason[String(refused.reasonCode)]).toBeGreaterThanOrEqual(1);
    expect(after.at).toBeGreaterThanOrEqual(during.at);
    // The same numbers as the Prometheus text.
    const metrics = (await t.http('GET', '/metrics')).body as string;
    const value = (line: RegExp) => Number(line.exec(metrics)?.[1]);
    expect(value(/^parley_sends_total\{reason="1"\} (\d+)$/m)).toBe(after.sends.accepted);
    expect(value(/^parley_online_users (\d+)$/m)).toBe(2);
    expect(value(/^parley_ws_connections (\d+)$/m)).toBe(3);
    await a2.close();
    await b.close();
    await eventually(async () => (await t.adminOk('GET', '/stats')).connections === 1);
    expect((await t.adminOk('GET', '/stats')).onlineUsers).toBe(1);
    await a1.close();
  });

  it('shows the active configuration with every secret masked and never the raw values', async () => {
    const t = server();
    const res = await t.http('GET', '/v1/admin/config', { token: SECRET });
    expect(res.status).toBe(200);
    const entries = Object.fromEntries(res.body.entries.map((e: { key: string; value: unknown; masked: boolean }) => [e.key, e]));
    expect(entries.appSecret).toEqual({ key: 'appSecret', value: '********', masked: true });
    expect(entries.databaseUrl).toEqual({
      key: 'databaseUrl',
      value: 'postgres://parley:********@db.internal:5432/parley?sslmode=require',
      masked: true,
    });
    expect(entries.mode).toEqual({ key: 'mode', value: 'production', masked: false });
    expect(entries.nodeId).toEqual({ key: 'nodeId', value: 7, masked: false });
    expect(entries.busUrl).toEqual({ key: 'busUrl', value: null, masked: false });
    expect(entries.tokenTtlSeconds).toMatchObject({ value: 604800, masked: false });
    expect(entries['limits.textMaxChars']).toEqual({ key: 'limits.textMaxChars', value: 5000, masked: false });
    expect(entries.allowedOrigins).toEqual({ key: 'allowedOrigins', value: [], masked: false });
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(DB_PASSWORD);
    // Every field of the configuration is there, nested ones (limits, retention…) flattened.
    const fields = Object.entries(t.config).flatMap(([k, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((inner) => `${k}.${inner}`) : [k],
    );
    expect(Object.keys(entries).sort()).toEqual(fields.sort());
  });
});

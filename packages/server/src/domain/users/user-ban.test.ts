import { CloseCode, ReasonCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { beforeAll, expect, it } from 'vitest';

const U = { a: 'bn-alice', b: 'bn-bob', c: 'bn-carol' } as const;
const G = 'bn-g';

await describeEachBackend('banning a user', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  let t: TestServer;

  beforeAll(async () => {
    t = server();
    await t.createUsers(U.a, U.b, U.c);
    await t.adminOk('POST', '/groups', { groupId: G, channelType: 2, ownerUid: U.b, members: [U.a, U.c] });
  });

  /** Admin sends in `fromUid`'s name to a person and to a group: their reason codes. */
  const adminSends = async (fromUid: string, tag: string) => {
    const answers = [];
    for (const target of [
      { channelId: U.b, channelType: 1 },
      { channelId: G, channelType: 2 },
    ]) {
      const res = await t.admin('POST', '/messages', {
        fromUid,
        ...target,
        clientMsgNo: `${tag}-${target.channelType}`,
        payload: text(tag),
      });
      answers.push(res.status === 200 ? res.body.reasonCode : [res.status, res.body.code, res.body.details?.reasonCode]);
    }
    return answers;
  };

  it('closes every connection at once, refuses tokens and sends while banned, and unbanning lets the old token work again', async () => {
    const token = await t.token(U.a);
    const phone = await t.connect(U.a, 'bn-phone');
    const web = await t.connect(U.a, 'bn-web');
    const carol = await t.connect(U.c, 'bn-carol-phone');

    const banned = await t.adminOk('POST', `/users/${U.a}/ban`, { banned: true });
    expect(banned).toMatchObject({ uid: U.a, name: U.a });
    expect(banned.bannedAt).toBeGreaterThan(0);
    await Promise.all([phone.closed, web.closed]);
    expect([phone.closeCode, web.closeCode]).toEqual([CloseCode.Banned, CloseCode.Banned]);
    expect(await t.adminOk('GET', `/users/${U.a}`)).toMatchObject({ bannedAt: banned.bannedAt });
    // Banning again keeps since when.
    expect((await t.adminOk('POST', `/users/${U.a}/ban`, { banned: true })).bannedAt).toBe(banned.bannedAt);

    // Their tokens, old and new, are refused on REST and on the WebSocket.
    const fresh = await t.token(U.a);
    for (const tok of [token, fresh]) {
      const rest = await t.http('GET', '/v1/conversations', { token: tok });
      expect([rest.status, rest.body.code]).toEqual([403, 'auth.banned']);
    }
    const socket = await TestClient.connect(t.wsUrl);
    await expect(socket.request('auth', { token, deviceId: 'bn-again' })).rejects.toMatchObject({ code: 'auth.banned' });
    await socket.closed;
    expect(socket.closeCode).toBe(CloseCode.Banned);

    // Sends in their name through the admin API are refused and store nothing.
    const before = (await t.rowCounts()).messages;
    const refused = [403, 'message.refused', ReasonCode.ReasonBan];
    expect(await adminSends(U.a, 'bn-banned')).toEqual([refused, refused]);
    expect((await t.rowCounts()).messages).toBe(before);
    // Only the banned user is affected: others go on.
    const ack = await carol.request('message.send', { channelId: G, channelType: 2, clientMsgNo: 'bn-carol-1', payload: text('hi') });
    expect(ack.reasonCode).toBe(ReasonCode.ReasonSuccess);

    // Unbanned: the same token works again, on REST and the WebSocket, and they may send.
    expect(await t.adminOk('POST', `/users/${U.a}/ban`, { banned: false })).toMatchObject({ uid: U.a, bannedAt: 0 });
    expect((await t.http('GET', '/v1/conversations', { token })).status).toBe(200);
    const back = await TestClient.connect(t.wsUrl, token, 'bn-phone');
    const sent = await back.request('message.send', { channelId: U.b, channelType: 1, clientMsgNo: 'bn-back', payload: text('back') });
    expect(sent.reasonCode).toBe(ReasonCode.ReasonSuccess);
    expect(await adminSends(U.a, 'bn-unbanned')).toEqual([ReasonCode.ReasonSuccess, ReasonCode.ReasonSuccess]);
    await back.close();
  });

  it('refuses an unknown uid and a bad body, changing nothing', async () => {
    const ghost = await t.admin('POST', '/users/bn-ghost/ban', { banned: true });
    expect([ghost.status, ghost.body.code]).toEqual([404, 'user.not_found']);
    expect((await t.admin('GET', '/users/bn-ghost')).status).toBe(404);

    const token = await t.token(U.c);
    for (const body of [{}, { banned: 'yes' }, { banned: 1 }, { banned: null }, { banned: true, until: 5 }, [true], undefined]) {
      const res = await t.admin('POST', `/users/${U.c}/ban`, body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'request.invalid']);
    }
    expect(await t.adminOk('GET', `/users/${U.c}`)).toMatchObject({ bannedAt: 0 });
    expect((await t.http('GET', '/v1/conversations', { token })).status).toBe(200);
  });
});

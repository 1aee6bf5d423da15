import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { useServer } from '@parley/test-kit/server';
import { afterAll, expect, it, vi } from 'vitest';
import { WkUser } from '../../test-support/wukongim-sdk.js';

// The SDK logs every packet; the test output keeps only the failures.
vi.spyOn(console, 'log').mockImplementation(() => {});

/**
 * The unmodified wukongimjssdk 1.0.4's conversationManager.sync() and chatManager.syncMessages(),
 * wired to /v1/wukongim/ as WuKongIM's demo app wires them to WuKongIM's own endpoints, against what
 * Parley's own API says about the same conversations.
 */
await describeEachBackend('WuKongIM data source with the unmodified wukongimjssdk 1.0.4', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  const open: WkUser[] = [];
  afterAll(() => {
    for (const o of open) o.close();
  });

  const wkUser = async (uid: string) => {
    const t = server();
    await t.ensureUsers(uid);
    const user = await WkUser.load(uid);
    open.push(user);
    const token = await t.token(uid);
    user.wireDataSource(t.url, token);
    user.connect(t.url, token);
    await eventually(() => user.connected);
    return { user, token };
  };
  const sendAs = async (from: string, to: string, channelType: number, texts: string[]) => {
    const t = server();
    const token = await t.token(from);
    for (const content of texts) {
      const res = await t.http('POST', '/v1/messages', {
        token,
        body: { channelId: to, channelType, clientMsgNo: `${from}-${content}`, payload: { type: 1, content } },
      });
      expect(res.status).toBe(200);
    }
  };

  it('conversationManager.sync() shows the conversation with its unread and last message; setUnread reads it on Parley too', async () => {
    const t = server();
    const { user: alice, token } = await wkUser('ds-alice');
    await t.ensureUsers('ds-bob');
    await sendAs('ds-bob', 'ds-alice', 1, ['one', 'two', 'three']);

    const conversations = await alice.shared.conversationManager.sync({});
    expect(conversations).toHaveLength(1);
    const [c] = conversations;
    expect(c.channel).toMatchObject({ channelID: 'ds-bob', channelType: 1 });
    expect(c.unread).toBe(3);
    expect(c.lastMessage.content.text).toBe('three');
    expect(c.lastMessage).toMatchObject({ fromUID: 'ds-bob', messageSeq: 3 });
    expect(alice.shared.conversationManager.conversations).toBe(conversations);

    // The demo's clearUnread: setUnread to 0. Parley's own list now says read, and sync agrees.
    expect(
      (
        await t.http('POST', '/v1/wukongim/conversations/setUnread', {
          token,
          body: { uid: 'ds-alice', channel_id: 'ds-bob', channel_type: 1, unread: 0 },
        })
      ).status,
    ).toBe(200);
    const parley = await t.http('GET', '/v1/conversations', { token });
    expect(parley.body.conversations).toMatchObject([{ conversationId: 'p2p|ds-bob', unreadCount: 0, readSeq: 3 }]);
    expect((await alice.shared.conversationManager.sync({}))[0].unread).toBe(0);

    // Someone else's uid in the body is refused, whatever the token.
    const other = await t.http('POST', '/v1/wukongim/conversation/sync', { token, body: { uid: 'ds-bob', msg_count: 1 } });
    expect(other).toMatchObject({ status: 403, body: { code: 'wukongim.uid_mismatch' } });
  });

  it('chatManager.syncMessages() returns the history ascending in both pull modes', async () => {
    const t = server();
    const { user: carol } = await wkUser('ds-carol');
    await t.ensureUsers('ds-dan');
    await t.adminOk('POST', '/groups', { groupId: 'ds-g', channelType: 2, ownerUid: 'ds-dan', members: ['ds-dan', 'ds-carol'] });
    await sendAs('ds-dan', 'ds-g', 2, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const channel = new carol.sdk.Channel('ds-g', 2);
    const page = async (startMessageSeq: number, endMessageSeq: number, pullMode: number, limit = 30) =>
      (await carol.shared.chatManager.syncMessages(channel, { startMessageSeq, endMessageSeq, pullMode, limit })).map(
        (m: any) => `${m.messageSeq}:${m.content.text}`,
      );

    expect(await page(0, 0, 0)).toEqual(['1:m1', '2:m2', '3:m3', '4:m4', '5:m5']);
    expect(await page(0, 0, 0, 2)).toEqual(['4:m4', '5:m5']);
    // Down (0): at or before start, after end, the newest `limit` of them.
    expect(await page(4, 0, 0, 2)).toEqual(['3:m3', '4:m4']);
    expect(await page(4, 2, 0)).toEqual(['3:m3', '4:m4']);
    // Up (1): from start, before end, the oldest `limit` of them.
    expect(await page(2, 0, 1, 2)).toEqual(['2:m2', '3:m3']);
    expect(await page(2, 5, 1)).toEqual(['2:m2', '3:m3', '4:m4']);

    const raw = await carol.post('channel/messagesync', {
      login_uid: 'ds-carol',
      channel_id: 'ds-g',
      channel_type: 2,
      start_message_seq: 4,
      pull_mode: 0,
      limit: 2,
    });
    expect(raw).toMatchObject({ start_message_seq: 4, end_message_seq: 0, more: 1 });
    expect(raw.messages[0]).toMatchObject({
      message_seq: 3,
      from_uid: 'ds-dan',
      channel_id: 'ds-g',
      channel_type: 2,
      header: { red_dot: 1 },
    });
    expect(String(raw.messages[0].timestamp)).toMatch(/^\d{10}$/);
    expect(JSON.parse(Buffer.from(raw.messages[0].payload, 'base64').toString())).toEqual({ type: 1, content: 'm3' });
    const first = await carol.post('channel/messagesync', {
      login_uid: 'ds-carol',
      channel_id: 'ds-g',
      channel_type: 2,
      start_message_seq: 1,
      pull_mode: 1,
      limit: 5,
    });
    expect(first.more).toBe(0);
  });

  it("a Parley user's edit and revoke reach the SDK as CMDs; syncMessageExtras() gives the edited content, then the revoke", async () => {
    const t = server();
    const { user: gina, token: ginaToken } = await wkUser('ds-gina');
    await t.ensureUsers('ds-hal');
    const halToken = await t.token('ds-hal');
    await sendAs('ds-hal', 'ds-gina', 1, ['before', 'original']);
    await eventually(() => gina.received().length === 2);
    const messageId = String(gina.received()[1].messageID);
    const channel = new gina.sdk.Channel('ds-hal', 1);
    expect(await gina.shared.chatManager.syncMessageExtras(channel, 0)).toEqual([]);

    const edited = await t.http('PATCH', `/v1/messages/${messageId}`, {
      token: halToken,
      body: { payload: { type: 1, content: 'edited' } },
    });
    expect(edited.status).toBe(200);
    await eventually(() => gina.cmds.length === 1);
    expect(gina.cmds[0].content).toMatchObject({ cmd: 'syncMessageExtra' });
    expect(gina.cmds[0].content.param).toMatchObject({ channel_id: 'ds-hal', channel_type: 1, message_id: messageId, message_seq: 2 });
    const [extra] = await gina.shared.chatManager.syncMessageExtras(channel, 0);
    expect(extra).toBeInstanceOf(gina.sdk.MessageExtra);
    expect(extra).toMatchObject({
      messageID: messageId,
      messageSeq: 2,
      revoke: false,
      isEdit: true,
      extraVersion: gina.cmds[0].content.param.extra_version,
    });
    expect(extra.contentEdit.text).toBe('edited');
    expect(String(extra.editedAt)).toMatch(/^\d{10}$/);

    expect((await t.http('POST', `/v1/messages/${messageId}/revoke`, { token: halToken })).status).toBe(200);
    await eventually(() => gina.cmds.length === 2);
    expect(gina.cmds[1].content).toMatchObject({ cmd: 'messageRevoke', param: { message_id: messageId } });
    expect(gina.cmds[1].fromUID).toBe('ds-hal');
    // Past the version it has, the client gets only the revoke.
    const later = await gina.shared.chatManager.syncMessageExtras(channel, extra.extraVersion);
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ messageID: messageId, revoke: true, revoker: 'ds-hal', isEdit: false });
    expect(later[0].extraVersion).toBeGreaterThanOrEqual(extra.extraVersion);
    const history = await gina.shared.chatManager.syncMessages(channel, { startMessageSeq: 0, endMessageSeq: 0, limit: 30, pullMode: 0 });
    expect(history.map((m: any) => [m.messageSeq, m.remoteExtra.revoke])).toEqual([
      [1, false],
      [2, true],
    ]);

    // The CMDs were pushes only: not chat messages for the SDK, not in history, no unread on Parley.
    expect(gina.received()).toHaveLength(2);
    const parley = await t.http('GET', '/v1/conversations', { token: ginaToken });
    expect(parley.body.conversations).toMatchObject([{ conversationId: 'p2p|ds-hal', lastMsgSeq: 2, unreadCount: 1 }]);
  });

  it('message/extra/sync refuses another uid and malformed bodies in the documented shape', async () => {
    const t = server();
    const { token } = await wkUser('ds-ivy');
    await t.ensureUsers('ds-jay');
    await sendAs('ds-jay', 'ds-ivy', 1, ['hi']);
    const post = (body: unknown) => t.http('POST', '/v1/wukongim/message/extra/sync', { token, body });
    expect(await post({ login_uid: 'ds-jay', channel_id: 'ds-ivy', channel_type: 1 })).toMatchObject({
      status: 403,
      body: { code: 'wukongim.uid_mismatch' },
    });
    const base = { login_uid: 'ds-ivy', channel_id: 'ds-jay', channel_type: 1 };
    for (const bad of [
      { channel_id: 'ds-jay', channel_type: 1 },
      { ...base, channel_type: 9 },
      { ...base, channel_id: '' },
      { ...base, extra_version: -1 },
      { ...base, extra_version: 'new' },
      { ...base, limit: 0 },
      { ...base, unknown: 1 },
      [],
    ]) {
      const res = await post(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body, JSON.stringify(bad)).toMatchObject({ code: 'request.invalid', message: expect.any(String) });
    }
    // A channel that is not the caller's is Parley's refusal, as for messagesync.
    expect(await post({ ...base, channel_id: 'ds-nogroup', channel_type: 2 })).toMatchObject({
      status: 404,
      body: { code: 'conversation.not_found' },
    });
    expect(await post(base)).toMatchObject({ status: 200, body: [] });
  });

  it('a delete through either API hides the conversation in both; message/send sends as the caller', async () => {
    const t = server();
    const { user: erin, token } = await wkUser('ds-erin');
    await t.ensureUsers('ds-finn');
    await sendAs('ds-finn', 'ds-erin', 1, ['hello']);
    expect((await erin.shared.conversationManager.sync({})).map((c: any) => c.channel.channelID)).toEqual(['ds-finn']);

    await erin.post('conversations/delete', { uid: 'ds-erin', channel_id: 'ds-finn', channel_type: 1 });
    expect((await t.http('GET', '/v1/conversations', { token })).body.conversations).toEqual([]);
    expect(await erin.shared.conversationManager.sync({})).toEqual([]);

    // message/send: the same send path; the conversation is back for both, on both APIs.
    const payload = Buffer.from(JSON.stringify({ type: 1, content: 'back again' })).toString('base64');
    const sent = await erin.post('message/send', {
      from_uid: 'ds-erin',
      channel_id: 'ds-finn',
      channel_type: 1,
      payload,
      header: { red_dot: 1 },
    });
    expect(sent).toMatchObject({ message_seq: 2, message_idstr: expect.stringMatching(/^\d+$/) });
    const back = await erin.shared.conversationManager.sync({});
    expect(back.map((c: any) => [c.channel.channelID, c.lastMessage.content.text])).toEqual([['ds-finn', 'back again']]);

    // Deleted through Parley's API: gone from the WuKongIM sync too.
    await t.http('POST', '/v1/conversations/delete', { token, body: { conversationIds: ['p2p|ds-finn'] } });
    expect(await erin.shared.conversationManager.sync({})).toEqual([]);
  });

  it('writes message_id as the exact 64-bit id, digit for digit, in every JSON answer that has one', async () => {
    const t = server();
    await t.ensureUsers('ds-gina', 'ds-hal');
    const token = await t.token('ds-gina');
    // The raw text, not JSON.parse's doubles: a parsed message_id is rounded in any JavaScript client.
    const raw = async (route: string, body: unknown) => {
      const res = await fetch(`${t.url}/v1/wukongim/${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const ids = (text: string) => [...text.matchAll(/"message_id":(\d+),"message_idstr":"(\d+)"/g)].map((m) => [m[1], m[2]]);
    const payload = Buffer.from(JSON.stringify({ type: 1, content: 'exact' })).toString('base64');
    const sent = await raw('message/send', { from_uid: 'ds-gina', channel_id: 'ds-hal', channel_type: 1, payload });
    const page = await raw('channel/messagesync', { login_uid: 'ds-gina', channel_id: 'ds-hal', channel_type: 1, limit: 10 });
    const recents = await raw('conversation/sync', { uid: 'ds-gina', msg_count: 1 });
    for (const text of [sent, page, recents]) {
      expect(ids(text).length, text).toBeGreaterThan(0);
      for (const [number, string] of ids(text)) expect(number).toBe(string);
    }
    // Ids are past 2^53, where a double holds only every 64th integer: an id a double would round (the
    // second of its millisecond and later) is held by wk-message.unit.test.ts, whatever ids this run made.
    const [[, id]] = ids(sent) as [[string, string]];
    expect(BigInt(id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

const ids = (r: { conversations: Array<{ conversationId: string }> }) => r.conversations.map((c) => c.conversationId);

/** One message from `from` into each channel, so each is in `me`'s list. */
async function world(t: TestServer, me: string): Promise<void> {
  await t.ensureUsers(me, `${me}-peer`);
  await t.adminOk('POST', '/groups', { groupId: `${me}-g`, channelType: 2, ownerUid: `${me}-peer`, members: [me] });
  await t.adminOk('POST', '/groups', { groupId: `${me}-s`, channelType: 3, ownerUid: `${me}-peer`, members: [me] });
  for (const [channelId, channelType] of [
    [me, 1],
    [`${me}-g`, 2],
    [`${me}-s`, 3],
  ] as const) {
    await t.adminOk('POST', '/messages', { fromUid: `${me}-peer`, channelId, channelType, payload: text('hi') });
  }
}

/** The seeds' own spellings of conversation.delete, conversation.pin and conversation.list (SPEC §3). */
await describeEachBackend('conversation operations in the seeds’ forms', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it("delete: Easemob's {channel, chatType, deleteRoam}, for a 1:1 chat, a group and a super group", async () => {
    const t = server();
    await world(t, 'vd');
    const me = await t.connect('vd');
    const single = await me.request('conversation.delete', { channel: 'vd-peer', chatType: 'singleChat', deleteRoam: true });
    expect(single.results).toEqual([{ conversationId: 'p2p|vd-peer', ok: true, version: expect.any(Number) }]);
    await me.waitForEvent('conversation.deleted', (d) => d.conversationId === 'p2p|vd-peer');
    // deleteRoam cleared the history too.
    expect((await me.request('message.history', { conversationId: 'p2p|vd-peer' })).messages).toEqual([]);
    const group = await me.request('conversation.delete', { channel: 'vd-g', chatType: 'groupChat' });
    expect(group.results).toMatchObject([{ conversationId: 'team|vd-g', ok: true }]);
    expect((await me.request('message.history', { conversationId: 'team|vd-g' })).messages).toHaveLength(1);
    const rest = await t.http('POST', '/v1/conversations/delete', {
      token: await t.token('vd'),
      body: { channel: 'vd-s', chatType: 'groupChat', deleteRoam: false },
    });
    expect([rest.status, rest.body.results]).toMatchObject([200, [{ conversationId: 'super_team|vd-s', ok: true }]]);
    expect(ids(await me.request('conversation.list', {}))).toEqual([]);
    // A missing group is a per-id refusal, named as given.
    const missing = await me.request('conversation.delete', { channel: 'vd-nope', chatType: 'groupChat' });
    expect(missing.results).toMatchObject([{ conversationId: 'vd-nope', ok: false, error: { code: 'conversation.not_found' } }]);
  });

  it('delete: exactly one of conversationIds and channel; chatType only with channel', async () => {
    const t = server();
    await world(t, 'vd2');
    const me = await t.connect('vd2');
    for (const params of [
      {},
      { deleteRoam: true },
      { conversationIds: ['p2p|vd2-peer'], channel: 'vd2-peer' },
      { conversationIds: ['p2p|vd2-peer'], chatType: 'singleChat' },
    ]) {
      await expect(me.request('conversation.delete', params), JSON.stringify(params)).rejects.toMatchObject({ code: 'request.invalid' });
    }
    await expect(me.request('conversation.delete', { channel: 'p2p|vd2-peer' })).rejects.toMatchObject({ code: 'request.invalid' });
    expect(ids(await me.request('conversation.list', {})).sort()).toEqual(['p2p|vd2-peer', 'super_team|vd2-s', 'team|vd2-g']);
    // chatType defaults to singleChat.
    expect((await me.request('conversation.delete', { channel: 'vd2-peer' })).results).toMatchObject([{ conversationId: 'p2p|vd2-peer' }]);
  });

  it("pin: Easemob's bare conversationId with conversationType; a bare id alone stays conversation.invalid_id", async () => {
    const t = server();
    await world(t, 'vp');
    const me = await t.connect('vp');
    const single = await me.request('conversation.pin', { conversationId: 'vp-peer', conversationType: 'singleChat', isPinned: true });
    expect(single).toMatchObject({ conversationId: 'p2p|vp-peer', isPinned: true });
    await me.waitForEvent('multiDevice.pinnedConversation', (d) => d.conversationId === 'p2p|vp-peer');
    for (const [id, resolved] of [
      ['vp-g', 'team|vp-g'],
      ['vp-s', 'super_team|vp-s'],
    ]) {
      const pinned = await me.request('conversation.pin', { conversationId: id, conversationType: 'groupChat', isPinned: true });
      expect(pinned).toMatchObject({ conversationId: resolved, isPinned: true });
    }
    expect(ids(await me.request('conversation.listPinned', {})).sort()).toEqual(['p2p|vp-peer', 'super_team|vp-s', 'team|vp-g']);
    const unpinned = await me.request('conversation.pin', { conversationId: 'vp-g', conversationType: 'groupChat', isPinned: false });
    expect(unpinned).toMatchObject({ conversationId: 'team|vp-g', isPinned: false });

    for (const params of [
      { conversationId: 'vp-peer', isPinned: true },
      { conversationId: 'p2p|vp-peer', conversationType: 'singleChat', isPinned: true },
      { conversationId: 'vp-peer', conversationType: 'singleChat', channelId: 'vp-peer', isPinned: true },
      { conversationType: 'singleChat', isPinned: true },
    ]) {
      await expect(me.request('conversation.pin', params), JSON.stringify(params)).rejects.toMatchObject({
        code: 'conversation.invalid_id',
      });
    }
    await expect(
      me.request('conversation.pin', { conversationId: 'vp-nope', conversationType: 'groupChat', isPinned: true }),
    ).rejects.toMatchObject({ code: 'conversation.not_found' });
  });

  it('list and listPinned: NIM integer flags needLastMsg 0|1 and hasMore (ignored), on the WebSocket and on REST', async () => {
    const t = server();
    await world(t, 'vl');
    const me = await t.connect('vl');
    await me.request('conversation.pin', { conversationId: 'p2p|vl-peer', isPinned: true });
    const token = await t.token('vl');
    for (const method of ['conversation.list', 'conversation.listPinned']) {
      const withLast = await me.request(method, { needLastMsg: 1, hasMore: 1 });
      expect(
        withLast.conversations.every((c: { lastMsg: unknown }) => c.lastMsg !== null),
        method,
      ).toBe(true);
      expect(await me.request(method, { needLastMsg: true, hasMore: 0 }), method).toMatchObject({ conversations: withLast.conversations });
      const without = await me.request(method, { needLastMsg: 0, hasMore: false });
      expect(without.conversations.length, method).toBe(withLast.conversations.length);
      expect(
        without.conversations.every((c: { lastMsg: unknown }) => c.lastMsg === null),
        method,
      ).toBe(true);
      await expect(me.request(method, { needLastMsg: 2 }), method).rejects.toMatchObject({ code: 'request.invalid' });
      await expect(me.request(method, { hasMore: 'yes' }), method).rejects.toMatchObject({ code: 'request.invalid' });
    }
    for (const path of ['/v1/conversations', '/v1/conversations/pinned']) {
      const zero = await t.http('GET', `${path}?needLastMsg=0&hasMore=1`, { token });
      expect([zero.status, zero.body.conversations.map((c: { lastMsg: unknown }) => c.lastMsg !== null)], path).toEqual([
        200,
        zero.body.conversations.map(() => false),
      ]);
      const one = await t.http('GET', `${path}?needLastMsg=1&hasMore=0`, { token });
      expect(
        one.body.conversations.every((c: { lastMsg: unknown }) => c.lastMsg !== null),
        path,
      ).toBe(true);
      expect(one.body.conversations.length, path).toBeGreaterThan(0);
      const words = await t.http('GET', `${path}?needLastMsg=false&hasMore=true`, { token });
      expect(
        words.body.conversations.every((c: { lastMsg: unknown }) => c.lastMsg === null),
        path,
      ).toBe(true);
      for (const bad of ['needLastMsg=2', 'needLastMsg=maybe', 'hasMore=2']) {
        const res = await t.http('GET', `${path}?${bad}`, { token });
        expect([res.status, res.body.code], `${path}?${bad}`).toEqual([400, 'request.invalid']);
      }
    }
  });
});

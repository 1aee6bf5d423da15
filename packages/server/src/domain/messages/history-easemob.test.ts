import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

const send = (client: TestClient, channelId: string, channelType: number, content: string) =>
  client.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) });
const seqs = (r: { messages: Array<{ messageSeq: number }> }) => r.messages.map((m) => m.messageSeq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Easemob's getHistoryMessages, as its SDK sends it: targetId + chatType, pageSize, cursor (-1, null or '' for the newest). */
await describeEachBackend('message.history in the Easemob form', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('names a 1:1 chat by targetId (chatType singleChat by default) and a group of either kind by groupChat', async () => {
    const t = server();
    await t.ensureUsers('he-a', 'he-b', 'he-out');
    await t.adminOk('POST', '/groups', { groupId: 'he-g', channelType: 2, ownerUid: 'he-a', members: ['he-b'] });
    await t.adminOk('POST', '/groups', { groupId: 'he-s', channelType: 3, ownerUid: 'he-a', members: ['he-b'] });
    const a = await t.connect('he-a');
    for (let n = 1; n <= 3; n++) await send(a, 'he-b', 1, `p${n}`);
    for (let n = 1; n <= 4; n++) await send(a, 'he-g', 2, `g${n}`);
    for (let n = 1; n <= 5; n++) await send(a, 'he-s', 3, `s${n}`);
    const b = await t.connect('he-b');
    const q = (params: Record<string, unknown>) => b.request('message.history', params);

    const bare = await q({ targetId: 'he-a' });
    expect(bare).toEqual(await q({ conversationId: 'p2p|he-a', pageSize: 20 }));
    expect(seqs(bare)).toEqual([1, 2, 3]);
    expect(bare.messages[0]).toMatchObject({ channelId: 'he-a', channelType: 1, payload: { content: 'p1' } });
    expect(seqs(await q({ targetId: 'he-a', chatType: 'singleChat' }))).toEqual([1, 2, 3]);

    const group = await q({ targetId: 'he-g', chatType: 'groupChat' });
    expect([seqs(group), group.messages[0].channelType, group.messages[3].payload.content]).toEqual([[1, 2, 3, 4], 2, 'g4']);
    const superGroup = await q({ targetId: 'he-s', chatType: 'groupChat', pageSize: 2, searchDirection: 'up' });
    expect([seqs(superGroup), superGroup.messages[0].channelType]).toEqual([[4, 5], 3]);
    // The cursor pages on through the super group found by groupChat.
    expect(seqs(await q({ targetId: 'he-s', chatType: 'groupChat', pageSize: 2, cursor: superGroup.cursor }))).toEqual([2, 3]);

    // groupChat resolves to the group; access is then checked as for any other form.
    const out = await t.connect('he-out');
    for (const targetId of ['he-g', 'he-s']) {
      await expect(out.request('message.history', { targetId, chatType: 'groupChat' })).rejects.toMatchObject({
        code: 'conversation.forbidden',
      });
    }
    await expect(q({ targetId: 'he-nope', chatType: 'groupChat' })).rejects.toMatchObject({ code: 'conversation.not_found' });
    await expect(q({ targetId: 'he-nope' })).rejects.toMatchObject({ code: 'conversation.not_found' });
    // A group id as a singleChat is a (missing) user, not the group.
    await expect(q({ targetId: 'he-g', chatType: 'singleChat' })).rejects.toMatchObject({ code: 'conversation.not_found' });
  });

  it('refuses a conversation named two ways, or a chatType without targetId', async () => {
    const t = server();
    await t.ensureUsers('he2-a', 'he2-b');
    const b = await t.connect('he2-b');
    for (const params of [
      { targetId: 'he2-a', conversationId: 'p2p|he2-a' },
      { targetId: 'he2-a', channelId: 'he2-a', channelType: 1 },
      { conversationId: 'p2p|he2-a', chatType: 'singleChat' },
      { chatType: 'groupChat' },
    ]) {
      await expect(b.request('message.history', params), JSON.stringify(params)).rejects.toMatchObject({ code: 'conversation.invalid_id' });
    }
    for (const params of [{ targetId: 'not an id' }, { targetId: 'he2-a', chatType: 'chatRoom' }]) {
      await expect(b.request('message.history', params), JSON.stringify(params)).rejects.toMatchObject({ code: 'request.invalid' });
    }
  });

  it("starts from the newest for cursor -1, null and '', on the WebSocket and on REST", async () => {
    const t = server();
    await t.ensureUsers('hc-a', 'hc-b');
    const a = await t.connect('hc-a');
    for (let n = 1; n <= 12; n++) await send(a, 'hc-b', 1, `m${n}`);
    const b = await t.connect('hc-b');
    const newest = await b.request('message.history', { targetId: 'hc-a', pageSize: 5 });
    expect([seqs(newest), newest.hasMoreBefore, newest.hasMoreAfter]).toEqual([range(8, 12), true, false]);
    expect(newest.cursor).toBe(newest.messages[0].messageId);
    for (const cursor of [-1, null, '']) {
      const page = await b.request('message.history', {
        targetId: 'hc-a',
        chatType: 'singleChat',
        pageSize: 5,
        cursor,
        searchDirection: 'up',
      });
      expect(page, JSON.stringify(cursor)).toEqual(newest);
    }
    await expect(b.request('message.history', { targetId: 'hc-a', cursor: -2 })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(b.request('message.history', { targetId: 'hc-a', cursor: '-1' })).rejects.toMatchObject({ code: 'request.invalid' });

    const token = await t.token('hc-b');
    const path = `/v1/conversations/${encodeURIComponent('p2p|hc-a')}/messages`;
    for (const query of ['cursor=-1', 'cursor=']) {
      const res = await t.http('GET', `${path}?pageSize=5&${query}`, { token });
      expect([res.status, res.body], query).toEqual([200, newest]);
    }
    const next = await t.http('GET', `${path}?pageSize=5&cursor=${newest.cursor}`, { token });
    expect(seqs(next.body)).toEqual(range(3, 7));
    // On REST the path names the conversation: targetId and chatType are not query parameters there.
    const named = await t.http('GET', `${path}?targetId=hc-a`, { token });
    expect([named.status, named.body.code]).toEqual([400, 'request.invalid']);
  });
});

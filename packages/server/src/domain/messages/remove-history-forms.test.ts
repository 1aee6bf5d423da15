import { describeEachBackend } from '@parley/test-kit/backends';
import { text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

const seqs = (r: { messages: Array<{ messageSeq: number; deleted?: true }> }) =>
  r.messages.filter((m) => !m.deleted).map((m) => m.messageSeq);

/** Easemob's removeHistoryMessages: `{targetId, chatType, beforeTimeStamp}` or `{targetId, chatType, messageIds}`. */
await describeEachBackend('message.removeHistory in the Easemob form', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('names the conversation by targetId and chatType, and takes beforeTimeStamp for beforeTimestamp', async () => {
    const t = server();
    await t.ensureUsers('rf-a', 'rf-b');
    await t.adminOk('POST', '/groups', { groupId: 'rf-s', channelType: 3, ownerUid: 'rf-a', members: ['rf-b'] });
    const start = Date.now();
    const acks: Record<string, Array<{ messageId: string; timestamp: number }>> = { p2p: [], group: [] };
    for (let n = 1; n <= 4; n++) {
      // Ten ms apart, so "before the 3rd message's time" is exact.
      t.frozenAt = start + n * 10;
      acks.p2p?.push(await t.adminOk('POST', '/messages', { fromUid: 'rf-a', channelId: 'rf-b', channelType: 1, payload: text(`p${n}`) }));
      acks.group?.push(
        await t.adminOk('POST', '/messages', { fromUid: 'rf-a', channelId: 'rf-s', channelType: 3, payload: text(`s${n}`) }),
      );
    }
    t.frozenAt = undefined;
    const b = await t.connect('rf-b');
    const before3 = (acks.p2p?.[2]?.timestamp ?? 0) - 1;

    expect(await b.request('message.removeHistory', { targetId: 'rf-a', chatType: 'singleChat', beforeTimeStamp: before3 })).toEqual({
      removed: 2,
    });
    expect(seqs(await b.request('message.history', { conversationId: 'p2p|rf-a' }))).toEqual([3, 4]);
    const deleted = await b.request('message.removeHistory', {
      targetId: 'rf-s',
      chatType: 'groupChat',
      messageIds: [acks.group?.[1]?.messageId],
    });
    expect(deleted).toEqual({ removed: 1 });
    expect(seqs(await b.request('message.history', { conversationId: 'super_team|rf-s' }))).toEqual([1, 3, 4]);
    // chatType defaults to singleChat, as in Easemob.
    expect(await b.request('message.removeHistory', { targetId: 'rf-a', messageIds: [acks.p2p?.[3]?.messageId] })).toEqual({ removed: 1 });
    expect(seqs(await b.request('message.history', { conversationId: 'p2p|rf-a' }))).toEqual([3]);

    const rest = await t.http('POST', `/v1/conversations/${encodeURIComponent('super_team|rf-s')}/messages/remove`, {
      token: await t.token('rf-b'),
      body: { beforeTimeStamp: (acks.group?.[0]?.timestamp ?? 0) + 1 },
    });
    expect([rest.status, rest.body]).toEqual([200, { removed: 1 }]);
    expect(seqs(await b.request('message.history', { conversationId: 'super_team|rf-s' }))).toEqual([3, 4]);
  });

  it('refuses both spellings at once, and a second way of naming the conversation', async () => {
    const t = server();
    await t.ensureUsers('rf2-a', 'rf2-b');
    await t.adminOk('POST', '/messages', { fromUid: 'rf2-a', channelId: 'rf2-b', channelType: 1, payload: text('kept') });
    const b = await t.connect('rf2-b');
    const now = Date.now() + 1000;
    await expect(
      b.request('message.removeHistory', { targetId: 'rf2-a', beforeTimestamp: now, beforeTimeStamp: now }),
    ).rejects.toMatchObject({ code: 'request.invalid', message: expect.stringContaining('beforeTimeStamp') });
    await expect(
      b.request('message.removeHistory', { targetId: 'rf2-a', conversationId: 'p2p|rf2-a', beforeTimestamp: now }),
    ).rejects.toMatchObject({ code: 'conversation.invalid_id' });
    const rest = await t.http('POST', `/v1/conversations/${encodeURIComponent('p2p|rf2-a')}/messages/remove`, {
      token: await t.token('rf2-b'),
      body: { beforeTimestamp: now, beforeTimeStamp: now },
    });
    expect([rest.status, rest.body.code]).toEqual([400, 'request.invalid']);
    expect(seqs(await b.request('message.history', { conversationId: 'p2p|rf2-a' }))).toEqual([1]);
  });
});

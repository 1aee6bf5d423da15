import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

const send = (client: TestClient, channelId: string, channelType: number, content: string, extra: Record<string, unknown> = {}) =>
  client.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content), ...extra });
const seqs = (r: { messages: Array<{ messageSeq: number }> }) => r.messages.map((m) => m.messageSeq);

await describeEachBackend('message operations', (backend) => {
  const server = useServer(backend, {
    PARLEY_SEND_RATE_PER_SEC: '0',
    PARLEY_REVOKE_WINDOW_SECONDS: '60',
    PARLEY_MAX_EDITS: '2',
    PARLEY_MAX_REACTIONS: '2',
  });

  it('pages history in every direction and at both ends, ascending, with hasMore flags', async () => {
    const t = server();
    await t.ensureUsers('h-a', 'h-b');
    const a = await t.connect('h-a');
    for (let n = 1; n <= 30; n++) await send(a, 'h-b', 1, `m${n}`);
    const b = await t.connect('h-b');
    const q = (p: Record<string, unknown>) => b.request('message.history', { conversationId: 'p2p|h-a', ...p });
    const newest = await q({});
    expect(seqs(newest)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect([newest.hasMoreBefore, newest.hasMoreAfter]).toEqual([true, false]);
    expect(newest.messages[0]).toMatchObject({ channelId: 'h-a', payload: { content: 'm11' } });
    expect(seqs(await q({ startSeq: 11, limit: 5 }))).toEqual([6, 7, 8, 9, 10]);
    expect(seqs(await q({ startSeq: 11, limit: 5, contain: true }))).toEqual([7, 8, 9, 10, 11]);
    expect(seqs(await q({ startSeq: 11, direction: 'down', limit: 3 }))).toEqual([12, 13, 14]);
    expect(seqs(await q({ startSeq: 3, limit: 10 }))).toEqual([1, 2]);
    const first = await q({ startSeq: 1, direction: 'down', contain: true, limit: 2 });
    expect([seqs(first), first.hasMoreBefore, first.hasMoreAfter]).toEqual([[1, 2], false, true]);
    expect(seqs(await q({ startSeq: 30, direction: 'down' }))).toEqual([]);
    expect(seqs(await q({ around: 15, limit: 5 }))).toEqual([13, 14, 15, 16, 17]);
    expect(seqs(await q({ around: 1, limit: 5 }))).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(await q({ around: 30, limit: 5 }))).toEqual([26, 27, 28, 29, 30]);
    expect(seqs(await q({ limit: 100 }))).toHaveLength(30);
    await expect(q({ limit: 101 })).rejects.toMatchObject({ code: 'request.invalid' });
    // Easemob form: pageSize, cursor (messageId), searchDirection
    const page1 = await q({ pageSize: 10, searchDirection: 'up' });
    expect(seqs(page1)).toEqual(Array.from({ length: 10 }, (_, i) => i + 21));
    const page2 = await q({ pageSize: 10, searchDirection: 'up', cursor: page1.cursor });
    expect(seqs(page2)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    const rest = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|h-a')}/messages?startSeq=5&direction=down&limit=2`, {
      token: await t.token('h-b'),
    });
    expect(seqs(rest.body)).toEqual([6, 7]);
  });

  it('shows late joiners nothing before they joined, unless the group allows history', async () => {
    const t = server();
    await t.ensureUsers('lj-o', 'lj-late');
    for (const [id, allow] of [
      ['lj-closed', false],
      ['lj-open', true],
    ] as const) {
      await t.adminOk('POST', '/groups', { groupId: id, channelType: 2, ownerUid: 'lj-o', allowHistory: allow });
    }
    const o = await t.connect('lj-o');
    for (const id of ['lj-closed', 'lj-open']) {
      await send(o, id, 2, 'early 1');
      await send(o, id, 2, 'early 2');
      await t.adminOk('POST', `/groups/${id}/members`, { uids: ['lj-late'] });
      await send(o, id, 2, 'after join');
    }
    const late = await t.connect('lj-late');
    expect(seqs(await late.request('message.history', { conversationId: 'team|lj-closed' }))).toEqual([3]);
    expect(seqs(await late.request('message.history', { conversationId: 'team|lj-open' }))).toEqual([1, 2, 3]);
    expect((await late.request('conversation.get', { conversationId: 'team|lj-open' })).unreadCount).toBe(1);
  });

  it('removes history for the caller only, by ids (placeholders) and by time; unread and lastMsg follow', async () => {
    const t = server();
    await t.ensureUsers('rh-a', 'rh-b');
    const a = await t.connect('rh-a');
    const acks = [];
    // One ms apart at least, so "before the 3rd message's time" never takes the 4th (a fast machine sends several in one ms).
    const start = Date.now();
    for (let n = 1; n <= 5; n++) {
      t.frozenAt = start + n * 10;
      acks.push(await send(a, 'rh-b', 1, `m${n}`));
    }
    t.frozenAt = undefined;
    const b = await t.connect('rh-b', 'main');
    const other = await t.connect('rh-b', 'other');
    await b.request('conversation.markRead', { conversationId: 'p2p|rh-a', seq: 2 });
    expect((await b.request('conversation.get', { conversationId: 'p2p|rh-a' })).unreadCount).toBe(3);
    // deleting a message after the read position lowers unread
    const removed = await b.request('message.removeHistory', {
      conversationId: 'p2p|rh-a',
      messageIds: [acks[3].messageId, acks[4].messageId],
    });
    expect(removed).toEqual({ removed: 2 });
    await other.waitForEvent('multiDevice.deleteRoaming', (d) => d.conversationId === 'p2p|rh-a');
    const after = await b.request('conversation.get', { conversationId: 'p2p|rh-a' });
    expect([after.unreadCount, after.lastMsg.messageSeq, after.lastMsgSeq]).toEqual([1, 3, 5]);
    const hist = await b.request('message.history', { conversationId: 'p2p|rh-a' });
    expect(hist.messages.slice(3)).toEqual([
      { messageSeq: 4, deleted: true },
      { messageSeq: 5, deleted: true },
    ]);
    expect(seqs(await a.request('message.history', { conversationId: 'p2p|rh-b' }))).toEqual([1, 2, 3, 4, 5]);
    expect((await b.request('conversation.totalUnread')).totalUnread).toBe(1);
    // by time: everything before the 3rd message's time
    const byTime = await t.http('POST', `/v1/conversations/${encodeURIComponent('p2p|rh-a')}/messages/remove`, {
      token: await t.token('rh-b'),
      body: { beforeTimestamp: acks[2].timestamp + 1 },
    });
    expect(byTime.body.removed).toBeGreaterThanOrEqual(3);
    expect(seqs(await b.request('message.history', { conversationId: 'p2p|rh-a' }))).toEqual([4, 5]);
    const cleared = await b.request('conversation.get', { conversationId: 'p2p|rh-a' });
    expect([cleared.unreadCount, cleared.lastMsg]).toEqual([0, null]);
    await expect(b.request('message.removeHistory', { conversationId: 'p2p|rh-a' })).rejects.toMatchObject({
      code: 'message.remove_invalid',
    });
    await expect(b.request('message.removeHistory', { conversationId: 'p2p|rh-a', messageIds: ['123'] })).rejects.toMatchObject({
      code: 'message.not_found',
    });
  });

  it('revokes within the window for the sender, any time for a group admin; the notice replaces the preview everywhere', async () => {
    const t = server();
    await t.ensureUsers('rv-o', 'rv-m', 'rv-x');
    await t.adminOk('POST', '/groups', { groupId: 'rv-g', channelType: 2, ownerUid: 'rv-o', members: ['rv-m', 'rv-x'] });
    const o = await t.connect('rv-o');
    const m = await t.connect('rv-m');
    const x = await t.connect('rv-x');
    const older = await send(m, 'rv-g', 2, 'older');
    const last = await send(m, 'rv-g', 2, 'oops');
    await expect(x.request('message.revoke', { messageId: last.messageId })).rejects.toMatchObject({ code: 'message.forbidden' });
    const revoked = await m.request('message.revoke', { messageId: last.messageId });
    expect(revoked.message).toMatchObject({ payload: { type: 1 }, extra: { revoked: true, revoker: 'rv-m' } });
    const pushed = await x.waitForEvent('message.updated', (d) => d.messageId === last.messageId);
    expect(pushed.data.extra.revoked).toBe(true);
    const conv = await x.waitForEvent('conversation.updated', (d) => d.conversation.lastMsgType === 1);
    expect(conv.data.conversation).toMatchObject({
      conversationId: 'team|rv-g',
      lastMsgType: 1,
      revokeNotification: { messageId: last.messageId, revoker: 'rv-m' },
      unreadCount: 1,
    });
    const listed = (await x.request('conversation.list', {})).conversations.find(
      (c: { conversationId: string }) => c.conversationId === 'team|rv-g',
    );
    expect(listed).toMatchObject({ lastMsgType: 1, unreadCount: 1, lastMsg: { messageId: last.messageId, extra: { revoked: true } } });
    const bare = (await x.request('conversation.list', { needLastMsg: false })).conversations.find(
      (c: { conversationId: string }) => c.conversationId === 'team|rv-g',
    );
    expect(bare).toMatchObject({ lastMsg: null, lastMsgType: 1, revokeNotification: { messageId: last.messageId } });
    // the message stays in history as a notice
    const hist = await x.request('message.history', { conversationId: 'team|rv-g' });
    expect(hist.messages.map((h: { extra: { revoked: boolean } }) => h.extra.revoked)).toEqual([false, true]);
    // an older message: the owner may revoke any time; the preview is unchanged
    const byOwner = await o.request('message.revoke', { messageId: older.messageId });
    expect(byOwner.message.extra.revoker).toBe('rv-o');
    expect((await x.request('conversation.get', { conversationId: 'team|rv-g' })).unreadCount).toBe(0);
    // outside the window, the sender cannot
    t.frozenAt = Date.now() + 61_000;
    try {
      const late = await send(m, 'rv-g', 2, 'later');
      t.frozenAt = Date.now() + 200_000;
      await expect(m.request('message.revoke', { messageId: late.messageId })).rejects.toMatchObject({
        code: 'message.revoke_window_passed',
      });
      expect((await o.request('message.revoke', { messageId: late.messageId })).message.extra.revoked).toBe(true);
    } finally {
      t.frozenAt = undefined;
    }
  });

  it("gives nobody a revoked message's text through the preview of a reply that quotes it", async () => {
    const t = server();
    await t.ensureUsers('rq-a', 'rq-b');
    const a = await t.connect('rq-a');
    const b = await t.connect('rq-b');
    const secret = await send(a, 'rq-b', 1, 'the secret');
    const quote = (m: { messageId: string; messageSeq: number }) => ({
      reply: { messageId: m.messageId, messageSeq: m.messageSeq, fromUid: 'rq-a', preview: 'the secret' },
    });
    const before = await send(b, 'rq-a', 1, 'what secret?', quote(secret));
    await a.request('message.revoke', { messageId: secret.messageId });
    const after = await send(b, 'rq-a', 1, 'still here?', quote(secret));
    const pushed = await a.waitForEvent('message.new', (d) => d.messageId === after.messageId);
    expect(pushed.data.reply).toEqual({ messageId: secret.messageId, messageSeq: secret.messageSeq, fromUid: 'rq-a' });

    for (const [client, conversationId] of [
      [a, 'p2p|rq-b'],
      [b, 'p2p|rq-a'],
    ] as const) {
      const history = await client.request('message.history', { conversationId });
      const replies = history.messages.filter((m: { reply?: unknown }) => m.reply);
      expect(replies.map((m: { messageId: string }) => m.messageId)).toEqual([before.messageId, after.messageId]);
      for (const m of replies) expect(m.reply).toEqual({ messageId: secret.messageId, messageSeq: secret.messageSeq, fromUid: 'rq-a' });
      expect(JSON.stringify(await client.request('conversation.list', {}))).not.toContain('the secret');
      expect(JSON.stringify(history)).not.toContain('the secret');
    }
    // A quote of a message that was not revoked keeps its preview.
    const kept = await send(a, 'rq-b', 1, 'fine');
    const answer = await send(b, 'rq-a', 1, 'ok', {
      reply: { messageId: kept.messageId, messageSeq: kept.messageSeq, fromUid: 'rq-a', preview: 'fine' },
    });
    const page = await a.request('message.history', { conversationId: 'p2p|rq-b' });
    expect(page.messages.find((m: { messageId: string }) => m.messageId === answer.messageId).reply.preview).toBe('fine');
  });

  it('edits up to the limit, only by the sender, and an offline device sees the edit in history and lastMsg', async () => {
    const t = server();
    await t.ensureUsers('ed-a', 'ed-b');
    const a = await t.connect('ed-a');
    const ack = await send(a, 'ed-b', 1, 'helo');
    const edited = await a.request('message.edit', { messageId: ack.messageId, payload: text('hello') });
    expect(edited.message.extra).toMatchObject({ editedPayload: { type: 1, content: 'hello' } });
    await a.request('message.edit', { messageId: ack.messageId, payload: text('hello!') });
    await expect(a.request('message.edit', { messageId: ack.messageId, payload: text('third') })).rejects.toMatchObject({
      code: 'message.edit_limit',
    });
    const b = await t.connect('ed-b');
    await expect(b.request('message.edit', { messageId: ack.messageId, payload: text('mine now') })).rejects.toMatchObject({
      code: 'message.forbidden',
    });
    await expect(
      a.request('message.edit', { messageId: ack.messageId, payload: { type: 2, url: 'http://x', width: 1, height: 1 } }),
    ).rejects.toMatchObject({
      code: 'message.not_editable',
    });
    const conv = await b.request('conversation.get', { conversationId: 'p2p|ed-a' });
    expect(conv.lastMsg.extra.editedPayload).toEqual({ type: 1, content: 'hello!' });
    const rest = await t.http('PATCH', `/v1/messages/${ack.messageId}`, { token: await t.token('ed-a'), body: { payload: text('x') } });
    expect(rest).toMatchObject({ status: 409, body: { code: 'message.edit_limit' } });
  });

  it('limits distinct reactions, and strangers can neither react nor see the message', async () => {
    const t = server();
    await t.ensureUsers('re-a', 're-b', 're-out');
    const a = await t.connect('re-a');
    const ack = await send(a, 're-b', 1, 'react to me');
    const b = await t.connect('re-b');
    await b.request('message.addReaction', { messageId: ack.messageId, emoji: '👍' });
    await a.request('message.addReaction', { messageId: ack.messageId, emoji: '👍' });
    const two = await a.request('message.addReaction', { messageId: ack.messageId, emoji: '🎉' });
    expect(two.message.reactions).toEqual([
      { emoji: '👍', uids: ['re-b', 're-a'], count: 2 },
      { emoji: '🎉', uids: ['re-a'], count: 1 },
    ]);
    await expect(b.request('message.addReaction', { messageId: ack.messageId, emoji: '😀' })).rejects.toMatchObject({
      code: 'message.reaction_limit',
    });
    const update = await b.waitForEvent('message.updated', (d) => d.reactions.length === 2);
    expect(update.data.channelId).toBe('re-a');
    const removed = await t.http('DELETE', `/v1/messages/${ack.messageId}/reactions/${encodeURIComponent('🎉')}`, {
      token: await t.token('re-a'),
    });
    expect(removed.body.message.reactions).toEqual([{ emoji: '👍', uids: ['re-b', 're-a'], count: 2 }]);
    const out = await t.connect('re-out');
    for (const [method, params] of [
      ['message.addReaction', { messageId: ack.messageId, emoji: '👍' }],
      ['message.revoke', { messageId: ack.messageId }],
      ['message.edit', { messageId: ack.messageId, payload: text('x') }],
      ['message.readReceipt', { messageIds: [ack.messageId] }],
    ] as const) {
      await expect(out.request(method, params)).rejects.toMatchObject({ code: 'message.not_found' });
    }
    await expect(out.request('message.history', { conversationId: 'p2p|re-a' })).resolves.toMatchObject({ messages: [] });
  });

  it('counts each reader of a receipt message once and shows the sender read and unread counts', async () => {
    const t = server();
    await t.ensureUsers('rc-o', 'rc-1', 'rc-2', 'rc-3');
    await t.adminOk('POST', '/groups', { groupId: 'rc-g', channelType: 2, ownerUid: 'rc-o', members: ['rc-1', 'rc-2', 'rc-3'] });
    const o = await t.connect('rc-o');
    const ack = await send(o, 'rc-g', 2, 'please confirm', { setting: { receipt: true } });
    const plain = await send(o, 'rc-g', 2, 'no receipt');
    const r1 = await t.connect('rc-1');
    expect(await r1.request('message.readReceipt', { messageIds: [ack.messageId, plain.messageId] })).toEqual({ read: [ack.messageId] });
    expect(await r1.request('message.readReceipt', { messageIds: [ack.messageId] })).toEqual({ read: [] });
    const update = await o.waitForEvent('message.updated', (d) => d.messageId === ack.messageId);
    expect(update.data.extra).toMatchObject({ readCount: 1, unreadCount: 2 });
    await t.http('POST', '/v1/messages/read', { token: await t.token('rc-2'), body: { messageIds: [ack.messageId] } });
    const hist = await o.request('message.history', { conversationId: 'team|rc-g' });
    expect(hist.messages[0].extra).toMatchObject({ readCount: 2, unreadCount: 1 });
  });
});

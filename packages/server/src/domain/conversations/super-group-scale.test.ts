import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

const MEMBERS = 100_000;
const CHUNK = 1000;

await describeEachBackend('a 100 000-member super group', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('takes O(1) rows per message and gives its members the right order and unread', { timeout: 300_000 }, async () => {
    const t = server();
    const uid = (i: number) => `sg100k-${i}`;
    for (let start = 0; start < MEMBERS; start += CHUNK) {
      const users = Array.from({ length: Math.min(CHUNK, MEMBERS - start) }, (_, i) => ({ uid: uid(start + i) }));
      await t.adminOk('POST', '/users/batch', { users });
    }
    await t.adminOk('POST', '/groups', { groupId: 'huge', channelType: 3, ownerUid: uid(0) });
    for (let start = 1; start < MEMBERS; start += CHUNK) {
      const uids = Array.from({ length: Math.min(CHUNK, MEMBERS - start) }, (_, i) => uid(start + i));
      await t.adminOk('POST', '/groups/huge/members', { uids });
    }
    expect((await t.adminOk('GET', '/groups/huge')).memberCount).toBe(MEMBERS);

    const reader = await t.connect(uid(77_777));
    const sender = await t.connect(uid(42));
    const friend = await t.connect(uid(5));
    await friend.request('message.send', {
      channelId: uid(77_777),
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: text('a 1:1 first'),
    });

    const before = await t.rowCounts();
    const ack = await sender.request('message.send', {
      channelId: 'huge',
      channelType: 3,
      clientMsgNo: clientMsgNo(),
      payload: text('hello, everyone'),
    });
    expect(ack.reasonCode).toBe(1);
    const after = await t.rowCounts();
    const written = Object.keys(after).reduce((sum, table) => sum + (after[table] as number) - (before[table] as number), 0);
    expect(after.messages).toBe((before.messages as number) + 1);
    expect(written).toBeLessThanOrEqual(2); // the message and the sender's own read position

    await reader.waitForEvent('message.new', (m) => m.messageId === ack.messageId);
    const list = await reader.request('conversation.list', { limit: 10 });
    expect(list.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual(['super_team|huge', `p2p|${uid(5)}`]);
    expect(list.conversations[0]).toMatchObject({ unreadCount: 1, lastMsgSeq: 1, lastMsg: { messageId: ack.messageId } });
    expect((await reader.request('conversation.totalUnread')).totalUnread).toBe(2);
    expect((await sender.request('conversation.get', { conversationId: 'super_team|huge' })).unreadCount).toBe(0);
  });
});

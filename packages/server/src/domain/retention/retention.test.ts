import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, type TestServer, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { afterEach, describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const HOUR = 3_600_000;

const send = (client: TestClient, channelId: string, channelType: number, content: string) =>
  client.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) });
const seqs = (r: { messages: Array<{ messageSeq: number }> }) => r.messages.map((m) => m.messageSeq);

/** What `uid` sees of one conversation: its history, and its entry in the list, the total and `get`. */
async function seen(client: TestClient, conversationId: string) {
  const history = await client.request('message.history', { conversationId, limit: 100 });
  const listed = (await client.request('conversation.list', {})).conversations.find((c: any) => c.conversationId === conversationId);
  const got = await client.request('conversation.get', { conversationId });
  const total = (await client.request('conversation.totalUnread', {})).totalUnread;
  return {
    history: seqs(history),
    hasMoreBefore: history.hasMoreBefore,
    listedUnread: listed?.unreadCount,
    listedLast: listed ? (listed.lastMsg?.messageSeq ?? null) : 'not listed',
    unread: got.unreadCount,
    last: got.lastMsg?.messageSeq ?? null,
    updateTime: got.updateTime,
    mentionedMe: got.mentionedMe,
    total,
  };
}

/** Every way to name a message by id answers not_found, for `client` acting on `messageId` in `conversationId`. */
async function notFoundById(client: TestClient, conversationId: string, messageId: string): Promise<string[]> {
  const attempts = [
    client.request('message.edit', { messageId, payload: text('edited') }),
    client.request('message.revoke', { messageId }),
    client.request('message.addReaction', { messageId, emoji: '👍' }),
    client.request('message.readReceipt', { messageIds: [messageId] }),
    client.request('message.history', { conversationId, cursor: messageId, pageSize: 10 }),
    client.request('message.removeHistory', { conversationId, messageIds: [messageId] }),
  ];
  return Promise.all(
    attempts.map((a) =>
      a.then(
        () => 'answered',
        (e: { code: string }) => e.code,
      ),
    ),
  );
}

await describeEachBackend('retention', (backend) => {
  describe('a server default of one day', () => {
    const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_RETENTION_DAYS: '1' });
    afterEach(() => {
      server().frozenAt = undefined;
    });

    it('hides what expired from history, lookups, previews and unread before the job removes it, and after', async () => {
      const t = server();
      await t.ensureUsers('d-a', 'd-b');
      const T0 = Date.now();
      t.frozenAt = T0;
      const a = await t.connect('d-a');
      const b = await t.connect('d-b');
      const old = [await send(a, 'd-b', 1, 'old 1'), await send(a, 'd-b', 1, 'old 2')];
      t.frozenAt = T0 + HOUR;
      await send(a, 'd-b', 1, 'new 3');
      await send(a, 'd-b', 1, 'new 4');
      expect(await seen(b, 'p2p|d-a')).toMatchObject({ history: [1, 2, 3, 4], unread: 4, total: 4 });

      // A day on, the first two have expired: for everyone, everywhere, at once.
      t.frozenAt = T0 + DAY + 1;
      const partly = await seen(b, 'p2p|d-a');
      expect(partly).toMatchObject({ history: [3, 4], hasMoreBefore: false, listedUnread: 2, listedLast: 4, unread: 2, last: 4, total: 2 });
      expect(seqs(await a.request('message.history', { conversationId: 'p2p|d-b' }))).toEqual([3, 4]);
      // The sender may act on their own messages, but not once they expired; nor may the peer.
      expect(await notFoundById(a, 'p2p|d-b', old[0].messageId)).toEqual(Array(6).fill('message.not_found'));
      expect(await notFoundById(b, 'p2p|d-a', old[1].messageId)).toEqual(Array(6).fill('message.not_found'));

      // A new message's push counts what is unread now, not what expired meanwhile.
      const pushed = b.waitForEvent('conversation.updated', (d) => d.conversation.lastMsg?.messageSeq === 5);
      await send(a, 'd-b', 1, 'new 5');
      expect((await pushed).data.conversation).toMatchObject({ unreadCount: 3, lastMsgSeq: 5 });

      // Everything expired: the conversation keeps its place, with no last message and nothing unread.
      t.frozenAt = T0 + 2 * DAY + 2;
      const before = await seen(b, 'p2p|d-a');
      expect(before).toMatchObject({
        history: [],
        hasMoreBefore: false,
        listedUnread: 0,
        listedLast: null,
        unread: 0,
        last: null,
        updateTime: T0 + DAY + 1,
        mentionedMe: false,
        total: 0,
      });

      const key = { channelType: 1 as const, channelId: 'd-a|d-b' };
      const run = await t.server.ctx.retentionJob.runOnce();
      expect(run.rows.messages).toBeGreaterThanOrEqual(5);
      expect(await t.storage.messages.range(key, 1, 5)).toEqual([]);
      expect(await t.storage.channels.get(key)).toMatchObject({ purgedSeq: 5, maxSeq: 5 });
      // Removing changed nothing anyone sees.
      expect(await seen(b, 'p2p|d-a')).toEqual(before);
      expect(await notFoundById(a, 'p2p|d-b', old[0].messageId)).toEqual(Array(6).fill('message.not_found'));
      expect((await b.request('conversation.markRead', { conversationId: 'p2p|d-a' })).unreadCount).toBe(0);

      // Life goes on: seqs continue, and only the new message counts.
      t.frozenAt = T0 + 2 * DAY + 3;
      const pushedAfter = b.waitForEvent('conversation.updated', (d) => d.conversation.lastMsg?.messageSeq === 6);
      await send(a, 'd-b', 1, 'after the job');
      expect((await pushedAfter).data.conversation).toMatchObject({ unreadCount: 1 });
      expect(await seen(b, 'p2p|d-a')).toMatchObject({ history: [6], hasMoreBefore: false, unread: 1, last: 6, total: 1 });
    });
  });

  describe("a group's own retention", () => {
    const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
    afterEach(() => {
      server().frozenAt = undefined;
    });

    async function groupsWithRetention(t: TestServer, prefix: string, days: number | null) {
      const [owner, member, other] = [`${prefix}-o`, `${prefix}-m`, `${prefix}-n`];
      await t.ensureUsers(owner, member, other);
      for (const [groupId, channelType] of [
        [`${prefix}-g`, 2],
        [`${prefix}-sg`, 3],
      ] as const) {
        await t.adminOk('POST', '/groups', { groupId, channelType, ownerUid: owner, members: [member, other] });
        await t.adminOk('PUT', `/groups/${groupId}/retention`, { retentionDays: days });
      }
      return { owner, member };
    }

    it("expires a group's and a super group's messages by the group's days; the job removes them in bounded steps", async () => {
      const t = server();
      const { owner, member } = await groupsWithRetention(t, 'og', 1);
      const T0 = Date.now();
      t.frozenAt = T0;
      const o = await t.connect(owner);
      const m = await t.connect(member);
      const first = [];
      for (let i = 1; i <= 5; i++) {
        first.push(await send(o, 'og-g', 2, `old ${i}`));
        await send(o, 'og-sg', 3, `old ${i}`);
      }
      await m.request('message.addReaction', { messageId: first[0].messageId, emoji: '👀' });
      // A person channel follows the server's default: here, for ever.
      await send(o, member, 1, 'kept');
      t.frozenAt = T0 + HOUR;
      for (let i = 6; i <= 7; i++) {
        await send(o, 'og-g', 2, `new ${i}`);
        await send(o, 'og-sg', 3, `new ${i}`);
      }
      t.frozenAt = T0 + DAY + 1;
      const expected = { history: [6, 7], hasMoreBefore: false, listedUnread: 2, listedLast: 7, unread: 2, last: 7 };
      const group = await seen(m, 'team|og-g');
      const superGroup = await seen(m, 'super_team|og-sg');
      expect([group, superGroup]).toMatchObject([expected, expected]);
      expect(group.total).toBe(2 + 2 + 1);
      expect(seqs(await m.request('message.history', { conversationId: `p2p|${owner}` }))).toEqual([1]);
      expect(await notFoundById(m, 'team|og-g', first[1].messageId)).toEqual(Array(6).fill('message.not_found'));

      // Two rows per step at most: the member rows of the group (one step), five messages of each
      // channel (three steps each), the reaction left on a removed message (one step).
      const run = await t.server.ctx.retentionJob.runOnce({ batchSize: 2 });
      expect(run).toEqual({ channels: 2, steps: 8, rows: { conversations: 2, messages: 10, reactions: 1, receipts: 0, deletions: 0 } });
      expect([await seen(m, 'team|og-g'), await seen(m, 'super_team|og-sg')]).toEqual([group, superGroup]);
      expect(await t.server.ctx.retentionJob.runOnce({ batchSize: 2 })).toMatchObject({ channels: 0, steps: 0 });

      // Back to the default (for ever): what is left stays, what was removed does not come back.
      await t.adminOk('PUT', '/groups/og-g/retention', { retentionDays: null });
      t.frozenAt = T0 + 30 * DAY;
      expect(await seen(m, 'team|og-g')).toMatchObject({ history: [6, 7], unread: 2, last: 7 });
      expect(await seen(m, 'super_team|og-sg')).toMatchObject({ history: [], unread: 0, last: null, listedLast: null });
    });

    it('reads and sets the setting through the admin API, refusing bad input without changing it', async () => {
      const t = server();
      await t.ensureUsers('adm-o');
      await t.adminOk('POST', '/groups', { groupId: 'adm-g', channelType: 2, ownerUid: 'adm-o' });
      expect(await t.adminOk('GET', '/groups/adm-g/retention')).toEqual({
        groupId: 'adm-g',
        retentionDays: null,
        defaultDays: 0,
        effectiveDays: 0,
      });
      expect(await t.adminOk('PUT', '/groups/adm-g/retention', { retentionDays: 30 })).toMatchObject({
        retentionDays: 30,
        effectiveDays: 30,
      });
      expect(await t.adminOk('PUT', '/groups/adm-g/retention', { retentionDays: 0 })).toMatchObject({ retentionDays: 0, effectiveDays: 0 });
      expect(await t.adminOk('PUT', '/groups/adm-g/retention', { retentionDays: 36_500 })).toMatchObject({ retentionDays: 36_500 });
      for (const body of [
        {},
        { retentionDays: -1 },
        { retentionDays: 36_501 },
        { retentionDays: 1.5 },
        { retentionDays: '7' },
        { retentionDays: 7, x: 1 },
      ]) {
        const res = await t.admin('PUT', '/groups/adm-g/retention', body);
        expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'request.invalid']);
      }
      const notJson = await t.http('PUT', '/v1/admin/groups/adm-g/retention', { token: t.config.appSecret, raw: '{"retentionDays":' });
      expect([notJson.status, notJson.body.code]).toEqual([400, 'request.malformed']);
      expect((await t.adminOk('GET', '/groups/adm-g/retention')).retentionDays).toBe(36_500);
      for (const method of ['GET', 'PUT']) {
        const res = await t.admin(method, '/groups/adm-none/retention', method === 'PUT' ? { retentionDays: 1 } : undefined);
        expect([res.status, res.body.code]).toEqual([404, 'group.not_found']);
      }
      // A dismissed group's members keep its history, and its retention with it.
      await t.adminOk('DELETE', '/groups/adm-g');
      expect(await t.adminOk('PUT', '/groups/adm-g/retention', { retentionDays: null })).toMatchObject({ retentionDays: null });
    });
  });
});

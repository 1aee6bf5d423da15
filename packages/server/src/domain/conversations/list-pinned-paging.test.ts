import { describeEachBackend } from '@parley/test-kit/backends';
import { text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

interface Page {
  conversations: Array<{ conversationId: string; pinnedTime: number }>;
  hasMore: boolean;
  cursor: string | null;
}

/** Easemob's getServerPinnedConversations({pageSize, cursor}) and the Parley form ({limit, cursor}). */
await describeEachBackend('conversation.listPinned pages', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('by pin time, newest first, with limit or pageSize and a cursor; pins and unpins meanwhile cause no repeat', async () => {
    const t = server();
    const peers = Array.from({ length: 9 }, (_, i) => `lpp-p${i}`);
    await t.ensureUsers('lpp', ...peers);
    for (const p of peers) await t.adminOk('POST', '/messages', { fromUid: p, channelId: 'lpp', channelType: 1, payload: text('hi') });
    const me = await t.connect('lpp');
    // p0..p3 pinned in the same millisecond (ties go by conversationId), then p4..p7 one by one.
    const start = Date.now();
    for (const [i, p] of peers.slice(0, 8).entries()) {
      t.frozenAt = start + (i < 4 ? 0 : i * 10);
      await me.request('conversation.pin', { conversationId: `p2p|${p}`, isPinned: true });
    }
    t.frozenAt = undefined;
    const pinnedOrder = ['p7', 'p6', 'p5', 'p4', 'p0', 'p1', 'p2', 'p3'].map((p) => `p2p|lpp-${p}`);
    const all = (await me.request('conversation.listPinned', {})) as Page;
    expect([all.conversations.map((c) => c.conversationId), all.hasMore, all.cursor]).toEqual([pinnedOrder, false, null]);

    for (const form of [{ limit: 3 }, { pageSize: 3 }]) {
      const seen: string[] = [];
      let page = (await me.request('conversation.listPinned', form)) as Page;
      seen.push(...page.conversations.map((c) => c.conversationId));
      expect([page.conversations.length, page.hasMore], JSON.stringify(form)).toEqual([3, true]);
      // Meanwhile: a new pin (goes to the top, behind the walk) and a re-pin of one already seen. Both
      // at a frozen time later than every pin above: the real clock may still be behind those (the
      // whole test can take less than their 70 ms spread), and a re-pin would then land ahead of the cursor.
      t.frozenAt = start + 1000;
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p8', isPinned: true });
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p6', isPinned: false });
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p6', isPinned: true });
      t.frozenAt = undefined;
      while (page.cursor) {
        page = (await me.request('conversation.listPinned', { ...form, cursor: page.cursor })) as Page;
        seen.push(...page.conversations.map((c) => c.conversationId));
      }
      expect(seen, JSON.stringify(form)).toEqual(pinnedOrder);
      expect(page.hasMore).toBe(false);
      // Put things back for the next form.
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p8', isPinned: false });
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p6', isPinned: false });
      t.frozenAt = start + 60;
      await me.request('conversation.pin', { conversationId: 'p2p|lpp-p6', isPinned: true });
      t.frozenAt = undefined;
    }

    // REST takes the same params; a cursor of the other list is refused, not misread.
    const token = await t.token('lpp');
    const first = await t.http('GET', '/v1/conversations/pinned?pageSize=5', { token });
    expect(first.body.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual(pinnedOrder.slice(0, 5));
    const second = await t.http('GET', `/v1/conversations/pinned?pageSize=5&cursor=${first.body.cursor}`, { token });
    expect([second.body.conversations.map((c: { conversationId: string }) => c.conversationId), second.body.cursor]).toEqual([
      pinnedOrder.slice(5),
      null,
    ]);
    const listCursor = ((await me.request('conversation.list', { limit: 2 })) as Page).cursor;
    await expect(me.request('conversation.listPinned', { cursor: listCursor })).rejects.toMatchObject({ code: 'request.invalid' });
    await expect(me.request('conversation.list', { cursor: first.body.cursor })).rejects.toMatchObject({ code: 'request.invalid' });
  });
});

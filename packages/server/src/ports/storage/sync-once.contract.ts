import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fanout, NewMessage, Storage } from './index.js';

/** The rules of SyncOnceStore (sync-once.ts) and of sync-once commits; run by `runStorageContract`. */
export function runSyncOnceContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}: sync-once queues`, () => {
    let store: Storage;
    let n = 0;
    const now = 1_700_000_000_000;
    const p2p = (from: string, to: string): Fanout => ({
      kind: 'users',
      targets: [
        { uid: from, conversationId: `p2p|${to}` },
        { uid: to, conversationId: `p2p|${from}` },
      ],
    });
    const once = (over: Partial<NewMessage> = {}): NewMessage => {
      n++;
      return {
        channelType: 1,
        channelId: 'x|y',
        messageId: String(5_000_000 + n),
        clientMsgNo: `once${n}`,
        fromUid: 'x',
        timestamp: now + n,
        contentType: 99,
        payloadJson: JSON.stringify({ type: 99, cmd: `c${n}` }),
        metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":true},"setting":{}}',
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        fanout: p2p('x', 'y'),
        syncOnce: true,
        ...over,
      };
    };
    const ids = async (uid: string, limit = 100) => (await store.syncOnce.pending(uid, limit)).messages.map((m) => m.messageId);

    beforeAll(async () => {
      store = await open();
      for (const uid of ['x', 'y', 'z', 'g1', 'g2', 'g3']) await store.users.upsert(uid, {}, now);
      await store.channels.createGroup(
        { channelType: 2, channelId: 'og', name: '', ownerUid: 'g1', allowHistory: false },
        ['g1', 'g2'],
        now,
      );
    });
    afterAll(async () => {
      await store?.close();
    });

    it('queues the message for each recipient in the commit, outside the channel log', async () => {
      const m = once();
      const [r] = await store.messages.commit([m]);
      expect(r).toMatchObject({
        status: 'stored',
        ack: { messageId: m.messageId, messageSeq: 0, timestamp: m.timestamp },
        conversations: [],
      });
      expect(r?.status === 'stored' && [...(r.recipients ?? [])].sort()).toEqual(['x', 'y']);
      const page = await store.syncOnce.pending('y', 10);
      expect(page).toEqual({
        hasMore: false,
        messages: [
          {
            channelType: 1,
            channelId: 'x|y',
            messageId: m.messageId,
            messageSeq: 0,
            clientMsgNo: m.clientMsgNo,
            fromUid: 'x',
            timestamp: m.timestamp,
            contentType: 99,
            payloadJson: m.payloadJson,
            metaJson: m.metaJson,
          },
        ],
      });
      // No seq, no channel record, no conversation row.
      expect(await store.channels.get({ channelType: 1, channelId: 'x|y' })).toBeUndefined();
      expect(await store.messages.count({ channelType: 1, channelId: 'x|y' })).toBe(0);
      expect(await store.conversations.get('y', 'p2p|x')).toBeUndefined();
      expect(await store.messages.byClientMsgNo('x', m.clientMsgNo)).toBeUndefined();
      await store.syncOnce.ack('x', [m.messageId]);
      await store.syncOnce.ack('y', [m.messageId]);
    });

    it('commits channel and sync-once messages of one batch together, the channel ones numbered without gaps', async () => {
      const ch = { channelType: 1 as const, channelId: 'x|z' };
      const plain = (): NewMessage => ({ ...once({ ...ch, fanout: p2p('x', 'z') }), syncOnce: false, metaJson: '{}' });
      const batch = [plain(), once({ ...ch, fanout: p2p('x', 'z') }), plain()];
      const results = await store.messages.commit(batch);
      expect(results.map((r) => r.ack.messageSeq)).toEqual([1, 0, 2]);
      expect(results[0]?.status === 'stored' && results[0].conversations.length).toBe(2);
      expect(await ids('z')).toEqual([batch[1]?.messageId]);
      await store.syncOnce.ack('z', await ids('z'));
      await store.syncOnce.ack('x', await ids('x'));
    });

    it("keeps each user's queue in commit order, and pages it with hasMore", async () => {
      const first = once();
      const [second, third] = [once(), once()];
      await store.messages.commit([first]);
      await store.messages.commit([second, third]);
      expect(await ids('y')).toEqual([first.messageId, second.messageId, third.messageId]);
      expect(await store.syncOnce.pending('y', 2)).toMatchObject({ hasMore: true, messages: [{ messageId: first.messageId }, {}] });
      expect((await store.syncOnce.pending('y', 3)).hasMore).toBe(false);
      // Nothing is removed by reading: the same page comes back until acknowledged.
      expect(await ids('y', 1)).toEqual([first.messageId]);
      expect(await store.syncOnce.ack('y', [first.messageId])).toBe(1);
      expect(await ids('y', 1)).toEqual([second.messageId]);
      await store.syncOnce.ack('y', [second.messageId, third.messageId]);
      await store.syncOnce.ack('x', [first.messageId, second.messageId, third.messageId]);
    });

    it('removes on ack for that user only; a second ack, an unknown id, another user are no-ops', async () => {
      const m = once();
      await store.messages.commit([m]);
      expect(await store.syncOnce.ack('z', [m.messageId])).toBe(0);
      expect(await ids('y')).toEqual([m.messageId]);
      expect(await store.syncOnce.ack('y', [m.messageId, m.messageId, '424242'])).toBe(1);
      expect(await store.syncOnce.ack('y', [m.messageId])).toBe(0);
      expect(await store.syncOnce.ack('y', [])).toBe(0);
      expect(await ids('y')).toEqual([]);
      // The sender's own queue still holds it (their other devices).
      expect(await ids('x')).toEqual([m.messageId]);
      await store.syncOnce.ack('x', [m.messageId]);
    });

    it('answers a resent clientMsgNo with the first ack, also after every recipient acknowledged it', async () => {
      const m = once({ clientMsgNo: 'once-same' });
      const [r1, r2] = await store.messages.commit([m, { ...m, messageId: '5999999' }]);
      expect(r2).toEqual({ status: 'duplicate', ack: r1?.ack });
      await store.syncOnce.ack('y', [m.messageId]);
      await store.syncOnce.ack('x', [m.messageId]);
      const [r3] = await store.messages.commit([{ ...m, messageId: '5999998' }]);
      expect(r3).toEqual({ status: 'duplicate', ack: r1?.ack });
      // A channel message cannot reuse it either: one clientMsgNo space per sender.
      const [r4] = await store.messages.commit([{ ...m, messageId: '5999997', syncOnce: false }]);
      expect(r4).toEqual({ status: 'duplicate', ack: r1?.ack });
      expect(await ids('y')).toEqual([]);
    });

    it('answers a sync-once message that reuses a stored channel message’s clientMsgNo with that message’s ack', async () => {
      const channel = once({ clientMsgNo: 'channel-first', channelId: 'x|z', fanout: p2p('x', 'z'), syncOnce: false });
      const [stored] = await store.messages.commit([channel]);
      expect(stored?.status).toBe('stored');
      // In a batch with a new message, which still takes the next seq.
      const [again, next] = await store.messages.commit([
        once({ clientMsgNo: 'channel-first', channelId: 'x|z', fanout: p2p('x', 'z') }),
        once({ channelId: 'x|z', fanout: p2p('x', 'z'), syncOnce: false }),
      ]);
      expect(again).toEqual({ status: 'duplicate', ack: stored?.ack });
      expect(next?.ack.messageSeq).toBe((stored?.ack.messageSeq ?? 0) + 1);
      expect(await ids('z')).toEqual([]);
    });

    it('writes a new sync-once message once when its batch also holds a resent channel message', async () => {
      const channel = once({ clientMsgNo: 'resent-beside-once', channelId: 'x|z', fanout: p2p('x', 'z'), syncOnce: false });
      const [stored] = await store.messages.commit([channel]);
      const fresh = once({ channelId: 'x|z', fanout: p2p('x', 'z') });
      const [o, resent, next] = await store.messages.commit([
        fresh,
        { ...channel, messageId: '5999990' },
        once({ channelId: 'x|z', fanout: p2p('x', 'z'), syncOnce: false }),
      ]);
      expect(o?.status).toBe('stored');
      expect(resent).toEqual({ status: 'duplicate', ack: stored?.ack });
      expect(next?.ack.messageSeq).toBe((stored?.ack.messageSeq ?? 0) + 1);
      // One queue row per recipient, whatever attempts the store made.
      expect(await ids('z')).toEqual([fresh.messageId]);
      expect((await store.syncOnce.pending('x', 100)).messages.filter((m) => m.messageId === fresh.messageId)).toHaveLength(1);
      await store.syncOnce.ack('z', [fresh.messageId]);
      await store.syncOnce.ack('x', [fresh.messageId]);
    });

    it('queues a group message for the members at commit time, and nobody without a user record', async () => {
      const g = { channelType: 2 as const, channelId: 'og' };
      const m = once({ ...g, fromUid: 'g1', fanout: { kind: 'members', conversationId: 'team|og' } });
      const [r] = await store.messages.commit([m]);
      expect(r?.status === 'stored' && [...(r.recipients ?? [])].sort()).toEqual(['g1', 'g2']);
      expect(await ids('g3')).toEqual([]);
      await store.channels.addMembers(g, ['g3'], now);
      const later = once({ ...g, fromUid: 'g1', fanout: { kind: 'members', conversationId: 'team|og' } });
      await store.messages.commit([later]);
      expect(await ids('g3')).toEqual([later.messageId]);
      expect(await ids('g2')).toEqual([m.messageId, later.messageId]);
      const ghost = once({ fanout: p2p('x', 'nobody') });
      const [rg] = await store.messages.commit([ghost]);
      expect(rg?.status === 'stored' && rg.recipients).toEqual(['x']);
      expect(await store.channels.get(g)).toMatchObject({ maxSeq: 0 });
    });
  });
}

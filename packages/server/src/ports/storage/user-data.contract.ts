import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelKey, type ErasedMessage, erasedClientMsgNo, type Fanout, type NewMessage, type Storage } from './index.js';

/** The rules of UserDataStore (user-data.ts); run by `runStorageContract`. */
export function runUserDataContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}: a user's data, exported and erased`, () => {
    let store: Storage;
    let n = 0;
    const now = 1_700_000_000_000;
    const pair = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
    const p2p = (from: string, to: string): Fanout => ({
      kind: 'users',
      targets: [
        { uid: from, conversationId: `p2p|${to}` },
        { uid: to, conversationId: `p2p|${from}` },
      ],
    });
    const msg = (over: Partial<NewMessage> & { fromUid: string; channelId: string; fanout: Fanout }): NewMessage => {
      n++;
      return {
        channelType: 1,
        messageId: String(7_000_000 + n),
        clientMsgNo: `ud${String(n).padStart(5, '0')}`,
        timestamp: now + n,
        contentType: 1,
        payloadJson: JSON.stringify({ type: 1, content: `text ${n}` }),
        metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}',
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        ...over,
      };
    };
    const send = async (m: NewMessage) => {
      const [r] = await store.messages.commit([m]);
      if (r?.status !== 'stored') throw new Error('not stored');
      return r.ack;
    };
    const erased = (key: ChannelKey, seq: number): ErasedMessage => ({
      ...key,
      seq,
      contentType: 999,
      payloadJson: '{"type":999}',
      metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}',
    });

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it("pages a sender's messages by clientMsgNo, theirs only", async () => {
      for (const u of ['ex-a', 'ex-b']) await store.users.upsert(u, {}, now);
      const ch = pair('ex-a', 'ex-b');
      for (const no of ['k3', 'k1', 'k2', 'k5', 'k4'])
        await send(msg({ fromUid: 'ex-a', channelId: ch, clientMsgNo: no, fanout: p2p('ex-a', 'ex-b') }));
      await send(msg({ fromUid: 'ex-b', channelId: ch, clientMsgNo: 'k0', fanout: p2p('ex-b', 'ex-a') }));
      const first = await store.userData.sentMessages('ex-a', '', 2);
      expect(first.map((m) => m.clientMsgNo)).toEqual(['k1', 'k2']);
      const rest = await store.userData.sentMessages('ex-a', 'k2', 10);
      expect(rest.map((m) => m.clientMsgNo)).toEqual(['k3', 'k4', 'k5']);
      expect(rest[0]).toMatchObject({ fromUid: 'ex-a', channelId: ch, messageSeq: 1 });
      expect(await store.userData.sentMessages('EX-A', '', 10)).toEqual([]);
    });

    it('pages conversations, memberships and reactions by their keys', async () => {
      for (const u of ['ex-c', 'ex-d']) await store.users.upsert(u, {}, now);
      for (const g of ['ex-g2', 'ex-g1'])
        await store.channels.createGroup({ channelType: 2, channelId: g, name: '', ownerUid: 'ex-d', allowHistory: false }, ['ex-c'], now);
      await store.channels.createGroup({ channelType: 3, channelId: 'ex-s', name: '', ownerUid: 'ex-c', allowHistory: false }, [], now);
      const groups = await store.userData.memberships('ex-c', undefined, 2);
      expect(groups.map((g) => [g.channelType, g.channelId, g.role])).toEqual([
        [2, 'ex-g1', 0],
        [2, 'ex-g2', 0],
      ]);
      expect((await store.userData.memberships('ex-c', groups[1], 10)).map((g) => [g.channelId, g.role])).toEqual([['ex-s', 2]]);

      const ch = pair('ex-c', 'ex-d');
      await send(msg({ fromUid: 'ex-d', channelId: ch, fanout: p2p('ex-d', 'ex-c') }));
      await send(msg({ fromUid: 'ex-d', channelId: 'ex-g1', channelType: 2, fanout: { kind: 'members', conversationId: 'team|ex-g1' } }));
      await store.conversations.update('ex-c', { channelType: 2, channelId: 'ex-g2', conversationId: 'team|ex-g2' }, { ext: 'note' });
      const convs = await store.userData.conversations('ex-c', '', 2);
      expect(convs.map((c) => c.conversationId)).toEqual(['p2p|ex-d', 'team|ex-g1']);
      expect((await store.userData.conversations('ex-c', 'team|ex-g1', 10)).map((c) => [c.conversationId, c.ext])).toEqual([
        ['team|ex-g2', 'note'],
      ]);

      const at = (key: ChannelKey, seq: number) => ({ ...key, seq });
      const p = { channelType: 1 as const, channelId: ch };
      const g = { channelType: 2 as const, channelId: 'ex-g1' };
      for (const [ref, emoji] of [
        [at(g, 1), '👍'],
        [at(p, 1), 'b'],
        [at(p, 1), 'a'],
      ] as const)
        await store.messageState.react(ref, 'ex-c', emoji, true, 20, now);
      await store.messageState.react(at(p, 1), 'ex-d', 'z', true, 20, now);
      const reactions = await store.userData.reactions('ex-c', undefined, 2);
      expect(reactions.map((r) => [r.channelType, r.seq, r.emoji])).toEqual([
        [1, 1, 'a'],
        [1, 1, 'b'],
      ]);
      const next = await store.userData.reactions('ex-c', reactions[1] as ChannelKey & { seq: number; emoji: string }, 10);
      expect(next.map((r) => [r.channelType, r.channelId, r.emoji, r.createdAt])).toEqual([[2, 'ex-g1', '👍', now]]);
    });

    it('begins an erasure atomically: the record, and the user gone; a restart keeps the later time', async () => {
      await store.users.upsert('er-x', { name: 'X' }, now);
      expect(await store.userData.erasure('er-x')).toBeUndefined();
      expect(await store.userData.beginErasure('er-x', now + 10)).toEqual({ uid: 'er-x', erasedAt: now + 10, finishedAt: 0 });
      expect(await store.users.get('er-x')).toBeUndefined();
      expect((await store.conversations.clock('er-x')).version).toBe(0);
      await store.userData.finishErasure('er-x', now + 20);
      expect(await store.userData.erasure('er-x')).toEqual({ uid: 'er-x', erasedAt: now + 10, finishedAt: now + 20 });
      expect(await store.userData.beginErasure('er-x', now + 5)).toEqual({ uid: 'er-x', erasedAt: now + 10, finishedAt: 0 });
      expect(await store.userData.beginErasure('er-x', now + 30)).toMatchObject({ erasedAt: now + 30, finishedAt: 0 });
    });

    it("removes the user's own rows in bounded steps, and nobody else's", async () => {
      for (const u of ['er-a', 'er-b']) await store.users.upsert(u, {}, now);
      const ch = { channelType: 1 as const, channelId: pair('er-a', 'er-b') };
      await store.channels.createGroup(
        { channelType: 2, channelId: 'er-g', name: '', ownerUid: 'er-b', allowHistory: false },
        ['er-a'],
        now,
      );
      await store.channels.setWhitelist({ channelType: 2, channelId: 'er-g' }, ['er-a', 'er-b']);
      for (let i = 0; i < 3; i++)
        await send(
          msg({
            fromUid: 'er-b',
            ...ch,
            fanout: p2p('er-b', 'er-a'),
            metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{"receipt":true}}',
          }),
        );
      await send(
        msg({
          fromUid: '__system__',
          channelType: 4,
          channelId: 'er-a',
          fanout: { kind: 'users', targets: [{ uid: 'er-a', conversationId: 'system|er-a' }] },
        }),
      );
      await store.messageState.react({ ...ch, seq: 1 }, 'er-a', '👍', true, 20, now);
      await store.messageState.react({ ...ch, seq: 1 }, 'er-b', '👍', true, 20, now);
      await store.messageState.addReceipts(
        'er-a',
        [1, 2, 3].map((seq) => ({ ...ch, seq })),
        now,
      );
      await store.messageState.deleteForUser('er-a', 'p2p|er-b', ch, [2]);
      await store.users.addToBlacklist('er-a', ['er-b'], now);
      await store.users.addToBlacklist('er-b', ['er-a'], now);
      await store.messages.commit([
        msg({
          fromUid: 'er-b',
          ...ch,
          fanout: p2p('er-b', 'er-a'),
          syncOnce: true,
          metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":true},"setting":{}}',
        }),
      ]);
      const before = await store.rowCounts();

      await store.userData.beginErasure('er-a', now);
      const steps: number[] = [];
      for (let removed = -1; removed !== 0; ) {
        removed = await store.userData.removeOwnRows('er-a', 3);
        steps.push(removed);
      }
      expect(Math.max(...steps)).toBe(3);
      const after = await store.rowCounts();
      const gone = (t: string) => (before[t] ?? 0) - (after[t] ?? 0);
      expect({
        conversations: gone('conversations'),
        deleted_messages: gone('deleted_messages'),
        reactions: gone('reactions'),
        receipts: gone('receipts'),
        sync_once_queue: gone('sync_once_queue'),
        blacklist: gone('blacklist'),
        whitelist: gone('whitelist'),
        messages: gone('messages'),
        channels: gone('channels'),
      }).toEqual({
        conversations: 2,
        deleted_messages: 1,
        reactions: 1,
        receipts: 3,
        sync_once_queue: 1,
        blacklist: 2,
        whitelist: 1,
        messages: 1,
        channels: 1,
      });
      expect(await store.conversations.get('er-b', 'p2p|er-a')).toMatchObject({ lastSeq: 3 });
      expect((await store.messageState.annotations([{ ...ch, seq: 1 }])).get(`1|${ch.channelId}|1`)?.reactions).toEqual([
        { emoji: '👍', uids: ['er-b'] },
      ]);
      expect(await store.channels.whitelist({ channelType: 2, channelId: 'er-g' })).toEqual(['er-b']);
      expect((await store.syncOnce.pending('er-b', 10)).messages).toHaveLength(1);
      expect(await store.userData.removeOwnRows('er-a', 3)).toBe(0);
    });

    it('takes the user out of their groups, handing ownership to an admin, else the earliest member, else nobody', async () => {
      for (const u of ['lv-o', 'lv-m1', 'lv-m2', 'lv-adm']) await store.users.upsert(u, {}, now);
      const group = (id: string, type: 2 | 3 = 2) => ({ channelType: type, channelId: id });
      await store.channels.createGroup({ ...group('lv-1'), name: '', ownerUid: 'lv-o', allowHistory: false }, ['lv-m1'], now);
      await store.channels.addMembers(group('lv-1'), ['lv-m2'], now + 1);
      await store.channels.addMembers(group('lv-1'), ['lv-adm'], now + 2);
      await store.channels.setRole(group('lv-1'), ['lv-adm'], 1);
      await store.channels.createGroup({ ...group('lv-2', 3), name: '', ownerUid: 'lv-o', allowHistory: false }, [], now);
      await store.channels.addMembers(group('lv-2', 3), ['lv-m2'], now + 1);
      await store.channels.addMembers(group('lv-2', 3), ['lv-m1'], now + 2);
      await store.channels.createGroup({ ...group('lv-3'), name: '', ownerUid: 'lv-o', allowHistory: false }, [], now);
      await store.channels.createGroup({ ...group('lv-4'), name: '', ownerUid: 'lv-m1', allowHistory: false }, ['lv-o'], now);

      const left = [...(await store.userData.leaveGroups('lv-o', 2)), ...(await store.userData.leaveGroups('lv-o', 10))];
      expect(await store.userData.leaveGroups('lv-o', 10)).toEqual([]);
      expect(left.map((g) => [g.channelId, g.newOwnerUid]).sort()).toEqual([
        ['lv-1', 'lv-adm'],
        ['lv-2', 'lv-m2'],
        ['lv-3', ''],
        ['lv-4', undefined],
      ]);
      expect(await store.channels.get(group('lv-1'))).toMatchObject({ ownerUid: 'lv-adm', memberCount: 3 });
      expect((await store.channels.member(group('lv-1'), 'lv-adm'))?.role).toBe(2);
      expect(await store.channels.get(group('lv-2', 3))).toMatchObject({ ownerUid: 'lv-m2', memberCount: 2 });
      expect(await store.channels.get(group('lv-3'))).toMatchObject({ ownerUid: '', memberCount: 0 });
      expect(await store.channels.get(group('lv-4'))).toMatchObject({ ownerUid: 'lv-m1', memberCount: 1 });
      expect(await store.channels.superGroupsOf('lv-o')).toEqual([]);
    });

    it("replaces the sender's messages by placeholders: seqs, ids and unread stay; edits and the clientMsgNo go", async () => {
      for (const u of ['ph-a', 'ph-b']) await store.users.upsert(u, {}, now);
      const ch = { channelType: 1 as const, channelId: pair('ph-a', 'ph-b') };
      const a1 = await send(msg({ fromUid: 'ph-a', ...ch, clientMsgNo: 'same-no', fanout: p2p('ph-a', 'ph-b') }));
      await send(msg({ fromUid: 'ph-b', ...ch, fanout: p2p('ph-b', 'ph-a') }));
      const a3 = await send(msg({ fromUid: 'ph-a', ...ch, fanout: p2p('ph-a', 'ph-b') }));
      await store.messageState.edit({ ...ch, seq: 3 }, '{"type":1,"content":"edited"}', now + 50, 10);
      const bBefore = await store.conversations.get('ph-b', 'p2p|ph-a');
      const rows = await store.userData.eraseSent('ph-a', [erased(ch, 1), erased(ch, 2), erased(ch, 3)]);
      // Only the row whose last message changed: ph-b's (ph-a's own is theirs to delete); seq 2 is not ph-a's.
      expect(rows.map((r) => [r.uid, r.conversationId])).toEqual(expect.arrayContaining([['ph-b', 'p2p|ph-a']]));
      const bAfter = await store.conversations.get('ph-b', 'p2p|ph-a');
      expect(bAfter?.version).toBeGreaterThan(bBefore?.version as number);
      expect({ ...bAfter, version: 0 }).toEqual({ ...bBefore, version: 0 });
      const [m1, m2, m3] = await store.messages.range(ch, 1, 3);
      expect(m1).toMatchObject({
        messageId: a1.messageId,
        messageSeq: 1,
        timestamp: a1.timestamp,
        fromUid: 'ph-a',
        clientMsgNo: erasedClientMsgNo(a1.messageId),
        contentType: 999,
        payloadJson: '{"type":999}',
        redDot: true,
      });
      expect(m2).toMatchObject({ fromUid: 'ph-b', contentType: 1 });
      expect(m3).toMatchObject({ messageId: a3.messageId, contentType: 999, editedAt: 0, editCount: 0, editedPayloadJson: '' });
      expect(await store.messages.ordinalAt(ch, 3)).toBe(3);
      expect(await store.userData.sentMessages('ph-a', '', 10)).toEqual([]);
      // Idempotent, and the pair is free: the same clientMsgNo sends anew.
      expect(await store.userData.eraseSent('ph-a', [erased(ch, 1)])).toEqual([]);
      const again = await send(msg({ fromUid: 'ph-a', ...ch, clientMsgNo: 'same-no', fanout: p2p('ph-a', 'ph-b') }));
      expect(again.messageSeq).toBe(4);
    });

    it('ticks the super-group clock when an erased message is the last one, and only then', async () => {
      await store.users.upsert('sgx-a', {}, now);
      const sg = { channelType: 3 as const, channelId: 'sgx' };
      await store.channels.createGroup({ ...sg, name: '', ownerUid: 'sgx-a', allowHistory: false }, [], now);
      const fanout: Fanout = { kind: 'none', conversationId: 'super_team|sgx' };
      await send(msg({ ...sg, fromUid: 'sgx-a', fanout }));
      await send(msg({ ...sg, fromUid: 'sgx-a', fanout }));
      const clock = async () => (await store.conversations.clock('sgx-a')).superGroupClock;
      const c0 = await clock();
      expect(await store.userData.eraseSent('sgx-a', [erased(sg, 1)])).toEqual([]);
      expect(await clock()).toBe(c0);
      await store.userData.eraseSent('sgx-a', [erased(sg, 2)]);
      expect(await clock()).toBe(c0 + 1);
      const view = (await store.conversations.superGroups('sgx-a')).find((v) => v.channel.channelId === 'sgx');
      expect(view?.channel.superGroupClock).toBe(c0 + 1);
    });

    it('deletes the sync-once messages the user sent, with their queue entries', async () => {
      for (const u of ['so-a', 'so-b']) await store.users.upsert(u, {}, now);
      const ch = pair('so-a', 'so-b');
      const meta = '{"header":{"noPersist":false,"redDot":true,"syncOnce":true},"setting":{}}';
      for (let i = 0; i < 3; i++)
        await store.messages.commit([msg({ fromUid: 'so-a', channelId: ch, fanout: p2p('so-a', 'so-b'), syncOnce: true, metaJson: meta })]);
      expect((await store.userData.sentOnce('so-a', '', 2)).map((m) => m.messageSeq)).toEqual([0, 0]);
      expect(await store.userData.eraseSentOnce('so-a', 2)).toBe(2);
      expect(await store.userData.eraseSentOnce('so-a', 2)).toBe(1);
      expect(await store.userData.eraseSentOnce('so-a', 2)).toBe(0);
      expect((await store.syncOnce.pending('so-b', 10)).messages).toEqual([]);
      expect(await store.userData.sentOnce('so-a', '', 10)).toEqual([]);
    });

    it("removes quotes of the user from others' replies, in bounded steps, leaving the rest of each reply", async () => {
      for (const u of ['rq-a', 'rq-b']) await store.users.upsert(u, {}, now);
      const ch = { channelType: 1 as const, channelId: pair('rq-a', 'rq-b') };
      const replyMeta = (fromUid: string, preview: string) =>
        JSON.stringify({
          header: { noPersist: false, redDot: true, syncOnce: false },
          setting: {},
          reply: { messageId: '1', messageSeq: 1, fromUid, preview },
        });
      await send(msg({ fromUid: 'rq-a', ...ch, fanout: p2p('rq-a', 'rq-b') }));
      for (let i = 0; i < 5; i++) await send(msg({ fromUid: 'rq-b', ...ch, fanout: p2p('rq-b', 'rq-a') }));
      await send(msg({ fromUid: 'rq-b', ...ch, fanout: p2p('rq-b', 'rq-a'), metaJson: replyMeta('rq-a', 'quoted secret') }));
      await send(msg({ fromUid: 'rq-b', ...ch, fanout: p2p('rq-b', 'rq-a'), metaJson: replyMeta('rq-b', 'own words') }));
      await store.userData.eraseSent('rq-a', [erased(ch, 1)]);
      let steps = 0;
      while (await store.userData.scrubReplies('rq-a', 2)) steps++;
      expect(steps).toBe(3);
      expect(await store.userData.scrubReplies('rq-a', 2)).toBe(false);
      const [quoting, own] = await store.messages.range(ch, 7, 8);
      expect(JSON.parse(quoting?.metaJson as string).reply).toEqual({ messageId: '1', messageSeq: 1, fromUid: 'rq-a' });
      expect(JSON.parse(own?.metaJson as string).reply.preview).toBe('own words');
    });
  });
}

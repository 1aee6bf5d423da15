import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitResult, NewMessage, Storage } from '../../../ports/storage/index.js';
import { runStorageContract } from '../../../ports/storage/storage.contract.js';
import { describePostgres, openTestPostgres, openTestPostgresNodes } from '../../../test-support/postgres.js';

await describePostgres('PostgreSQL adapter', () => {
  runStorageContract('postgres', openTestPostgres);

  // What only PostgreSQL has to get right: several nodes committing at once against one database.
  describe('several nodes sharing one database', () => {
    const now = 1_700_000_000_000;
    let nodes: Storage[];
    const node = (i: number) => nodes[i] as Storage;

    const message = (channelId: string, fromUid: string, clientMsgNo: string, messageId: string): NewMessage => {
      const [x, y] = channelId.split('|') as [string, string];
      const to = fromUid === x ? y : x;
      return {
        channelType: 1,
        channelId,
        messageId,
        clientMsgNo,
        fromUid,
        timestamp: now,
        contentType: 1,
        payloadJson: '{}',
        metaJson: '{}',
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        fanout: {
          kind: 'users',
          targets: [
            { uid: fromUid, conversationId: `p2p|${to}` },
            { uid: to, conversationId: `p2p|${fromUid}` },
          ],
        },
      };
    };

    beforeAll(async () => {
      // Opened at the same time: the migrations must run exactly once.
      nodes = await openTestPostgresNodes(3);
      for (const uid of ['a', 'b', 'c', 'd', ...Array.from({ length: 8 }, (_, i) => `late${i}`)]) await node(0).users.upsert(uid, {}, now);
    });
    afterAll(async () => {
      await Promise.all((nodes ?? []).map((n) => n.close()));
    });

    it('keeps seqs contiguous and answers a send repeated through other nodes with the first ack', async () => {
      const channels = ['a|b', 'b|c', 'c|d'];
      const rounds = 10;
      // Every node sends every logical message, in its own order, each under its own message id,
      // so batches overlap in channels (lock order) and in (fromUid, clientMsgNo) (retries).
      const batchesOf = (n: number): NewMessage[][] =>
        Array.from({ length: rounds }, (_, round) =>
          [0, 1, 2].flatMap((k) => {
            const channelId = channels[(k + n + round) % channels.length] as string;
            const from = channelId.split('|')[round % 2] as string;
            return [0, 1].map((i) => message(channelId, from, `${channelId}/${round}/${i}`, `${n}/${channelId}/${round}/${i}`));
          }),
        );
      const sent = await Promise.all(
        [0, 1, 2].map(async (n) => {
          const results: Array<{ m: NewMessage; r: CommitResult; batch: string }> = [];
          for (const [round, batch] of batchesOf(n).entries()) {
            const rs = await node(n).messages.commit(batch);
            for (const [i, m] of batch.entries()) results.push({ m, r: rs[i] as CommitResult, batch: `${n}/${round}` });
          }
          return results;
        }),
      );
      const all = sent.flat();

      const ackByClientNo = new Map<string, string>();
      for (const { m, r } of all) {
        const ack = JSON.stringify(r.ack);
        expect(ackByClientNo.get(m.clientMsgNo) ?? ack).toBe(ack);
        ackByClientNo.set(m.clientMsgNo, ack);
      }
      expect(all.filter(({ r }) => r.status === 'stored')).toHaveLength(ackByClientNo.size);

      for (const channelId of channels) {
        const key = { channelType: 1 as const, channelId };
        const expected = Array.from({ length: 2 * rounds }, (_, i) => i + 1);
        expect((await node(1).messages.range(key, 1, 1_000)).map((m) => m.messageSeq)).toEqual(expected);
        expect((await node(2).channels.get(key))?.maxSeq).toBe(expected.length);
      }

      // A user's version names one conversation change: never reused by another batch or conversation.
      const changeByVersion = new Map<string, string>();
      for (const { m, r, batch } of all) {
        if (r.status !== 'stored') continue;
        for (const v of r.conversations) {
          const change = `${batch}/${m.channelId}`;
          expect(changeByVersion.get(`${v.uid}#${v.version}`) ?? change).toBe(change);
          changeByVersion.set(`${v.uid}#${v.version}`, change);
        }
      }
    });

    it('fans a group message out to exactly the members who joined below its seq', async () => {
      const group = { channelType: 2 as const, channelId: 'race' };
      await node(0).channels.createGroup({ ...group, name: 'race', ownerUid: 'a', allowHistory: false }, ['b'], now);
      const send = async (): Promise<CommitResult[]> => {
        const results: CommitResult[] = [];
        for (let i = 0; i < 24; i++) {
          const [r] = await node(1).messages.commit([
            { ...message('a|b', 'a', `race-${i}`, `race-${i}`), ...group, fanout: { kind: 'members', conversationId: 'team|race' } },
          ]);
          results.push(r as CommitResult);
        }
        return results;
      };
      const join = async (): Promise<void> => {
        for (let i = 0; i < 8; i++) await node(2).channels.addMembers(group, [`late${i}`], now);
      };
      const [results] = await Promise.all([send(), join()]);

      for (let i = 0; i < 8; i++) {
        const joinSeq = (await node(0).channels.member(group, `late${i}`))?.joinSeq as number;
        for (const r of results) {
          if (r.status !== 'stored') throw new Error('every group message is new');
          expect(r.conversations.some((v) => v.uid === `late${i}`)).toBe(r.ack.messageSeq > joinSeq);
        }
      }
      expect((await node(0).channels.get(group))?.memberCount).toBe(10);
      // A late member's unread counting starts at the ordinal of their join point.
      for (let i = 0; i < 8; i++) {
        const joinSeq = (await node(0).channels.member(group, `late${i}`))?.joinSeq as number;
        const row = await node(1).conversations.get(`late${i}`, 'team|race');
        if (!row) continue; // joined after the last message
        expect(row).toMatchObject({ readSeq: joinSeq, readOrd: await node(2).messages.ordinalAt(group, joinSeq) });
      }
    });

    it('ticks the super-group clock exactly once per batch and keeps ordinals contiguous', async () => {
      const groups = ['sg-x', 'sg-y', 'sg-z'].map((channelId) => ({ channelType: 3 as const, channelId }));
      for (const g of groups) await node(0).channels.createGroup({ ...g, name: '', ownerUid: 'a', allowHistory: false }, ['b', 'c'], now);
      const clock0 = (await node(0).conversations.clock('a')).superGroupClock;
      const rounds = 8;
      // Each batch: two super groups (sorted differently per node, so lock order matters) and a 1:1 chat.
      const batchOf = (n: number, round: number): NewMessage[] => {
        const from = ['a', 'b', 'c'][(n + round) % 3] as string;
        const picked = [groups[(n + round) % 3], groups[(n + round + 1) % 3]] as typeof groups;
        return [
          ...picked.flatMap((g, k) =>
            [0, 1].map((i) => ({
              ...message('a|b', 'a', `sgc/${n}/${round}/${k}/${i}`, `sgc/${n}/${round}/${k}/${i}`),
              ...g,
              fromUid: from,
              redDot: i === 0,
              mentionAll: i === 1 && round % 2 === 0,
              fanout: { kind: 'none' as const, conversationId: `super_team|${g.channelId}` },
            })),
          ),
          message('c|d', 'd', `sgc/${n}/${round}/p2p`, `sgc/${n}/${round}/p2p`),
        ];
      };
      await Promise.all(
        [0, 1, 2].map(async (n) => {
          for (let round = 0; round < rounds; round++) await node(n).messages.commit(batchOf(n, round));
        }),
      );

      const clock = (await node(1).conversations.clock('a')).superGroupClock;
      expect(clock).toBe(clock0 + 3 * rounds);
      const views = await node(2).conversations.superGroups('b');
      expect(views.map((v) => v.channel.channelId)).toEqual(['sg-x', 'sg-y', 'sg-z']);
      // The last batch to commit stamped its tick, the clock's final value, on its two groups.
      expect(Math.max(...views.map((v) => v.channel.superGroupClock))).toBe(clock);
      for (const v of views) {
        const messages = await node(0).messages.range(v.channel, 1, 1_000);
        expect(messages.map((m) => m.messageSeq)).toEqual(Array.from({ length: v.channel.maxSeq }, (_, i) => i + 1));
        expect(v.channel.redCount).toBe(messages.filter((m) => m.redDot).length);
        let ord = 0;
        for (const m of messages) {
          if (m.redDot) ord++;
          expect(await node(1).messages.ordinalAt(v.channel, m.messageSeq)).toBe(ord);
        }
      }
      const epochs = await Promise.all([0, 1, 2].map(async (n) => (await node(n).conversations.clock('a')).epoch));
      expect(new Set(epochs).size).toBe(1);
    });

    // Also the lock-order check for update (users row, then conversation row, as commits take them):
    // taken the other way round this still passes, through deadlock retries, but a second per collision.
    it('versions every change once when own-state updates race commits on the same conversation', async () => {
      const key = { channelType: 1 as const, channelId: 'a|d', conversationId: 'p2p|d' };
      const sends = [0, 1].map(async (n) => {
        const versions: number[] = [];
        for (let i = 0; i < 15; i++) {
          const [r] = await node(n).messages.commit([message('a|d', i % 2 ? 'd' : 'a', `upd/${n}/${i}`, `upd/${n}/${i}`)]);
          if (r?.status !== 'stored') throw new Error('every message is new');
          versions.push(r.conversations.find((c) => c.uid === 'a')?.version as number);
        }
        return versions;
      });
      const updates = (async () => {
        const versions: number[] = [];
        for (let i = 0; i < 30; i++) {
          const { row, changed } = await node(2).conversations.update('a', key, { ext: `e${i}`, read: { seq: i, ord: i } });
          expect(changed).toBe(true); // the ext always changes
          versions.push(row.version);
        }
        return versions;
      })();
      const all = (await Promise.all([...sends, updates])).flat();
      expect(new Set(all).size).toBe(all.length);
      const clock = await node(0).conversations.clock('a');
      expect(Math.max(...all)).toBe(clock.version);
      const row = await node(1).conversations.get('a', 'p2p|d');
      expect(row).toMatchObject({ version: clock.version, ext: 'e29', lastSeq: 30, lastOrd: 30 });
      expect((await node(1).conversations.changedSince('a', clock.version - 1, 10)).map((r) => r.conversationId)).toEqual(['p2p|d']);
    });
  });
});

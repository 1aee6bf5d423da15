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
        for (const v of r.versions) {
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
          expect(r.versions.some((v) => v.uid === `late${i}`)).toBe(r.ack.messageSeq > joinSeq);
        }
      }
      expect((await node(0).channels.get(group))?.memberCount).toBe(10);
    });
  });
});

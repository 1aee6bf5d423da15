import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChannelKey,
  channelRefKey,
  DAY_MS,
  EXPIRY_MARGIN_MS,
  type Fanout,
  type NewMessage,
  type PurgeStepKind,
  type RetentionPolicy,
  type Storage,
} from './index.js';

const T = 1_700_000_000_000;

/** The policy under which exactly the messages with a timestamp below `cutoff` have expired. */
const expiringBelow = (cutoff: number, days = 1): RetentionPolicy => ({ now: cutoff + days * DAY_MS, defaultDays: days });

const p2p = (from: string, to: string): Fanout => ({
  kind: 'users',
  targets: [
    { uid: from, conversationId: `p2p|${to}` },
    { uid: to, conversationId: `p2p|${from}` },
  ],
});
const pair = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);

/** Every step until 'done', as [kind, rows]. */
async function purgeAll(store: Storage, key: ChannelKey, policy: RetentionPolicy, limit: number): Promise<Array<[PurgeStepKind, number]>> {
  const steps: Array<[PurgeStepKind, number]> = [];
  for (let i = 0; i < 1000; i++) {
    const step = await store.retention.purgeStep(key, policy, limit);
    if (step.kind === 'done') return steps;
    steps.push([step.kind, step.rows]);
  }
  throw new Error('purgeStep never said done');
}

/** The rules of RetentionStore (retention.ts) and what retention changes in the other ports; run by `runStorageContract`. */
export function runRetentionContract(name: string, open: () => Promise<Storage>, openNodes?: (count: number) => Promise<Storage[]>): void {
  describe(`storage contract: ${name}: retention`, () => {
    let store: Storage;
    let n = 0;
    const msg = (over: Partial<NewMessage> & Pick<NewMessage, 'channelType' | 'channelId' | 'fromUid' | 'fanout'>): NewMessage => {
      n++;
      return {
        messageId: String(7_000_000 + n),
        clientMsgNo: `ret${n}`,
        timestamp: T + n,
        contentType: 1,
        payloadJson: JSON.stringify({ type: 1, content: `r${n}` }),
        metaJson: '{}',
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        ...over,
      };
    };
    /** `count` messages from `from` to `to`, at T + 1, T + 2…; `quiet` lists the (1-based) ones without a red dot. */
    const chat = async (from: string, to: string, count: number, quiet: number[] = []): Promise<ChannelKey> => {
      const key = { channelType: 1 as const, channelId: pair(from, to) };
      for (let i = 1; i <= count; i++) {
        await store.messages.commit([msg({ ...key, fromUid: from, fanout: p2p(from, to), timestamp: T + i, redDot: !quiet.includes(i) })]);
      }
      return key;
    };
    const users = async (...uids: string[]) => {
      for (const uid of uids) await store.users.upsert(uid, {}, T);
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('sets a channel its own days, 0 for ever or null for the default, and refuses an unknown channel', async () => {
      await users('s-owner');
      const g = { channelType: 2 as const, channelId: 'ret-set' };
      await store.channels.createGroup({ ...g, name: '', ownerUid: 's-owner', allowHistory: false }, [], T);
      expect(await store.channels.get(g)).toMatchObject({ retentionDays: null, purgedSeq: 0, purgedOrd: 0 });
      expect(await store.retention.setDays(g, 7, T)).toBe(true);
      expect((await store.channels.get(g))?.retentionDays).toBe(7);
      expect((await store.channels.findGroup('ret-set'))?.retentionDays).toBe(7);
      expect(await store.retention.setDays(g, 0, T)).toBe(true);
      expect((await store.channels.get(g))?.retentionDays).toBe(0);
      expect(await store.retention.setDays(g, null, T)).toBe(true);
      expect((await store.channels.get(g))?.retentionDays).toBeNull();
      expect(await store.retention.setDays({ channelType: 2, channelId: 'ret-no-such' }, 3, T)).toBe(false);
    });

    it("finds a channel's expiry floor: the last message below the cutoff, with its ordinal", async () => {
      await users('f-a', 'f-b');
      // Red dots: 1 . 2 3 . 4
      const key = await chat('f-a', 'f-b', 6, [2, 5]);
      const floor = async (policy: RetentionPolicy) => (await store.retention.floors([key], policy)).get(channelRefKey(key));
      expect(await floor(expiringBelow(T + 4))).toEqual({ seq: 3, ord: 2 });
      expect(await floor(expiringBelow(T + 6))).toEqual({ seq: 5, ord: 3 });
      expect(await floor(expiringBelow(T + 1))).toEqual({ seq: 0, ord: 0 });
      expect(await floor(expiringBelow(T + 99))).toEqual({ seq: 6, ord: 4 });
      // No default and no setting of its own: nothing ever expires.
      expect(await floor({ now: T + 1000 * DAY_MS, defaultDays: 0 })).toEqual({ seq: 0, ord: 0 });
      const unknown = { channelType: 1 as const, channelId: 'f-x|f-y' };
      const both = await store.retention.floors([key, unknown], expiringBelow(T + 4));
      expect([...both.keys()]).toEqual([channelRefKey(key)]);
    });

    it("gives a group's own days precedence over the default: 0 keeps for ever, null follows the default", async () => {
      await users('g-o', 'g-m');
      const g = { channelType: 2 as const, channelId: 'ret-own' };
      await store.channels.createGroup({ ...g, name: '', ownerUid: 'g-o', allowHistory: false }, ['g-m'], T);
      for (let i = 1; i <= 4; i++) {
        await store.messages.commit([
          msg({ ...g, fromUid: 'g-o', fanout: { kind: 'members', conversationId: 'team|ret-own' }, timestamp: T + i }),
        ]);
      }
      const floor = async (policy: RetentionPolicy) => (await store.retention.floors([g], policy)).get(channelRefKey(g));
      await store.retention.setDays(g, 2, T);
      // Two days back from now: below T + 3 has expired, whatever the default says.
      expect(await floor({ now: T + 3 + 2 * DAY_MS, defaultDays: 0 })).toEqual({ seq: 2, ord: 2 });
      expect(await floor({ now: T + 3 + 2 * DAY_MS, defaultDays: 1 })).toEqual({ seq: 2, ord: 2 });
      await store.retention.setDays(g, 0, T);
      expect(await floor({ now: T + 100 * DAY_MS, defaultDays: 1 })).toEqual({ seq: 0, ord: 0 });
      await store.retention.setDays(g, null, T);
      expect(await floor(expiringBelow(T + 4))).toEqual({ seq: 3, ord: 3 });
    });

    it('removes in bounded steps: read positions first, then the messages, then what was left of them', async () => {
      await users('p-a', 'p-b');
      const key = await chat('p-a', 'p-b', 7);
      const [one] = await store.messages.range(key, 1, 1);
      await store.messageState.react({ ...key, seq: 2 }, 'p-b', '👍', true, 20, T);
      await store.messageState.addReceipts('p-b', [{ ...key, seq: 3 }], T);
      await store.messageState.deleteForUser('p-b', 'p2p|p-a', key, [1]);
      const readerBefore = (await store.conversations.get('p-b', 'p2p|p-a'))!;
      const before = await store.rowCounts();
      const policy = expiringBelow(T + 6);

      const steps = await purgeAll(store, key, policy, 2);
      expect(steps).toEqual([
        ['conversations', 1],
        ['messages', 2],
        ['messages', 2],
        ['messages', 1],
        ['reactions', 1],
        ['receipts', 1],
        ['deletions', 1],
      ]);
      const after = await store.rowCounts();
      const removed = (table: string) => (before[table] ?? 0) - (after[table] ?? 0);
      expect(['messages', 'reactions', 'receipts', 'deleted_messages'].map(removed)).toEqual([5, 1, 1, 1]);
      expect(await store.channels.get(key)).toMatchObject({ purgedSeq: 5, purgedOrd: 5, maxSeq: 7 });
      expect((await store.messages.range(key, 1, 7)).map((m) => m.messageSeq)).toEqual([6, 7]);
      expect(await store.messageState.byId(one!.messageId)).toBeUndefined();
      // The reader's row caught up with the floor before the messages went, keeping its version.
      const reader = (await store.conversations.get('p-b', 'p2p|p-a'))!;
      expect(reader).toMatchObject({ readSeq: 5, readOrd: 5, lastSeq: 7, lastOrd: 7, version: readerBefore.version });
      // The sender had read everything: untouched.
      expect(await store.conversations.get('p-a', 'p2p|p-b')).toMatchObject({ readSeq: 7, readOrd: 7 });
      // Ordinals at removed seqs are the purge point's; removed seqs count as before any time.
      expect(await store.messages.ordinalAt(key, 3)).toBe(5);
      expect(await store.messageState.seqBefore(key, T + 2)).toBe(5);
      expect(await store.messageState.seqBefore(key, T + 7)).toBe(6);
      expect((await store.retention.floors([key], policy)).get(channelRefKey(key))).toEqual({ seq: 5, ord: 5 });
      expect(await purgeAll(store, key, policy, 2)).toEqual([]);
      // Later, more has expired: the removal goes on from the purge point.
      expect(await purgeAll(store, key, expiringBelow(T + 7), 10)).toEqual([
        ['conversations', 1],
        ['messages', 1],
      ]);
      expect(await store.channels.get(key)).toMatchObject({ purgedSeq: 6, purgedOrd: 6 });
    });

    it('moves group rows to the floor, a former member only to where their conversation stopped', async () => {
      await users('gr-o', 'gr-m', 'gr-x');
      const g = { channelType: 2 as const, channelId: 'ret-rows' };
      const fanout: Fanout = { kind: 'members', conversationId: 'team|ret-rows' };
      await store.channels.createGroup({ ...g, name: '', ownerUid: 'gr-o', allowHistory: false }, ['gr-m', 'gr-x'], T);
      for (let i = 1; i <= 3; i++) await store.messages.commit([msg({ ...g, fromUid: 'gr-o', fanout, timestamp: T + i })]);
      await store.channels.removeMembers(g, ['gr-x']);
      for (let i = 4; i <= 6; i++) await store.messages.commit([msg({ ...g, fromUid: 'gr-o', fanout, timestamp: T + i })]);
      expect(await purgeAll(store, g, expiringBelow(T + 6), 500)).toEqual([
        ['conversations', 2],
        ['messages', 5],
      ]);
      expect(await store.conversations.get('gr-m', 'team|ret-rows')).toMatchObject({ readSeq: 5, readOrd: 5, lastSeq: 6 });
      expect(await store.conversations.get('gr-x', 'team|ret-rows')).toMatchObject({ readSeq: 3, readOrd: 3, lastSeq: 3 });
      expect(await store.conversations.get('gr-o', 'team|ret-rows')).toMatchObject({ readSeq: 6 });
    });

    it("keeps a super group's members' state derived: nothing written per member, unread resumes at the purge point", async () => {
      await users('sg-o', 'sg-m');
      const sg = { channelType: 3 as const, channelId: 'ret-sg' };
      await store.channels.createGroup({ ...sg, name: '', ownerUid: 'sg-o', allowHistory: false }, ['sg-m'], T);
      for (let i = 1; i <= 4; i++) {
        await store.messages.commit([
          msg({ ...sg, fromUid: 'sg-o', fanout: { kind: 'none', conversationId: 'super_team|ret-sg' }, timestamp: T + i }),
        ]);
      }
      expect(await purgeAll(store, sg, expiringBelow(T + 3), 500)).toEqual([['messages', 2]]);
      const [view] = (await store.conversations.superGroups('sg-m')).filter((v) => v.channel.channelId === 'ret-sg');
      expect(view).toMatchObject({ joinSeq: 0, joinOrd: 2, channel: { purgedSeq: 2, purgedOrd: 2, redCount: 4 } });
      expect(view?.row).toBeUndefined();
    });

    it('leaves channels kept for ever, and unknown ones, alone', async () => {
      await users('k-a', 'k-b');
      const key = await chat('k-a', 'k-b', 3);
      expect(await purgeAll(store, key, { now: T + 1000 * DAY_MS, defaultDays: 0 }, 10)).toEqual([]);
      expect(await purgeAll(store, { channelType: 1, channelId: 'k-x|k-y' }, expiringBelow(T + 99), 10)).toEqual([]);
      expect((await store.messages.range(key, 1, 3)).length).toBe(3);
    });

    it('totals unread without counting expired messages: such rows are recounted, from a margin before they expire', async () => {
      await users('t-a', 't-b');
      const key = await chat('t-a', 't-b', 4);
      const total = async (policy?: RetentionPolicy) => {
        const { plain, recount } = await store.conversations.unreadTotal('t-b', policy);
        return { plain, recount: recount.filter((r) => r.channelId === key.channelId).map((r) => r.conversationId) };
      };
      // Other tests' conversations of t-b: none (t-b is this test's own user).
      expect(await total()).toEqual({ plain: 4, recount: [] });
      expect(await total(expiringBelow(T + 1 - 2 * EXPIRY_MARGIN_MS))).toEqual({ plain: 4, recount: [] });
      // Not expired yet, but within the margin: recounted exactly, as an expired one would be.
      expect(await total(expiringBelow(T + 1 - EXPIRY_MARGIN_MS / 2))).toEqual({ plain: 0, recount: ['p2p|t-a'] });
      expect(await total(expiringBelow(T + 3))).toEqual({ plain: 0, recount: ['p2p|t-a'] });
      await purgeAll(store, key, expiringBelow(T + 3), 10);
      // The row caught up with what was removed: the plain sum is right again, whatever the policy.
      expect(await total()).toEqual({ plain: 2, recount: [] });
      expect(await total({ now: T, defaultDays: 0 })).toEqual({ plain: 2, recount: [] });
    });

    it('walks every channel in key order, in bounded scans, and names those with an expired oldest message', async () => {
      const fresh = await open();
      try {
        for (const uid of ['a', 'b', 'c', 'd', 'o']) await fresh.users.upsert(uid, {}, T);
        const send = (key: ChannelKey, fanout: Fanout, from: string, ts: number) =>
          fresh.messages.commit([msg({ ...key, fromUid: from, fanout, timestamp: ts })]);
        const old = { channelType: 1 as const, channelId: 'a|b' };
        const recent = { channelType: 1 as const, channelId: 'c|d' };
        const forever = { channelType: 2 as const, channelId: 'g-forever' };
        const own = { channelType: 2 as const, channelId: 'g-own' };
        const empty = { channelType: 2 as const, channelId: 'g-empty' };
        await send(old, p2p('a', 'b'), 'a', T + 1);
        await send(recent, p2p('c', 'd'), 'c', T + 10 * DAY_MS);
        for (const [g, days] of [
          [forever, 0],
          [own, 2],
          [empty, 1],
        ] as const) {
          await fresh.channels.createGroup({ ...g, name: '', ownerUid: 'o', allowHistory: false }, [], T);
          await fresh.retention.setDays(g, days, T);
        }
        await send(forever, { kind: 'members', conversationId: 'team|g-forever' }, 'o', T + 1);
        await send(own, { kind: 'members', conversationId: 'team|g-own' }, 'o', T + 1);
        const walk = async (policy: RetentionPolicy) => {
          const due: string[] = [];
          let scans = 0;
          let after: ChannelKey | undefined;
          do {
            const page = await fresh.retention.dueChannels(after, 2, policy);
            scans++;
            due.push(...page.due.map(channelRefKey));
            after = page.next;
          } while (after && scans < 100);
          return { due, scans };
        };
        // Three days on: a and b's message and g-own's have expired; c and d's is recent; g-forever keeps.
        const now = T + 3 * DAY_MS;
        expect(await walk({ now, defaultDays: 1 })).toEqual({ due: ['1|a|b', '2|g-own'], scans: 3 });
        // No default: only the channels with days of their own are looked at (g-own and g-empty).
        expect(await walk({ now, defaultDays: 0 })).toEqual({ due: ['2|g-own'], scans: 2 });
      } finally {
        await fresh.close();
      }
    });

    it('lets several nodes remove one channel at once: each message once, one purge point', async () => {
      const nodes = openNodes ? await openNodes(2) : [await open()];
      const [first, second = first] = nodes as [Storage, Storage?];
      try {
        for (const uid of ['c-a', 'c-b']) await first.users.upsert(uid, {}, T);
        const key = { channelType: 1 as const, channelId: 'c-a|c-b' };
        for (let i = 1; i <= 30; i++) {
          await first.messages.commit([msg({ ...key, fromUid: 'c-a', fanout: p2p('c-a', 'c-b'), timestamp: T + i, redDot: i % 3 !== 0 })]);
        }
        const policy = expiringBelow(T + 21);
        const run = async (node: Storage) => {
          let messages = 0;
          for (let i = 0; i < 1000; i++) {
            const step = await node.retention.purgeStep(key, policy, 3);
            if (step.kind === 'done') return messages;
            if (step.kind === 'messages') messages += step.rows;
          }
          throw new Error('never done');
        };
        const removed = await Promise.all([run(first), run(second), run(first)]);
        expect(removed.reduce((a, b) => a + b, 0)).toBe(20);
        expect((await second.messages.range(key, 1, 30)).map((m) => m.messageSeq)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
        // 20 messages, every third without a red dot: 14 countable.
        expect(await first.channels.get(key)).toMatchObject({ purgedSeq: 20, purgedOrd: 14 });
        expect(await second.conversations.get('c-b', 'p2p|c-a')).toMatchObject({ readSeq: 20, readOrd: 14 });
      } finally {
        for (const node of new Set(nodes)) await node.close();
      }
    });
  });
}

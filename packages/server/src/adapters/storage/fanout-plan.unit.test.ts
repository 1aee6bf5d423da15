import { describe, expect, it } from 'vitest';
import type { ConversationRow, NewMessage, StoredAck } from '../../ports/storage/index.js';
import { BatchPlan, type ConversationTouch, channelKeyOf, type FanoutMember, nextSortTs, SORT_TS_SPACING } from './fanout-plan.js';

let n = 0;
const T0 = 1_700_000_000_000;

/** A 1:1 message from `from` to `to`, as the domain hands it to storage. */
function p2p(from: string, to: string, over: Partial<NewMessage> = {}): NewMessage {
  n++;
  const channelId = [from, to].sort().join('|');
  return {
    channelType: 1,
    channelId,
    messageId: String(5000 + n),
    clientMsgNo: `c${n}`,
    fromUid: from,
    timestamp: T0 + n,
    contentType: 1,
    payloadJson: '{"type":1,"content":"hi"}',
    metaJson: '{}',
    redDot: true,
    mentionUids: [],
    mentionAll: false,
    fanout: {
      kind: 'users',
      targets: [
        { uid: from, conversationId: `p2p|${to}` },
        { uid: to, conversationId: `p2p|${from}` },
      ],
    },
    ...over,
  };
}

const group = (from: string, groupId: string, over: Partial<NewMessage> = {}): NewMessage =>
  p2p(from, 'x', { channelType: 2, channelId: groupId, fanout: { kind: 'members', conversationId: `team|${groupId}` }, ...over });

const superGroup = (from: string, groupId: string, over: Partial<NewMessage> = {}): NewMessage =>
  p2p(from, 'x', { channelType: 3, channelId: groupId, fanout: { kind: 'none', conversationId: `super_team|${groupId}` }, ...over });

const member = (uid: string, joinSeq = 0, joinOrd = 0, clearFloor = 0): FanoutMember => ({ uid, joinSeq, joinOrd, clearFloor });

/** What the adapter's UPDATE ... RETURNING answers: each channel's max seq and countable count after the bump. */
function bumpFrom(plan: BatchPlan, before: Record<string, { maxSeq: number; redCount: number }> = {}) {
  const bumps = plan.channelBumps();
  const after = new Map<string, { maxSeq: number; redCount: number }>();
  for (const b of bumps) {
    const was = before[b.channelId] ?? { maxSeq: 0, redCount: 0 };
    after.set(channelKeyOf(b), { maxSeq: was.maxSeq + b.count, redCount: was.redCount + b.redCount });
  }
  plan.assignSeqs(after, bumps);
}

const noneStored = (): StoredAck | undefined => undefined;

describe('BatchPlan.dedupe', () => {
  it('answers a send already stored with its first ack and writes nothing for it', () => {
    const old = p2p('alice', 'bob');
    const fresh = p2p('alice', 'bob');
    const plan = new BatchPlan([old, fresh]);
    const firstAck = { messageId: '42', messageSeq: 7, timestamp: T0 };
    plan.dedupe((m) => (m.clientMsgNo === old.clientMsgNo ? firstAck : undefined));
    expect(plan.fresh).toEqual([fresh]);
    bumpFrom(plan, { 'alice|bob': { maxSeq: 7, redCount: 7 } });
    const [first, second] = plan.finish([]);
    expect(first).toEqual({ status: 'duplicate', ack: firstAck });
    expect(second).toMatchObject({ status: 'stored', ack: { messageSeq: 8 } });
  });

  it('stores a (fromUid, clientMsgNo) repeated within the batch once, and answers the repeat with its ack', () => {
    const m = p2p('alice', 'bob');
    const plan = new BatchPlan([m, { ...m, messageId: '999' }, p2p('bob', 'alice', { clientMsgNo: m.clientMsgNo })]);
    plan.dedupe(noneStored);
    expect(plan.fresh.map((f) => f.fromUid)).toEqual(['alice', 'bob']); // the same clientMsgNo from another sender is another send
    bumpFrom(plan);
    const results = plan.finish([]);
    expect(results.map((r) => [r.status, r.ack.messageId, r.ack.messageSeq])).toEqual([
      ['stored', m.messageId, 1],
      ['duplicate', m.messageId, 1],
      ['stored', results[2]?.ack.messageId, 2],
    ]);
  });
});

describe('BatchPlan.channelBumps', () => {
  it('sums each channel once, in a fixed order (the lock order), whatever the batch order', () => {
    const batch = [
      group('alice', 'g2'),
      p2p('alice', 'bob', { redDot: false }),
      group('bob', 'g1', { mentionAll: true }),
      group('carol', 'g1', { mentionAll: true }),
      group('alice', 'g1', { timestamp: T0 - 5 }),
      p2p('bob', 'alice'),
    ];
    const plan = new BatchPlan(batch);
    plan.dedupe(noneStored);
    const bumps = plan.channelBumps();
    expect(bumps.map((b) => [b.channelType, b.channelId])).toEqual([
      [1, 'alice|bob'],
      [2, 'g1'],
      [2, 'g2'],
    ]);
    expect(bumps[0]).toMatchObject({ count: 2, redCount: 1, allMentionAt: 0 });
    // The last @all was the 2nd of g1's three messages; the latest time wins, not the last in the batch.
    expect(bumps[1]).toMatchObject({ count: 3, redCount: 3, allMentionAt: 2, lastTs: batch[3]?.timestamp });
  });

  it('knows when a batch touches a super group (the adapter then ticks its clock)', () => {
    const plain = new BatchPlan([p2p('a', 'b'), group('a', 'g')]);
    plain.dedupe(noneStored);
    const withSuper = new BatchPlan([p2p('a', 'b'), superGroup('a', 's')]);
    withSuper.dedupe(noneStored);
    expect([plain.touchesSuperGroups, withSuper.touchesSuperGroups]).toEqual([false, true]);
  });
});

describe('BatchPlan.assignSeqs', () => {
  it('numbers each channel contiguously after its old max, in batch order; only redDot messages take an ordinal', () => {
    const batch = [group('a', 'g1'), p2p('a', 'b'), group('b', 'g1', { redDot: false }), group('c', 'g1'), p2p('b', 'a')];
    const plan = new BatchPlan(batch);
    plan.dedupe(noneStored);
    bumpFrom(plan, { g1: { maxSeq: 10, redCount: 6 }, 'a|b': { maxSeq: 3, redCount: 3 } });
    expect(plan.seqs).toEqual([11, 4, 12, 13, 5]);
    expect(plan.ords).toEqual([7, 4, 7, 8, 5]);
  });

  it("numbered from 0 and moved by each channel's offset, numbers as if the old maxes had been known", () => {
    const batch = [group('a', 'g1'), p2p('a', 'b'), group('b', 'g1', { redDot: false }), group('c', 'g1'), p2p('b', 'a')];
    const plan = new BatchPlan(batch);
    plan.dedupe(noneStored);
    bumpFrom(plan);
    plan.offsetSeqs(
      new Map([
        [channelKeyOf({ channelType: 2, channelId: 'g1' }), { seq: 10, ord: 6 }],
        [channelKeyOf(batch[1] as NewMessage), { seq: 3, ord: 3 }],
      ]),
    );
    expect(plan.seqs).toEqual([11, 4, 12, 13, 5]);
    expect(plan.ords).toEqual([7, 4, 7, 8, 5]);
  });
});

describe('BatchPlan.touches', () => {
  const planned = (
    batch: NewMessage[],
    membersOf: (m: NewMessage) => readonly FanoutMember[] = () => [],
    before: Record<string, { maxSeq: number; redCount: number }> = {},
  ) => {
    const plan = new BatchPlan(batch);
    plan.dedupe(noneStored);
    bumpFrom(plan, before);
    return plan.touches(membersOf);
  };

  it("touches both sides of a 1:1 chat under their own ids; the sender's read position moves to their message", () => {
    const m = p2p('alice', 'bob', { mentionUids: ['bob'] });
    const touches = planned([m]);
    expect(touches).toEqual([
      expect.objectContaining({ uid: 'alice', conversationId: 'p2p|bob', lastSeq: 1, readSeq: 1, mentionSeq: 0, sortTs: m.timestamp }),
      expect.objectContaining({ uid: 'bob', conversationId: 'p2p|alice', lastSeq: 1, readSeq: 0, mentionSeq: 1, ownOnly: false }),
    ]);
  });

  it('keeps one touch per (user, conversation), in first-touch order, carrying the latest message', () => {
    const touches = planned([p2p('alice', 'bob'), p2p('carol', 'alice'), p2p('bob', 'alice')]);
    expect(touches.map((t) => `${t.uid}:${t.conversationId}`)).toEqual([
      'alice:p2p|bob',
      'bob:p2p|alice',
      'carol:p2p|alice',
      'alice:p2p|carol',
    ]);
    expect(touches[0]).toMatchObject({ lastSeq: 2, readSeq: 1 }); // alice read her own first message, not bob's reply
  });

  it("asks for a group's members once per batch; new rows start at the member's join point; @all mentions everyone but the sender", () => {
    const asked: string[] = [];
    // carol joined at seq 5 (4 countable messages then) and sees nothing at or below it.
    const members = [member('alice'), member('bob'), member('carol', 5, 4, 5)];
    const batch = [group('alice', 'g1'), group('alice', 'g1', { mentionAll: true }), group('bob', 'g1')];
    const touches = planned(
      batch,
      (m) => {
        asked.push(m.channelId);
        return members;
      },
      { g1: { maxSeq: 10, redCount: 8 } },
    );
    expect(asked).toEqual(['g1']);
    expect(touches.map((t) => t.uid)).toEqual(['alice', 'bob', 'carol']);
    const byUid = Object.fromEntries(touches.map((t) => [t.uid, t]));
    expect(byUid.alice).toMatchObject({ conversationId: 'team|g1', lastSeq: 13, lastOrd: 11, readSeq: 12, mentionSeq: 0 });
    expect(byUid.bob).toMatchObject({ lastSeq: 13, readSeq: 13, readOrd: 11, mentionSeq: 12 });
    expect(byUid.carol).toMatchObject({ lastSeq: 13, readSeq: 5, readOrd: 4, clearSeq: 5, mentionSeq: 12, sortTs: batch[2]?.timestamp });
  });

  it('in a super group touches only the sender and the members mentioned by uid, owner fields only (no order, no @all)', () => {
    const touches = planned([superGroup('alice', 's1', { mentionUids: ['dan'], mentionAll: true })], () => {
      throw new Error('a super group never lists its members');
    });
    expect(touches).toEqual([
      expect.objectContaining({ uid: 'alice', ownOnly: true, sent: 1, readSeq: 1, lastSeq: 0, sortTs: 0, mentionSeq: 0 }),
      expect.objectContaining({ uid: 'dan', ownOnly: true, sent: 0, readSeq: 0, lastSeq: 0, mentionSeq: 1 }),
    ]);
  });
});

describe('BatchPlan versions and updateTimes', () => {
  const touch = (uid: string, conversationId: string, sortTs: number, ownOnly = false): ConversationTouch => ({
    uid,
    conversationId,
    channelType: 1,
    channelId: conversationId,
    sortTs,
    lastSeq: 1,
    lastOrd: 1,
    readSeq: 0,
    readOrd: 0,
    clearSeq: 0,
    mentionSeq: 0,
    ownOnly,
    sent: 0,
    version: 0,
  });

  it('asks each user for one version per conversation touched, and hands out top-k+1..top in touch order', () => {
    const touches = [
      touch('alice', 'p2p|bob', T0),
      touch('bob', 'p2p|alice', T0),
      touch('alice', 'p2p|carol', T0),
      touch('carol', 'p2p|alice', T0),
      touch('alice', 'super_team|s', 0, true),
    ];
    const demand = BatchPlan.versionDemand(touches);
    expect([...demand]).toEqual([
      ['alice', 2],
      ['bob', 1],
      ['carol', 1],
    ]);
    // The database raised alice's counter from 10 to 12 and bob's from 0 to 1; carol has no user row.
    BatchPlan.assignVersions(
      touches,
      new Map([
        ['alice', 12],
        ['bob', 1],
      ]),
      demand,
    );
    expect(touches.map((t) => t.version)).toEqual([11, 1, 12, 0, 0]);
  });

  it("gives a user's conversations distinct updateTimes, SORT_TS_SPACING apart, each at or above its message's time", () => {
    const times = [T0 + 50, T0 + 50, T0 + 10];
    const touches = times.map((ts, i) => touch('alice', `p2p|u${i}`, ts));
    const own = touch('alice', 'super_team|s', T0 + 99, true);
    const all = [...touches, own];
    const { span, floor } = BatchPlan.sortTimeDemand(all).get('alice') as { span: number; floor: number };
    expect(span).toBe(3 * SORT_TS_SPACING);
    // What the adapter's single UPDATE computes from span and floor, over an old value just below.
    const lastSortTs = Math.max(T0 + 45 + span, floor);
    all.forEach((t, i) => {
      t.version = i + 1;
    });
    BatchPlan.assignSortTimes(all, new Map([['alice', lastSortTs]]));
    const assigned = touches.map((t) => t.sortTs);
    expect(assigned.at(-1)).toBe(lastSortTs);
    assigned.forEach((ts, i) => {
      expect(ts).toBeGreaterThanOrEqual(times[i] as number);
      if (i > 0) expect(ts - (assigned[i - 1] as number)).toBe(SORT_TS_SPACING);
    });
    expect(own.sortTs).toBe(T0 + 99); // super-group rows keep no per-member order
  });

  it('nextSortTs moves at least SORT_TS_SPACING past the last updateTime', () => {
    expect(nextSortTs(T0, T0 - 100)).toBe(T0);
    expect(nextSortTs(T0, T0)).toBe(T0 + SORT_TS_SPACING);
    expect(nextSortTs(T0, T0 + 7)).toBe(T0 + 7 + SORT_TS_SPACING);
  });
});

describe('BatchPlan.finish', () => {
  it("answers in batch order, each stored send with its channel's conversation rows", () => {
    const batch = [p2p('alice', 'bob'), group('carol', 'g1'), p2p('bob', 'alice')];
    const plan = new BatchPlan(batch);
    plan.dedupe(noneStored);
    bumpFrom(plan);
    const row = (uid: string, channelType: number, channelId: string) => ({ uid, channelType, channelId }) as ConversationRow;
    const rows = [row('alice', 1, 'alice|bob'), row('carol', 2, 'g1'), row('bob', 1, 'alice|bob')];
    const results = plan.finish(rows);
    expect(results.map((r) => r.status === 'stored' && [r.ack.messageId, r.ack.messageSeq, r.conversations.map((c) => c.uid)])).toEqual([
      [batch[0]?.messageId, 1, ['alice', 'bob']],
      [batch[1]?.messageId, 1, ['carol']],
      [batch[2]?.messageId, 2, ['alice', 'bob']],
    ]);
  });
});

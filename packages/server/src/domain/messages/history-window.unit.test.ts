import { describe, expect, it } from 'vitest';
import { type HistoryRequest, historyReach, planHistory, widenPastDeleted } from './history-window.js';

const request = (over: Partial<HistoryRequest>): HistoryRequest => ({
  floor: 0,
  ceiling: 100,
  startSeq: 0,
  direction: 'up',
  contain: false,
  around: undefined,
  limit: 20,
  ...over,
});
const plan = (over: Partial<HistoryRequest>) => planHistory(request(over));

describe('history window', () => {
  it('starts from the newest for startSeq 0', () => expect(plan({})).toEqual({ from: 81, to: 100 }));
  it('goes up (older) from startSeq, with and without it', () => {
    expect(plan({ startSeq: 50 })).toEqual({ from: 30, to: 49 });
    expect(plan({ startSeq: 50, contain: true })).toEqual({ from: 31, to: 50 });
  });
  it('goes down (newer) from startSeq, with and without it', () => {
    expect(plan({ startSeq: 50, direction: 'down' })).toEqual({ from: 51, to: 70 });
    expect(plan({ startSeq: 50, direction: 'down', contain: true })).toEqual({ from: 50, to: 69 });
  });
  it('stops at the first and last seq', () => {
    expect(plan({ startSeq: 5 })).toEqual({ from: 1, to: 4 });
    expect(plan({ startSeq: 1 })).toEqual({ from: 1, to: 0 });
    expect(plan({ startSeq: 95, direction: 'down' })).toEqual({ from: 96, to: 100 });
    expect(plan({ startSeq: 100, direction: 'down' })).toEqual({ from: 101, to: 100 });
  });
  it('centres on around, shifted at both ends', () => {
    expect(plan({ around: 50, limit: 9 })).toEqual({ from: 46, to: 54 });
    expect(plan({ around: 2, limit: 9 })).toEqual({ from: 1, to: 9 });
    expect(plan({ around: 99, limit: 9 })).toEqual({ from: 92, to: 100 });
  });
  it('respects the visible floor (join point, clear)', () => {
    expect(plan({ floor: 90 })).toEqual({ from: 91, to: 100 });
    expect(plan({ floor: 90, startSeq: 80 })).toEqual({ from: 91, to: 90 });
    expect(plan({ floor: 100 })).toEqual({ from: 101, to: 100 });
  });
});

describe('history pages widened past deleted seqs', () => {
  const seqSet = (...spans: Array<[number, number]>) =>
    new Set(spans.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
  /** The page as the domain builds it: planned, then widened within the reach (cap given for small numbers). */
  const page = (over: Partial<HistoryRequest>, deleted: Set<number>, cap = 1000) => {
    const r = request(over);
    const planned = planHistory(r);
    return widenPastDeleted(planned, r, deleted, historyReach(planned, r, cap));
  };

  it('changes nothing when nothing is deleted', () => {
    for (const over of [{}, { startSeq: 50 }, { startSeq: 50, direction: 'down' as const }, { around: 50, limit: 9 }]) {
      expect(page(over, new Set())).toEqual(plan(over));
    }
  });
  it('reads older past deleted seqs from the newest and going up, taking the deleted run right past the last message', () => {
    // 96..100 and 85, 84 deleted: 20 messages are 86..95 and 74..83 plus the placeholders between.
    const deleted = seqSet([96, 100], [84, 85], [72, 73]);
    expect(page({}, deleted)).toEqual({ from: 72, to: 100 });
    expect(page({ startSeq: 96 }, deleted)).toEqual({ from: 72, to: 95 });
    expect(page({ startSeq: 96, limit: 10 }, deleted)).toEqual({ from: 84, to: 95 });
  });
  it('reads newer past deleted seqs going down', () => {
    const deleted = seqSet([11, 15], [21, 22]);
    expect(page({ startSeq: 10, direction: 'down', limit: 5 }, deleted)).toEqual({ from: 11, to: 22 });
    expect(page({ startSeq: 10, direction: 'down', limit: 6 }, deleted)).toEqual({ from: 11, to: 23 });
    expect(page({ startSeq: 10, direction: 'down', limit: 10 }, deleted)).toEqual({ from: 11, to: 27 });
  });
  it('stops at the window: what is left is deleted, so there is no more', () => {
    expect(page({ limit: 5 }, seqSet([1, 10], [98, 100]))).toEqual({ from: 93, to: 100 });
    expect(page({ startSeq: 14, limit: 5 }, seqSet([1, 10]))).toEqual({ from: 1, to: 13 });
    expect(page({ startSeq: 90, direction: 'down', limit: 5 }, seqSet([93, 100]))).toEqual({ from: 91, to: 100 });
  });
  it('widens a page around a seq on both sides', () => {
    // Planned 48..52; one older, one newer in turn until five messages: 46, 47, 48, 52, 53.
    expect(page({ around: 50, limit: 5 }, seqSet([49, 51]))).toEqual({ from: 46, to: 53 });
    expect(page({ around: 2, limit: 5 }, seqSet([1, 3]))).toEqual({ from: 1, to: 8 });
  });
  it('never looks at more than the cap, even when everything there is deleted', () => {
    const all = seqSet([1, 100]);
    expect(page({ limit: 5 }, all, 30)).toEqual({ from: 71, to: 100 });
    expect(page({ startSeq: 10, direction: 'down', limit: 5 }, all, 30)).toEqual({ from: 11, to: 40 });
    expect(page({ around: 50, limit: 5 }, all, 30)).toEqual({ from: 35, to: 64 });
    expect(historyReach({ from: 81, to: 100 }, request({}), 10)).toEqual({ from: 81, to: 100 });
  });
});

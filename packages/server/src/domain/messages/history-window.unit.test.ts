import { describe, expect, it } from 'vitest';
import { planHistory } from './history-window.js';

const plan = (over: Partial<Parameters<typeof planHistory>[0]>) =>
  planHistory({ floor: 0, ceiling: 100, startSeq: 0, direction: 'up', contain: false, around: undefined, limit: 20, ...over });

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

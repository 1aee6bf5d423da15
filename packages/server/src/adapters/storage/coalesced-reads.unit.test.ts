import { describe, expect, it } from 'vitest';
import { CoalescedReads } from './coalesced-reads.js';

describe('CoalescedReads', () => {
  it('reads the keys asked for in one turn with one call, answering each caller its own value', async () => {
    const calls: number[][] = [];
    const reads = new CoalescedReads<number, string>(async (keys) => {
      calls.push([...keys]);
      return keys.map((k) => `v${k}`);
    });
    expect(await Promise.all([reads.read(1), reads.read(2), reads.read(1)])).toEqual(['v1', 'v2', 'v1']);
    expect(await reads.read(3)).toBe('v3');
    expect(calls).toEqual([[1, 2, 1], [3]]);
  });

  it('splits a turn with more keys than the limit into several calls', async () => {
    const sizes: number[] = [];
    const reads = new CoalescedReads<number, number>(async (keys) => {
      sizes.push(keys.length);
      return keys.map((k) => k * 2);
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((k) => reads.read(k)))).toEqual([2, 4, 6, 8, 10]);
    expect(sizes).toEqual([2, 2, 1]);
  });

  it('fails every caller of a failed read, and a later turn reads afresh', async () => {
    let fail = true;
    const reads = new CoalescedReads<number, number>(async (keys) => {
      if (fail) throw new Error('connection lost');
      return [...keys];
    });
    const results = await Promise.allSettled([reads.read(1), reads.read(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await reads.read(7)).toBe(7);
  });

  it('rejects callers left without an answer rather than resolving them with undefined', async () => {
    const reads = new CoalescedReads<number, number>(async () => [1]);
    const results = await Promise.allSettled([reads.read(1), reads.read(2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });
});

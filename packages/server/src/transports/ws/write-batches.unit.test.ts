import { describe, expect, it, vi } from 'vitest';
import { encodeTextFrame } from './text-frame.js';
import { WriteBatches } from './write-batches.js';

const bytes = (frames: Buffer[]) => frames.reduce((n, f) => n + f.length, 0);

describe('WriteBatches.join', () => {
  const a = encodeTextFrame('{"event":"a"}');
  const b = encodeTextFrame('{"event":"b"}');
  const c = encodeTextFrame('{"event":"c"}');

  it('gives the frames of one socket as one buffer, and one frame as itself', () => {
    const batches = new WriteBatches();
    expect(batches.join([a], a.length)).toBe(a);
    expect(batches.join([a, b], bytes([a, b]))).toEqual(Buffer.concat([a, b]));
  });

  it('gives the same buffer again for the same frames in the same order, and a new one otherwise', () => {
    const batches = new WriteBatches();
    const first = batches.join([a, b], bytes([a, b]));
    // Another socket's list of the same frames (a new array, as each connection has its own).
    expect(batches.join([a, b], bytes([a, b]))).toBe(first);
    const swapped = batches.join([b, a], bytes([b, a]));
    expect(swapped).not.toBe(first);
    expect(swapped).toEqual(Buffer.concat([b, a]));
    // Equal bytes in other buffers are not taken for the same frames.
    const copyOfA = Buffer.from(a);
    const other = batches.join([b, copyOfA], bytes([b, copyOfA]));
    expect(other).not.toBe(swapped);
    expect(other).toEqual(swapped);
    expect(batches.join([a, b, c], bytes([a, b, c]))).toEqual(Buffer.concat([a, b, c]));
    expect(batches.join([a, b], bytes([a, b]))).toEqual(first);
  });

  it('forgets the last join when a flush ends', async () => {
    const batches = new WriteBatches();
    const written: Buffer[] = [];
    const socket = { flush: () => written.push(batches.join([a, b], bytes([a, b]))) };
    batches.add(socket);
    await new Promise((r) => setImmediate(r));
    batches.add(socket);
    await new Promise((r) => setImmediate(r));
    expect(written).toHaveLength(2);
    expect(written[1]).not.toBe(written[0]);
    expect(written[1]).toEqual(written[0]);
  });
});

describe('WriteBatches with a delay', () => {
  const flushed = (log: string[], name: string) => ({ flush: () => log.push(name) });

  it('flushes what is added now at the end of the turn, and what is added later after the delay', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate'] });
    try {
      const batches = new WriteBatches(50);
      expect(batches.delays).toBe(true);
      const log: string[] = [];
      batches.add(flushed(log, 'push'));
      batches.addNow(flushed(log, 'reply'));
      vi.advanceTimersToNextTimer(); // the turn's end
      expect(log).toEqual(['reply']);
      vi.advanceTimersByTime(50);
      expect(log).toEqual(['reply', 'push']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without a delay, flushes both at the end of the turn', async () => {
    const batches = new WriteBatches();
    expect(batches.delays).toBe(false);
    const log: string[] = [];
    batches.add(flushed(log, 'push'));
    batches.addNow(flushed(log, 'reply'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['push', 'reply']);
  });
});

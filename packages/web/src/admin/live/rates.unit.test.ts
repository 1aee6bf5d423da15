import type { AdminStats } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { ratesOf, rateText } from './rates';

const sample = (at: number, accepted: number, refused = 0): AdminStats => ({
  at,
  nodeId: 0,
  uptimeSeconds: 1,
  onlineUsers: 0,
  connections: 0,
  sends: { accepted, refused, byReason: {} },
  bus: { connected: true, published: 0, received: 0, reconnects: 0 },
  residentMemoryBytes: 0,
});

describe('rates from two samples of the counters', () => {
  it('is the difference over the time between the samples, by the server clock', () => {
    expect(ratesOf(sample(1000, 10, 1), sample(3000, 30, 2))).toEqual({ accepted: 10, refused: 0.5 });
    expect(rateText(10)).toBe('10');
    expect(rateText(0.5)).toBe('0.5');
    expect(rateText(1234.4)).toBe('1234');
  });

  it('is unknown with one sample, no time between, or a counter that went down (a restarted node)', () => {
    expect(ratesOf(undefined, sample(1000, 10))).toEqual({});
    expect(ratesOf(sample(1000, 10), sample(1000, 20)).accepted).toBeUndefined();
    expect(ratesOf(sample(1000, 50), sample(3000, 5)).accepted).toBeUndefined();
    expect(rateText(undefined)).toBe('–');
  });
});

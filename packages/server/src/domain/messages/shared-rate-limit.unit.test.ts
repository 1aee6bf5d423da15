import { describe, expect, it, vi } from 'vitest';
import { MemoryHub } from '../../adapters/bus/memory.js';
import { DeliveryRouter } from '../delivery/router.js';
import { RateLimiter } from './rate-limiter.js';
import { SharedRateLimit } from './shared-rate-limit.js';

/** Two nodes on one in-process hub, each with its own buckets, sharing what their users spend. */
function cluster(ratePerSec: number, burst: number) {
  const hub = new MemoryHub();
  let now = 1_000_000;
  const clock = () => now;
  const node = () => {
    const router = new DeliveryRouter(
      hub.bus(),
      async () => [],
      async () => new Set(),
    );
    // A long interval: the test reports by hand, so nothing depends on timers.
    return new SharedRateLimit(new RateLimiter(ratePerSec, burst), router, 3_600_000, clock);
  };
  const nodes = [node(), node()] as const;
  return {
    nodes,
    hub,
    advance: (ms: number) => {
      now += ms;
    },
    close: () => {
      for (const n of nodes) n.close();
    },
  };
}

const takes = (limit: SharedRateLimit, uid: string, n: number): boolean[] => Array.from({ length: n }, () => limit.take(uid));

describe('SharedRateLimit', () => {
  it('charges what a user spent through one node to the others, so the sustained rate holds for the cluster', () => {
    const { nodes, advance, close } = cluster(1, 5);
    const [a, b] = nodes;
    expect(takes(a, 'alice', 6)).toEqual([true, true, true, true, true, false]);
    // Before the report arrives, another node still has its own burst: the documented overshoot.
    expect(b.take('alice')).toBe(true);
    a.report();
    // b now holds 5 - 1 - 5 = -1 tokens: alice waits until they refill, at 1 per second.
    expect(b.take('alice')).toBe(false);
    advance(1_500);
    expect(b.take('alice')).toBe(false);
    advance(1_000);
    expect(b.take('alice')).toBe(true);
    close();
  });

  it('never charges a node for its own sends twice, nor other users for one user', () => {
    const { nodes, close } = cluster(1, 3);
    const [a, b] = nodes;
    expect(takes(a, 'bob', 2)).toEqual([true, true]);
    a.report();
    // a's own report does not come back to a: one token is left there.
    expect(takes(a, 'bob', 2)).toEqual([true, false]);
    expect(takes(b, 'carol', 3)).toEqual([true, true, true]);
    close();
  });

  it('lets everything through when the limit is off, and reports nothing over the bus', () => {
    const { nodes, hub, close } = cluster(0, 0);
    const published = vi.spyOn(hub, 'deliver');
    expect(takes(nodes[0], 'dan', 100).every(Boolean)).toBe(true);
    nodes[0].report();
    expect(published).not.toHaveBeenCalled();
    expect(nodes[1].take('dan')).toBe(true);
    close();
  });
});

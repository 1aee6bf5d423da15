import { describe, expect, it } from 'vitest';
import { MemoryHub } from '../../adapters/bus/memory.js';
import { NodeWatch } from './node-watch.js';
import type { Recipient } from './recipient.js';
import { DeliveryRouter } from './router.js';

/** A device that keeps the frames it was sent. */
function device(uid: string): Recipient & { frames: string[] } {
  const frames: string[] = [];
  return {
    uid,
    connectionId: `${uid}-1`,
    frames,
    sendText: (frame: string) => frames.push(frame),
    close: () => {},
  } as Recipient & { frames: string[] };
}

describe('NodeWatch', () => {
  it('tells its clients to resync once another node falls silent, and not while it beats', async () => {
    const hub = new MemoryHub();
    let now = 0;
    const clock = () => now;
    const router = () =>
      new DeliveryRouter(
        hub.bus(),
        async () => [],
        async () => new Set(),
      );
    const [a, b] = [router(), router()];
    // Beats are driven by hand: the interval is long, so no timer fires during the test.
    const [watchA, watchB] = [new NodeWatch(a, 3_600_000, 3500, clock), new NodeWatch(b, 3_600_000, 3500, clock)];
    const ann = device('ann');
    await a.attach(ann);

    for (let t = 0; t <= 10_000; t += 1000) {
      now = t;
      watchB.tick();
      watchA.tick();
    }
    expect(watchA.peers).toBe(1);
    expect(ann.frames).toEqual([]);

    // b dies: a hears nothing more, and after 3.5 s without a beat its clients pull what they missed.
    for (let t = 11_000; t <= 16_000; t += 1000) {
      now = t;
      watchA.tick();
    }
    expect(ann.frames.map((f) => JSON.parse(f).event)).toEqual(['sync.required']);
    expect(watchA.peers).toBe(0);
    watchA.close();
    watchB.close();
  });
});

import { eventually } from '@parley/test-kit/eventually';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../../ports/bus.js';

/** Two or more nodes on one broker, and, for networked buses, a way to crash and restart the broker. */
export interface BusWorld {
  node(): Promise<Bus>;
  /**
   * Kills the broker and starts it again on the same address, running `whileDown` in between;
   * absent where nothing can be lost.
   */
  restartBroker?: (whileDown?: () => Promise<void>) => Promise<void>;
  close(): Promise<void>;
}

interface Received {
  topic: string;
  message: BusMessage;
}

/** A node with what it received, in order. */
async function listening(world: BusWorld): Promise<{ bus: Bus; got: Received[]; gaps: number[] }> {
  const bus = await world.node();
  const got: Received[] = [];
  const gaps: number[] = [];
  bus.onMessage((topic, message) => got.push({ topic, message }));
  bus.onGap(() => gaps.push(got.length));
  return { bus, got, gaps };
}

const push = (frame: string, extra: Partial<Extract<BusMessage, { kind: 'push' }>> = {}): BusMessage => ({ kind: 'push', frame, ...extra });
const isSentinel = (r: Received): boolean => r.message.kind === 'push' && r.message.frame.startsWith('sentinel-');
/** What arrived, sentinels left out. */
const real = (got: Received[], topic?: string): Received[] => got.filter((r) => !isSentinel(r) && (!topic || r.topic === topic));
const frames = (got: Received[], topic?: string): string[] =>
  real(got, topic).map((r) => (r.message.kind === 'control' ? `control:${r.message.event}` : r.message.frame));

/**
 * What every bus adapter promises (the rules on `ports/bus.ts`), against real nodes on a real
 * broker. Delivery is at most once, so a test that needs to know the broker has passed everything
 * on sends a sentinel after it and waits for that.
 */
export function runBusContract(makeWorld: () => Promise<BusWorld>): void {
  let world: BusWorld;
  const opened: Bus[] = [];
  const node = async () => {
    const n = await listening(world);
    opened.push(n.bus);
    return n;
  };

  beforeAll(async () => {
    world = await makeWorld();
  });
  afterEach(async () => {
    for (const bus of opened.splice(0)) await bus.close();
  });
  afterAll(async () => {
    await world.close();
  });

  it('hands one node’s publishes on a topic to another node in publish order, frames unchanged', async () => {
    const a = await node();
    const b = await node();
    b.bus.subscribe('user.order');
    await settle(a, b, 'user.order');
    const sent = Array.from(
      { length: 500 },
      (_, i) => `{"event":"message.new","data":{"n":${i},"text":"line\\nbreak ✓ ${'x'.repeat(i % 7)}"}}`,
    );
    for (const frame of sent) a.bus.publish('user.order', push(frame));
    await eventually(() => frames(b.got, 'user.order').length >= sent.length);
    expect(frames(b.got, 'user.order')).toEqual(sent);
  });

  it('carries origin, about, seq and control messages intact', async () => {
    const a = await node();
    const b = await node();
    b.bus.subscribe('user.meta');
    await settle(a, b, 'user.meta');
    const about = { channelType: 2, channelId: 'g.1', seq: 42 };
    a.bus.publish('user.meta', push('{"event":"message.updated","data":{}}', { origin: '3:c9', about }));
    a.bus.publish('user.meta', { kind: 'push', frame: '{"event":"message.new","data":{}}', seq: 7 });
    a.bus.publish('user.meta', { kind: 'control', event: 'membership', data: { channelType: 3, channelId: 'big', joined: true } });
    await eventually(() => real(b.got).length >= 3);
    expect(real(b.got).map((r) => r.message)).toEqual([
      { kind: 'push', frame: '{"event":"message.updated","data":{}}', origin: '3:c9', about },
      // The seq is what lets a super-group member's catch-up after a join skip a late push.
      { kind: 'push', frame: '{"event":"message.new","data":{}}', seq: 7 },
      { kind: 'control', event: 'membership', data: { channelType: 3, channelId: 'big', joined: true } },
    ]);
  });

  it('carries a group fan-out envelope intact: the frame once, the uids, each uid’s own frame, origin and seq', async () => {
    const a = await node();
    const b = await node();
    b.bus.subscribe('node.n2');
    await settle(a, b, 'node.n2');
    const frame = '{"event":"message.new","data":{"text":"a\\nb ✓"}}';
    const updated = (uid: string) => `{"event":"conversation.updated","data":{"uid":"${uid}","unread":1}}`;
    const fanouts: BusMessage[] = [
      { kind: 'fanout', frame, uids: ['u1', 'u.2@x', 'u3'], after: [updated('u1'), '', updated('u3')], origin: '1:c4', seq: 9 },
      { kind: 'fanout', frame, uids: ['u1'] },
      { kind: 'fanout', frame, uids: [], seq: 10 },
    ];
    for (const m of fanouts) a.bus.publish('node.n2', m);
    await eventually(() => real(b.got, 'node.n2').length >= fanouts.length);
    expect(real(b.got, 'node.n2').map((r) => r.message)).toEqual(fanouts);
  });

  it('resolves subscribe once the broker has the subscription: what another node publishes right after arrives', async () => {
    const a = await node();
    const b = await node();
    await b.bus.subscribe('user.ready');
    a.bus.publish('user.ready', push('right after'));
    await eventually(() => frames(b.got).includes('right after'));
    // Subscribing again answers at once, the subscription being held.
    await b.bus.subscribe('user.ready');
  });

  it('hands over only the topics a node subscribed to, ids with dots and @ included', async () => {
    const a = await node();
    const b = await node();
    b.bus.subscribe('user.jo.doe@x');
    await settle(a, b, 'user.jo.doe@x');
    a.bus.publish('user.jo', push('not for b'));
    a.bus.publish('user.jo.doe', push('not for b either'));
    a.bus.publish('channel.3.g1', push('nor this'));
    a.bus.publish('user.jo.doe@x', push('for b'));
    await eventually(() => frames(b.got).includes('for b'));
    expect(frames(b.got)).toEqual(['for b']);
  });

  it('delivers a node’s own publish to itself before publish returns, once', async () => {
    const a = await node();
    const b = await node();
    a.bus.subscribe('user.self');
    b.bus.subscribe('user.self');
    await settle(a, b, 'user.self');
    const before = a.got.length;
    a.bus.publish('user.self', push('mine'));
    expect(frames(a.got.slice(before))).toEqual(['mine']);
    // The echo through the broker must not arrive a second time: wait until b has it, then a sentinel.
    await eventually(() => frames(b.got).includes('mine'));
    await settle(b, a, 'user.self');
    expect(frames(a.got).filter((f) => f === 'mine')).toHaveLength(1);
  });

  it('treats subscribe and unsubscribe as idempotent, and stops delivery once unsubscribe returns', async () => {
    const a = await node();
    const b = await node();
    b.bus.subscribe('user.twice');
    b.bus.subscribe('user.twice');
    await settle(a, b, 'user.twice');
    a.bus.publish('user.twice', push('once'));
    await eventually(() => frames(b.got).includes('once'));
    b.bus.unsubscribe('user.twice');
    b.bus.unsubscribe('user.twice');
    a.bus.publish('user.twice', push('after unsubscribe'));
    b.bus.subscribe('user.other');
    await settle(a, b, 'user.other');
    expect(frames(b.got).filter((f) => f === 'once')).toHaveLength(1);
    expect(frames(b.got)).not.toContain('after unsubscribe');
  });

  it('survives a broker restart: it reconnects, subscribes every topic again, reports the gap, and delivers again', async () => {
    if (!world.restartBroker) return; // In process, nothing stands between nodes to restart.
    const a = await node();
    const b = await node();
    for (const topic of ['user.r1', 'channel.3.r2']) b.bus.subscribe(topic);
    await settle(a, b, 'user.r1');
    await world.restartBroker();
    await eventually(() => a.gaps.length > 0 && b.gaps.length > 0);
    expect(b.bus.status()).toMatchObject({ connected: true });
    expect(b.bus.status().reconnects).toBeGreaterThan(0);
    // The gap is reported only once the subscriptions are back: what is published now arrives.
    a.bus.publish('user.r1', push('after restart 1'));
    a.bus.publish('channel.3.r2', push('after restart 2'));
    await eventually(() => frames(b.got).includes('after restart 1') && frames(b.got).includes('after restart 2'));
  });

  it('drops what is published while the broker is away instead of queueing it: memory stays flat, no stale burst follows', async () => {
    if (!world.restartBroker) return;
    const a = await node();
    const b = await node();
    b.bus.subscribe('user.outage');
    await settle(a, b, 'user.outage');
    await world.restartBroker(async () => {
      await eventually(() => !a.bus.status().connected);
      // A node under load keeps publishing through an outage of minutes: nothing of it may pile up.
      for (let i = 0; i < 1000; i++) a.bus.publish('user.outage', push(`during outage ${i}`));
    });
    await eventually(() => a.gaps.length > 0 && b.gaps.length > 0);
    a.bus.publish('user.outage', push('after outage'));
    await eventually(() => frames(b.got).includes('after outage'));
    expect(frames(b.got).filter((f) => f.startsWith('during outage'))).toEqual([]);
  });
}

/**
 * Waits until `to` receives a sentinel `from` publishes on `topic`: proof that the broker has the
 * subscription, and that everything `from` published on it before has been passed on.
 */
async function settle(from: { bus: Bus }, to: { got: Received[] }, topic: string): Promise<void> {
  const sentinel = `sentinel-${Math.random()}`;
  for (;;) {
    from.bus.publish(topic, push(sentinel));
    const deadline = Date.now() + 200;
    while (Date.now() < deadline) {
      if (to.got.some((r) => r.message.kind === 'push' && r.message.frame === sentinel)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

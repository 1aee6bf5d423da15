import { describe, expect, it } from 'vitest';
import { MemoryHub } from '../../adapters/bus/memory.js';
import type { Bus, BusHandler, BusMessage } from '../../ports/bus.js';
import type { Recipient } from '../delivery/recipient.js';
import { DeliveryRouter } from '../delivery/router.js';
import { PresenceDirectory } from './presence-directory.js';

/** Runs what `setImmediate` queued (the batched acks) and the promise jobs after it. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A bus whose cluster-topic messages wait until `release` (presence news arriving late at its node). */
function holdingNews(bus: Bus): Bus & { release(): void } {
  const held: Array<() => void> = [];
  let handler: BusHandler = () => {};
  bus.onMessage((topic, message) => (topic === 'cluster' ? held.push(() => handler(topic, message)) : handler(topic, message)));
  return {
    publish: (topic: string, message: BusMessage) => bus.publish(topic, message),
    subscribe: (topic: string) => bus.subscribe(topic),
    unsubscribe: (topic: string) => bus.unsubscribe(topic),
    onMessage: (h: BusHandler) => {
      handler = h;
    },
    onGap: (h: () => void) => bus.onGap(h),
    status: () => bus.status(),
    close: () => bus.close(),
    release: () => {
      for (const deliver of held.splice(0)) deliver();
    },
  };
}

function device(uid: string, connectionId: string): Recipient & { frames: string[] } {
  const frames: string[] = [];
  return { uid, connectionId, frames, sendText: (f: string) => frames.push(f), close: () => {} } as Recipient & { frames: string[] };
}

/** A node: the real router and directory over a real in-process bus; `now` drives the directory's clock. */
function node(bus: Bus, clock: () => number) {
  const router = new DeliveryRouter(
    bus,
    async () => [],
    async (uids) => new Set(uids),
  );
  const directory = new PresenceDirectory(router, () => {}, { warmupMs: 3500, clock });
  router.useLocator(directory);
  return { router, directory };
}

describe('PresenceDirectory as the fan-out locator', () => {
  it('is complete once the warm-up passed and every peer sent its snapshot since it asked', async () => {
    const hub = new MemoryHub();
    let now = 0;
    const a = node(hub.bus(), () => now);
    const b = node(hub.bus(), () => now);
    await flush();
    a.directory.usePeers(() => [b.router.nodeName]);
    expect(a.directory.complete()).toBe(false); // warming up
    now = 3500;
    // Both asked at start and both answered each other, in process at once.
    expect(a.directory.complete()).toBe(true);
    a.directory.askForSnapshots(); // a bus loss: it asks again, and waits again
    expect(a.directory.complete()).toBe(false);
    now = 7000;
    expect(a.directory.complete()).toBe(true);
    const c = node(hub.bus(), () => now);
    await flush();
    a.directory.usePeers(() => [b.router.nodeName, c.router.nodeName]);
    // c joined: with its ask went its own snapshot, so a stays complete.
    expect(a.directory.complete()).toBe(true);
    a.directory.close();
    b.directory.close();
    c.directory.close();
  });

  it('resolves peersKnow only once every peer has applied the news of the device, or died', async () => {
    const hub = new MemoryHub();
    const clock = () => 0;
    const slowBus = holdingNews(hub.bus());
    const a = node(slowBus, clock);
    const b = node(hub.bus(), clock);
    const c = node(hub.bus(), clock);
    await flush();
    slowBus.release();
    await flush();
    b.directory.usePeers(() => [a.router.nodeName, c.router.nodeName]);

    b.directory.connected({ uid: 'u1', connectionId: 'b:1', deviceFlag: 1, deviceId: 'd1', since: 0 });
    let known = false;
    const knowing = b.directory.peersKnow().then(() => {
      known = true;
    });
    await flush();
    await flush();
    expect(known).toBe(false); // c acked; a has not heard yet
    const seen: string[] = [];
    a.directory.nodesOf('u1', (n) => seen.push(n));
    expect(seen).toEqual([]);
    slowBus.release();
    await flush();
    await knowing;
    a.directory.nodesOf('u1', (n) => seen.push(n));
    expect(seen).toEqual([b.router.nodeName]);

    // A peer that dies releases the wait too.
    b.directory.connected({ uid: 'u2', connectionId: 'b:2', deviceFlag: 1, deviceId: 'd2', since: 0 });
    let released = false;
    const waiting = b.directory.peersKnow().then(() => {
      released = true;
    });
    await flush();
    await flush();
    expect(released).toBe(false);
    b.directory.nodeDied(a.router.nodeName);
    await waiting;
    expect(released).toBe(true);
    for (const n of [a, b, c]) n.directory.close();
  });

  it('resyncs its clients once a node that was declared dead, and came back, knows of the devices connected meanwhile', async () => {
    const hub = new MemoryHub();
    const clock = () => 0;
    const slowBus = holdingNews(hub.bus());
    const a = node(slowBus, clock);
    const b = node(hub.bus(), clock);
    await flush();
    slowBus.release();
    await flush();
    // b thought a dead: a login meanwhile did not wait for a's ack.
    b.directory.nodeDied(a.router.nodeName);
    const phone = device('u3', 'b:3');
    b.directory.connected({ uid: 'u3', connectionId: 'b:3', deviceFlag: 1, deviceId: 'd3', since: 0 });
    await b.router.attach(phone);
    await b.directory.peersKnow();
    b.directory.nodeBack(a.router.nodeName);
    await flush();
    await flush();
    expect(phone.frames.filter((f) => f.includes('sync.required'))).toEqual([]); // a has not applied the news yet
    slowBus.release();
    await flush();
    await flush();
    expect(phone.frames.filter((f) => f.includes('sync.required'))).toHaveLength(1);
    for (const n of [a, b]) n.directory.close();
  });

  it('publishes a group message once per node holding recipients, and delivers each device once', async () => {
    const hub = new MemoryHub();
    let now = 0;
    const nodes = [0, 1, 2].map(() => node(hub.bus(), () => now));
    await flush();
    const names = nodes.map((n) => n.router.nodeName);
    for (const n of nodes) n.directory.usePeers(() => names.filter((name) => name !== n.router.nodeName));
    const published: string[] = [];
    const sending = hub.bus();
    sending.onMessage(() => {});
    const devices = [device('m0', 'n0:1'), device('m1', 'n1:1'), device('m1', 'n1:2'), device('m2', 'n1:3'), device('m1', 'n0:2')];
    const where = [0, 1, 1, 1, 0];
    for (const [i, d] of devices.entries()) {
      const n = nodes[where[i] as number] as (typeof nodes)[number];
      n.directory.connected({ uid: d.uid, connectionId: d.connectionId, deviceFlag: 1, deviceId: d.connectionId, since: 0 });
      await n.router.attach(d);
    }
    now = 3500;
    const sender = nodes[2] as (typeof nodes)[number];
    expect(sender.directory.complete()).toBe(true);
    // Count what node 2 publishes to node topics, on the hub itself.
    for (const name of names) {
      const watcher = hub.bus();
      watcher.onMessage((topic, message) => {
        if (message.kind === 'fanout') published.push(`${topic}:${message.uids.join(',')}`);
      });
      await watcher.subscribe(`node.${name}`);
    }
    const after = new Map([
      ['m1', 'conv-m1'],
      ['m2', 'conv-m2'],
    ]);
    sender.router.pushToMembers(['m0', 'm1', 'm2', 'm3-offline'], 'msg', { seq: 4, after });
    expect(published.sort()).toEqual([`node.${names[0]}:m0,m1`, `node.${names[1]}:m1,m2`].sort());
    expect(devices.map((d) => d.frames)).toEqual([['msg'], ['msg', 'conv-m1'], ['msg', 'conv-m1'], ['msg', 'conv-m2'], ['msg', 'conv-m1']]);
    for (const n of nodes) n.directory.close();
  });
});

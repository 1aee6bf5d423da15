import { describe, expect, it, vi } from 'vitest';
import { MemoryBus, MemoryHub } from '../../adapters/bus/memory.js';
import { renderPush } from './push-frame.js';
import type { Recipient } from './recipient.js';
import { DeliveryRouter, type MessageAbout, type VisibilityCheck } from './router.js';

/** A connection as the gateway would hand it over; it keeps the frames it was sent. */
class Device implements Recipient {
  readonly frames: string[] = [];
  /** The close code it was closed with, if it was. */
  closedWith: number | undefined;
  constructor(
    readonly uid: string,
    readonly connectionId: string,
  ) {}
  sendText(text: string): void {
    this.frames.push(text);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  /** The `data` of every push received, in order. */
  get received(): unknown[] {
    return this.frames.map((f) => (JSON.parse(f) as { data: unknown }).data);
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A node: the real router over the real in-process bus. Super-group membership and the visibility
 * rule are storage reads in the server, so here they are plain functions the test controls.
 */
function node(
  options: { superGroups?: Record<string, string[]>; whoCanSee?: VisibilityCheck; superGroupsOf?: (uid: string) => Promise<string[]> } = {},
) {
  const bus = new MemoryBus();
  const subscribe = vi.spyOn(bus, 'subscribe');
  const superGroupsOf = options.superGroupsOf ?? (async (uid: string) => options.superGroups?.[uid] ?? []);
  const whoCanSee = options.whoCanSee ?? (async (uids: readonly string[]) => new Set(uids));
  const router = new DeliveryRouter(bus, superGroupsOf, whoCanSee);
  return { bus, router, subscribe };
}

const about = (seq: number): MessageAbout => ({ channelType: 3, channelId: 's1', seq });

describe('DeliveryRouter: users', () => {
  it('pushes to every device of the user but the one that caused it', async () => {
    const { router } = node();
    const [phone, laptop, other] = [new Device('alice', 'n1:1'), new Device('alice', 'n1:2'), new Device('bob', 'n1:3')];
    for (const d of [phone, laptop, other]) await router.attach(d);
    expect(router.connectionCount).toBe(3);
    router.pushToUser('alice', renderPush('message.new', 1), { origin: 'n1:1' });
    router.pushToUser('alice', renderPush('message.new', 2));
    expect(phone.received).toEqual([2]);
    expect(laptop.received).toEqual([1, 2]);
    expect(other.received).toEqual([]);
  });

  it('stops listening to a user once their last device here is gone', async () => {
    const { router, bus } = node();
    const unsubscribe = vi.spyOn(bus, 'unsubscribe');
    const [phone, laptop] = [new Device('alice', 'n1:1'), new Device('alice', 'n1:2')];
    await router.attach(phone);
    await router.attach(laptop);
    router.detach(phone);
    expect(unsubscribe).not.toHaveBeenCalled();
    router.pushToUser('alice', renderPush('e', 'still here'));
    router.detach(laptop);
    expect(unsubscribe).toHaveBeenCalledWith('user.alice');
    router.pushToUser('alice', renderPush('e', 'gone'));
    expect(laptop.received).toEqual(['still here']);
    expect(router.localConnections('alice').size).toBe(0);
  });
});

describe('DeliveryRouter: disconnecting a user', () => {
  it("closes the user's connections on every node, and nobody else's", async () => {
    const hub = new MemoryHub();
    const onHub = () =>
      new DeliveryRouter(
        new MemoryBus(hub),
        async () => [],
        async (uids) => new Set(uids),
      );
    const here = onHub();
    const there = onHub();
    const [phone, laptop, bob] = [new Device('alice', 'n1:1'), new Device('alice', 'n2:1'), new Device('bob', 'n2:2')];
    await here.attach(phone);
    await there.attach(laptop);
    await there.attach(bob);
    here.disconnectUser('alice', 4010, 'account erased');
    expect([phone.closedWith, laptop.closedWith, bob.closedWith]).toEqual([4010, 4010, undefined]);
  });
});

describe('DeliveryRouter: super groups', () => {
  it("subscribes to a super group's topic once per node, however many members are here, and leaves it with the last", async () => {
    const { router, bus, subscribe } = node({ superGroups: { alice: ['s1'], bob: ['s1'], carol: [] } });
    const unsubscribe = vi.spyOn(bus, 'unsubscribe');
    const devices = [new Device('alice', 'n1:1'), new Device('bob', 'n1:2'), new Device('carol', 'n1:3')];
    for (const d of devices) await router.attach(d);
    expect(subscribe.mock.calls.filter(([t]) => t === 'channel.3.s1')).toHaveLength(1);
    router.pushToSuperGroup('s1', renderPush('message.new', 'hello'), { origin: 'n1:2' });
    expect(devices.map((d) => d.received)).toEqual([['hello'], [], []]);
    router.detach(devices[0] as Device);
    expect(unsubscribe).not.toHaveBeenCalledWith('channel.3.s1');
    router.detach(devices[1] as Device);
    expect(unsubscribe).toHaveBeenCalledWith('channel.3.s1');
  });

  it('follows membership changes of users connected here, and ignores those of others and of plain groups', async () => {
    const { router } = node();
    const alice = new Device('alice', 'n1:1');
    await router.attach(alice);
    router.membershipChanged('alice', { channelType: 3, channelId: 's1', joined: true });
    router.membershipChanged('alice', { channelType: 2, channelId: 'g1', joined: true });
    router.membershipChanged('bob', { channelType: 3, channelId: 's1', joined: true });
    router.pushToSuperGroup('s1', renderPush('e', 'after join'));
    router.pushToSuperGroup('g1', renderPush('e', 'not a super group'));
    router.membershipChanged('alice', { channelType: 3, channelId: 's1', joined: false });
    router.pushToSuperGroup('s1', renderPush('e', 'after leave'));
    expect(alice.received).toEqual(['after join']);
    expect(alice.frames.some((f) => f.includes('membership'))).toBe(false); // control messages never reach clients
  });

  it('does not join the super groups of a user who left while they were being looked up', async () => {
    const lookup = deferred<string[]>();
    const { router, subscribe } = node({ superGroupsOf: () => lookup.promise });
    const alice = new Device('alice', 'n1:1');
    const attaching = router.attach(alice);
    router.detach(alice);
    lookup.resolve(['s1']);
    await attaching;
    // `cluster` and the node's own topic are every node's from the start; no super-group topic was joined.
    expect(subscribe.mock.calls.map(([t]) => t)).toEqual(['cluster', `node.${router.nodeName}`, 'user.alice']);
  });
});

describe('DeliveryRouter: pushes about a stored message', () => {
  it("hands them only to the recipients here who may see the message, asking once for the topic's local audience", async () => {
    const asked: Array<readonly string[]> = [];
    const { router } = node({
      superGroups: { alice: ['s1'], bob: ['s1'] },
      whoCanSee: async (uids) => {
        asked.push(uids);
        return new Set(['bob']);
      },
    });
    const [alice, bob] = [new Device('alice', 'n1:1'), new Device('bob', 'n1:2')];
    await router.attach(alice);
    await router.attach(bob);
    router.pushToSuperGroup('s1', renderPush('message.updated', 'edit'), { about: about(7) });
    await router.settled();
    expect(asked).toEqual([['alice', 'bob']]);
    expect([alice.received, bob.received]).toEqual([[], ['edit']]);
  });

  it('keeps publish order on a topic while a check is pending; other topics do not wait', async () => {
    const check = deferred<ReadonlySet<string>>();
    const { router } = node({ superGroups: { alice: ['s1'] }, whoCanSee: () => check.promise });
    const alice = new Device('alice', 'n1:1');
    await router.attach(alice);
    router.pushToSuperGroup('s1', renderPush('e', 'edit of 7'), { about: about(7) });
    router.pushToSuperGroup('s1', renderPush('e', 'new 8'));
    router.pushToUser('alice', renderPush('e', 'direct'));
    expect(alice.received).toEqual(['direct']);
    check.resolve(new Set(['alice']));
    await router.settled();
    expect(alice.received).toEqual(['direct', 'edit of 7', 'new 8']);
  });

  it('delivers nothing for a failed check, and the topic carries on', async () => {
    const check = deferred<ReadonlySet<string>>();
    const { router } = node({ superGroups: { alice: ['s1'] }, whoCanSee: () => check.promise });
    const alice = new Device('alice', 'n1:1');
    await router.attach(alice);
    router.pushToSuperGroup('s1', renderPush('e', 'edit'), { about: about(7) });
    router.pushToSuperGroup('s1', renderPush('e', 'next'));
    check.reject(new Error('database gone'));
    await router.settled();
    expect(alice.received).toEqual(['next']);
  });
});

/** The in-process bus of one node among several, whose broker connection can come back after a loss. */
class ReconnectingBus extends MemoryBus {
  private readonly gapHandlers: Array<() => void> = [];
  override onGap(handler: () => void): void {
    this.gapHandlers.push(handler);
  }
  /** Back after a loss: every topic held again, and the gap reported, as a broker adapter does. */
  reconnected(): void {
    for (const handler of this.gapHandlers) handler();
  }
}

describe('DeliveryRouter: after a node lost its bus', () => {
  it('has its own clients and those of every other node resync: what it published meanwhile reached none of them', async () => {
    const hub = new MemoryHub();
    const nodes = [1, 2, 3].map((n) => {
      const bus = new ReconnectingBus(hub);
      const router = new DeliveryRouter(
        bus,
        async () => [],
        async (uids) => new Set(uids),
      );
      return { bus, router, device: new Device(`u${n}`, `n${n}:1`) };
    });
    for (const { router, device } of nodes) await router.attach(device);

    nodes[0]?.bus.reconnected();
    const pushes = nodes.map(({ device }) => device.frames.map((f) => JSON.parse(f) as { event: string; data: unknown }));
    const resync = { event: 'sync.required', data: { reason: 'bus.reconnected' } };
    expect(pushes).toEqual([[resync], [resync], [resync]]);
  });
});

/** The in-process bus, where a super group's subscription takes hold only when the test says (a broker's round trip). */
class SlowSubscribeBus extends MemoryBus {
  private readonly waiting = new Map<string, () => void>();
  override subscribe(topic: string): Promise<void> {
    if (!topic.startsWith('channel.')) return super.subscribe(topic);
    return new Promise((resolve) =>
      this.waiting.set(topic, () => {
        void super.subscribe(topic);
        resolve();
      }),
    );
  }
  /** The broker has the subscription now. */
  holds(topic: string): void {
    this.waiting.get(topic)?.();
  }
}

describe('DeliveryRouter: a member added through another node', () => {
  it('is handed what reached the group before its node subscribed, once, then the rest in order', async () => {
    const hub = new MemoryHub();
    // The group's messages as storage has them; the catch-up reads those after the join.
    const stored: Array<{ seq: number; frame: string }> = [];
    const sender = new DeliveryRouter(
      new MemoryBus(hub),
      async () => [],
      async (uids) => new Set(uids),
    );
    const slow = new SlowSubscribeBus(hub);
    const asked: Array<[string, string, number]> = [];
    const here = new DeliveryRouter(
      slow,
      async () => [],
      async (uids) => new Set(uids),
      async (uid, channelId, afterSeq) => {
        asked.push([uid, channelId, afterSeq]);
        return stored.filter((m) => m.seq > afterSeq);
      },
    );
    const ivy = new Device('ivy', 'n2:1');
    await here.attach(ivy);
    const send = (seq: number) => {
      const frame = renderPush('message.new', seq);
      if (!stored.some((m) => m.seq === seq)) stored.push({ seq, frame });
      sender.pushToSuperGroup('s1', frame, { seq });
    };

    sender.membershipChanged('ivy', { channelType: 3, channelId: 's1', joined: true, afterSeq: 4 });
    send(5); // before ivy's node has the subscription: this push reaches no one there
    expect(ivy.received).toEqual([]);
    slow.holds('channel.3.s1');
    send(6); // arrives while the catch-up reads: it waits behind it
    send(5); // a late push of what the catch-up hands over
    send(7);
    sender.pushToSuperGroup('s1', renderPush('message.new', 'not stored')); // noPersist: no seq, goes to all
    await here.settled();
    expect(asked).toEqual([['ivy', 's1', 4]]);
    expect(ivy.received).toEqual([5, 6, 7, 'not stored']);
  });
});

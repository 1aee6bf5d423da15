/**
 * A group's message crosses the bus once per node holding devices of its recipients (docs/scale-out.md,
 * "Group fan-out"): three nodes, in one process on the in-process bus, and as the built server's
 * processes on Redis and on NATS. The publishes are counted by the nodes' own metrics
 * (`parley_bus_published_by_topic_total`), and every device's socket is checked at the level of
 * single events: each online device gets each message once, an offline member finds it by sync, and a
 * member who connects while messages are being sent misses none.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { httpCall } from '@parley/test-kit/http';
import { describePostgres, openTestPostgresNodes } from '@parley/test-kit/postgres';
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryHub } from '../adapters/bus/memory.js';
import { type ParleyServer, startServer } from '../app.js';
import { loadConfig } from '../config.js';
import type { Bus, BusHandler } from '../ports/bus.js';
import {
  CLUSTER_HOOK_TIMEOUT,
  CLUSTER_SECRET,
  CLUSTER_TEST_TIMEOUT,
  describeEachBroker,
  TestCluster,
} from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';

interface World {
  wsUrl(node: number): string;
  url(node: number): string;
  metrics(node: number): Promise<string>;
  stop(): Promise<void>;
}

const MEMBERS = Array.from({ length: 100 }, (_, i) => `fm${i}`);
/** Online: fm0..fm32 on node 0, fm33..fm65 on node 1 (fm1 also on node 1); fm66..fm99 offline. */
const nodeOfMember = (i: number): number | undefined => (i < 33 ? 0 : i < 66 ? 1 : undefined);

/** A counter of a node's `/metrics` text, 0 when absent. */
function counter(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const admin = async (world: World, route: string, body: unknown): Promise<any> => {
  const res = await httpCall(world.url(0), 'POST', `/v1/admin${route}`, { token: CLUSTER_SECRET, body });
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

async function usersWithTokens(world: World, uids: readonly string[]): Promise<Map<string, string>> {
  await admin(world, '/users/batch', { users: uids.map((uid) => ({ uid })) });
  const tokens = new Map<string, string>();
  for (const uid of uids) tokens.set(uid, (await admin(world, `/users/${uid}/token`, {})).token);
  return tokens;
}

/** `message.new` seqs of channel `channelId` a socket received, in order of arrival. */
const pushedSeqs = (client: TestClient, channelId: string): number[] =>
  client
    .eventsOf('message.new')
    .filter((m) => m.channelId === channelId)
    .map((m) => m.messageSeq as number);

function fanoutSuite(makeWorld: () => Promise<World>): void {
  let world: World;
  let tokens: Map<string, string>;
  const sockets: TestClient[] = [];
  /** device name -> its socket */
  const devices = new Map<string, TestClient>();

  beforeAll(async () => {
    world = await makeWorld();
    tokens = await usersWithTokens(world, [...MEMBERS, 'fan-other']);
    await admin(world, '/groups', { groupId: 'fan', channelType: 2, ownerUid: 'fm0', members: MEMBERS });
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await world?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  const connect = async (uid: string, node: number, deviceId: string) => {
    const client = await TestClient.connect(world.wsUrl(node), tokens.get(uid), deviceId);
    sockets.push(client);
    return client;
  };
  const send = async (node: number, fromUid: string, clientMsgNo: string): Promise<number> => {
    const res = await httpCall(world.url(node), 'POST', '/v1/messages', {
      token: tokens.get(fromUid),
      body: { channelId: 'fan', channelType: 2, clientMsgNo, payload: { type: 1, content: clientMsgNo } },
    });
    if (res.status !== 200) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.messageSeq as number;
  };
  const busCounts = async () =>
    Promise.all(
      [0, 1, 2].map(async (node) => {
        const text = await world.metrics(node);
        return {
          nodeOut: counter(text, 'parley_bus_published_by_topic_total', '{topic="node"}'),
          userOut: counter(text, 'parley_bus_published_by_topic_total', '{topic="user"}'),
          nodeIn: counter(text, 'parley_bus_received_by_topic_total', '{topic="node"}'),
        };
      }),
    );

  it(
    'publishes a 100-member group message once per node with recipients online; each device gets it once, offline members by sync',
    async () => {
      for (const [i, uid] of MEMBERS.entries()) {
        const node = nodeOfMember(i);
        if (node !== undefined) devices.set(`${uid}@${node}`, await connect(uid, node, `${uid}-d${node}`));
      }
      // A second device of fm1, on the other node; and node 2 holds a user who is no member.
      devices.set('fm1@1', await connect('fm1', 1, 'fm1-d1'));
      await connect('fan-other', 2, 'other');
      // Each node goes per node once it has heard every other's directory (a few seconds after start).
      await waitFor(
        async () =>
          (await Promise.all([0, 1, 2].map(async (n) => counter(await world.metrics(n), 'parley_fanout_by_node')))).every((v) => v === 1),
        () => 'the nodes never switched to fan-out by node',
      );

      // fm99 (no device online) sends through node 2, which holds no recipient: one publish each to nodes 0 and 1.
      let before = await busCounts();
      const first = await send(2, 'fm99', 'fan-1');
      const heardAll = (seq: number) =>
        waitFor(
          () => [...devices.values()].every((d) => pushedSeqs(d, 'fan').includes(seq)),
          () => `devices without seq ${seq}: ${[...devices].filter(([, d]) => !pushedSeqs(d, 'fan').includes(seq)).map(([n]) => n)}`,
        );
      await heardAll(first);
      let after = await busCounts();
      const delta = (i: number, key: 'nodeOut' | 'userOut' | 'nodeIn') => (after[i]?.[key] ?? 0) - (before[i]?.[key] ?? 0);
      expect([delta(2, 'nodeOut'), delta(2, 'userOut')], 'node 2: publishes to node topics, to user topics').toEqual([2, 0]);
      expect([delta(0, 'nodeIn'), delta(1, 'nodeIn'), delta(2, 'nodeIn')], 'fan-out envelopes received per node').toEqual([1, 1, 0]);

      // fm5 (online on node 0) sends through node 0: its own devices there at once, one publish to node 1.
      before = await busCounts();
      const second = await send(0, 'fm5', 'fan-2');
      await heardAll(second);
      after = await busCounts();
      expect([delta(0, 'nodeOut'), delta(0, 'userOut')], 'node 0: publishes to node topics, to user topics').toEqual([1, 0]);
      expect([delta(0, 'nodeIn'), delta(1, 'nodeIn'), delta(2, 'nodeIn')], 'fan-out envelopes received per node').toEqual([0, 1, 0]);

      // Each device: each message once, in order, with its own conversation.updated after it.
      for (const [name, d] of devices) {
        expect(pushedSeqs(d, 'fan'), name).toEqual([first, second]);
        await d.until(() => d.eventsOf('conversation.updated').some((e) => e.conversation?.lastMsg?.messageSeq === second));
      }
      expect(pushedSeqs(devices.get('fm0@0') as TestClient, 'fan')).toEqual([first, second]);

      // An offline member got nothing pushed; connecting later, its conversation list and history have both.
      const late = await connect('fm70', 2, 'fm70-late');
      const listed = await late.request('conversation.list', {});
      const fan = listed.conversations.find((c: any) => c.conversationId === 'team|fan');
      expect(fan?.lastMsg?.messageSeq).toBe(second);
      const history = await late.request('message.history', { channelId: 'fan', channelType: 2, limit: 100 });
      expect(history.messages.map((m: any) => m.messageSeq)).toEqual([first, second]);
      expect(pushedSeqs(late, 'fan')).toEqual([]);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'misses no message for a member who connects while the group is being sent to',
    async () => {
      const acked: number[] = [];
      let sending = true;
      const stream = (async () => {
        for (let i = 0; sending || i < 5; i++) acked.push(await send(i % 3, 'fm98', `race-${i}`));
      })();
      await waitFor(
        () => acked.length >= 3,
        () => 'no sends',
      );
      // Two members come online mid-stream, on two nodes; each pulls history right after its auth, as the SDK does.
      const joined = await Promise.all(
        [
          ['fm80', 1],
          ['fm81', 2],
        ].map(async ([uid, node]) => {
          const client = await connect(uid as string, node as number, `${uid}-mid`);
          const page = await client.request('message.history', { channelId: 'fan', channelType: 2, limit: 100 });
          return { client, read: page.messages.map((m: any) => m.messageSeq as number) };
        }),
      );
      const more = acked.length + 5;
      await waitFor(
        () => acked.length >= more,
        () => `${acked.length} sent`,
      );
      sending = false;
      await stream;
      for (const { client, read } of joined) {
        const last = acked[acked.length - 1] as number;
        await waitFor(
          () => pushedSeqs(client, 'fan').includes(last),
          () => `pushed ${pushedSeqs(client, 'fan')}`,
        );
        const pushed = pushedSeqs(client, 'fan');
        // Once each by push; together with what the read after auth held, every message. A node that
        // stalled past its death notice makes the others' clients resync: the client reads again, as the SDK does.
        expect(new Set(pushed).size, 'no push twice').toBe(pushed.length);
        const again = client.eventsOf('sync.required').length
          ? (await client.request('message.history', { channelId: 'fan', channelType: 2, limit: 100 })).messages.map(
              (m: any) => m.messageSeq,
            )
          : [];
        const seen = new Set([...read, ...pushed, ...again]);
        expect(acked.filter((seq) => !seen.has(seq))).toEqual([]);
      }
    },
    CLUSTER_TEST_TIMEOUT,
  );
}

/** Three nodes in this process on one in-process hub and one PostgreSQL schema; `wrap` may slow a node's bus. */
async function inProcess(wrap: (node: number, bus: Bus) => Bus = (_, bus) => bus, count = 3): Promise<World> {
  const stores = await openTestPostgresNodes(count);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-fanout-'));
  const hub = new MemoryHub();
  const nodes: ParleyServer[] = [];
  for (const [i, storage] of stores.entries()) {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PARLEY_MODE: 'development',
      PARLEY_APP_SECRET: CLUSTER_SECRET,
      PARLEY_DATA_DIR: path.join(dataDir, `node-${i}`),
      PARLEY_NODE_ID: String(i + 1),
      PARLEY_SEND_RATE_PER_SEC: '0',
    });
    nodes.push(await startServer(config, { storage, bus: wrap(i, hub.bus()) }));
  }
  const node = (i: number) => nodes[i] as ParleyServer;
  return {
    url: (i) => node(i).url,
    wsUrl: (i) => `${node(i).url.replace('http', 'ws')}/v1/ws`,
    metrics: (i) => node(i).ctx.metrics.registry.metrics(),
    async stop() {
      for (const n of nodes) await n.close();
      await Promise.all(stores.map((s) => s.close()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

await describePostgres('group fan-out by node: 3 nodes in process', () => {
  fanoutSuite(() => inProcess());
});

await describeEachBroker('group fan-out by node: 3 nodes', (kind) => {
  fanoutSuite(async () => {
    const cluster = await TestCluster.start(kind, 3);
    return {
      url: (i) => cluster.node(i).url,
      wsUrl: (i) => cluster.node(i).wsUrl,
      metrics: (i) => cluster.metrics(i),
      stop: () => cluster.stop(),
    };
  });
});

/**
 * A bus whose cluster-topic news reaches its node `delayMs` late, in order: presence from the other
 * nodes arrives late there, as it may on a busy broker.
 */
function lateNews(bus: Bus, delayMs: number): Bus {
  return {
    publish: (topic, message) => bus.publish(topic, message),
    subscribe: (topic) => bus.subscribe(topic),
    unsubscribe: (topic) => bus.unsubscribe(topic),
    onMessage(handler: BusHandler) {
      bus.onMessage((topic, message) => {
        if (topic === 'cluster') setTimeout(() => handler(topic, message), delayMs);
        else handler(topic, message);
      });
    },
    onGap: (handler) => bus.onGap(handler),
    status: () => bus.status(),
    close: () => bus.close(),
  };
}

await describePostgres('group fan-out by node: presence that arrives late', () => {
  describe('node 0 hears the other nodes’ news 400 ms late', () => {
    let world: World;
    let tokens: Map<string, string>;
    const sockets: TestClient[] = [];
    const members = ['fl0', 'fl1', 'fl2', 'fl3'];
    beforeAll(async () => {
      world = await inProcess((node, bus) => (node === 0 ? lateNews(bus, 400) : bus), 2);
      tokens = await usersWithTokens(world, members);
      await admin(world, '/groups', { groupId: 'late', channelType: 2, ownerUid: 'fl0', members });
      await waitFor(
        async () => counter(await world.metrics(0), 'parley_fanout_by_node') === 1,
        () => 'node 0 never switched to fan-out by node',
      );
    }, CLUSTER_HOOK_TIMEOUT);
    afterAll(async () => {
      await Promise.all(sockets.map((s) => s.close()));
      await world?.stop();
    }, CLUSTER_HOOK_TIMEOUT);

    it(
      'answers a login on node 1 only once node 0 knows the device: what node 0 sent before is in the sync, after in the push',
      async () => {
        const acked: number[] = [];
        let sending = true;
        const stream = (async () => {
          for (let i = 0; sending; i++) {
            const res = await httpCall(world.url(0), 'POST', '/v1/messages', {
              token: tokens.get('fl0'),
              body: { channelId: 'late', channelType: 2, clientMsgNo: `late-${i}`, payload: { type: 1, content: `${i}` } },
            });
            acked.push(res.body.messageSeq);
          }
        })();
        await waitFor(
          () => acked.length >= 3,
          () => 'no sends',
        );
        const sentBeforeConnect = acked.length;
        const client = await TestClient.connect(world.wsUrl(1), tokens.get('fl1'), 'fl1-late');
        sockets.push(client);
        const read = (await client.request('message.history', { channelId: 'late', channelType: 2, limit: 100 })).messages.map(
          (m: any) => m.messageSeq as number,
        );
        const more = acked.length + 5;
        await waitFor(
          () => acked.length >= more,
          () => `${acked.length} sent`,
        );
        sending = false;
        await stream;
        const last = acked[acked.length - 1] as number;
        await waitFor(
          () => pushedSeqs(client, 'late').includes(last),
          () => `pushed ${pushedSeqs(client, 'late')}`,
        );
        const pushed = pushedSeqs(client, 'late');
        expect(new Set(pushed).size, 'no push twice').toBe(pushed.length);
        const seen = new Set([...read, ...pushed]);
        expect(acked.filter((seq) => !seen.has(seq))).toEqual([]);
        // The window was real: messages acked after the connect began that no push carried (node 0 did not
        // know the device yet), found by the read after auth instead.
        const caughtBySync = acked.slice(sentBeforeConnect).filter((seq) => !pushed.includes(seq));
        expect(caughtBySync.length).toBeGreaterThan(0);
        expect(caughtBySync.every((seq) => read.includes(seq))).toBe(true);
      },
      CLUSTER_TEST_TIMEOUT,
    );
  });
});

await describePostgres('group fan-out by node: a node too slow to acknowledge', () => {
  it(
    'does not hold a login longer than 2 s: the auth answer goes, and sync.required (presence.late) follows once the node knows',
    async () => {
      // Node 0 hears the others 4 s late: longer than a login waits for its ack.
      const world = await inProcess((node, bus) => (node === 0 ? lateNews(bus, 4000) : bus), 2);
      try {
        const tokens = await usersWithTokens(world, ['fs0']);
        // Node 1 must know node 0 as a peer (its heartbeats) before the login, or there is nothing to wait for.
        await waitFor(
          async () => counter(await world.metrics(1), 'parley_fanout_by_node') === 1,
          () => 'node 1 never heard of node 0',
        );
        const client = await TestClient.connect(world.wsUrl(1), tokens.get('fs0'), 'fs0-slow');
        expect(client.eventsOf('sync.required')).toEqual([]);
        const resync = await client.waitForEvent('sync.required');
        expect(resync.data).toEqual({ reason: 'presence.late' });
        expect(client.events.map((e) => e.event).indexOf('auth.ok')).toBeLessThan(client.events.indexOf(resync));
        await client.close();
      } finally {
        await world.stop();
      }
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

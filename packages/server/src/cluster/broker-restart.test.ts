/**
 * The broker killed and started again while the nodes carry traffic (Redis, then NATS). Sends go on
 * meanwhile (the database, not the bus, is what an ack promises), pushes between nodes are lost, and
 * once the broker is back each node reconnects, says so on /metrics and /healthz, and every client
 * is told `sync.required`. The SDK devices, one per node, then catch up to every message once, in seq
 * order, with no further traffic to reveal a gap: the resync alone must bring them there.
 *
 * The load stops as soon as the first node is back, while others may still be reconnecting: what
 * those publish in between is lost for the clients of the nodes already back, and only a resync
 * those nodes are asked for afterwards recovers it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClientSessions } from '../test-support/client-sessions.js';
import { auditConversations } from '../test-support/conversation-audit.js';
import { CrashLoad, type LoadPlan } from '../test-support/crash-load.js';
import { auditHistory, auditSenderOrder } from '../test-support/history-audit.js';
import { addressesOf, firstOf, groupIdOf, ringLoad } from '../test-support/ring-load.js';
import { SdkDevice } from '../test-support/sdk-device.js';
import { SendLedger } from '../test-support/send-ledger.js';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';

const NODES = 3;
/** Acks of the load before the broker is killed, and again while it is away. */
const ACKS_BEFORE = 60;
const ACKS_WHILE_AWAY = 60;

const wsUsers = Array.from({ length: 6 }, (_, i) => `b${i}`);
const homeOf = (uid: string) => wsUsers.indexOf(uid) % NODES;
const GROUP = 'group:restart-g';
const SUPER = 'super:restart-sg';
const { senders, channels, everyone } = ringLoad({ wsUsers, group: GROUP, superGroup: SUPER });
const plan: LoadPlan = { senders, window: 3, duplicateEvery: 16, maxSendsPerSender: 1000 };

/** A counter or gauge of node `i`'s /metrics (no labels). */
const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);

await describeEachBroker('cluster: the broker restarted mid-traffic', (kind) => {
  let cluster: TestCluster;
  let sessions: ClientSessions | undefined;
  const devices: SdkDevice[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, NODES);
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    for (const d of devices) d.close();
    await sessions?.close();
    await cluster?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  const allNodes = Array.from({ length: NODES }, (_, i) => i);
  const metricsOfAll = () => Promise.all(allNodes.map((i) => cluster.metrics(i)));

  it(
    'the nodes come back, every client resyncs and catches up, nothing acked is lost',
    async () => {
      const tokens = await cluster.users(everyone);
      await cluster.group(groupIdOf(GROUP), 2, everyone, 1);
      await cluster.group(groupIdOf(SUPER), 3, everyone, 2);
      // A second device of b0, b1 and b2, each on the node after its raw one, shows its user's chats.
      const watchers: Array<{ uid: string; node: number; device: SdkDevice }> = [];
      for (const uid of wsUsers.slice(0, NODES)) {
        const node = (homeOf(uid) + 1) % NODES;
        const device = await SdkDevice.open(cluster.urls(node), tokens.get(uid) as string, `${uid}-sdk`);
        devices.push(device);
        await device.show(addressesOf(channels, uid).map((c) => c.address));
        watchers.push({ uid, node, device });
      }

      sessions = await ClientSessions.open((uid) => cluster.node(homeOf(uid)), tokens, wsUsers);
      const ledger = new SendLedger();
      const load = new CrashLoad(sessions, ledger, plan, 1);
      await load.acked(ACKS_BEFORE);

      await cluster.broker.kill();
      // Every node notices, and /metrics says so by itself (no /healthz call refreshes it first).
      await waitFor(
        async () => (await metricsOfAll()).every((text) => metric(text, 'parley_bus_connected') === 0),
        () => 'a node still reports parley_bus_connected 1 with its broker dead',
      );
      // Sends go on while the broker is away: acks come from the database.
      await load.acked(load.acks + ACKS_WHILE_AWAY);

      await cluster.broker.up();
      await waitFor(
        async () => (await metricsOfAll()).some((text) => metric(text, 'parley_bus_reconnects_total') >= 1),
        () => 'no node has reconnected to the broker',
      );
      load.stop();
      await load.done;

      // Every node is back, by /metrics and by /healthz.
      await waitFor(
        async () =>
          (await metricsOfAll()).every(
            (text) => metric(text, 'parley_bus_connected') === 1 && metric(text, 'parley_bus_reconnects_total') >= 1,
          ),
        () => 'a node does not report its bus back on /metrics',
      );
      for (const i of allNodes) {
        const bus = await cluster.busHealth(i);
        expect(bus, `node ${i}`).toMatchObject({ kind, connected: true });
        expect(bus.reconnects, `node ${i}`).toBeGreaterThanOrEqual(1);
      }

      // Nothing acked is lost, nothing is stored twice; the lists agree.
      const { problems, histories } = await auditHistory(sessions, ledger, channels);
      problems.push(...auditSenderOrder(ledger, 1), ...ledger.problems.splice(0));
      problems.push(...(await auditConversations(sessions, everyone, channels, histories)));
      expect(firstOf(problems)).toEqual([]);

      // Every device was told to resync, and was handed every message of its chats once, in seq order.
      const wanted = watchers.flatMap(({ uid, device }) =>
        addressesOf(channels, uid).map(({ name, address }) => ({
          device,
          address,
          seqs: (histories.get(name) ?? []).map((m) => m.messageSeq),
        })),
      );
      const short = () => wanted.filter(({ device, address, seqs }) => device.handedIn(address).length < seqs.length);
      await waitFor(
        () => short().length === 0,
        () =>
          short()
            .map(
              ({ device, address, seqs }) => `${device.name} in ${address.channelId}: ${device.handedIn(address).length} of ${seqs.length}`,
            )
            .join('; '),
      );
      for (const { device, address, seqs } of wanted) {
        expect(
          device.handedIn(address).map((m) => m.messageSeq),
          `${device.name} in ${address.channelId}`,
        ).toEqual(seqs);
      }
      for (const { device } of watchers) expect(device.eventsOf('sync.required').length, device.name).toBeGreaterThanOrEqual(1);

      // The nodes subscribed again: a message sent through each node now is pushed to the devices on the others.
      const lastSeq = (histories.get(SUPER) ?? []).length;
      for (const i of allNodes) {
        const res = await cluster.node(i).http('POST', '/v1/messages', {
          token: tokens.get('b3'),
          body: { channelId: groupIdOf(SUPER), channelType: 3, clientMsgNo: `after-${i}`, payload: { type: 1, content: `after ${i}` } },
        });
        expect(res.status).toBe(200);
      }
      const superGroup = { channelId: groupIdOf(SUPER), channelType: 3 as const };
      const after = [lastSeq + 1, lastSeq + 2, lastSeq + 3];
      await waitFor(
        () => watchers.every(({ device }) => after.every((seq) => device.pushedSeqs(superGroup).includes(seq))),
        () => watchers.map(({ device }) => `${device.name}: ${device.pushedSeqs(superGroup).slice(-3)}`).join('; '),
      );

      const resyncs = watchers.map(({ device }) => device.eventsOf('sync.required').length);
      console.log(
        `cluster broker restart [${kind}]: ${load.acks} sends acked (${ACKS_WHILE_AWAY}+ while the broker was away), ` +
          `${ledger.all().length} messages audited; sync.required per device: ${resyncs.join(', ')}`,
      );
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    "a node cut off from the broker alone: the other nodes' clients still get what it stored meanwhile",
    async () => {
      const members = ['c0', 'c1', 'c2'];
      const tokens = await cluster.users(members);
      await cluster.group('cut-g', 2, members, 1);
      const chat = { channelId: 'cut-g', channelType: 2 as const };
      // c1 and c2 read the group on nodes 1 and 2; c0's app server sends through node 0.
      const readers: SdkDevice[] = [];
      for (const i of [1, 2]) {
        const device = await SdkDevice.open(cluster.urls(i), tokens.get(`c${i}`) as string, `c${i}-reader`);
        devices.push(device);
        await device.show([chat]);
        readers.push(device);
      }
      const send = async (n: number) => {
        const res = await cluster.node(0).http('POST', '/v1/messages', {
          token: tokens.get('c0'),
          body: { ...chat, clientMsgNo: `cut-${n}`, payload: { type: 1, content: `${n}` } },
        });
        expect(res.status).toBe(200);
      };
      await send(0);
      const othersBefore = await Promise.all([1, 2].map((i) => cluster.busHealth(i)));

      cluster.cutLink(0);
      await waitFor(
        async () => !(await cluster.busHealth(0)).connected,
        () => 'node 0 still says it reaches the broker',
      );
      // Stored and acked while node 0 cannot reach the others: its pushes go nowhere (Redis drops them;
      // NATS may hold them until it is back).
      for (let n = 1; n <= 5; n++) await send(n);
      const reconnectsBefore = (await cluster.busHealth(0)).reconnects;
      cluster.restoreLink(0);
      await waitFor(
        async () => {
          const bus = await cluster.busHealth(0);
          return bus.connected && bus.reconnects > reconnectsBefore;
        },
        () => 'node 0 did not reconnect to the broker',
      );

      // No message follows to reveal the gap: the others learn of it from node 0 coming back.
      await waitFor(
        () => readers.every((d) => d.handedIn(chat).length === 6),
        () => readers.map((d) => `${d.name}: ${d.handedIn(chat).length} of 6`).join('; '),
      );
      for (const d of readers)
        expect(
          d.handedIn(chat).map((m) => m.messageSeq),
          d.name,
        ).toEqual([1, 2, 3, 4, 5, 6]);
      // Nodes 1 and 2 never lost their broker.
      expect(await Promise.all([1, 2].map((i) => cluster.busHealth(i)))).toEqual(othersBefore);
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

/**
 * Presence across two nodes of the built server on one PostgreSQL schema, joined by Redis and then by
 * NATS: a user's devices on any node make them online everywhere, the last one leaving on any node
 * makes them offline everywhere, a node that restarts learns who is connected elsewhere, and the users
 * of a node that dies go offline.
 */
import { EventName } from '@parley/protocol';
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';

await describeEachBroker('cluster: presence on 2 nodes', (kind) => {
  let cluster: TestCluster;
  let tokens: Map<string, string>;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, 2, { PARLEY_PRESENCE_GRACE_SECONDS: '0' });
    tokens = await cluster.users(['pc-w', 'pc-b', 'pc-d', 'pc-e']);
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  const connect = async (uid: string, node: number, deviceId: string) => {
    const client = await TestClient.connect(cluster.node(node).wsUrl, tokens.get(uid), deviceId);
    sockets.push(client);
    return client;
  };
  const states = (client: TestClient, uid: string) =>
    client
      .eventsOf(EventName.PresenceChanged)
      .filter((e) => e.uid === uid)
      .map((e) => (e.online ? 'online' : 'offline'));
  const heard = (client: TestClient, uid: string, count: number) =>
    waitFor(
      () => states(client, uid).length >= count,
      () => `${uid}: ${JSON.stringify(states(client, uid))}`,
    );
  const onlineVia = async (node: number, uid: string) => (await cluster.admin('/users/online', { uids: [uid] }, node)).users[0];

  it(
    'devices on either node make a user online on both, and the last one leaving offline',
    async () => {
      const watcher = await connect('pc-w', 0, 'w');
      await watcher.request('presence.subscribe', { uids: ['pc-b'] });
      const phone = await connect('pc-b', 1, 'phone');
      await heard(watcher, 'pc-b', 1);
      const read = await onlineVia(0, 'pc-b');
      expect(read).toMatchObject({ online: true, devices: [{ deviceId: 'phone', deviceFlag: 2 }] });
      const laptop = await connect('pc-b', 0, 'laptop');
      await waitFor(
        async () => (await onlineVia(1, 'pc-b')).devices.length === 2,
        () => 'node 1 never saw the second device',
      );
      await phone.close();
      await waitFor(
        async () => (await onlineVia(0, 'pc-b')).devices.length === 1,
        () => 'node 0 never saw the phone leave',
      );
      await laptop.close();
      await heard(watcher, 'pc-b', 2);
      expect(states(watcher, 'pc-b')).toEqual(['online', 'offline']);
      const last = watcher.eventsOf(EventName.PresenceChanged).at(-1);
      expect(last.lastSeen).toEqual(expect.any(Number));
      // The watcher's node saw the laptop leave itself; the other node hears it over the bus.
      await waitFor(
        async () => !(await onlineVia(1, 'pc-b')).online,
        () => 'node 1 never saw the last device leave',
      );
      expect(await onlineVia(1, 'pc-b')).toMatchObject({ online: false, devices: [], lastSeen: last.lastSeen });
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'a node that restarts learns who is connected on the others',
    async () => {
      await connect('pc-d', 1, 'd');
      await cluster.kill(0);
      await cluster.restart(0);
      await waitFor(
        async () => (await onlineVia(0, 'pc-d')).online,
        () => 'the restarted node never learned that pc-d is online on node 1',
      );
      const watcher = await connect('pc-w', 0, 'w2');
      expect((await watcher.request('presence.subscribe', { uids: ['pc-d'] })).users).toEqual([
        { uid: 'pc-d', online: true, lastSeen: null },
      ]);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'the users of a node that dies go offline on the others',
    async () => {
      const watcher = await connect('pc-w', 0, 'w3');
      await connect('pc-e', 1, 'e');
      await waitFor(
        async () => (await onlineVia(0, 'pc-e')).online,
        () => 'node 0 never saw pc-e',
      );
      expect((await watcher.request('presence.subscribe', { uids: ['pc-e'] })).users[0].online).toBe(true);
      await cluster.kill(1);
      await heard(watcher, 'pc-e', 1);
      expect(states(watcher, 'pc-e')).toEqual(['offline']);
      await cluster.restart(1);
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

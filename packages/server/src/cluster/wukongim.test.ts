/**
 * The WuKongIM gateway across two nodes of the built server (one PostgreSQL schema, Redis then NATS):
 * users of the unmodified wukongimjssdk 1.0.4 and of the JSON gateway, connected to different nodes,
 * reach each other 1:1 and in a group, because both gateways hand their sends to the same send path
 * and take their deliveries from the same router.
 */
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';
import { WkUser } from '../test-support/wukongim-sdk.js';

// The SDK logs every packet; the test output keeps only the failures.
vi.spyOn(console, 'log').mockImplementation(() => {});

await describeEachBroker('cluster: WuKongIM gateway on 2 nodes', (kind) => {
  let cluster: TestCluster;
  let tokens: Map<string, string>;
  const open: Array<{ close(): unknown }> = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, 2);
    tokens = await cluster.users(['cw-alice', 'cw-carol', 'cw-bob']);
    await cluster.group('cw-g', 2, ['cw-alice', 'cw-carol', 'cw-bob']);
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    for (const o of open) o.close();
    await cluster?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  const wkUser = async (uid: string, node: number) => {
    const user = await WkUser.load(uid);
    open.push(user);
    user.connect(cluster.node(node).url, tokens.get(uid) as string);
    await waitFor(
      () => user.connected,
      () => `${uid} never connected: ${JSON.stringify(user.statuses)}`,
    );
    return user;
  };
  const texts = (u: WkUser) => u.received().map((m) => `${m.fromUID}:${m.content.text}`);

  it(
    'SDK users on node 0 and node 1 and a JSON-gateway user on node 1 reach each other, 1:1 and in a group',
    async () => {
      const alice = await wkUser('cw-alice', 0);
      const carol = await wkUser('cw-carol', 1);
      const bob = await TestClient.connect(cluster.node(1).wsUrl, tokens.get('cw-bob'), 'bob-web');
      open.push({ close: () => bob.close() });

      await alice.sendText('to bob', 'cw-bob', 1);
      await waitFor(
        () => bob.eventsOf('message.new').length === 1,
        () => 'bob got nothing',
      );
      expect(bob.eventsOf('message.new')[0]).toMatchObject({
        fromUid: 'cw-alice',
        channelId: 'cw-alice',
        payload: { type: 1, content: 'to bob' },
      });
      await bob.request('message.send', {
        channelId: 'cw-alice',
        channelType: 1,
        clientMsgNo: 'cw-b1',
        payload: { type: 1, content: 'to alice' },
      });
      await waitFor(
        () => texts(alice).length === 1,
        () => `alice: ${JSON.stringify(texts(alice))}`,
      );
      expect(texts(alice)).toEqual(['cw-bob:to alice']);

      await alice.sendText('to the group', 'cw-g', 2);
      await waitFor(
        () => texts(carol).length === 1 && bob.eventsOf('message.new').length === 2,
        () => `carol: ${JSON.stringify(texts(carol))}`,
      );
      expect(texts(carol)).toEqual(['cw-alice:to the group']);
      await bob.request('message.send', {
        channelId: 'cw-g',
        channelType: 2,
        clientMsgNo: 'cw-b2',
        payload: { type: 1, content: 'group reply' },
      });
      await waitFor(
        () => texts(alice).length === 2 && texts(carol).length === 2,
        () => `alice: ${JSON.stringify(texts(alice))}, carol: ${JSON.stringify(texts(carol))}`,
      );
      expect(texts(alice)).toEqual(['cw-bob:to alice', 'cw-bob:group reply']);
      expect(texts(carol)).toEqual(['cw-alice:to the group', 'cw-bob:group reply']);
      expect(alice.acks.map((a) => a.reasonCode)).toEqual([1, 1]);
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

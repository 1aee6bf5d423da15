/**
 * The WuKongIM gateway across two nodes of the built server (one PostgreSQL schema, Redis then NATS):
 * users of the unmodified wukongimjssdk 1.0.4 and of the JSON gateway, connected to different nodes,
 * reach each other 1:1 and in a group, because both gateways hand their sends to the same send path
 * and take their deliveries from the same router; an edit or revoke on one node reaches the SDKs
 * on both as a CMD.
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
    'SDK users on node 0 and node 1 and a JSON-gateway user on node 1 reach each other, 1:1 and in a group; edits and revokes reach the SDKs as CMDs',
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

      // bob, on node 1, edits and revokes his group reply: alice's SDK on node 0 gets both CMDs
      // through the bus, and syncs the extras from node 0.
      alice.wireDataSource(cluster.node(0).url, tokens.get('cw-alice') as string);
      const reply = String(alice.received().at(-1).messageID);
      await bob.request('message.edit', { messageId: reply, payload: { type: 1, content: 'group reply, edited' } });
      await waitFor(
        () => alice.cmds.length === 1 && carol.cmds.length === 1,
        () => `alice cmds: ${alice.cmds.length}, carol cmds: ${carol.cmds.length}`,
      );
      expect(alice.cmds[0].content).toMatchObject({ cmd: 'syncMessageExtra', param: { message_id: reply, channel_id: 'cw-g' } });
      const channel = new alice.sdk.Channel('cw-g', 2);
      const [edited] = await alice.shared.chatManager.syncMessageExtras(channel, 0);
      expect(edited.contentEdit.text).toBe('group reply, edited');
      await bob.request('message.revoke', { messageId: reply });
      await waitFor(
        () => alice.cmds.length === 2 && carol.cmds.length === 2,
        () => `alice cmds: ${alice.cmds.length}, carol cmds: ${carol.cmds.length}`,
      );
      expect(carol.cmds[1].content).toMatchObject({ cmd: 'messageRevoke', param: { message_id: reply } });
      expect(await alice.shared.chatManager.syncMessageExtras(channel, edited.extraVersion)).toMatchObject([
        { messageID: reply, revoke: true, revoker: 'cw-bob' },
      ]);
      // The CMDs are no chat messages: each SDK still has the two group messages and the 1:1 one it had.
      expect(texts(alice)).toEqual(['cw-bob:to alice', 'cw-bob:group reply']);
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

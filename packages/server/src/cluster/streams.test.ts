/**
 * Streamed messages across two nodes of the built server on one PostgreSQL schema, joined by Redis
 * and then by NATS: chunks sent through either node reach the members and the sender's other devices
 * on the other node, once each; any node may end the stream; the idle close runs on
 * every node and ends a stream once.
 */
import { EventName } from '@parley/protocol';
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';

await describeEachBroker('cluster: streamed messages on 2 nodes', (kind) => {
  let cluster: TestCluster;
  let tokens: Map<string, string>;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, 2, { PARLEY_STREAM_IDLE_MS: '2000' });
    tokens = await cluster.users(['cs-bot', 'cs-bob']);
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
  const post = async (node: number, path: string, body: unknown) => {
    const res = await cluster.node(node).http('POST', path, { token: tokens.get('cs-bot'), body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const open = async (node: number, clientMsgNo: string) =>
    (
      await post(node, '/v1/messages', {
        channelId: 'cs-bob',
        channelType: 1,
        clientMsgNo,
        payload: { type: 1, content: '' },
        stream: true,
      })
    ).messageId as string;
  const chunks = (client: TestClient, messageId: string) =>
    client
      .eventsOf(EventName.MessageStream)
      .filter((p) => p.messageId === messageId)
      .map((p) => `${p.chunkNo}:${p.delta}`);
  const ended = (messageId: string) => (m: { messageId: string; stream?: { streaming: boolean } }) =>
    m.messageId === messageId && m.stream?.streaming === false;

  it(
    'chunks through either node reach the other node’s devices once each, and either node ends it',
    async () => {
      const bob = await connect('cs-bob', 1, 'laptop');
      const botPhone = await connect('cs-bot', 1, 'phone');
      const messageId = await open(0, 'cs-1');
      await post(0, `/v1/messages/${messageId}/stream`, { chunkNo: 1, delta: 'one ' });
      // A repeat through the other node changes nothing.
      expect(await post(1, `/v1/messages/${messageId}/stream`, { chunkNo: 1, delta: 'one ' })).toMatchObject({ applied: false });
      await post(1, `/v1/messages/${messageId}/stream`, { chunkNo: 2, delta: 'two ' });
      await post(0, `/v1/messages/${messageId}/stream`, { chunkNo: 3, delta: 'three' });
      await post(1, `/v1/messages/${messageId}/stream/end`, {});
      for (const client of [bob, botPhone]) {
        const final = await client.waitForEvent(EventName.MessageUpdated, ended(messageId));
        expect(final.data).toMatchObject({ payload: { content: 'one two three' }, stream: { chunkNo: 3, status: 'done' } });
        // Pushes published by different nodes may overtake each other (the end, published by this
        // client's own node, may come before a chunk from the other): a client applies chunks by
        // chunkNo, and the SDK holds back one that comes early.
        await client.until(() => new Set(chunks(client, messageId)).size === 3);
        expect(chunks(client, messageId).sort()).toEqual(['1:one ', '2:two ', '3:three']);
      }
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'an idle stream is ended by the server, once, whichever node sweeps first',
    async () => {
      const bob = await connect('cs-bob', 0, 'phone');
      const messageId = await open(1, 'cs-2');
      await post(1, `/v1/messages/${messageId}/stream`, { chunkNo: 1, delta: 'half a thought' });
      const final = await bob.waitForEvent(EventName.MessageUpdated, ended(messageId));
      expect(final.data).toMatchObject({ payload: { content: 'half a thought' }, stream: { chunkNo: 1, status: 'timeout' } });
      const history = await bob.request('message.history', { conversationId: 'p2p|cs-bot' });
      expect(history.messages.at(-1)).toMatchObject({ messageId, stream: { streaming: false, status: 'timeout' } });
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually } from '@parley/test-kit/eventually';
import { httpCall } from '@parley/test-kit/http';
import { describePostgres, openTestPostgresNodes } from '@parley/test-kit/postgres';
import { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';
import { MemoryHub } from '../../adapters/bus/memory.js';
import { type ParleyServer, startServer } from '../../app.js';
import { loadConfig } from '../../config.js';
import { documentedVerify, WebhookReceiver } from '../../test-support/webhook-receiver.js';

/**
 * Two server nodes on one PostgreSQL database and one bus (in process), both delivering webhooks to
 * one receiver while messages are sent through both: every event arrives once, from whichever node
 * leased its lane; and a recipient connected to the other node is not offline.
 */
const SECRET = 'webhook-nodes-test-secret';
const users = ['n0', 'n1', 'n2', 'n3'];
const MESSAGES_PER_USER = 40;

/** Two nodes on one PostgreSQL database and one in-process bus, posting to one receiver; n0..n3 exist. */
async function startNodes(env: Record<string, string>) {
  const receiver = await WebhookReceiver.start(SECRET, await documentedVerify());
  const stores = await openTestPostgresNodes(2);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nodes-'));
  const nodes: ParleyServer[] = [];
  const hub = new MemoryHub();
  const stop = async () => {
    for (const node of nodes) await node.close();
    await Promise.all(stores.map((s) => s.close()));
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const [i, storage] of stores.entries()) {
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        PARLEY_DATA_DIR: dataDir,
        PARLEY_NODE_ID: String(i + 1),
        PARLEY_SEND_RATE_PER_SEC: '0',
        PARLEY_WEBHOOK_URL: receiver.url,
        PARLEY_WEBHOOK_SECRET: SECRET,
        PARLEY_WEBHOOK_BATCH_EVENTS: '5',
        ...env,
      });
      nodes.push(await startServer(config, { storage, bus: hub.bus() }));
    }
    const [first] = nodes as [ParleyServer];
    const secret = first.ctx.config.appSecret;
    for (const uid of users) await httpCall(first.url, 'POST', '/v1/admin/users', { token: secret, body: { uid } });
    const tokens: string[] = await Promise.all(
      users.map(async (uid) => (await httpCall(first.url, 'POST', `/v1/admin/users/${uid}/token`, { token: secret, body: {} })).body.token),
    );
    return { receiver, nodes, tokens, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

await describePostgres('webhooks on two PostgreSQL nodes', () => {
  it('delivers each event once, each channel in seq order, whichever node stored it', async () => {
    const { receiver, nodes, tokens, stop } = await startNodes({});
    const [first] = nodes as [ParleyServer];
    let connected: TestClient | undefined;
    try {
      // Each user writes to the next, through both nodes by turns.
      const acked: string[] = [];
      await Promise.all(
        users.map(async (uid, u) => {
          for (let i = 0; i < MESSAGES_PER_USER; i++) {
            const node = nodes[i % 2] as ParleyServer;
            const res = await httpCall(node.url, 'POST', '/v1/messages', {
              token: tokens[u],
              body: {
                channelId: users[(u + 1) % users.length],
                channelType: 1,
                clientMsgNo: `${uid}-${i}`,
                payload: { type: 1, content: `${i}` },
              },
            });
            expect(res.status).toBe(200);
            acked.push(res.body.messageId);
          }
        }),
      );
      await eventually(() => acked.every((id) => receiver.ofType('message.sent').some((e) => e.data.messageId === id)));
      // Every offline recipient's event too (nobody is connected), then nothing more to come.
      await eventually(() => receiver.ofType('message.offline').length >= acked.length);
      await eventually(async () => (await first.ctx.webhooks.status()).pending === 0);

      const ids = receiver.events.map((e) => e.id);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
      expect(receiver.ofType('message.sent')).toHaveLength(acked.length);
      for (const [u, uid] of users.entries()) {
        const seqs = receiver
          .ofType('message.sent')
          .filter((e) => e.data.fromUid === uid)
          .map((e) => e.data.messageSeq);
        expect(seqs, `${uid} -> ${users[(u + 1) % users.length]}`).toEqual(Array.from({ length: MESSAGES_PER_USER }, (_, i) => i + 1));
      }
      const deliveredByNode = () =>
        Promise.all(nodes.map(async (n) => (await n.ctx.metrics.webhookDelivered.get()).values.reduce((sum, v) => sum + v.value, 0)));
      // Each worker reports its deliveries to its node's metrics after the POST was answered: they may lag the receiver a moment.
      await eventually(async () => (await deliveredByNode()).reduce((a, b) => a + b) === receiver.events.length);
      const delivered = await deliveredByNode();
      expect(delivered.reduce((a, b) => a + b)).toBe(receiver.events.length);
      console.log(`webhooks on two nodes: ${receiver.events.length} events in ${receiver.posts} POSTs, by node: ${delivered.join(' / ')}`);

      // n1 connected to the second node only: a message stored by the first is no push for them.
      const second = nodes[1] as ParleyServer;
      connected = await TestClient.connect(`${second.url.replace('http', 'ws')}/v1/ws`, tokens[1], 'phone');
      await eventually(() => first.ctx.presence.directory.isOnline('n1'));
      const toOnline = await httpCall(first.url, 'POST', '/v1/messages', {
        token: tokens[0],
        body: { channelId: 'n1', channelType: 1, clientMsgNo: 'to-online', payload: { type: 1, content: 'there?' } },
      });
      const toOffline = await httpCall(first.url, 'POST', '/v1/messages', {
        token: tokens[0],
        body: { channelId: 'n2', channelType: 1, clientMsgNo: 'to-offline', payload: { type: 1, content: 'there?' } },
      });
      await eventually(() => receiver.ofType('message.offline').some((e) => e.data.messageId === toOffline.body.messageId));
      await eventually(() => receiver.ofType('message.sent').some((e) => e.data.messageId === toOnline.body.messageId));
      expect(receiver.ofType('message.offline').filter((e) => e.data.messageId === toOnline.body.messageId)).toEqual([]);
    } finally {
      await connected?.close();
      await stop();
    }
  }, 120_000);

  it('starts delivering on a node when another node sets the URL, and follows a change of it', async () => {
    const { receiver, nodes, tokens, stop } = await startNodes({ PARLEY_WEBHOOK_URL: '' });
    const [first, second] = nodes as [ParleyServer, ParleyServer];
    const other = await WebhookReceiver.start(SECRET, await documentedVerify());
    const secret = first.ctx.config.appSecret;
    const setUrl = async (url: string) => {
      const res = await httpCall(first.url, 'PUT', '/v1/admin/webhook', { token: secret, body: { url } });
      expect(res.status).toBe(200);
    };
    const sendVia = async (node: ParleyServer, clientMsgNo: string) => {
      const res = await httpCall(node.url, 'POST', '/v1/messages', {
        token: tokens[0],
        body: { channelId: 'n1', channelType: 1, clientMsgNo, payload: { type: 1, content: clientMsgNo } },
      });
      expect(res.status).toBe(200);
      return res.body.messageId as string;
    };
    const arrived = (r: WebhookReceiver, id: string) => r.ofType('message.sent').some((e) => e.data.messageId === id);
    try {
      expect(second.webhookDelivery()).toBe('worker');
      await setUrl(receiver.url);
      // The first node changes the URL, then leaves: only the second, told over the bus, can deliver.
      await setUrl(other.url);
      await first.close();
      const id = await sendVia(second, 'after-change');
      await eventually(() => arrived(other, id));
      expect(arrived(receiver, id)).toBe(false);
      expect(other.rejected).toBe(0);
    } finally {
      await other.close();
      await stop();
    }
  }, 60_000);

  it('reports a user online once and offline once for the cluster, after the grace period, also when their node stops', async () => {
    const { receiver, nodes, tokens, stop } = await startNodes({ PARLEY_PRESENCE_GRACE_SECONDS: '1' });
    const [first, second] = nodes as [ParleyServer, ParleyServer];
    const sockets: TestClient[] = [];
    const connect = async (node: ParleyServer, u: number, device: string) => {
      const socket = await TestClient.connect(`${node.url.replace('http', 'ws')}/v1/ws`, tokens[u], device);
      sockets.push(socket);
      return socket;
    };
    /** Each user.* event of `uid` once (a batch posted again repeats its ids). */
    const presenceOf = (uid: string) => [
      ...new Map(receiver.events.filter((e) => e.type.startsWith('user.') && e.data.uid === uid).map((e) => [e.id, e.type])).values(),
    ];
    try {
      // n0 on both nodes (the second device once both nodes know of the first), then gone from both.
      const a = await connect(first, 0, 'a');
      await eventually(() => second.ctx.presence.directory.isOnline('n0'));
      const b = await connect(second, 0, 'b');
      await eventually(() => first.ctx.presence.directory.devices('n0').length === 2);
      await b.close();
      await a.close();
      await eventually(() => presenceOf('n0').length === 2);

      // n3 on the second node only, which stops: the first reports them offline.
      await connect(second, 3, 'c');
      await eventually(() => presenceOf('n3').length === 1);
      await second.close();
      await eventually(() => presenceOf('n3').length === 2);
      await eventually(async () => (await first.ctx.webhooks.status()).pending === 0);

      expect(presenceOf('n0')).toEqual(['user.online', 'user.offline']);
      expect(presenceOf('n3')).toEqual(['user.online', 'user.offline']);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await stop();
    }
  }, 120_000);
});

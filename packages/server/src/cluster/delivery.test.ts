/**
 * Three nodes of the built server on one PostgreSQL schema, joined by Redis and then by NATS, with
 * the users' devices spread over the nodes: what one node does reaches the devices on the others.
 * Messages are checked at two levels: the pushes each device's socket received (the bus delivered
 * every message once, none had to be fetched) and what the SDK handed the app (every message once,
 * in seq order, though pushes from different nodes may overtake each other).
 */
import type { LocalMessage } from '@parley/client';
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keyOf, SdkDevice } from '../test-support/sdk-device.js';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';

const NODES = 3;
/** Messages each user sends to each of its channels, all at once. */
const PER_CHANNEL = 12;

type Address = { channelId: string; channelType: 1 | 2 | 3 };

await describeEachBroker('cluster: delivery between 3 nodes', (kind) => {
  let cluster: TestCluster;
  const devices: SdkDevice[] = [];
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, NODES);
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    for (const d of devices) d.close();
    await Promise.all(sockets.map((s) => s.close()));
    await cluster?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  /** Waits until `condition` holds for what `client` received; a failure lists the events it got. */
  const heard = (client: TestClient, condition: () => boolean) =>
    waitFor(condition, () => `the condition never held; the client got ${JSON.stringify(client.events.map((e) => e.event))}`);

  /** A raw WebSocket of `uid` on node `node`, for checks at the level of single events. */
  const socket = async (tokens: Map<string, string>, uid: string, node: number, deviceId: string) => {
    const client = await TestClient.connect(cluster.node(node).wsUrl, tokens.get(uid), deviceId);
    sockets.push(client);
    return client;
  };

  it(
    '1:1, group and super-group messages reach every device on every node exactly once, in seq order',
    async () => {
      const users = ['ann', 'ben', 'cat', 'dan'];
      const peer: Record<string, string> = { ann: 'ben', ben: 'ann', cat: 'dan', dan: 'cat' };
      const tokens = await cluster.users(users);
      await cluster.group('dg', 2, users, 1);
      await cluster.group('ds', 3, users, 2);
      const channelsOf = (uid: string): Address[] => [
        { channelId: peer[uid] as string, channelType: 1 },
        { channelId: 'dg', channelType: 2 },
        { channelId: 'ds', channelType: 3 },
      ];
      /** One name per channel, the same from both sides of a 1:1 chat. */
      const nameOf = (uid: string, c: Address) => (c.channelType === 1 ? `p2p:${[uid, c.channelId].sort().join('|')}` : keyOf(c));

      // Two devices per user, on two different nodes; every device shows every chat of its user.
      const byUser = new Map<string, SdkDevice[]>();
      for (const [j, uid] of users.entries()) {
        const pair: SdkDevice[] = [];
        for (const k of [0, 1]) {
          const device = await SdkDevice.open(cluster.urls((j + k) % NODES), tokens.get(uid) as string, `${uid}-${k}`);
          devices.push(device);
          await device.show(channelsOf(uid));
          pair.push(device);
        }
        byUser.set(uid, pair);
      }

      // Each user's first device sends to each of its chats at once: the nodes commit and publish concurrently.
      const sent: Array<{ by: SdkDevice; channel: string; message: LocalMessage }> = [];
      await Promise.all(
        users.flatMap((uid) => {
          const by = byUser.get(uid)?.[0] as SdkDevice;
          return channelsOf(uid).flatMap((c) =>
            Array.from({ length: PER_CHANNEL }, (_, i) =>
              by.client.messages.sendText(c, `${uid} ${i}`).then((message) => sent.push({ by, channel: nameOf(uid, c), message })),
            ),
          );
        }),
      );
      expect(sent.filter((s) => s.message.status !== 'success')).toEqual([]);
      for (const name of new Set(sent.map((s) => s.channel))) {
        const seqs = sent.filter((s) => s.channel === name).map((s) => s.message.messageSeq);
        expect(
          seqs.sort((a, b) => a - b),
          `${name}: acked seqs`,
        ).toEqual(seqs.map((_, i) => i + 1));
      }

      // What each device must get: every message of its chats but those it sent itself.
      const expectations = users.flatMap((uid) =>
        (byUser.get(uid) as SdkDevice[]).flatMap((device) =>
          channelsOf(uid).map((c) => {
            const mine = sent.filter((s) => s.channel === nameOf(uid, c) && s.by !== device).map((s) => s.message);
            return { device, c, want: mine.sort((a, b) => a.messageSeq - b.messageSeq) };
          }),
        ),
      );
      const short = () => expectations.filter(({ device, c, want }) => device.handedIn(c).length < want.length);
      await waitFor(
        () => short().length === 0,
        () =>
          short()
            .map(({ device, c, want }) => `${device.name} in ${keyOf(c)}: ${device.handedIn(c).length} of ${want.length}`)
            .join('; '),
      );
      for (const { device, c, want } of expectations) {
        const where = `${device.name} in ${keyOf(c)}`;
        const wantSeqs = want.map((m) => m.messageSeq);
        // The app: each once, in seq order, each the message that was sent.
        expect(
          device.handedIn(c).map((m) => [m.messageSeq, m.clientMsgNo]),
          where,
        ).toEqual(want.map((m) => [m.messageSeq, m.clientMsgNo]));
        // The bus: each pushed once, so nothing had to be fetched.
        expect(
          [...device.pushedSeqs(c)].sort((a, b) => a - b),
          `${where}: pushes`,
        ).toEqual(wantSeqs);
      }
      console.log(`cluster delivery [${kind}]: ${sent.length} messages, ${expectations.length} device chats checked`);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'mute, archive, labels and drafts follow the user across nodes; a send on another node clears the draft',
    async () => {
      const tokens = await cluster.users(['gus', 'hal']);
      const gusA = await socket(tokens, 'gus', 0, 'gus-a');
      const gusB = await socket(tokens, 'gus', 2, 'gus-b');
      const hal = await socket(tokens, 'hal', 1, 'hal');
      const conversationOf = (c: TestClient) => c.eventsOf('conversation.updated').at(-1)?.conversation;
      const send = (client: TestClient, to: string, n: number) =>
        client.request('message.send', {
          channelId: to,
          channelType: 1,
          clientMsgNo: `${to}-f-${n}`,
          payload: { type: 1, content: `m${n}` },
        });
      await send(hal, 'gus', 1);
      await heard(gusA, () => conversationOf(gusA)?.unreadCount === 1);

      await gusB.request('conversation.updateDraft', { conversationId: 'p2p|hal', text: 'typing on B' });
      await heard(gusA, () => conversationOf(gusA)?.draft?.text === 'typing on B');
      await gusA.request('conversation.updateLabels', { conversationId: 'p2p|hal', add: ['team'] });
      await gusA.request('conversation.archive', { conversationId: 'p2p|hal', archived: true });
      await heard(gusB, () => conversationOf(gusB)?.isArchived === true && conversationOf(gusB)?.labels.includes('team') === true);
      // hal's message on node 1 brings it back (not muted), on both of gus's nodes; the draft stays.
      await send(hal, 'gus', 2);
      await heard(gusB, () => conversationOf(gusB)?.isArchived === false && conversationOf(gusB)?.unreadCount === 2);
      expect(conversationOf(gusB)?.draft?.text).toBe('typing on B');
      await gusB.request('conversation.mute', { conversationId: 'p2p|hal', muted: true });
      await heard(gusA, () => conversationOf(gusA)?.isMuted === true);
      const onNode1 = await cluster.node(1).http('GET', '/v1/conversations/unread', { token: tokens.get('gus') });
      expect(onNode1.body).toEqual({ totalUnread: 2, unmutedUnread: 0 });
      const labels = await cluster.node(1).http('GET', '/v1/conversation-labels', { token: tokens.get('gus') });
      expect(labels.body).toEqual({ labels: [{ label: 'team', conversationCount: 1, unreadCount: 2, unmutedUnreadCount: 0 }] });
      // gus sends from node 0: node 2 hears the draft gone.
      await send(gusA, 'hal', 3);
      await heard(gusB, () => conversationOf(gusB)?.draft === null && conversationOf(gusB)?.lastMsgSeq === 3);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'conversation events and read state follow the user across nodes',
    async () => {
      const tokens = await cluster.users(['eve', 'fay']);
      const eveA = await socket(tokens, 'eve', 0, 'eve-a');
      const eveB = await socket(tokens, 'eve', 2, 'eve-b');
      const fay = await socket(tokens, 'fay', 1, 'fay');
      const versions = (c: TestClient) =>
        c.events.filter((e) => e.event === 'conversation.updated' || e.event === 'conversation.deleted').map((e) => e.data.version);
      const conversationOf = (c: TestClient) => c.eventsOf('conversation.updated').at(-1)?.conversation;

      // fay, on node 1, sends eve two messages asking for read receipts: both of eve's devices hear of them.
      const acks = [];
      for (const n of [1, 2]) {
        acks.push(
          await fay.request('message.send', {
            channelId: 'eve',
            channelType: 1,
            clientMsgNo: `fay-${n}`,
            payload: { type: 1, content: `to eve ${n}` },
            setting: { receipt: true },
          }),
        );
      }
      for (const eve of [eveA, eveB]) {
        await heard(eve, () => eve.eventsOf('message.new').length === 2 && conversationOf(eve)?.unreadCount === 2);
      }

      // eve reads on node 0: her device on node 2 sees the read position move, and any node serves it.
      await eveA.request('conversation.markRead', { conversationId: 'p2p|fay' });
      await heard(eveB, () => conversationOf(eveB)?.unreadCount === 0);
      expect(conversationOf(eveB)).toMatchObject({ readSeq: 2, lastMsgSeq: 2 });
      const onNode1 = await cluster.node(1).http('GET', '/v1/conversations/p2p%7Cfay', { token: tokens.get('eve') });
      expect(onNode1.body).toMatchObject({ readSeq: 2, unreadCount: 0 });

      // Read receipts from node 2 reach the sender on node 1.
      await eveB.request('message.readReceipt', { messageIds: acks.map((a) => a.messageId) });
      await heard(
        fay,
        () =>
          new Set(
            fay
              .eventsOf('message.updated')
              .filter((m) => m.extra.readCount === 1)
              .map((m) => m.messageId),
          ).size === 2,
      );

      // Pin on node 2, delete on node 0: the other device hears each, with Easemob's multi-device events.
      await eveB.request('conversation.pin', { conversationId: 'p2p|fay', isPinned: true });
      await heard(eveA, () => eveA.eventsOf('multiDevice.pinnedConversation').length === 1 && conversationOf(eveA)?.isPinned === true);
      await eveA.request('conversation.delete', { conversationIds: ['p2p|fay'] });
      await heard(
        eveB,
        () => eveB.eventsOf('conversation.deleted').length === 1 && eveB.eventsOf('multiDevice.deleteRoaming').length === 1,
      );
      expect(eveB.eventsOf('multiDevice.pinnedConversation')).toEqual([{ conversationId: 'p2p|fay' }]);
      expect(eveB.eventsOf('conversation.deleted')[0]).toMatchObject({ conversationId: 'p2p|fay' });

      // Every change of eve's, wherever it was made, reached both devices once each, in version order.
      await heard(eveA, () => versions(eveA).length === versions(eveB).length);
      expect(versions(eveA)).toEqual([1, 2, 3, 4, 5]);
      expect(versions(eveB)).toEqual([1, 2, 3, 4, 5]);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    'a super-group membership change through one node holds on the others at once',
    async () => {
      const tokens = await cluster.users(['gil', 'hal', 'ivy', 'jay']);
      await cluster.group('ms', 3, ['gil', 'hal', 'jay']);
      const gil = await socket(tokens, 'gil', 0, 'gil');
      const hal = await socket(tokens, 'hal', 1, 'hal');
      const jay = await socket(tokens, 'jay', 1, 'jay');
      // ivy is on node 2, where no member of the group is connected yet.
      const ivy = await socket(tokens, 'ivy', 2, 'ivy');
      const send = (n: number) =>
        gil.request('message.send', { channelId: 'ms', channelType: 3, clientMsgNo: `ms-${n}`, payload: { type: 1, content: `${n}` } });
      const got = (c: TestClient, seq: number) => c.eventsOf('message.new').some((m) => m.channelId === 'ms' && m.messageSeq === seq);

      // Added through node 1: the next message, sent through node 0, reaches ivy on node 2.
      await cluster.admin('/groups/ms/members', { uids: ['ivy'] }, 1);
      const first = await send(1);
      for (const c of [ivy, hal, jay]) await heard(c, () => got(c, first.messageSeq));

      // hal removed through node 2: the next message reaches jay, on hal's node, but not hal.
      await cluster.admin('/groups/ms/members/remove', { uids: ['hal'] }, 2);
      const second = await send(2);
      for (const c of [ivy, jay]) await heard(c, () => got(c, second.messageSeq));
      // Node 1 wrote jay's copy in the same turn as it would have written hal's: a request of hal's
      // made now is answered after any such push on hal's socket.
      await hal.request('conversation.totalUnread', {});
      expect(got(hal, second.messageSeq)).toBe(false);
      await heard(hal, () => hal.eventsOf('conversation.deleted').some((e) => e.conversationId === 'super_team|ms'));
      // ivy's node fetched what came before its subscription held, if anything did: still each message once.
      const atIvy = ivy.eventsOf('message.new').filter((m) => m.channelId === 'ms');
      expect(atIvy.map((m) => m.messageSeq)).toEqual([first.messageSeq, second.messageSeq]);
    },
    CLUSTER_TEST_TIMEOUT,
  );

  it(
    '/healthz and /metrics report the bus on every node',
    async () => {
      const tokens = await cluster.users(['kim', 'lou']);
      const lou = await socket(tokens, 'lou', 2, 'lou');
      const count = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
      const before = [await cluster.metrics(0), await cluster.metrics(2)];
      const res = await cluster.node(0).http('POST', '/v1/messages', {
        token: tokens.get('kim'),
        body: { channelId: 'lou', channelType: 1, clientMsgNo: 'kim-1', payload: { type: 1, content: 'hi' } },
      });
      expect(res.status).toBe(200);
      await heard(lou, () => lou.eventsOf('message.new').length === 1);
      const after = [await cluster.metrics(0), await cluster.metrics(2)];
      expect(count(after[0] as string, 'parley_bus_published_total')).toBeGreaterThan(
        count(before[0] as string, 'parley_bus_published_total'),
      );
      expect(count(after[1] as string, 'parley_bus_received_total')).toBeGreaterThan(
        count(before[1] as string, 'parley_bus_received_total'),
      );
      for (let i = 0; i < NODES; i++) {
        expect(await cluster.busHealth(i), `node ${i}`).toEqual({ kind, connected: true, reconnects: 0 });
        const text = await cluster.metrics(i);
        expect(count(text, 'parley_bus_connected'), `node ${i}`).toBe(1);
        expect(count(text, 'parley_bus_reconnects_total'), `node ${i}`).toBe(0);
      }
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

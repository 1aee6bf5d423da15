/**
 * A node SIGKILLed during a send burst, in a 3-node cluster (Redis, then NATS): no acked message is
 * lost, nothing is stored twice after the clients' resends, and the dead node's clients go on through
 * another node.
 *
 * Two kinds of clients: the crash test's raw senders (test-support/crash-load.ts, spread over the
 * nodes, each keeping a window of sends in flight; the dead node's senders reconnect to a live node
 * and resend what had no ack, with the same clientMsgNo), and SDK devices given every node's URL
 * that fail over by themselves: one sending, one watching the load's chats from the doomed node, one
 * watching from a node that lives.
 */
import type { LocalMessage } from '@parley/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClientSessions } from '../test-support/client-sessions.js';
import { auditConversations } from '../test-support/conversation-audit.js';
import { CrashLoad, type LoadPlan } from '../test-support/crash-load.js';
import { auditHistory, auditSenderOrder, readHistory } from '../test-support/history-audit.js';
import { addressesOf, firstOf, groupIdOf, ringLoad } from '../test-support/ring-load.js';
import { SdkDevice } from '../test-support/sdk-device.js';
import { p2pChannel, type Send, SendLedger } from '../test-support/send-ledger.js';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';
import { waitFor } from '../test-support/wait.js';

const NODES = 3;
/** The node that dies. */
const DOOMED = 0;
/** The kill comes after this many first acks of the raw load. */
const KILL_AFTER_ACKS = 120;
const ACKED_RESENDS = 20;

const wsUsers = Array.from({ length: 9 }, (_, i) => `u${i}`);
const restUser = 'r0';
/** Where a raw client connects: round the nodes (u0, u3, u6 and the REST sender on the doomed one); anyone else on node 1. */
const homeOf = (uid: string) => (uid === restUser ? DOOMED : wsUsers.includes(uid) ? wsUsers.indexOf(uid) % NODES : 1);
/** Where it connects again once the doomed node is dead. */
const survivorOf = (uid: string) => (homeOf(uid) === DOOMED ? (DOOMED + 1) % NODES : homeOf(uid));
const GROUP = 'group:death-g';
const SUPER = 'super:death-sg';
// The REST sender goes through the doomed node: requests cut off by the kill.
const { senders, channels, everyone } = ringLoad({ wsUsers, rest: [{ uid: restUser, peer: 'u1' }], group: GROUP, superGroup: SUPER });
const plan: LoadPlan = { senders, window: 4, duplicateEvery: 16, maxSendsPerSender: 40 };

await describeEachBroker('cluster: a node SIGKILLed during a send burst', (kind) => {
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

  it(
    'loses no acked message and stores none twice; its clients go on through the other nodes',
    async () => {
      const tokens = await cluster.users([...everyone, 'sx', 'sy']);
      await cluster.group(groupIdOf(GROUP), 2, everyone, 1);
      await cluster.group(groupIdOf(SUPER), 3, everyone, 2);
      const device = async (uid: string, first: number) => {
        const d = await SdkDevice.open(cluster.urls(first), tokens.get(uid) as string, `${uid}-sdk-${first}`);
        devices.push(d);
        return d;
      };
      // Watchers: u1's second device, on the doomed node, and u5's, on a node that lives, show u1's / u5's chats.
      const watchers = [
        { uid: 'u1', device: await device('u1', DOOMED) },
        { uid: 'u5', device: await device('u5', 2) },
      ];
      for (const w of watchers) await w.device.show(addressesOf(channels, w.uid).map((c) => c.address));
      // sx sends to sy from the doomed node, through the SDK; sy reads on node 1.
      const sx = await device('sx', DOOMED);
      const sy = await device('sy', 1);
      await sy.show([{ channelId: 'sx', channelType: 1 }]);

      sessions = await ClientSessions.open((uid) => cluster.node(homeOf(uid)), tokens, wsUsers);
      const ledger = new SendLedger();
      const load = new CrashLoad(sessions, ledger, plan, 1);
      const sdkSends: Array<Promise<LocalMessage>> = [];
      let sdkSending = true;
      const sdkBurst = (async () => {
        const inFlight = new Set<Promise<LocalMessage>>();
        for (let i = 0; sdkSending && i < 500; i++) {
          const sent: Promise<LocalMessage> = sx.client.messages.sendText({ channelId: 'sy', channelType: 1 }, `sx ${i}`);
          sdkSends.push(sent);
          inFlight.add(sent);
          void sent.then(() => inFlight.delete(sent));
          if (inFlight.size >= 4) await Promise.race(inFlight);
        }
      })();

      await load.acked(KILL_AFTER_ACKS);
      const sdkPendingAtKill = sx.client.messages.pendingSends().length;
      await cluster.kill(DOOMED);
      sdkSending = false;
      await load.done;
      await sdkBurst;
      const sdkResults = await Promise.all(sdkSends);
      await sessions.close();

      // The kill came mid-burst: sends were in flight, raw and through the SDK.
      const unacked = ledger.unacked();
      expect(unacked.length).toBeGreaterThan(0);
      expect(sdkPendingAtKill).toBeGreaterThan(0);

      // The raw clients of the dead node reconnect to the next node and resend, as sent; some acked sends too.
      sessions = await ClientSessions.open((uid) => cluster.node(survivorOf(uid)), tokens, wsUsers);
      for (const batch of [unacked, ledger.ackedSample(ACKED_RESENDS)]) {
        const results = await Promise.all(batch.map((send) => (sessions as ClientSessions).send(send)));
        results.forEach((result, i) => {
          const send = batch[i] as Send;
          if ('ack' in result) ledger.ack(send, result.ack);
          else ledger.problems.push(`resend of ${send.clientMsgNo} after the kill: ${JSON.stringify(result)}`);
        });
      }

      // Stored: every acked message once, where its ack said; every chat's seqs without gap or repeat; lists agree.
      const { problems, histories } = await auditHistory(sessions, ledger, channels);
      problems.push(...auditSenderOrder(ledger, 1), ...ledger.problems.splice(0));
      problems.push(...(await auditConversations(sessions, everyone, channels, histories)));
      expect(firstOf(problems)).toEqual([]);

      // The SDK sender moved to the next node by itself: every send answered success, and stored once,
      // in the order made, as its ack said.
      expect(sx.dialled.slice(0, 2)).toEqual([cluster.node(DOOMED).wsUrl, cluster.node(1).wsUrl]);
      expect(sdkResults.filter((m) => m.status !== 'success')).toEqual([]);
      const sdkHistory = await readHistory(sessions, { name: p2pChannel('sx', 'sy'), members: ['sy', 'sx'] });
      const stored = sdkHistory.map((m) => [m.messageSeq, m.clientMsgNo, m.messageId]);
      expect(stored).toEqual(sdkResults.map((m, i) => [i + 1, m.clientMsgNo, m.messageId]));

      // Every device, the ones that failed over included, was handed every message of its chats once, in seq order.
      const wanted = [
        ...watchers.flatMap(({ uid, device: d }) =>
          addressesOf(channels, uid).map(({ name, address }) => ({
            d,
            address,
            seqs: (histories.get(name) ?? []).map((m) => m.messageSeq),
          })),
        ),
        { d: sy, address: { channelId: 'sx', channelType: 1 as const }, seqs: sdkResults.map((m) => m.messageSeq).sort((a, b) => a - b) },
      ];
      const short = () => wanted.filter(({ d, address, seqs }) => d.handedIn(address).length < seqs.length);
      await waitFor(
        () => short().length === 0,
        () =>
          short()
            .map(({ d, address, seqs }) => `${d.name} in ${address.channelId}: ${d.handedIn(address).length} of ${seqs.length}`)
            .join('; '),
      );
      for (const { d, address, seqs } of wanted) {
        expect(
          d.handedIn(address).map((m) => m.messageSeq),
          `${d.name} in ${address.channelId}`,
        ).toEqual(seqs);
      }
      const failedOver = watchers[0]?.device as SdkDevice;
      expect(failedOver.dialled.slice(0, 2)).toEqual([cluster.node(DOOMED).wsUrl, cluster.node(1).wsUrl]);

      console.log(
        `cluster node death [${kind}]: ${load.acks} raw sends acked during the load, ${unacked.length} in flight at the kill and resent; ` +
          `${sdkResults.length} SDK sends (${sdkPendingAtKill} pending at the kill); ${ledger.all().length} messages audited`,
      );
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

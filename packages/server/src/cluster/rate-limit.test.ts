/**
 * The per-user send rate holds for the whole cluster: a user with a device on each of three nodes,
 * all sending as fast as they can for a few seconds, gets through no more than one user's rate
 * (plus, at most, one burst per extra node: the nodes tell each other what each user spent every
 * 100 ms, see domain/messages/shared-rate-limit.ts). A limit kept per node would let three times as
 * much through. The bound is counted over the measured sending window; nothing is timed.
 */
import { TestClient } from '@parley/test-kit/ws-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLUSTER_HOOK_TIMEOUT, CLUSTER_TEST_TIMEOUT, describeEachBroker, TestCluster } from '../test-support/test-cluster.js';

const NODES = 3;
const RATE = 5;
const BURST = 5;
/** How long the devices keep sending. */
const SENDING_MS = 3000;
/** A pause between one device's sends, so that three devices do not take the machine's cores. */
const PAUSE_MS = 20;

await describeEachBroker('cluster: the send rate limit', (kind) => {
  let cluster: TestCluster;
  const sockets: TestClient[] = [];

  beforeAll(async () => {
    cluster = await TestCluster.start(kind, NODES, { PARLEY_SEND_RATE_PER_SEC: String(RATE), PARLEY_SEND_BURST: String(BURST) });
  }, CLUSTER_HOOK_TIMEOUT);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await cluster?.stop();
  }, CLUSTER_HOOK_TIMEOUT);

  it(
    `holds for a user sending from ${NODES} nodes at once (rate ${RATE}/s, burst ${BURST})`,
    async () => {
      const tokens = await cluster.users(['max', 'nia']);
      for (let i = 0; i < NODES; i++) sockets.push(await TestClient.connect(cluster.node(i).wsUrl, tokens.get('max'), `max-${i}`));

      const reasons = new Map<number, number>();
      let n = 0;
      const started = Date.now();
      await Promise.all(
        sockets.map(async (device) => {
          while (Date.now() - started < SENDING_MS) {
            const ack = await device.request('message.send', {
              channelId: 'nia',
              channelType: 1,
              clientMsgNo: `max-${n++}`,
              payload: { type: 1, content: 'as fast as I can' },
            });
            reasons.set(ack.reasonCode, (reasons.get(ack.reasonCode) ?? 0) + 1);
            await new Promise((r) => setTimeout(r, PAUSE_MS));
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;

      const accepted = reasons.get(1) ?? 0;
      const refused = reasons.get(22) ?? 0;
      const bound = BURST + RATE * seconds + (NODES - 1) * BURST;
      console.log(
        `cluster rate limit [${kind}]: ${n} sends in ${seconds.toFixed(1)} s from ${NODES} nodes: ${accepted} accepted (cluster bound ${bound.toFixed(1)}, ` +
          `a per-node limit would allow ${(NODES * (BURST + RATE * seconds)).toFixed(1)}), ${refused} refused with 22`,
      );
      expect([...reasons.keys()].sort()).toEqual([1, 22]);
      expect(accepted).toBeGreaterThanOrEqual(BURST);
      expect(accepted).toBeLessThanOrEqual(bound);
      // What was refused was not stored: the chat holds exactly the accepted sends.
      const list = await cluster.node(1).http('GET', '/v1/conversations/p2p%7Cmax', { token: tokens.get('nia') });
      expect(list.body.lastMsgSeq).toBe(accepted);
    },
    CLUSTER_TEST_TIMEOUT,
  );
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { expect, it, vi } from 'vitest';
import { WkUser } from '../../test-support/wukongim-sdk.js';

// The SDK logs every packet; the test output keeps only the failures.
vi.spyOn(console, 'log').mockImplementation(() => {});

await describeEachBackend('WuKongIM gateway across a server restart, with the unmodified wukongimjssdk 1.0.4', (backend) => {
  it('the SDK reconnects by itself and what it had not seen acknowledged is stored once', async () => {
    // A known port: the SDK reconnects to the address it was given.
    const t = await TestServer.start(backend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    const alice = await WkUser.load('rs-alice');
    try {
      await t.createUsers('rs-alice', 'rs-bob');
      alice.connect(t.url, await t.token('rs-alice'));
      await eventually(() => alice.connected);
      const queue: Map<number, unknown> = alice.shared.chatManager.sendingQueues;

      // Stored, but its ack never reaches the app (as when the connection drops right after the commit):
      // the SDK keeps it in its queue and sends it again once reconnected.
      const forget = queue.delete.bind(queue);
      queue.delete = () => false;
      const lostAck = await alice.sendText('stored before the restart', 'rs-bob', 1);
      await eventually(() => alice.acks.length === 1);
      queue.delete = forget;
      expect(queue.has(lostAck.clientSeq)).toBe(true);

      await t.server.close();
      await eventually(() => !alice.connected);
      // Sent while the server is down: it waits in the SDK's queue.
      const whileDown = await alice.sendText('sent while the server was down', 'rs-bob', 1);

      await t.restart();
      await eventually(() => alice.connected && queue.size === 0);
      const acks = alice.acks.filter((a) => a.clientSeq === lostAck.clientSeq);
      // The resend is answered with the first send's ack.
      expect(acks.map((a) => [a.messageID, a.messageSeq, a.reasonCode])).toEqual([
        [acks[0]?.messageID, 1, 1],
        [acks[0]?.messageID, 1, 1],
      ]);
      expect(alice.acks.find((a) => a.clientSeq === whileDown.clientSeq)).toMatchObject({ messageSeq: 2, reasonCode: 1 });

      const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|rs-alice')}/messages`, {
        token: await t.token('rs-bob'),
      });
      expect(
        history.body.messages.map((m: { messageSeq: number; payload: { content: string } }) => [m.messageSeq, m.payload.content]),
      ).toEqual([
        [1, 'stored before the restart'],
        [2, 'sent while the server was down'],
      ]);
    } finally {
      alice.close();
      await t.close();
    }
  });
});

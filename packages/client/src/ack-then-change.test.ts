import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { useServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type DeletedMessage, type LocalMessage, MemoryStore, type ParleyClient } from './index.js';
import { channelKey } from './store.js';

/**
 * A store that can keep one write waiting (a browser's IndexedDB under load is slow): `hold(what)`
 * makes the next call of that kind wait until `release()`.
 */
class SlowStore extends MemoryStore {
  private held: { what: 'removeOutbox' | 'putMessages'; gate: Promise<void> } | undefined;
  release: () => void = () => {};

  hold(what: 'removeOutbox' | 'putMessages'): void {
    this.held = { what, gate: new Promise((open) => (this.release = open)) };
  }

  private async wait(what: 'removeOutbox' | 'putMessages'): Promise<void> {
    if (this.held?.what !== what) return;
    const { gate } = this.held;
    this.held = undefined;
    await gate;
  }

  override async removeOutbox(clientMsgNo: string): Promise<void> {
    await this.wait('removeOutbox');
    return super.removeOutbox(clientMsgNo);
  }

  override async putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void> {
    await this.wait('putMessages');
    return super.putMessages(channel, messages);
  }
}

describe('@parley/client: a read receipt that comes while the ack is still being handled', () => {
  const server = useServer(sqliteBackend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  const clients: ParleyClient[] = [];
  beforeAll(() => server().createUsers('ann', 'ben'));
  afterAll(() => {
    for (const c of clients) c.close();
  });

  // Both kinds of slow write: the outbox's bookkeeping after the ack, and the cache write of the acked message.
  it.each(['removeOutbox', 'putMessages'] as const)(
    'with %s slow, the sender ends with the message read (the ack never writes its older state over the receipt)',
    async (slow) => {
      const store = new SlowStore();
      const ann = await connect({ url: server().url, token: await server().token('ann'), deviceId: `slow-${slow}`, store });
      const ben = await connect({ url: server().url, token: await server().token('ben'), deviceId: `slow-${slow}` });
      clients.push(ann, ben);
      const arrived = new Promise<LocalMessage>((resolve) => ben.messages.onNewMessage.add('t', resolve));
      let clientMsgNo = '';
      ann.messages.onInserted.add('t', (m) => (clientMsgNo = m.clientMsgNo));
      const states: string[] = [];
      ann.messages.onRefreshMessage.add('t', (m) => m.clientMsgNo === clientMsgNo && states.push(`${m.status}:${m.extra.readCount}`));
      const receipts: number[] = [];
      ann.messages.onReceipt.add('t', (m) => receipts.push(m.extra.readCount));

      store.hold(slow);
      const sent = ann.messages.sendText({ channelId: 'ben', channelType: 1 }, `read me (${slow})`, { setting: { receipt: true } });
      const atBen = await arrived;
      expect(await ben.messages.readReceipt([atBen.messageId])).toEqual({ read: [atBen.messageId] });
      // One round trip of Ann's after Ben's receipt: the receipt's push reached Ann before its answer.
      await ann.request('message.history', { conversationId: 'p2p|ben', limit: 1 });
      store.release();
      const acked = await sent;

      expect(acked.status).toBe('success');
      await eventually(() => states.length >= 2);
      expect(states).toEqual(['success:0', 'success:1']);
      expect(receipts).toEqual([1]);
      const [cached] = await store.messages(channelKey(1, 'ben'), acked.messageSeq, acked.messageSeq);
      expect((cached as LocalMessage).extra.readCount).toBe(1);
    },
  );
});

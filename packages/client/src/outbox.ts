import type { SendAck } from '@parley/protocol';
import type { Connection } from './connection.js';
import { ParleyClientError } from './errors.js';
import type { ClientStore, LocalMessage } from './store.js';

interface Entry {
  message: LocalMessage;
  /** Sent on the current connection and not answered yet. */
  inFlight: boolean;
  settle: (result: LocalMessage) => void;
}

/**
 * Sends in the order they were made, whether the connection is up or not.
 *
 * A send made while offline, or cut off before its ack, stays in the outbox (and in the store, so
 * it survives a reload where the store is persistent) and goes out again on the next connection,
 * in order, with the same clientMsgNo: the server stores it once whatever happened to the first
 * try. While connected, sends are pipelined (the server keeps one sender's order), so the outbox
 * costs nothing when nothing goes wrong. Only an answer ends a send: an ack (success or a refusal
 * with its reason code) or a request that timed out (`fail`, reason 0, for the app to resend).
 */
export class Outbox {
  private readonly entries: Entry[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    /** Answers the message in its state now (a change that came before the answer was handled included). */
    private readonly onAnswer: (result: LocalMessage) => Promise<LocalMessage>,
  ) {}

  /** Queues a send; resolves with its outcome once the server answered. */
  add(message: LocalMessage): Promise<LocalMessage> {
    return new Promise((settle) => {
      this.entries.push({ message, inFlight: false, settle });
      void this.store.putOutbox(message).then(() => this.flush());
    });
  }

  /** Sends still waiting for an answer, oldest first (after a reload, the ones left from before). */
  pending(): LocalMessage[] {
    return this.entries.map((e) => e.message);
  }

  /** Takes over what a previous session left in the store; sent with the next flush. */
  async restore(): Promise<LocalMessage[]> {
    const left = await this.store.outbox();
    for (const message of left) {
      if (this.entries.some((e) => e.message.clientMsgNo === message.clientMsgNo)) continue;
      this.entries.push({ message, inFlight: false, settle: () => {} });
    }
    return left;
  }

  /**
   * The client is closing: every send still waiting settles as it stands (`sending`); the store
   * keeps them for the next session's `restore`.
   */
  close(): void {
    for (const entry of this.entries.splice(0)) entry.settle(entry.message);
  }

  /** Sends everything not yet on the wire, in order; called on every send and every (re)connect. */
  flush(): void {
    if (this.connection.status !== 'connected') return;
    for (const entry of this.entries) {
      if (entry.inFlight) continue;
      entry.inFlight = true;
      void this.send(entry);
    }
  }

  private async send(entry: Entry): Promise<void> {
    const m = entry.message;
    let result: LocalMessage;
    try {
      const ack = await this.connection.request<SendAck>('message.send', {
        channelId: m.channelId,
        channelType: m.channelType,
        clientMsgNo: m.clientMsgNo,
        payload: m.payload,
        header: m.header,
        setting: m.setting,
        ...(m.reply && { reply: m.reply }),
        ...(m.mentions && { mentions: m.mentions }),
        ...(m.entities && { entities: m.entities }),
      });
      const ok = ack.reasonCode === 1;
      result = {
        ...m,
        messageId: ack.messageId,
        messageSeq: ack.messageSeq,
        timestamp: ack.timestamp,
        status: ok ? 'success' : 'fail',
        reasonCode: ack.reasonCode,
      };
    } catch (err) {
      if (err instanceof ParleyClientError && (err.code === 'client.disconnected' || err.code === 'client.closed')) {
        // Cut off: it goes again, in its place, on the next connection (or the next session's).
        entry.inFlight = false;
        return;
      }
      result = { ...m, status: 'fail', reasonCode: 0 };
    }
    this.entries.splice(this.entries.indexOf(entry), 1);
    // Handed over at once, before any await: the pushes that follow the ack on the wire follow it here too.
    const answered = this.onAnswer(result);
    await this.store.removeOutbox(m.clientMsgNo);
    entry.settle(await answered);
  }
}

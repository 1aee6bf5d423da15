import type { AckOnceResult, Message, SyncOnceResult } from '@parley/protocol';
import type { Connection } from './connection.js';
import type { LocalMessage } from './store.js';

/** How many handed-over ids are remembered, so that one arriving both live and in a sync reaches the app once. */
const REMEMBERED = 1000;

/**
 * Messages sent with `header.syncOnce`: the server keeps them for this user until a device of theirs
 * acknowledges them (once per user, not per device). After every (re)connect the waiting ones are
 * read page by page, handed over and acknowledged; live ones are acknowledged as they come.
 */
export class OnceInbox {
  private readonly seen = new Set<string>();

  constructor(
    private readonly connection: Connection,
    /** Hands the message to the app; false when nobody listens (then it stays on the server). */
    private readonly deliver: (message: LocalMessage) => boolean,
  ) {}

  /** A sync-once message this device sent: already shown here, so not handed back by a later sync. */
  sent(messageId: string): void {
    this.remember(messageId);
  }

  /** A live `message.new` with `header.syncOnce`. */
  arrive(message: Message): void {
    // Unacknowledged (nobody listened, or the ack was lost), it comes again on the next connect.
    if (this.handOver(message)) void this.ack([message.messageId]).catch(() => {});
  }

  /**
   * What waited while this device was away, oldest first. Each page is acknowledged before the next
   * is read (a page is the oldest that still wait): a connection lost in between leaves the rest, and
   * at worst that page, for the next connect.
   */
  async sync(): Promise<void> {
    for (;;) {
      const page = await this.connection.request<SyncOnceResult>('message.syncOnce', { limit: 100 });
      // Only what reached a listener is acknowledged; the rest waits for the next connect, in order.
      const handed: string[] = [];
      for (const m of page.messages) {
        if (!this.handOver(m)) break;
        handed.push(m.messageId);
      }
      if (handed.length) await this.ack(handed);
      if (!page.hasMore || handed.length < page.messages.length || !handed.length) return;
    }
  }

  /** True when the app has it: handed over now, or before (live, or sent from here). */
  private handOver(message: Message): boolean {
    if (this.seen.has(message.messageId)) return true;
    if (!this.deliver({ ...message, status: 'success', reasonCode: 1 })) return false;
    this.remember(message.messageId);
    return true;
  }

  private ack(messageIds: string[]): Promise<AckOnceResult> {
    return this.connection.request<AckOnceResult>('message.ackOnce', { messageIds });
  }

  private remember(messageId: string): void {
    this.seen.add(messageId);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.values().next().value as string);
  }
}

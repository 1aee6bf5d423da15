import type { DeletedMessage, LocalMessage } from './store.js';

/** Every message of a channel after `afterSeq`, ascending, as the server has them now. */
export type FetchAfter = (channel: string, afterSeq: number) => Promise<Array<LocalMessage | DeletedMessage>>;

interface Seen {
  /** Every seq up to here reached the app (or was shown to it as history). */
  upTo: number;
  /** Seqs above `upTo` that reached it already (own sends, messages that overtook a gap). */
  above: Set<number>;
  /** The channel's deliveries, one after another, so a fetch never lets a later message overtake. */
  chain: Promise<void>;
}

/**
 * Hands each message of a channel the app shows to `onNewMessage` exactly once, in seq order.
 *
 * The server pushes new messages at most once: a device that was disconnected, or whose push was
 * lost, would miss some. So for every channel the app shows (its newest history page was read, or
 * a message was sent here) the inbox knows up to which seq the app has everything; a message
 * that arrives after a gap waits while the gap is fetched, and after a reconnect every such
 * channel is caught up before anything newer is handed over.
 */
export class Inbox {
  private readonly channels = new Map<string, Seen>();

  constructor(
    private readonly fetchAfter: FetchAfter,
    private readonly deliver: (message: LocalMessage) => void,
  ) {}

  /** The app was given the channel's messages up to `seq` by other means (history, its own send). */
  shown(channel: string, seq: number, contiguous = true): void {
    const seen = this.channels.get(channel);
    if (!seen) {
      this.channels.set(channel, {
        upTo: contiguous ? seq : seq - 1,
        above: contiguous ? new Set() : new Set([seq]),
        chain: Promise.resolve(),
      });
      return;
    }
    // Most recently shown last (see shownUpTo).
    this.channels.delete(channel);
    this.channels.set(channel, seen);
    if (contiguous && seq > seen.upTo) seen.upTo = seq;
    else if (seq > seen.upTo) seen.above.add(seq);
    absorb(seen);
  }

  /** The channels shown, the most recently shown last, each with the seq up to which the app has everything. */
  shownUpTo(): Array<[channel: string, upTo: number]> {
    return [...this.channels].map(([channel, seen]) => [channel, seen.upTo]);
  }

  /** A live message: handed over now, or once the messages before it have been fetched and handed over. */
  arrive(channel: string, message: LocalMessage): Promise<void> {
    const seen = this.channels.get(channel);
    if (!seen) {
      // A channel the app does not show: nothing before it is owed, and nothing is kept for it
      // (its conversation in the list is kept exact by conversation sync).
      this.deliver(message);
      return Promise.resolve();
    }
    return this.enqueue(seen, async () => {
      if (message.messageSeq > seen.upTo + 1) await this.fill(channel, seen, message.messageSeq - 1);
      this.handOver(seen, message);
    });
  }

  /** True when the channel is shown: everything after what the app has reaches it. */
  follows(channel: string): boolean {
    return this.channels.has(channel);
  }

  /**
   * After a reconnect: every channel shown so far (or only `channel`) is brought up to the server's
   * newest message.
   */
  async catchUp(channel?: string): Promise<void> {
    const which = channel === undefined ? [...this.channels] : [...this.channels].filter(([c]) => c === channel);
    await Promise.all(which.map(([c, seen]) => this.enqueue(seen, () => this.fill(c, seen, Number.MAX_SAFE_INTEGER))));
  }

  private async fill(channel: string, seen: Seen, toSeq: number): Promise<void> {
    const missed = await this.fetchAfter(channel, seen.upTo);
    for (const m of missed) {
      if (m.messageSeq > toSeq) break;
      if ('deleted' in m) this.skip(seen, m.messageSeq);
      else this.handOver(seen, m);
    }
  }

  private handOver(seen: Seen, message: LocalMessage): void {
    const seq = message.messageSeq;
    if (seq <= seen.upTo || seen.above.has(seq)) return;
    this.skip(seen, seq);
    this.deliver(message);
  }

  private skip(seen: Seen, seq: number): void {
    if (seq === seen.upTo + 1) seen.upTo = seq;
    else if (seq > seen.upTo) seen.above.add(seq);
    absorb(seen);
  }

  private enqueue(seen: Seen, task: () => Promise<void>): Promise<void> {
    // A failed fetch (the connection dropped) leaves the gap for the next catch-up.
    const next = seen.chain.then(task).catch(() => {});
    seen.chain = next;
    return next;
  }
}

function absorb(seen: Seen): void {
  while (seen.above.delete(seen.upTo + 1)) seen.upTo++;
}

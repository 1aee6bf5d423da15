/**
 * The seqs of one conversation a client has seen (its own acks, pushes, history), whatever order
 * they come in: everything up to `upTo`, plus the few seen beyond a gap. A gap that stays open is a
 * message this member never got, live or by catching up.
 */
export class SeqCoverage {
  upTo = 0;
  private readonly ahead = new Set<number>();

  /** Records a seq; true when it was new to this client. */
  see(seq: number): boolean {
    if (seq <= this.upTo || this.ahead.has(seq)) return false;
    if (seq !== this.upTo + 1) {
      this.ahead.add(seq);
      return true;
    }
    this.upTo = seq;
    while (this.ahead.delete(this.upTo + 1)) this.upTo++;
    return true;
  }

  /** Seqs from 1 to `last` this client never saw. */
  missing(last: number): number {
    let seen = Math.min(this.upTo, last);
    for (const seq of this.ahead) if (seq <= last) seen++;
    return Math.max(0, last - seen);
  }
}

/** One of a soak user's conversations: a 1:1 chat with a ring neighbour, or a small group. */
export interface SoakConversation {
  /** Index into the run's channel list (the ledger's channel number). */
  channel: number;
  /** As this user names it: `p2p|<peer>` or `team|<groupId>`. */
  conversationId: string;
  /** What a send addresses: the peer's uid or the group id. */
  to: string;
  channelType: 1 | 2;
  coverage: SeqCoverage;
}

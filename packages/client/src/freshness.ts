/**
 * Which cached seqs this device read from the server (or got pushed) on the current connection.
 * A cached message from before it may be stale: edited, revoked or reacted to while the device was
 * away, since the server pushes those changes only to devices online. So after every (re)connect
 * everything is stale again until read again.
 */
export class Freshness {
  private readonly byChannel = new Map<string, Set<number>>();

  mark(channel: string, seqs: Iterable<number>): void {
    const known = this.byChannel.get(channel) ?? new Set<number>();
    this.byChannel.set(channel, known);
    for (const seq of seqs) if (seq > 0) known.add(seq);
  }

  /** True when every seq in [from, to] was read on this connection. */
  covers(channel: string, from: number, to: number): boolean {
    const known = this.byChannel.get(channel);
    if (!known) return false;
    for (let seq = from; seq <= to; seq++) if (!known.has(seq)) return false;
    return true;
  }

  forget(channel: string): void {
    this.byChannel.delete(channel);
  }

  /** A new connection: what was read on the old one may have changed since. */
  reset(): void {
    this.byChannel.clear();
  }
}

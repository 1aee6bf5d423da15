/** A connection with frames waiting for the end of the event loop's turn. */
export interface PendingWrites {
  flush(): void;
}

/**
 * Frames queued for a socket during one turn of the event loop (the acks and deliveries of one commit
 * batch, the pushes of several sends) leave in one write at the turn's end: one syscall per socket
 * per turn instead of one per frame. One timer serves every connection of the gateway.
 *
 * With a delay, frames wait that long instead: on this machine a small write to a socket costs a few
 * µs whatever its size, so sockets that receive many frames a second (a busy super group) cost a
 * fraction of that per frame, at the price of the delay added to each frame's latency.
 */
export class WriteBatches {
  private waiting: PendingWrites[] = [];
  private spare: PendingWrites[] = [];
  private scheduled = false;

  constructor(private readonly delayMs = 0) {}

  /** Flushes `c` once at the end of this turn; call it once per turn per connection. */
  add(c: PendingWrites): void {
    this.waiting.push(c);
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.delayMs > 0) setTimeout(this.flushAll, this.delayMs);
    else setImmediate(this.flushAll);
  }

  private readonly flushAll = (): void => {
    this.scheduled = false;
    const list = this.waiting;
    this.waiting = this.spare;
    for (const c of list) c.flush();
    list.length = 0;
    this.spare = list;
  };
}

/** A connection with frames waiting for the end of the event loop's turn, or for the delay. */
export interface PendingWrites {
  /** `delayed`: called by the list of `add`, which the connection is then no longer in. */
  flush(delayed: boolean): void;
}

/**
 * Frames queued for a socket during one turn of the event loop (the acks and deliveries of one commit
 * batch, the pushes of several sends) leave in one write at the turn's end: one syscall per socket
 * per turn instead of one per frame. One timer serves every connection of the gateway.
 *
 * With a delay, pushes wait that long instead: on this machine a small write to a socket costs a few
 * µs whatever its size, so sockets that receive many frames a second (a busy super group) cost a
 * fraction of that per frame, at the price of the delay added to each push's latency. A reply to the
 * client's own request (`addNow`) still leaves at the turn's end, with whatever waits before it: a
 * sender's ack is not held back by the pushes' delay, nor is the next send a client waits on it for.
 */
export class WriteBatches {
  private readonly later: FlushList;
  private readonly now: FlushList;
  /** Whether pushes wait longer than replies; without a delay everything is flushed `addNow`. */
  readonly delays: boolean;
  /**
   * Socket writes so far and the frames they carried (`join` is called once per write): frames per
   * write is what decides a delivery's socket cost (docs/operations.md, "Tuning outgoing writes").
   */
  readonly written = { writes: 0, frames: 0 };

  /** The last join (`join`), kept for the rest of the flush. */
  private lastFrames: readonly Buffer[] | undefined;
  private lastJoined: Buffer | undefined;

  constructor(delayMs = 0) {
    this.now = new FlushList(0, false, this.forgetJoin);
    this.delays = delayMs > 0;
    this.later = this.delays ? new FlushList(delayMs, true, this.forgetJoin) : this.now;
  }

  /**
   * The bytes of one socket's frames, for its one write. The members of a super group get the same
   * frames in a turn (each text framed once, TextFrames), one socket after another, so the join made
   * for one socket is given again to the next whose frames are the same buffers in the same order: a
   * flush copies a push's bytes once, not once a socket. A frame is never written to after it is made,
   * so the same buffers are the same bytes.
   */
  join(frames: readonly Buffer[], bytes: number): Buffer {
    this.written.writes++;
    this.written.frames += frames.length;
    if (frames.length === 1) return frames[0] as Buffer;
    if (!this.sameAsLast(frames)) {
      this.lastJoined = Buffer.concat(frames, bytes);
      this.lastFrames = frames;
    }
    return this.lastJoined as Buffer;
  }

  private sameAsLast(frames: readonly Buffer[]): boolean {
    const last = this.lastFrames;
    if (!last || last.length !== frames.length) return false;
    for (let i = 0; i < frames.length; i++) if (frames[i] !== last[i]) return false;
    return true;
  }

  /**
   * Flushes `c` after the delay (at the end of this turn without one); call it once until `c` is
   * flushed with `delayed` true. A connection flushed sooner by `addNow` is flushed again here, with
   * whatever came since or nothing.
   */
  add(c: PendingWrites): void {
    this.later.add(c);
  }

  /** Flushes `c` at the end of this turn, whatever the delay; call it once per turn per connection. */
  addNow(c: PendingWrites): void {
    this.now.add(c);
  }

  // Not kept past a flush: a slow reader's pending bytes can be large.
  private readonly forgetJoin = (): void => {
    this.lastFrames = undefined;
    this.lastJoined = undefined;
  };
}

/** Connections to flush together, after `delayMs` or, with 0, at the end of the turn. */
class FlushList {
  private waiting: PendingWrites[] = [];
  private spare: PendingWrites[] = [];
  private scheduled = false;

  constructor(
    private readonly delayMs: number,
    private readonly delayed: boolean,
    private readonly afterFlush: () => void,
  ) {}

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
    for (const c of list) c.flush(this.delayed);
    list.length = 0;
    this.spare = list;
    this.afterFlush();
  };
}

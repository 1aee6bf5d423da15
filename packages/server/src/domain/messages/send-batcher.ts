import { ParleyError } from '@parley/protocol';
import type { CommitResult, NewMessage } from '../../ports/storage/index.js';

type Commit = (batch: readonly NewMessage[]) => Promise<CommitResult[]>;

interface Pending {
  message: NewMessage;
  /** The message's channel key (`channelOf`), made once. */
  channel: string;
  resolve: (r: CommitResult) => void;
  reject: (e: unknown) => void;
}

const channelOf = (m: NewMessage): string => `${m.channelType}\u0000${m.channelId}`;

/**
 * Group commit: sends submitted during one event-loop turn are stored in one transaction, and
 * while transactions are in flight the next batch gathers. Turns N fsyncs into one.
 *
 * By default one batch is in flight at a time. A backend whose commits wait on the network
 * (PostgreSQL) may have up to `maxInFlight`, on one condition that keeps every channel's seqs in
 * submit order: a batch never takes a message of a channel that a batch in flight has messages
 * of. Such messages stay queued, in order, until that batch ends; batches in flight together
 * therefore share no channel, and the storage's row locks order whatever else they share (users,
 * conversations), as they do for several nodes.
 */
export class SendBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Channels (by key) that a batch in flight has messages of. */
  private readonly busy = new Set<string>();
  private closed = false;
  /**
   * Every queued send is of a channel in flight: none can go until a batch ends. Set by a `take` that
   * found nothing, so that sends of those channels arriving meanwhile (turn after turn, on a busy node)
   * do not each cost a scan of the whole queue; cleared by a send of another channel or a batch's end.
   */
  private stalled = false;

  constructor(
    private readonly commit: Commit,
    private readonly maxBatch = 2000,
    private readonly onBatch: (size: number, seconds: number) => void = () => {},
    private readonly maxInFlight = 1,
  ) {}

  submit(message: NewMessage): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new ParleyError('server.shutting_down'));
    const channel = channelOf(message);
    return new Promise((resolve, reject) => {
      this.queue.push({ message, channel, resolve, reject });
      if (this.stalled && this.busy.has(channel)) return; // its channel's batch schedules a flush when it ends
      this.stalled = false;
      this.schedule();
    });
  }

  /** Refuses new sends and resolves once every accepted send is committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size || this.queue.length) {
      this.flush();
      if (this.inFlight.size) await Promise.race(this.inFlight);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Starts batches while there is room in flight and queued messages a batch may take. */
  private flush(): void {
    while (this.inFlight.size < this.maxInFlight && this.queue.length) {
      const batch = this.take();
      if (!batch.length) return; // all of it waits for channels in flight
      this.start(batch);
    }
  }

  /** Up to maxBatch queued sends, in order, skipping (and keeping queued) those of busy channels. */
  private take(): Pending[] {
    if (!this.busy.size) return this.queue.splice(0, this.maxBatch);
    if (this.stalled) return [];
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.queue) {
      if (batch.length < this.maxBatch && !this.busy.has(p.channel)) batch.push(p);
      else rest.push(p);
    }
    this.queue = rest;
    this.stalled = batch.length === 0;
    return batch;
  }

  private start(batch: Pending[]): void {
    const channels = new Set(batch.map((p) => p.channel));
    for (const c of channels) this.busy.add(c);
    const started = performance.now();
    const done: Promise<void> = this.commit(batch.map((p) => p.message))
      .then(
        (results) => {
          this.onBatch(batch.length, (performance.now() - started) / 1000);
          batch.forEach((p, i) => {
            p.resolve(results[i] as CommitResult);
          });
        },
        (err) => {
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        for (const c of channels) this.busy.delete(c);
        this.stalled = false;
        this.inFlight.delete(done);
        if (this.queue.length) this.schedule();
      });
    this.inFlight.add(done);
  }
}

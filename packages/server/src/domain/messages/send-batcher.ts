import { ParleyError } from '@parley/protocol';
import type { CommitResult, NewMessage } from '../../ports/storage/index.js';

type Commit = (batch: readonly NewMessage[]) => Promise<CommitResult[]>;

interface Pending {
  message: NewMessage;
  resolve: (r: CommitResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: sends submitted during one event-loop tick are stored in one transaction, and
 * while a transaction is in flight the next batch gathers. One batch at a time keeps per-channel
 * seqs in submit order and turns N fsyncs into one.
 */
export class SendBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly commit: Commit,
    private readonly maxBatch = 2000,
    private readonly onBatch: (size: number, seconds: number) => void = () => {},
  ) {}

  submit(message: NewMessage): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new ParleyError('server.shutting_down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  /** Refuses new sends and resolves once every accepted send is committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight || this.queue.length) {
      if (this.inFlight) await this.inFlight;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.inFlight || !this.queue.length) return this.inFlight ?? Promise.resolve();
    const batch = this.queue.splice(0, this.maxBatch);
    const started = performance.now();
    this.inFlight = this.commit(batch.map((p) => p.message)).then(
      (results) => {
        this.onBatch(batch.length, (performance.now() - started) / 1000);
        batch.forEach((p, i) => {
          p.resolve(results[i] as CommitResult);
        });
      },
      (err) => {
        for (const p of batch) p.reject(err);
      },
    );
    return this.inFlight.finally(() => {
      this.inFlight = undefined;
      if (this.queue.length) this.schedule();
    });
  }
}

import type { Logger } from 'pino';
import type { ChannelKey, PurgeStepKind, RetentionPolicy, Storage } from '../../ports/storage/index.js';

/** Channels looked at per read while the job walks them all. */
const SCAN_SIZE = 500;

export interface RetentionJobOptions {
  /** Days kept where a group has no setting of its own (PARLEY_RETENTION_DAYS); 0 keeps forever. */
  defaultDays: number;
  /** Rows one step (one transaction) may write at most (PARLEY_RETENTION_BATCH_SIZE). */
  batchSize: number;
  /** Between the end of one run and the start of the next (PARLEY_RETENTION_INTERVAL_SECONDS). */
  intervalMs: number;
  /** The server's clock: a message expires by the time it gives. */
  clock: () => number;
  log?: Logger;
}

/** What one run did: the channels it purged, its steps (transactions) and the rows of each kind. */
export interface RetentionRun {
  channels: number;
  steps: number;
  rows: Record<Exclude<PurgeStepKind, 'done'>, number>;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Removes expired messages in the background (docs/operations.md, Retention). Every node runs it;
 * each run walks the channels in key order, and for each one with expired messages repeats
 * `RetentionStore.purgeStep` (a short transaction writing at most `batchSize` rows) until it is
 * done, yielding to the event loop between steps, so no lock is held long and sends go on
 * meanwhile. Nodes running it at once on one PostgreSQL database share the work safely: a step
 * whose rows another node removed first just finds less to do.
 *
 * Reads never wait for it: they filter what has expired by the same rule (expiry.ts), so removing
 * changes nothing anyone sees.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRun> | undefined;
  private closed = false;

  constructor(
    private readonly storage: Storage,
    private readonly options: RetentionJobOptions,
  ) {}

  /** Runs every `intervalMs` (the first run one interval after start) until `close`. */
  start(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runOnce()
        .catch((error: unknown) => this.options.log?.error({ err: error }, 'retention: the run failed; the next one retries'))
        .finally(() => this.start());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * One run over every channel, now. A run already in progress on this node is waited for first, so
   * two never overlap here (other nodes may run theirs meanwhile). `batchSize` overrides the option.
   */
  async runOnce(options: { batchSize?: number } = {}): Promise<RetentionRun> {
    while (this.running) await this.running.catch(() => {});
    const run = this.walk(options.batchSize ?? this.options.batchSize);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the timer and waits for a run in progress to end (it stops between two steps). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  private async walk(batchSize: number): Promise<RetentionRun> {
    const started = Date.now();
    const run: RetentionRun = { channels: 0, steps: 0, rows: { conversations: 0, messages: 0, reactions: 0, receipts: 0, deletions: 0 } };
    let after: ChannelKey | undefined;
    do {
      if (this.closed) break;
      const page = await this.storage.retention.dueChannels(after, SCAN_SIZE, this.policy());
      for (const key of page.due) {
        if (this.closed) break;
        await this.purge(key, batchSize, run);
      }
      after = page.next;
      await nextTick();
    } while (after);
    if (run.steps > 0) {
      this.options.log?.info({ ...run, ms: Date.now() - started }, `retention: removed ${run.rows.messages} expired messages`);
    }
    return run;
  }

  private async purge(key: ChannelKey, batchSize: number, run: RetentionRun): Promise<void> {
    run.channels++;
    // A step that found its work done by another node writes nothing; a few in a row: leave it to them.
    for (let idle = 0; idle < 3; ) {
      // Each step takes the time anew: a long run removes what expired while it ran, too.
      const step = await this.storage.retention.purgeStep(key, this.policy(), batchSize);
      if (step.kind === 'done' || this.closed) return;
      run.steps++;
      run.rows[step.kind] += step.rows;
      idle = step.rows > 0 ? 0 : idle + 1;
      await nextTick();
    }
  }

  private policy(): RetentionPolicy {
    return { now: this.options.clock(), defaultDays: this.options.defaultDays };
  }
}

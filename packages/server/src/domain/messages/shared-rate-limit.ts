import type { DeliveryRouter } from '../delivery/router.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * The per-user send rate for the whole cluster, with no shared store: each node keeps its own token
 * buckets and, every `intervalMs`, tells the others how many sends each user made through it; they
 * charge those to their buckets. The sustained rate holds across nodes; within one interval a user
 * whose devices sit on N nodes may send up to N × burst before the charges arrive. The bus is at most
 * once: a lost report lets a user through a little more, never refuses anyone wrongly.
 */
export class SharedRateLimit {
  private spent = new Map<string, number>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly router: DeliveryRouter,
    intervalMs = 100,
    private readonly clock: () => number = Date.now,
    /** The broadcast its reports travel as: one per limit (sends, stream chunks). */
    private readonly spentEvent = 'rate.spent',
  ) {
    router.onBroadcast(spentEvent, (data) => this.charge(data));
    this.timer = setInterval(() => this.report(), intervalMs);
    this.timer.unref();
  }

  take(uid: string): boolean {
    if (!this.limiter.take(uid, this.clock())) return false;
    // With the limit off the other nodes would charge nothing: the reports would be bus traffic for nothing.
    if (!this.limiter.enabled) return true;
    this.spent.set(uid, (this.spent.get(uid) ?? 0) + 1);
    return true;
  }

  /** Sends the last report at once (tests, shutdown) and stops reporting. */
  close(): void {
    clearInterval(this.timer);
    this.report();
  }

  /** @internal The report now, rather than at the next tick. */
  report(): void {
    if (this.spent.size === 0) return;
    const counts = Object.fromEntries(this.spent);
    this.spent = new Map();
    this.router.broadcast(this.spentEvent, counts);
  }

  private charge(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const now = this.clock();
    for (const [uid, count] of Object.entries(data)) if (typeof count === 'number' && count > 0) this.limiter.charge(uid, count, now);
  }
}

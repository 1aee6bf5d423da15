/** Token bucket per key: `ratePerSec` sustained, `burst` at once. A rate of 0 turns it off. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** False when the rate is 0: every send passes and nothing needs counting or sharing. */
  get enabled(): boolean {
    return this.ratePerSec !== 0;
  }

  take(key: string, now = Date.now()): boolean {
    if (this.ratePerSec === 0) return true;
    const bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= 100_000) this.sweep(now);
      this.buckets.set(key, { tokens: this.burst - 1, at: now });
      return true;
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.ratePerSec) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /**
   * Sends made through other nodes, charged here so the rate holds for the whole cluster. A bucket
   * may go below zero (down to -burst): its owner then waits for it to refill.
   */
  charge(key: string, count: number, now = Date.now()): void {
    if (this.ratePerSec === 0) return;
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.max(-this.burst, Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.ratePerSec) / 1000) - count);
    bucket.at = now;
    this.buckets.set(key, bucket);
  }

  /** Full buckets carry no state worth keeping: dropping them bounds memory. */
  private sweep(now: number): void {
    const fullAfterMs = (this.burst / this.ratePerSec) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at >= fullAfterMs) this.buckets.delete(key);
  }
}

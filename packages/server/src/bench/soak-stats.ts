import { summarize } from './stats.js';

export type LatencyKind = 'ack' | 'list' | 'history' | 'catchUp';

/** What the probes read from the server process every few seconds. */
export interface ServerSample {
  rssMb: number;
  /** Anonymous memory (heap, SQLite page cache); RSS minus this is mapped files (SQLite mmap, code). */
  anonMb: number;
  heapMb: number;
  /** The server's own event-loop delay p99 since the previous sample (prom-client). */
  lagP99Ms: number;
  cpuPct: number;
}

export interface MinuteRow {
  minute: number;
  sends: number;
  ack: { p50: number; p99: number };
  listP99: number;
  historyP99: number;
  catchUpP99: number;
  /** Means over the minute's samples, except lag (the worst). */
  server: ServerSample;
}

type Samples = Record<LatencyKind, number[]>;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Counters for the whole run and latency/server samples per minute of the soak. A minute's raw
 * latencies are reduced to percentiles once it is over, so memory does not grow with the run.
 */
export class SoakStats {
  /** Operations done, by name (sends acked, lists, reconnects...). */
  readonly counts = new Map<string, number>();
  /** Failures, by error code, reason code or HTTP status. */
  readonly errors = new Map<string, number>();
  private readonly rows: MinuteRow[] = [];
  private minute = 0;
  private latencies: Samples = { ack: [], list: [], history: [], catchUp: [] };
  private samples: ServerSample[] = [];
  private sends = 0;
  private done = false;
  private started = performance.now();

  /** Starts minute 1 now: setup and calibration before this do not count. */
  start(): void {
    this.started = performance.now();
    this.counts.clear();
    this.errors.clear();
  }

  count(op: string, by = 1): void {
    this.counts.set(op, (this.counts.get(op) ?? 0) + by);
  }

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  latency(kind: LatencyKind, ms: number): void {
    if (this.done) return;
    this.roll();
    this.latencies[kind].push(ms);
    if (kind === 'ack') this.sends++;
  }

  sample(s: ServerSample): void {
    if (this.done) return;
    this.roll();
    this.samples.push(s);
  }

  /** The last complete minute, for progress lines. */
  get latest(): MinuteRow | undefined {
    return this.rows[this.rows.length - 1];
  }

  /**
   * Ends the per-minute record when the traffic stops (a last partial minute of more than a few
   * seconds gets its row); the drain afterwards only counts.
   */
  finish(): MinuteRow[] {
    const now = (performance.now() - this.started) / 60_000;
    while (!this.done && this.minute < Math.floor(now)) this.close();
    if (!this.done && now - this.minute > 0.05 && (this.sends || this.samples.length)) this.close();
    this.done = true;
    return this.rows;
  }

  private roll(): void {
    const now = Math.floor((performance.now() - this.started) / 60_000);
    while (!this.done && this.minute < now) this.close();
  }

  private close(): void {
    const l = this.latencies;
    const ack = summarize(l.ack);
    const s = this.samples;
    this.rows.push({
      minute: ++this.minute,
      sends: this.sends,
      ack: { p50: ack.p50, p99: ack.p99 },
      listP99: summarize(l.list).p99,
      historyP99: summarize(l.history).p99,
      catchUpP99: summarize(l.catchUp).p99,
      server: {
        rssMb: mean(s.map((x) => x.rssMb)),
        anonMb: mean(s.map((x) => x.anonMb)),
        heapMb: mean(s.map((x) => x.heapMb)),
        lagP99Ms: Math.max(0, ...s.map((x) => x.lagP99Ms)),
        cpuPct: mean(s.map((x) => x.cpuPct)),
      },
    });
    this.latencies = { ack: [], list: [], history: [], catchUp: [] };
    this.samples = [];
    this.sends = 0;
  }
}

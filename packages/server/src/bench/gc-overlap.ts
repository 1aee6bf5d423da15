import { PerformanceObserver } from 'node:perf_hooks';
import { summarize, type TimedCall } from './stats.js';

/**
 * How much of a latency tail is this process's garbage collector: every GC pause is recorded while
 * `run` goes, then the slowest 1 % of its calls are checked for one that a pause overlapped, and the
 * p99 is taken again without the calls any pause overlapped. A GC pause holds the whole thread, so
 * a call it overlaps took at least that much longer.
 */
export async function withGcOverlap(run: () => Promise<TimedCall[]>): Promise<{ calls: TimedCall[]; gc: GcOverlap }> {
  const pauses: Pause[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  let calls: TimedCall[];
  try {
    calls = await run();
  } finally {
    // Entries are delivered after the turn that made them: let the last ones in.
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
  }
  return { calls, gc: gcOverlap(calls, pauses) };
}

/** A GC pause as the 'gc' performance entries give it: ms on the `performance.now()` clock. */
export interface Pause {
  startTime: number;
  duration: number;
}

export interface GcOverlap {
  /** GC pauses while the measured calls ran. */
  pauses: number;
  /** Of the slowest 1 % of calls, how many a pause overlapped. */
  slowestHit: number;
  slowest: number;
  /** p99 of the calls no pause overlapped, ms. */
  p99WithoutGc: number;
}

export function gcOverlap(calls: readonly TimedCall[], pauses: readonly Pause[]): GcOverlap {
  const first = calls[0]?.start ?? 0;
  const last = calls.at(-1)?.end ?? 0;
  const during = pauses.filter((p) => p.startTime + p.duration > first && p.startTime < last);
  const hit = (call: TimedCall) => during.some((p) => p.startTime + p.duration > call.start && p.startTime < call.end);
  const slowest = [...calls].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, Math.max(1, Math.ceil(calls.length / 100)));
  return {
    pauses: during.length,
    slowestHit: slowest.filter(hit).length,
    slowest: slowest.length,
    p99WithoutGc: summarize(calls.filter((call) => !hit(call)).map((call) => call.end - call.start)).p99,
  };
}

/** Percentiles of a sample of durations in ms. */
export function summarize(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, n: sorted.length };
}

/** Runs `fn` `iterations` times after `warmup` runs, timing each call. */
export async function timeIt(iterations: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  return (await timeCalls(iterations, warmup, fn)).map((call) => call.end - call.start);
}

/** One timed call: `performance.now()` at its start and end. */
export interface TimedCall {
  start: number;
  end: number;
}

/** `timeIt`, keeping when each call ran (to line calls up with GC pauses, see `gcOverlap`). */
export async function timeCalls(iterations: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<TimedCall[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const calls: TimedCall[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn(i);
    calls.push({ start, end: performance.now() });
  }
  return calls;
}

import { describe, expect, it } from 'vitest';
import { gcOverlap } from './gc-overlap.js';
import type { TimedCall } from './stats.js';

/** 200 calls of 1 ms, back to back from t = 0, but for the ones named in `slow` (index -> ms). */
function calls(slow: Record<number, number>): TimedCall[] {
  const out: TimedCall[] = [];
  let t = 0;
  for (let i = 0; i < 200; i++) {
    const ms = slow[i] ?? 1;
    out.push({ start: t, end: t + ms });
    t += ms;
  }
  return out;
}

describe('gcOverlap', () => {
  it('counts the slowest 1 % of calls a pause overlapped, and takes the p99 again without every call a pause overlapped', () => {
    // Calls 10 and 50 are slow with a pause inside them; call 120 is slow with none; call 150 is fast
    // but a pause touches it.
    const timed = calls({ 10: 5, 50: 4 });
    const at = (i: number) => timed[i] as TimedCall;
    const pauses = [
      { startTime: at(10).start + 1, duration: 3 },
      { startTime: at(50).start + 0.5, duration: 2 },
      { startTime: at(150).start + 0.2, duration: 0.1 },
      // Before the first call: not counted.
      { startTime: -10, duration: 2 },
    ];
    const result = gcOverlap(timed, pauses);
    expect(result).toEqual({ pauses: 3, slowestHit: 2, slowest: 2, p99WithoutGc: 1 });
  });

  it('leaves the p99 as it is when no pause overlapped any call', () => {
    const timed = calls({ 3: 7, 4: 6 });
    expect(gcOverlap(timed, [])).toEqual({ pauses: 0, slowestHit: 0, slowest: 2, p99WithoutGc: 6 });
  });
});

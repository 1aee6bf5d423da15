import v8 from 'node:v8';

/**
 * V8 flags the server sets on itself as it starts, before any of its own code has run. This module is
 * the first import of main.ts (so of `npm start`, the `parley-server` binary and every cluster node) and
 * of the benchmarks' processes (bench/run.ts, bench/own-process-entry.ts, and the raw relay Parley is
 * compared with); a unit test keeps it first. Node refuses these flags in `NODE_OPTIONS`, where the
 * binary's users put flags, so the server sets them itself; where Parley builds the command line
 * (`npm start`, cluster nodes, the bench), they are on it as well (node-flags.ts), and setting one
 * again here to the same value changes nothing.
 *
 * `--no-allocation-site-pretenuring`: V8 watches where objects are allocated, and once most objects
 * from one place survive a young-generation collection, it allocates that place's objects in the old
 * generation from then on. Objects allocated old but short-lived keep whatever young objects they point
 * to alive through every scavenge until the next full collection. After the conversation bench loaded
 * 100,000 conversations, each scavenge during the PostgreSQL list promoted about 5 MB and took 15-22 ms;
 * with this flag, 1.3-2 ms and nothing promoted. Heap snapshots mid-run held the same 13 MB at 10,000
 * and 100,000 conversations: what was promoted was garbage. That list's p99 went from 8.3-22.3 ms to
 * 3.7-7.1 ms in nine alternating pairs, and the send bench's throughput did not move in three
 * (BENCHMARKS.md, 2026-12-03, "allocation-site pretenuring").
 */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

for (const flag of RUNTIME_V8_FLAGS) v8.setFlagsFromString(flag);

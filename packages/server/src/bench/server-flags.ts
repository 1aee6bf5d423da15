import { spawnSync } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../node-flags.js';

/**
 * The in-process benchmarks (conversations, history, commit, search) time server code in the bench's
 * own process, so it runs under the flags the server runs with (`npm start`, node-flags.ts). Started as
 * a plain `node …/run.js`, its young generation was Node's default, and its scavenges made most of its
 * p99: PostgreSQL sync of 10 changes p99 3.0-4.6 ms without, 1.1-1.9 ms with (BENCHMARKS.md, 2026-12-03).
 * Imported first by run.ts: without the flags, it runs the same command again with them and exits
 * with its status.
 */
export function runUnderServerFlags(): void {
  const missing = SERVER_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  if (!missing.length) return;
  const run = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

runUnderServerFlags();

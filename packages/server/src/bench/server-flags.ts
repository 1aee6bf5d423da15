import { spawnSync } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../node-flags.js';

/**
 * The bench runs under the flags the server runs with (`npm start`, node-flags.ts): it times socket
 * writes in its own process (write-ceiling.ts), and the processes it forks for the in-process benchmarks
 * (own-process.ts) get the same flags. Started as a plain `node …/run.js`, those benchmarks ran under
 * Node's default young generation, and its scavenges made most of their p99: PostgreSQL sync of 10
 * changes p99 3.0-4.6 ms without, 1.1-1.9 ms with (BENCHMARKS.md, 2026-12-03). Imported first by run.ts:
 * without the flags, it runs the same command again with them and exits with its status; each report's
 * machine line names them (report.ts).
 */
export function runUnderServerFlags(): void {
  const missing = SERVER_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  if (!missing.length) return;
  const run = spawnSync(process.execPath, [...missing, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

runUnderServerFlags();

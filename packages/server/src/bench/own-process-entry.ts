// First, as in the server: V8 flags that must be set before any server code runs.
import '../v8-runtime-flags.js';
import { commitBenchPostgres, commitBenchSqlite } from './commit-bench.js';
import { conversationBenchPostgres, conversationBenchSqlite } from './conversation-bench.js';
import { floorsBenchSqlite } from './floors-bench.js';
import { historyBenchPostgres, historyBenchSqlite } from './history-bench.js';
import { searchBenchPostgres, searchBenchSqlite } from './search-bench.js';

/**
 * The in-process benchmarks that run.ts starts each in a process of its own (own-process.ts). A server
 * runs one backend, so each backend is timed from a fresh process: the other backend's bulk load, heap
 * and compiled code do not carry into its figures.
 */
const benches = {
  'commit-sqlite': commitBenchSqlite,
  'commit-postgres': commitBenchPostgres,
  'floors-sqlite': floorsBenchSqlite,
  'conversations-sqlite': conversationBenchSqlite,
  'conversations-postgres': conversationBenchPostgres,
  'history-sqlite': historyBenchSqlite,
  'history-postgres': historyBenchPostgres,
  'search-sqlite': searchBenchSqlite,
  'search-postgres': searchBenchPostgres,
};
export type OwnProcessBenches = typeof benches;

/** What the child sends its parent: the bench's result, or why it failed. */
export type OwnProcessReply = { ok: true; value: unknown } | { ok: false; message: string };

const [name, argsJson] = process.argv.slice(2) as [keyof OwnProcessBenches, string];
const reply = async (): Promise<OwnProcessReply> => {
  const bench = benches[name] as (...args: unknown[]) => Promise<unknown>;
  if (!bench) return { ok: false, message: `no bench named ${name}` };
  try {
    return { ok: true, value: await bench(...(JSON.parse(argsJson) as unknown[])) };
  } catch (err) {
    return { ok: false, message: (err as Error).stack ?? String(err) };
  }
};
process.send?.(await reply(), () => process.exit(0));

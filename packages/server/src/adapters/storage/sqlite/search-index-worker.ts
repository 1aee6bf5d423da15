/**
 * The search indexing thread of the server's SQLite store (started by `WorkerSearchIndexer`): its own
 * connection to the message database, with the index file attached, applies the message log to the
 * index every SEARCH_INDEX_INTERVAL_MS, or at once when a search asks. It writes only the index file,
 * so the thread that commits the sends neither does this work nor waits for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { lowerThreadPriority } from '../../../background-thread.js';
import { registerSearchFunction } from './search.js';
import { attachSearchIndex, SearchIndexBatches } from './search-index.js';
import type { FromSearchWorker, SearchWorkerStart, ToSearchWorker } from './search-indexer.js';

const port = parentPort;
if (!port) throw new Error('search-index-worker.js runs as a worker thread of a SQLite store (search-indexer.ts)');
lowerThreadPriority();
const start = workerData as SearchWorkerStart;
const post = (message: FromSearchWorker) => port.postMessage(message);

const db = new BetterSqlite3(start.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
registerSearchFunction(db);
attachSearchIndex(db, start.indexFile);
const batches = new SearchIndexBatches(db);

// The next batch: at once while there is work (yielding between batches, so a close is heard during a
// long rebuild), else after the interval.
let next: { busy: boolean; handle: NodeJS.Immediate | NodeJS.Timeout } | undefined;
const cancel = () => {
  if (next?.busy) clearImmediate(next.handle as NodeJS.Immediate);
  else if (next) clearTimeout(next.handle as NodeJS.Timeout);
  next = undefined;
};
const run = () => {
  cancel();
  const busy = batches.step() > 0;
  // Told after every batch: a search waiting through a long rebuild sees it move.
  post({ type: 'progress', ...batches.progress() });
  next = { busy, handle: busy ? setImmediate(run) : setTimeout(run, start.intervalMs) };
};

port.on('message', (m: ToSearchWorker) => {
  if (m.type === 'run') return run();
  cancel();
  db.close();
  // Nothing left to run: the thread ends, and the main thread hears its exit.
  port.close();
});
run();

import type { Database } from 'better-sqlite3';
import { compiledWorker } from '../../../worker-script.js';
import { RestartingWorker, type WorkerExit } from './restarting-worker.js';
import { type IndexProgress, lastSearchLogId, SearchIndexBatches, trimSearchLog } from './search-index.js';

/** How often the indexer looks for messages changed since it last ran. */
export const SEARCH_INDEX_INTERVAL_MS = 100;
/** The log entries applied before the committing connection removes them, at most once a batch. */
const TRIM_EVERY = 5000;
/** A search stops waiting for an indexer that has not moved for this long (a worker being restarted). */
export const SEARCH_STALL_MS = 5000;

/**
 * Who keeps a store's search index (search-index.ts) up to date. A search calls `caughtUp` first:
 * what was committed before it is then found by it.
 */
export interface SearchIndexer {
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

/** What the search worker is started with (`workerData`). */
export interface SearchWorkerStart {
  file: string;
  indexFile: string;
  intervalMs: number;
}
/** Main thread -> worker. */
export type ToSearchWorker = { type: 'run' } | { type: 'close' };
/** Worker -> main thread. */
export type FromSearchWorker = { type: 'progress' } & IndexProgress;

/**
 * Indexing on the store's own connection (the index attached to it): for stores that are not the
 * server's (the CLI, the tests' in-memory stores). Everything logged is indexed before the store
 * answers, then in the background a batch per event-loop turn, and all of it before a search.
 */
export class InlineSearchIndexer implements SearchIndexer {
  private readonly batches: SearchIndexBatches;
  private readonly trim: (upTo: number) => void;
  private readonly timer: NodeJS.Timeout;
  private running = false;
  private closed = false;

  constructor(db: Database) {
    this.batches = new SearchIndexBatches(db);
    this.trim = trimSearchLog(db);
    this.flush();
    this.timer = setInterval(() => void this.drain(), SEARCH_INDEX_INTERVAL_MS).unref();
  }

  async caughtUp(): Promise<void> {
    this.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    if (this.batches.drain() > 0) this.trim(this.batches.progress().logDone);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let moved = false;
    try {
      while (!this.closed && this.batches.step() > 0) {
        moved = true;
        await new Promise((r) => setImmediate(r));
      }
      if (moved && !this.closed) this.trim(this.batches.progress().logDone);
    } catch {
      // A failed batch (the database closed under a late tick) rolled back and left its entries in
      // the log: the next tick, the next search or the next open indexes them.
    } finally {
      this.running = false;
    }
  }
}

/**
 * Indexing on a worker thread (search-index-worker.ts): the server's. The committing connection only
 * appends to the log (a row per message in the send's transaction) and now and then removes what the
 * worker applied; the tokenizing and FTS5 work, about a tenth of a 1:1 send's main-thread time when it
 * ran there, moves to the worker. A worker that dies is started again; it resumes from the index
 * file's own record of how far it got, so nothing logged is lost, and a search waits for it at most
 * SEARCH_STALL_MS without progress before it reads what is indexed.
 */
export class WorkerSearchIndexer implements SearchIndexer {
  private readonly worker: RestartingWorker<FromSearchWorker, ToSearchWorker>;
  private readonly lastLog: () => number;
  private readonly trim: (upTo: number) => void;
  private progress: IndexProgress = { logDone: 0, backfilling: true };
  private movedAt = Date.now();
  private trimmedTo = 0;
  private waiters: { target: number; resolve: () => void }[] = [];
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(db: Database, start: SearchWorkerStart, script: URL, onWorkerExit?: WorkerExit) {
    this.lastLog = lastSearchLogId(db);
    this.trim = trimSearchLog(db);
    this.worker = new RestartingWorker(script, start, {
      message: (m) => this.moved(m),
      ...(onWorkerExit && { exit: onWorkerExit }),
    });
  }

  caughtUp(): Promise<void> {
    const target = this.lastLog();
    if (this.covers(target)) return Promise.resolve();
    this.worker.post({ type: 'run' });
    if (!this.waiters.length) this.movedAt = Date.now();
    this.watchForStall();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** Fault tests: ends the worker as a crash would. */
  crash(): Promise<void> {
    return this.worker.crash();
  }

  async close(): Promise<void> {
    this.stopWatching();
    for (const w of this.waiters.splice(0)) w.resolve();
    await this.worker.close({ type: 'close' });
  }

  private covers(target: number): boolean {
    return !this.progress.backfilling && this.progress.logDone >= target;
  }

  private moved(progress: FromSearchWorker): void {
    this.progress = { logDone: progress.logDone, backfilling: progress.backfilling };
    this.movedAt = Date.now();
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (this.covers(w.target)) w.resolve();
      else this.waiters.push(w);
    }
    if (!this.waiters.length) this.stopWatching();
    if (progress.logDone - this.trimmedTo >= TRIM_EVERY) {
      try {
        this.trim(progress.logDone);
        this.trimmedTo = progress.logDone;
      } catch {
        // The write lock was not to be had (a CLI's long write, say): the next progress tries again.
      }
    }
  }

  /**
   * While a search waits, a timer gives up on a worker that stopped moving. It is referenced: the
   * worker is not, and a process whose last work is a search (a script, the bench) must wait for it.
   */
  private watchForStall(): void {
    if (this.stallTimer) return;
    this.stallTimer = setInterval(() => {
      if (Date.now() - this.movedAt < SEARCH_STALL_MS) return;
      for (const w of this.waiters.splice(0)) w.resolve();
      this.stopWatching();
    }, SEARCH_STALL_MS / 5);
  }

  private stopWatching(): void {
    clearInterval(this.stallTimer);
    this.stallTimer = undefined;
  }
}

/** The compiled search worker, or undefined when it is not built. */
export const searchWorkerScript = (): URL | undefined => compiledWorker(import.meta.url, 'search-index-worker.js');

import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { WalCheckpointStats } from '../../../ports/storage/index.js';
import { compiledWorker } from '../../../worker-script.js';

/** What the checkpoint worker is started with (`workerData`). */
export interface CheckpointWorkerStart {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  /** The worker looks again after between these, aiming at `framesPerCheckpoint` frames a checkpoint. */
  minIntervalMs: number;
  maxIntervalMs: number;
  framesPerCheckpoint: number;
}
/** Main thread -> worker. */
export type ToCheckpointWorker = { type: 'close' };
/** Worker -> main thread. */
export type FromCheckpointWorker = { type: 'ready' } | { type: 'checkpointed'; frames: number };

/**
 * How often the worker checkpoints: about every 1000 frames, SQLite's own cadence, looked at no more
 * often than every 50 ms (a busy WAL) and no less than every second (a quiet one). Every 100 ms
 * whatever came measured more CPU a delivery for a super group, whose WAL grows slowly: the same hot
 * pages copied and synced ten times a second (BENCHMARKS.md, 2026-12-04).
 */
export const CHECKPOINT_CADENCE = { minIntervalMs: 50, maxIntervalMs: 1000, framesPerCheckpoint: 1000 } as const;
/**
 * The committing connection's own automatic checkpoint, in WAL pages (SQLite's default is 1000): the
 * worker copies frames as they come, this one catches up the last few so the WAL can start over, and it
 * bounds the WAL (16 MiB) while no worker runs.
 */
export const SAFETY_NET_PAGES = 4000;
/** A worker that died is started again after this long. */
export const RESTART_DELAY_MS = 1000;

/** Told when a worker ends while the store is open (a restart follows): the server logs it. */
export type CheckpointWorkerExit = (error: Error | undefined, restartInMs: number) => void;

/**
 * Checkpoints of a SQLite store's WAL on a thread of their own.
 *
 * With SQLite's default, the connection that commits copies the WAL into the database file every 1000
 * pages and syncs it, inside the commit that crossed the line. Under the send bench's load that was
 * several times a second, on the thread that serves every send (BENCHMARKS.md, 2026-12-04). Here a
 * worker does that copying; the committing connection keeps a higher threshold of its own, which only
 * finishes what the worker left and takes over if the worker is gone. A worker that dies is
 * restarted; a checkpoint is crash-safe in SQLite, and durability of commits does not depend on it
 * (each commit syncs the WAL as before).
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly stats: WalCheckpointStats = { starts: 0, framesCheckpointed: 0 };
  private workerReady = false;
  private readyWaiters: Array<() => void> = [];

  constructor(
    db: Database,
    private readonly start: CheckpointWorkerStart,
    private readonly script: URL,
    private readonly onWorkerExit: CheckpointWorkerExit = () => {},
  ) {
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    this.spawn();
  }

  /** Resolves once a worker has opened its connection (the current one, or the next after a restart). */
  ready(): Promise<void> {
    if (this.workerReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Fault tests: ends the worker as a crash would; a new one starts after RESTART_DELAY_MS. */
  async crash(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Unreferenced, the worker would let the event loop end before its exit is heard, and with it
    // whatever awaits this close.
    worker.ref();
    worker.postMessage({ type: 'close' } satisfies ToCheckpointWorker);
    await exited;
  }

  private spawn(): void {
    const worker = new Worker(this.script, { workerData: this.start });
    this.worker = worker;
    this.workerReady = false;
    this.stats.starts++;
    worker.on('message', (m: FromCheckpointWorker) => {
      if (m.type === 'checkpointed') this.stats.framesCheckpointed += m.frames;
      else if (m.type === 'ready') {
        this.workerReady = true;
        for (const resolve of this.readyWaiters.splice(0)) resolve();
      }
    });
    // An error ends the thread too ('exit' follows): it is reported there, and another one started.
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.once('exit', () => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.workerReady = false;
      }
      if (this.stopped) return;
      this.onWorkerExit(failure, RESTART_DELAY_MS);
      this.restartTimer = setTimeout(() => this.spawn(), RESTART_DELAY_MS).unref();
    });
    // The worker must not keep a process alive that has nothing else to do.
    worker.unref();
  }
}

/** The compiled checkpoint worker, or undefined when it is not built. */
export const checkpointWorkerScript = (): URL | undefined => compiledWorker(import.meta.url, 'wal-checkpoint-worker.js');

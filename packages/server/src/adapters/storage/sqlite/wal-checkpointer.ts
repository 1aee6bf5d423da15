import type { Database } from 'better-sqlite3';
import type { WalCheckpointStats } from '../../../ports/storage/index.js';
import { compiledWorker } from '../../../worker-script.js';
import { RestartingWorker, type WorkerExit } from './restarting-worker.js';

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
export { RESTART_DELAY_MS } from './restarting-worker.js';

/** Told when a worker ends while the store is open (a restart follows): the server logs it. */
export type CheckpointWorkerExit = WorkerExit;

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
  private readonly worker: RestartingWorker<FromCheckpointWorker, ToCheckpointWorker>;
  readonly stats: WalCheckpointStats = { starts: 0, framesCheckpointed: 0 };
  private workerReady = false;
  private readyWaiters: Array<() => void> = [];

  constructor(db: Database, start: CheckpointWorkerStart, script: URL, onWorkerExit: CheckpointWorkerExit = () => {}) {
    db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
    this.worker = new RestartingWorker(script, start, {
      start: () => {
        this.workerReady = false;
        this.stats.starts++;
      },
      message: (m) => {
        if (m.type === 'checkpointed') this.stats.framesCheckpointed += m.frames;
        else if (m.type === 'ready') {
          this.workerReady = true;
          for (const resolve of this.readyWaiters.splice(0)) resolve();
        }
      },
      exit: (error, restartInMs) => {
        this.workerReady = false;
        onWorkerExit(error, restartInMs);
      },
    });
  }

  /** Resolves once a worker has opened its connection (the current one, or the next after a restart). */
  ready(): Promise<void> {
    if (this.workerReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Fault tests: ends the worker as a crash would; a new one starts after RESTART_DELAY_MS. */
  crash(): Promise<void> {
    return this.worker.crash();
  }

  close(): Promise<void> {
    return this.worker.close({ type: 'close' });
  }
}

/** The compiled checkpoint worker, or undefined when it is not built. */
export const checkpointWorkerScript = (): URL | undefined => compiledWorker(import.meta.url, 'wal-checkpoint-worker.js');

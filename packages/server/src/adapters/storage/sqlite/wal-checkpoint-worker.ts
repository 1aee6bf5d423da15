/**
 * The WAL checkpoint thread of a SQLite store (started by `WalCheckpointer`): its own connection to
 * the server's file, which copies committed WAL frames into the database file and syncs it, so that
 * the connection that commits sends seldom has to.
 *
 * PASSIVE never waits for a reader or a writer and never takes the write lock: the sends' commits go
 * on beside it. Its connection syncs as the server's does, so a frame is in the synced database file
 * before the WAL may be reused over it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { lowerThreadPriority } from '../../../background-thread.js';
import type { CheckpointWorkerStart, FromCheckpointWorker, ToCheckpointWorker } from './wal-checkpointer.js';

const port = parentPort;
if (!port) throw new Error('wal-checkpoint-worker.js runs as a worker thread of a SQLite store (wal-checkpointer.ts)');
lowerThreadPriority();
const start = workerData as CheckpointWorkerStart;
const post = (message: FromCheckpointWorker) => port.postMessage(message);

const db = new BetterSqlite3(start.file, { fileMustExist: true });
db.pragma(`synchronous = ${start.synchronous}`);
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)').raw(true);

// What the last tick saw: frames in the WAL, and of them in the database file. The WAL starts over from
// its first frame once every frame is copied, so fewer frames than last time means a new WAL.
let lastLog = 0;
let copied = 0;
let interval = start.maxIntervalMs;
const tick = () => {
  // [busy, frames in the WAL, frames of it in the database file]; an error ends the thread, which the
  // main thread starts again. -1: another connection was checkpointing (the committing one, catching up).
  const [, log, done] = checkpoint.get() as [number, number, number];
  if (done >= 0) {
    const restarted = log < lastLog;
    const frames = restarted ? done : done - copied;
    // Frames committed since the last tick, whoever copied them.
    const grown = restarted ? log : log - lastLog;
    lastLog = log;
    copied = done;
    if (frames > 0) post({ type: 'checkpointed', frames });
    // Next time after about framesPerCheckpoint more frames, at the rate the last interval saw.
    const aimed = grown > 0 ? (interval * start.framesPerCheckpoint) / grown : start.maxIntervalMs;
    interval = Math.min(start.maxIntervalMs, Math.max(start.minIntervalMs, aimed));
  }
  timer = setTimeout(tick, interval);
};
let timer = setTimeout(tick, interval);

port.on('message', (m: ToCheckpointWorker) => {
  if (m.type !== 'close') return;
  clearTimeout(timer);
  db.close();
  // Nothing left to run: the thread ends, and the main thread hears its exit.
  port.close();
});
post({ type: 'ready' });

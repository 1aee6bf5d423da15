import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/wait.js';
import { openSqlite } from './index.js';
import { CHECKPOINT_CADENCE, checkpointWorkerScript, RESTART_DELAY_MS, SAFETY_NET_PAGES, WalCheckpointer } from './wal-checkpointer.js';

const PAGE = 4096;
const script = checkpointWorkerScript();

/** `pages` pages' worth of rows, committed a few pages at a time as sends are. */
function write(db: BetterSqlite3.Database, pages: number): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const commit = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(Buffer.alloc(PAGE - 200, i % 251));
  });
  for (let done = 0; done < pages; done += 8) commit(8);
}

describe.runIf(script)('WAL checkpoints on a worker thread (WalCheckpointer)', () => {
  let dir: string;
  let file: string;
  let db: BetterSqlite3.Database;
  let checkpointer: WalCheckpointer;
  /** What the checkpointer told of workers that ended while it was open. */
  let exits: Array<{ error: Error | undefined; restartInMs: number }>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoint-'));
    file = path.join(dir, 'parley.db');
    db = new BetterSqlite3(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    // The server's cadence: its first look comes within a second, the next ones as the WAL grows.
    exits = [];
    checkpointer = new WalCheckpointer(db, { file, synchronous: 'FULL', ...CHECKPOINT_CADENCE }, script as URL, (error, restartInMs) =>
      exits.push({ error, restartInMs }),
    );
    await checkpointer.ready();
  });

  afterEach(async () => {
    await checkpointer.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file while the committing connection does not', async () => {
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    const before = fs.statSync(file).size;
    // Under the committing connection's own threshold: only the worker can have copied them.
    write(db, SAFETY_NET_PAGES / 2);
    // The file grows as the worker copies; its report of the copy arrives by message, after.
    await waitFor(
      () =>
        fs.statSync(file).size >= before + (SAFETY_NET_PAGES / 2) * PAGE && checkpointer.stats.framesCheckpointed >= SAFETY_NET_PAGES / 2,
      () => `database file ${fs.statSync(file).size} bytes; ${JSON.stringify(checkpointer.stats)}`,
    );
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(SAFETY_NET_PAGES / 2);
  });

  it('starts a worker again after one dies, says so, and the new one goes on copying', async () => {
    await checkpointer.crash();
    await waitFor(
      () => checkpointer.stats.starts === 2,
      () => `${checkpointer.stats.starts} worker starts`,
    );
    expect(exits).toEqual([{ error: undefined, restartInMs: RESTART_DELAY_MS }]);
    await checkpointer.ready();
    const copied = checkpointer.stats.framesCheckpointed;
    write(db, 64);
    await waitFor(
      () => checkpointer.stats.framesCheckpointed > copied,
      () => `frames checkpointed still ${checkpointer.stats.framesCheckpointed}`,
    );
  });

  it('keeps commits going while no worker runs: the WAL stays bounded by the safety net', async () => {
    await checkpointer.close();
    write(db, SAFETY_NET_PAGES * 3);
    // The committing connection checkpointed on its own and the WAL started over: it holds at most the
    // safety net's pages and one commit's.
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan((SAFETY_NET_PAGES + 64) * (PAGE + 24) + 32);
    expect(checkpointer.stats.starts).toBe(1);
    // Closing is no failure: nothing to report.
    expect(exits).toEqual([]);
  });
});

describe.runIf(script)('a SQLite store that checkpoints in the background', () => {
  it('serves writes and reads and closes its worker with it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoint-store-'));
    try {
      const storage = openSqlite({ file: path.join(dir, 'parley.db'), checkpointInBackground: true });
      await storage.users.upsertMany([{ uid: 'cp-a' }], Date.now());
      expect(await storage.users.get('cp-a')).toMatchObject({ uid: 'cp-a' });
      await storage.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a process whose last work is closing the store finish that close', () => {
    // The worker does not keep a process alive; a close still waits for it (an unfinished await there
    // ended such a process with exit code 13 before the rest of its shutdown ran).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-checkpoint-exit-'));
    const index = fileURLToPath(new URL('./index.js', script as URL));
    const program = `
      const { openSqlite } = await import(${JSON.stringify(index)});
      const storage = openSqlite({ file: ${JSON.stringify(path.join(dir, 'parley.db'))}, checkpointInBackground: true });
      await storage.users.upsertMany([{ uid: 'cp-exit' }], Date.now());
      await storage.close();
      console.log('closed');`;
    try {
      expect(execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' }).trim()).toBe('closed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Storage } from '../../../ports/storage/index.js';
import { STORAGE_TABLES } from '../rows.js';
import { sqliteChannels } from './channels.js';
import { sqliteConversations } from './conversations.js';
import { sqliteMessageState } from './message-state.js';
import { sqliteMessages } from './messages.js';
import { migrate } from './migrations.js';
import { openSearch } from './open-search.js';
import { sqlitePresence } from './presence.js';
import type { WorkerExit } from './restarting-worker.js';
import { sqliteRetention } from './retention.js';
import { registerSearchFunction } from './search.js';
import { SendFactsCache } from './send-facts-cache.js';
import { sqliteStreams } from './streams.js';
import { sqliteSyncOnce } from './sync-once.js';
import { UserClockCache } from './user-clock-cache.js';
import { sqliteUserData } from './user-data.js';
import { sqliteUsers } from './users.js';
import { CHECKPOINT_CADENCE, type CheckpointWorkerExit, checkpointWorkerScript, WalCheckpointer } from './wal-checkpointer.js';
import { sqliteWebhookOutbox } from './webhook-outbox.js';

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Copy the WAL into the database file on a worker thread instead of in the commits (`WalCheckpointer`):
   * what the server does. Off for the other users of a file (the CLI, the webhook worker's connection).
   */
  checkpointInBackground?: boolean;
  /** Told when the checkpoint worker ends while the store is open; another starts a second later. */
  onCheckpointWorkerExit?: CheckpointWorkerExit;
  /**
   * Who keeps the search index (`<file>-search`) up to date: `worker`, a thread of its own (what the
   * server does); `inline`, this connection (the default: the CLI, tests, ':memory:', which has no
   * worker); `off`, nobody, and this store cannot search (a second connection in the server's process,
   * the webhook worker's, whose transactions must not also lock the index file).
   */
  searchIndex?: 'worker' | 'inline' | 'off';
  /** Told when the search worker ends while the store is open; another starts a second later. */
  onSearchWorkerExit?: WorkerExit;
}

export function openSqlite(options: SqliteOptions): Storage {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new BetterSqlite3(options.file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  // Lists read a last message per conversation at random places in the log: keep the hot part of the
  // file in memory (the defaults, a 2 MiB cache and no mmap, are sized for embedded devices).
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  db.pragma('foreign_keys = ON');
  // Before the migrations: the search triggers of older schema versions call it while one runs, and
  // the inline search indexer (open-search.ts) on this connection.
  registerSearchFunction(db);
  migrate(db);
  const search = openSearch(db, options);
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const factsVersion = db.prepare('SELECT value FROM send_facts_version').pluck();
  const sendFacts = new SendFactsCache({ data: () => dataVersion.get() as number, facts: () => factsVersion.get() as number });
  const clocks = new UserClockCache(db);
  const script = options.checkpointInBackground && options.file !== ':memory:' ? checkpointWorkerScript() : undefined;
  const checkpointer =
    script &&
    new WalCheckpointer(
      db,
      { file: path.resolve(options.file), synchronous: options.synchronous ?? 'FULL', ...CHECKPOINT_CADENCE },
      script,
      options.onCheckpointWorkerExit,
    );
  return {
    dialect: 'sqlite',
    // One connection, one writer: batches commit one after another.
    commitConcurrency: 1,
    users: sqliteUsers(db, sendFacts),
    channels: sqliteChannels(db, sendFacts),
    messages: sqliteMessages(db, clocks),
    conversations: sqliteConversations(db, clocks),
    messageState: sqliteMessageState(db),
    streams: sqliteStreams(db),
    syncOnce: sqliteSyncOnce(db),
    retention: sqliteRetention(db, sendFacts),
    search: search.store,
    userData: sqliteUserData(db, sendFacts),
    webhookOutbox: sqliteWebhookOutbox(db),
    presence: sqlitePresence(db),
    ...(checkpointer ? { walCheckpoints: () => ({ ...checkpointer.stats }) } : {}),
    ...(options.file === ':memory:' ? {} : { source: { kind: 'sqlite', file: path.resolve(options.file) } as const }),
    async rowCounts() {
      const counts: Record<string, number> = {};
      for (const t of STORAGE_TABLES) counts[t] = db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
      return counts;
    },
    async close() {
      await checkpointer?.close();
      await search.close();
      db.close();
    },
  };
}

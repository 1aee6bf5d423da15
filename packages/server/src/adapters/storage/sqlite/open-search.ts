import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { SearchStore } from '../../../ports/storage/index.js';
import type { WorkerExit } from './restarting-worker.js';
import { sqliteSearch } from './search.js';
import { attachForReading, attachSearchIndex, searchIndexFile } from './search-index.js';
import {
  InlineSearchIndexer,
  SEARCH_INDEX_INTERVAL_MS,
  type SearchIndexer,
  searchWorkerScript,
  WorkerSearchIndexer,
} from './search-indexer.js';

/** Who keeps the search index up to date; see `SqliteOptions.searchIndex`. */
export interface SearchOptions {
  file: string;
  searchIndex?: 'worker' | 'inline' | 'off';
  onSearchWorkerExit?: WorkerExit;
}

/**
 * The store's search and whoever indexes for it (see `SqliteOptions.searchIndex`). With a worker,
 * the committing connection attaches the index only to check it at open (search-index.ts) and then
 * lets it go: a transaction on a connection locks every database attached to it. Searches then read
 * on a connection of their own.
 */
export function openSearch(db: Database, options: SearchOptions): { store: SearchStore; indexer?: SearchIndexer; close(): Promise<void> } {
  const mode = options.searchIndex ?? 'inline';
  const indexFile = searchIndexFile(options.file);
  if (mode === 'off') {
    const refuse = async (): Promise<never> => {
      throw new Error('this SQLite connection was opened without its search index (searchIndex: off)');
    };
    return { store: { messages: refuse, conversations: refuse }, close: async () => {} };
  }
  attachSearchIndex(db, indexFile);
  const script = mode === 'worker' && options.file !== ':memory:' ? searchWorkerScript() : undefined;
  if (!script) {
    const indexer = new InlineSearchIndexer(db);
    return { store: sqliteSearch(db, indexer), indexer, close: () => indexer.close() };
  }
  db.exec('DETACH DATABASE search');
  const indexer = new WorkerSearchIndexer(
    db,
    { file: path.resolve(options.file), indexFile: path.resolve(indexFile), intervalMs: SEARCH_INDEX_INTERVAL_MS },
    script,
    options.onSearchWorkerExit,
  );
  const reader = new BetterSqlite3(options.file, { fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  reader.pragma('cache_size = -16384');
  reader.pragma('mmap_size = 268435456');
  attachForReading(reader, indexFile);
  return {
    store: sqliteSearch(reader, indexer),
    indexer,
    async close() {
      await indexer.close();
      reader.close();
    },
  };
}

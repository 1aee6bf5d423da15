import type { Storage, StorageSource } from '../../ports/storage/index.js';
import { openSqlite } from './sqlite/index.js';

/**
 * A second store on the data of `Storage.source`, for another thread of this process (the webhook
 * delivery worker): on SQLite a connection of its own to the same file (WAL: it reads beside the
 * main connection's writes; its own writes wait for the write lock, `busy_timeout`, and commit
 * without an fsync of their own, as the outbox's bookkeeping did before); on PostgreSQL a small pool.
 * The schema is the main connection's, migrated already: migrating again finds nothing to do.
 */
export async function openStorageSource(source: StorageSource, poolSize = 2): Promise<Storage> {
  // searchIndex off: the server's own store keeps the index; this connection's transactions must not lock it.
  if (source.kind === 'sqlite') return openSqlite({ file: source.file, synchronous: 'NORMAL', searchIndex: 'off' });
  const { openPostgres } = await import('./postgres/index.js');
  return openPostgres({ connectionString: source.connectionString, poolSize, ...(source.schema ? { schema: source.schema } : {}) });
}

import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Storage } from '../../ports/storage/index.js';
import { openSqlite } from './sqlite/index.js';
import { claimDataDir } from './sqlite/server-lock.js';

/**
 * PostgreSQL when DATABASE_URL is set (its driver is loaded only then), else SQLite in the data dir,
 * which this server then holds (see `claimDataDir`) until the store is closed.
 */
export async function openStorage(config: Config, log?: Logger): Promise<Storage> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres({ connectionString: config.databaseUrl });
  }
  const release = claimDataDir(config.dataDir);
  const storage = openSqlite({
    file: path.join(config.dataDir, 'parley.db'),
    synchronous: config.sqliteSynchronous,
    checkpointInBackground: true,
    onCheckpointWorkerExit(err, restartInMs) {
      // Commits go on without it (their own checkpoint bounds the WAL); one that keeps dying is worth a look.
      log?.warn({ err, restartInMs }, 'SQLite checkpoint worker ended; starting another');
    },
    searchIndex: 'worker',
    onSearchWorkerExit(err, restartInMs) {
      // It resumes where the index file says it stopped; searches wait for it meanwhile.
      log?.warn({ err, restartInMs }, 'SQLite search index worker ended; starting another');
    },
  });
  const close = storage.close.bind(storage);
  return Object.assign(storage, {
    async close() {
      await close();
      release();
    },
  });
}

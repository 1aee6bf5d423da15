import path from 'node:path';
import type { Config } from '../../config.js';
import type { Storage } from '../../ports/storage/index.js';
import { openSqlite } from './sqlite/index.js';

/** PostgreSQL when DATABASE_URL is set (its driver is loaded only then), else SQLite in the data dir. */
export async function openStorage(config: Config): Promise<Storage> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./postgres/index.js');
    return openPostgres({ connectionString: config.databaseUrl });
  }
  return openSqlite({ file: path.join(config.dataDir, 'parley.db'), synchronous: config.sqliteSynchronous });
}

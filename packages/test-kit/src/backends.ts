import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { openSqlite } from '../../server/src/adapters/storage/sqlite/index.js';
import type { Storage, StorageDialect } from '../../server/src/ports/storage/index.js';
import { type AllTables, readAllPostgresTables, readAllSqliteTables } from './all-tables.js';
import { describePostgres, openPostgresSchema } from './postgres.js';

/** A store that can be closed and opened again on the same data, as a restarted server would. */
export interface StoreHandle {
  storage: Storage;
  reopen(): Promise<Storage>;
  dispose(): Promise<void>;
  /** Every row of every table of the data set, read raw beside the adapter (tests that search everything). */
  readAllTables(): Promise<AllTables>;
}

export interface Backend {
  /** The `Storage.dialect` of the stores it creates; any backend's name, not only the known ones. */
  name: StorageDialect;
  /**
   * Queries run inside the test process, with no network round trip: a suite can afford several
   * times the iterations. Ask this, never the name, when a suite scales to the backend.
   */
  inProcess: boolean;
  create(): Promise<StoreHandle>;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  inProcess: true,
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
    const file = path.join(dir, 'parley.db');
    const handle: StoreHandle = {
      storage: openSqlite({ file }),
      async reopen() {
        await handle.storage.close();
        handle.storage = openSqlite({ file });
        return handle.storage;
      },
      async dispose() {
        await handle.storage.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
      async readAllTables() {
        return readAllSqliteTables(file);
      },
    };
    return handle;
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  inProcess: false,
  async create() {
    const schema = await openPostgresSchema();
    const handle: StoreHandle = {
      storage: await schema.open(),
      async reopen() {
        await handle.storage.close();
        handle.storage = await schema.open();
        return handle.storage;
      },
      async dispose() {
        await handle.storage.close();
        await schema.drop();
      },
      readAllTables: () => readAllPostgresTables(schema.name),
    };
    return handle;
  },
};

/**
 * Runs the same suite against every storage backend: SQLite always, PostgreSQL when reachable
 * (skipped with a printed reason otherwise, and a failure when PARLEY_REQUIRE_POSTGRES=1).
 * Use with top-level await.
 */
export async function describeEachBackend(name: string, suite: (backend: Backend) => void): Promise<void> {
  describe(`${name} [sqlite]`, () => suite(sqliteBackend));
  await describePostgres(`${name} [postgres]`, () => suite(postgresBackend));
}

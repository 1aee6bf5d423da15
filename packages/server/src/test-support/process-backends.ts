import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describePostgres, openPostgresSchema, postgresSchemaUrl } from '@parley/test-kit/postgres';
import { describe } from 'vitest';
import type { StorageDialect } from '../ports/storage/index.js';

/** Where a server process keeps its data: the environment that points it there, the same for every restart. */
export interface ProcessStore {
  /** PARLEY_DATA_DIR, and DATABASE_URL for PostgreSQL (empty for SQLite, so none is inherited). */
  env: Record<string, string>;
  /** Deletes the data; stop the process first. */
  dispose(): Promise<void>;
}

export interface ProcessBackend {
  /** The backend the server process opens, as its `/healthz` names it (`Storage.dialect`). */
  name: StorageDialect;
  create(): Promise<ProcessStore>;
}

const tempDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-process-'));

/** `parley.db` in a temporary PARLEY_DATA_DIR. */
export const sqliteProcessBackend: ProcessBackend = {
  name: 'sqlite',
  async create() {
    const dir = tempDataDir();
    return {
      env: { PARLEY_DATA_DIR: dir, DATABASE_URL: '' },
      async dispose() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A throwaway schema of the test database, as the in-process PostgreSQL suites use, named in DATABASE_URL. */
export const postgresProcessBackend: ProcessBackend = {
  name: 'postgres',
  async create() {
    const schema = await openPostgresSchema();
    // Opening once creates the schema and its tables; the server process finds them through search_path.
    await (await schema.open()).close();
    const dir = tempDataDir();
    return {
      env: { PARLEY_DATA_DIR: dir, DATABASE_URL: postgresSchemaUrl(schema.name) },
      async dispose() {
        await schema.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * Runs a suite against a server process on SQLite, and on PostgreSQL when reachable (skipped with a
 * printed reason otherwise, and a failure when PARLEY_REQUIRE_POSTGRES=1). Use with top-level await.
 */
export async function describeEachProcessBackend(name: string, suite: (backend: ProcessBackend) => void): Promise<void> {
  describe(`${name} [sqlite]`, () => suite(sqliteProcessBackend));
  await describePostgres(`${name} [postgres]`, () => suite(postgresProcessBackend));
}

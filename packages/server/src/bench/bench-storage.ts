import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite, type SqliteOptions } from '../adapters/storage/sqlite/index.js';
import type { Storage } from '../ports/storage/index.js';

/**
 * A fresh SQLite store in a temporary file, opened as the server opens its own unless `options` says
 * otherwise, removed afterwards.
 */
export async function withSqlite<T>(
  fn: (storage: Storage, file: string) => Promise<T>,
  options: Omit<SqliteOptions, 'file'> = {},
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const file = path.join(dir, 'parley.db');
  const storage = openSqlite({ file, checkpointInBackground: true, searchIndex: 'worker', ...options });
  try {
    return await fn(storage, file);
  } finally {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A fresh PostgreSQL store in a throwaway schema (dropped afterwards), with `sql` to run statements
 * in that schema. Without a reachable server it answers a table row saying why it did not run.
 */
export async function withPostgres(
  fn: (storage: Storage, sql: (text: string, values?: unknown[]) => Promise<void>) => Promise<string>,
): Promise<string> {
  const url = process.env.PARLEY_BENCH_DATABASE_URL || process.env.PARLEY_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_${Date.now()}`;
  let storage: Storage;
  try {
    const { openPostgres } = await import('../adapters/storage/postgres/index.js');
    storage = await openPostgres({ connectionString: url, schema });
  } catch (err) {
    return `| PostgreSQL | not run: ${(err as Error).message} | | | | |`;
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  try {
    return await fn(storage, async (text, values) => {
      await client.query(text, values);
    });
  } finally {
    await storage.close();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describePostgres, openPostgresSchema, postgresTestUrl } from '@parley/test-kit/postgres';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from './postgres/migrations.js';
import { openSqlite } from './sqlite/index.js';
import { SCHEMA_VERSION } from './sqlite/migrations.js';

/** What an older server says when it meets a database a newer one migrated: it refuses, and writes nothing. */
const refusal = (known: number) =>
  `the database's schema is version ${known + 1}, made by a newer Parley; this one knows versions up to ${known}`;

describe('an older server on a newer schema [sqlite]', () => {
  it('refuses to open it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-newer-'));
    const file = path.join(dir, 'parley.db');
    try {
      await openSqlite({ file }).close();
      const db = new BetterSqlite3(file);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION + 1, Date.now());
      db.close();
      expect(() => openSqlite({ file })).toThrow(refusal(SCHEMA_VERSION));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describePostgres('an older server on a newer schema [postgres]', () => {
  it('refuses to open it', async () => {
    const schema = await openPostgresSchema();
    const client = new pg.Client({ connectionString: postgresTestUrl() });
    try {
      await (await schema.open()).close();
      await client.connect();
      await client.query(`INSERT INTO ${schema.name}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [
        POSTGRES_SCHEMA_VERSION + 1,
        Date.now(),
      ]);
      await expect(schema.open()).rejects.toThrow(refusal(POSTGRES_SCHEMA_VERSION));
    } finally {
      await client.end();
      await schema.drop();
    }
  });
});

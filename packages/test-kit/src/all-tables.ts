import BetterSqlite3 from 'better-sqlite3';
import { quoteIdentifier } from '../../server/src/adapters/storage/postgres/migrations.js';
import { postgresTestUrl } from './postgres.js';

/** Every row of every table, by table name: what a test searches when nothing may be left anywhere. */
export type AllTables = Record<string, Array<Record<string, unknown>>>;

/**
 * Every table of a SQLite database file, read over a connection of its own (WAL: it sees what the
 * server's connection committed), whatever tables the migrations made.
 */
export function readAllSqliteTables(file: string): AllTables {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    return Object.fromEntries(
      names.map((name) => [name, db.prepare(`SELECT * FROM "${name.replaceAll('"', '""')}"`).all() as Array<Record<string, unknown>>]),
    );
  } finally {
    db.close();
  }
}

/** Every table of a PostgreSQL schema, read over a connection of its own. */
export async function readAllPostgresTables(schema: string): Promise<AllTables> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: postgresTestUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
      [schema],
    );
    const tables: AllTables = {};
    for (const { table_name: name } of rows) {
      tables[name] = (await client.query(`SELECT * FROM ${quoteIdentifier(schema)}.${quoteIdentifier(name)}`)).rows;
    }
    return tables;
  } finally {
    await client.end();
  }
}

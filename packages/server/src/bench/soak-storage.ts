import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParleyOptions } from './parley-process.js';

/** Where one server of the run keeps its data, and how to throw it away afterwards. */
export interface SoakStorage {
  options: ParleyOptions;
  label: string;
  /** Bytes on disk at the end (SQLite file and WAL), for the report; 0 for PostgreSQL. */
  size(): number;
  remove(): Promise<void>;
}

/**
 * A fresh temporary data dir (SQLite, synchronous=FULL, and the server's log), or with a
 * postgres:// URL a fresh schema in that database: the server is pointed at it through the
 * connection's `options=-c search_path=...`, so nothing of an earlier run is read or touched.
 */
export async function freshStorage(name: string, postgresUrl: string | undefined): Promise<SoakStorage> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${name}-`));
  const logFile = path.join(dataDir, 'server.log');
  const db = path.join(dataDir, 'parley.db');
  if (!postgresUrl) {
    return {
      options: { dataDir, logFile, synchronous: 'FULL' },
      label: 'SQLite (synchronous=FULL) in a temporary data dir',
      size: () => [db, `${db}-wal`].reduce((n, f) => n + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0), 0),
      remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `${name.replace(/[^a-z0-9]/g, '_')}_${Date.now()}`;
  const pg = (await import('pg')).default;
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await sql(`CREATE SCHEMA ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    options: { dataDir, logFile, databaseUrl: url.toString() },
    label: `PostgreSQL (${url.host}${url.pathname}, a throwaway schema)`,
    size: () => 0,
    remove: async () => {
      await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

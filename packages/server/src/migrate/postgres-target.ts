import type { Pool, PoolClient } from 'pg';
import { quoteIdentifier } from '../adapters/storage/postgres/migrations.js';

/** A column of a target table, as the PostgreSQL adapter's migrations made it. */
export interface TargetColumn {
  name: string;
  /** `format_type`: 'bigint', 'integer', 'text', 'boolean'… (the element type of the batch's arrays). */
  type: string;
  /** 'a' GENERATED ALWAYS AS IDENTITY, 'd' BY DEFAULT, '' none. */
  identity: string;
  /** May be left out of an INSERT: it has a default, is an identity, or takes NULL. */
  optional: boolean;
}

/** The target's record of a copy, in `parley_migration`: one row per table, and `RUN` for the run itself. */
export interface Progress {
  /** JSON of the last copied row's primary key (see sqlite-source `encodeKey`); null before the first batch. */
  lastKey: string | null;
  rowsCopied: number;
  done: boolean;
  /** The table held rows its migrations seed (counters) when the copy began: the copy overwrites them. */
  seeded: boolean;
}

export interface RunRecord {
  /** The SQLite file the copy reads, and its stamp when the copy began (see SqliteSource.stamp). */
  sourceFile: string;
  sourceStamp: string;
  startedAt: number;
  finishedAt: number | null;
}

export type TargetState =
  /** No table, or the PostgreSQL schema with nothing in it but what its migrations seed. */
  | { kind: 'empty' }
  /** This command's own run, stopped part-way: it resumes. */
  | { kind: 'interrupted'; run: RunRecord }
  | { kind: 'finished'; run: RunRecord }
  | { kind: 'not-empty'; why: string };

export const PROGRESS_TABLE = 'parley_migration';
const RUN = '';

/** The rows PostgreSQL's migrations insert into an empty schema: a schema holding only these is empty. */
const SEED_ONLY = `SELECT NOT EXISTS (SELECT 1 FROM counters WHERE name NOT IN ('epoch', 'supergroup_clock') OR (name = 'supergroup_clock' AND value <> 0)) AS empty`;

/** Its migration's one row says "done" in a schema without messages: only that is empty. */
const BACKFILL_SEED_ONLY = 'SELECT NOT EXISTS (SELECT 1 FROM search_backfill WHERE NOT done) AS empty';

export class TargetError extends Error {
  override name = 'TargetError';
}

/** The connection string fit for printing: without its password. */
export function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Connection errors can be an AggregateError (one per address tried) with an empty message. */
export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return errorText(error.errors[0]);
  if (error instanceof Error) return error.message || ('code' in error ? String(error.code) : error.name);
  return String(error);
}

/**
 * The PostgreSQL database the copy writes: its state (empty, our own interrupted run, finished, or
 * someone's data), its tables' columns, and the copy's progress record, kept beside the data so
 * that a batch and the progress it makes commit together.
 */
export class PostgresTarget {
  private lockHolder: PoolClient | undefined;

  private constructor(
    readonly pool: Pool,
    /** The schema tables are created in: the search_path's first existing one. */
    readonly schema: string,
  ) {}

  static async connect(url: string): Promise<PostgresTarget> {
    const pg = await import('pg').then(
      (module) => module.default,
      () => {
        throw new TargetError("PostgreSQL needs the optional 'pg' package (npm install pg)");
      },
    );
    const types = new pg.TypeOverrides();
    types.setTypeParser(pg.types.builtins.INT8, Number);
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000, types });
    pool.on('error', () => {});
    try {
      const { rows } = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
      const schema = rows[0]?.schema;
      if (!schema) throw new TargetError('its search_path names no existing schema: create the schema first (CREATE SCHEMA …)');
      return new PostgresTarget(pool, schema);
    } catch (error) {
      await pool.end();
      if (error instanceof TargetError) throw error;
      throw new TargetError(`cannot reach it: ${errorText(error)}`);
    }
  }

  /**
   * Takes a session lock on this schema for the whole run, so that two copies never write one
   * target. False when another holds it.
   */
  async lock(): Promise<boolean> {
    const client = await this.pool.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext('parley.migrate-to-postgres'), hashtext(current_schema())) AS ok",
    );
    if (rows[0]?.ok) this.lockHolder = client;
    else client.release();
    return this.lockHolder !== undefined;
  }

  /** What the target holds, judged by the tables of the source (`dataTables`: the same build's schema). */
  async inspect(dataTables: readonly string[]): Promise<TargetState> {
    const tables = await this.tableNames();
    if (tables.includes(PROGRESS_TABLE)) {
      const run = await this.run();
      if (!run) return { kind: 'not-empty', why: `${PROGRESS_TABLE} has no record of a run` };
      return run.finishedAt === null ? { kind: 'interrupted', run } : { kind: 'finished', run };
    }
    if (!tables.length) return { kind: 'empty' };
    // search_backfill is PostgreSQL's own (SQLite's search index is not copied, it is rebuilt there).
    const known = new Set([...dataTables, 'schema_migrations', 'search_backfill']);
    const foreign = tables.filter((t) => !known.has(t));
    if (foreign.length)
      return { kind: 'not-empty', why: `schema "${this.schema}" has tables that are not Parley's: ${foreign.join(', ')}` };
    const holding: string[] = [];
    for (const table of tables) {
      if (table === 'schema_migrations') continue;
      const sql =
        table === 'counters'
          ? SEED_ONLY
          : table === 'search_backfill'
            ? BACKFILL_SEED_ONLY
            : `SELECT NOT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS empty`;
      const { rows } = await this.pool.query<{ empty: boolean }>(sql);
      if (!rows[0]?.empty) holding.push(table);
    }
    if (holding.length) return { kind: 'not-empty', why: `schema "${this.schema}" holds Parley data (${holding.join(', ')})` };
    return { kind: 'empty' };
  }

  async tableNames(): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
    );
    return rows.map((r) => r.name);
  }

  /** The table's columns in order; [] when it does not exist. */
  async columns(table: string): Promise<TargetColumn[]> {
    const { rows } = await this.pool.query<{ name: string; type: string; identity: string; optional: boolean }>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attidentity AS identity,
              (a.atthasdef OR a.attidentity <> '' OR NOT a.attnotnull) AS optional
       FROM pg_attribute a
       WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1)) AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
      [table],
    );
    return rows;
  }

  /** The table's primary key columns, in order. */
  async primaryKey(table: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>(
      `SELECT a.attname AS name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
       WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident($1)) AND i.indisprimary
       ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [table],
    );
    return rows.map((r) => r.name);
  }

  /**
   * Starts the progress record of a fresh run: one row per table to copy (noting those holding
   * their migrations' seed rows), and the run's own row naming the source.
   */
  async beginRun(tables: readonly string[], run: Omit<RunRecord, 'finishedAt'>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`CREATE TABLE ${PROGRESS_TABLE} (
        -- One row per copied table, and the row '' for the run as a whole.
        table_name TEXT COLLATE "C" PRIMARY KEY,
        -- JSON: the primary key of the last row copied (NULL: none yet); the run row: the source's stamp.
        last_key TEXT,
        rows_copied BIGINT NOT NULL DEFAULT 0,
        seeded BOOLEAN NOT NULL DEFAULT FALSE,
        -- The run row: the SQLite file copied.
        source TEXT,
        started_at BIGINT,
        -- ms; NULL until the table (or, for the run row, the whole copy) is done.
        finished_at BIGINT
      )`);
      await client.query(`INSERT INTO ${PROGRESS_TABLE} (table_name, last_key, source, started_at) VALUES ($1, $2, $3, $4)`, [
        RUN,
        run.sourceStamp,
        run.sourceFile,
        run.startedAt,
      ]);
      for (const table of tables) {
        const seeded = (await client.query(`SELECT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS seeded`)).rows[0].seeded as boolean;
        await client.query(`INSERT INTO ${PROGRESS_TABLE} (table_name, seeded) VALUES ($1, $2)`, [table, seeded]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async run(): Promise<RunRecord | undefined> {
    const { rows } = await this.pool.query<{ source: string; last_key: string; started_at: number; finished_at: number | null }>(
      `SELECT source, last_key, started_at, finished_at FROM ${PROGRESS_TABLE} WHERE table_name = $1`,
      [RUN],
    );
    const r = rows[0];
    return r && { sourceFile: r.source, sourceStamp: r.last_key, startedAt: r.started_at, finishedAt: r.finished_at };
  }

  async progress(): Promise<Map<string, Progress>> {
    const { rows } = await this.pool.query<{
      table_name: string;
      last_key: string | null;
      rows_copied: number;
      finished_at: number | null;
      seeded: boolean;
    }>(`SELECT table_name, last_key, rows_copied, finished_at, seeded FROM ${PROGRESS_TABLE} WHERE table_name <> $1`, [RUN]);
    return new Map(
      rows.map((r) => [r.table_name, { lastKey: r.last_key, rowsCopied: r.rows_copied, done: r.finished_at !== null, seeded: r.seeded }]),
    );
  }

  /**
   * One batch and the progress it makes, as ONE statement (so one transaction, and one round
   * trip): the rows go in through `insertSql`, whose parameters are `params`; the progress row
   * moves to `lastKey` in the same commit, so a run stopped at any point resumes exactly after the
   * last batch that committed.
   */
  async copyBatch(table: string, insertSql: string, params: unknown[], lastKey: string): Promise<void> {
    const n = params.length;
    await this.pool.query(
      `WITH copied AS (${insertSql} RETURNING 1)
       UPDATE ${PROGRESS_TABLE} SET last_key = $${n + 1}, rows_copied = rows_copied + (SELECT COUNT(*) FROM copied)
       WHERE table_name = $${n + 2}`,
      [...params, lastKey, table],
    );
  }

  async finishTable(table: string): Promise<void> {
    await this.pool.query(`UPDATE ${PROGRESS_TABLE} SET finished_at = $1 WHERE table_name = $2`, [Date.now(), table]);
  }

  /**
   * An identity column (filled with the source's values, past its sequence) continues above the
   * highest value the source used (`atLeast`: what SQLite's AUTOINCREMENT handed out, deleted rows included).
   */
  async continueIdentity(table: string, column: string, atLeast: bigint): Promise<void> {
    const t = quoteIdentifier(table);
    const c = quoteIdentifier(column);
    await this.pool.query(
      `SELECT setval(pg_get_serial_sequence(quote_ident(current_schema()) || '.' || quote_ident($1), $2), GREATEST(high, 1), high > 0)
       FROM (SELECT GREATEST(COALESCE(MAX(${c}), 0), $3::bigint) AS high FROM ${t}) AS h`,
      [table, column, atLeast.toString()],
    );
  }

  /** Fresh statistics, so that the planner knows the tables' sizes from the first query the server sends. */
  async analyze(table: string): Promise<void> {
    await this.pool.query(`ANALYZE ${quoteIdentifier(table)}`);
  }

  /**
   * The copied messages came without their search index (SQLite's is an FTS5 table, not copied):
   * the next open of the store indexes them all again (the adapter's backfillSearch).
   */
  async reindexSearch(): Promise<void> {
    await this.pool.query("UPDATE search_backfill SET done = FALSE, channel_type = 0, channel_id = '', seq = 0 WHERE id = 1");
  }

  async finishRun(): Promise<void> {
    await this.pool.query(`UPDATE ${PROGRESS_TABLE} SET finished_at = $1 WHERE table_name = $2`, [Date.now(), RUN]);
  }

  async close(): Promise<void> {
    this.lockHolder?.release();
    this.lockHolder = undefined;
    await this.pool.end();
  }
}

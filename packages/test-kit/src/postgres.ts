import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { openPostgres } from '../../server/src/adapters/storage/postgres/index.js';
import { quoteIdentifier } from '../../server/src/adapters/storage/postgres/migrations.js';
import type { Storage } from '../../server/src/ports/storage/index.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
const CONNECT_TIMEOUT_MS = 2000;

export const postgresTestUrl = (): string => process.env.PARLEY_TEST_DATABASE_URL || DEFAULT_URL;

/** CI sets this so that a missing database fails the run instead of quietly skipping suites. */
const postgresRequired = (): boolean => process.env.PARLEY_REQUIRE_POSTGRES === '1';

/** Resolves to undefined when PostgreSQL answers, else to why not. Asked once per test process. */
let probe: Promise<string | undefined> | undefined;

const whyUnreachable = (): Promise<string | undefined> => {
  probe ??= tryConnect();
  return probe;
};

async function tryConnect(): Promise<string | undefined> {
  let pg: typeof import('pg').default;
  try {
    pg = (await import('pg')).default;
  } catch {
    return "the optional 'pg' package is not installed";
  }
  const client = new pg.Client({ connectionString: postgresTestUrl(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return errorText(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Connection errors can be an AggregateError (one per address tried) with an empty message. */
function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return errorText(error.errors[0]);
  if (error instanceof Error) return error.message || ('code' in error ? String(error.code) : error.name);
  return String(error);
}

/** The test URL fit for printing: without its password. */
function printableUrl(): string {
  try {
    const url = new URL(postgresTestUrl());
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable PARLEY_TEST_DATABASE_URL)';
  }
}

export async function postgresAvailable(): Promise<boolean> {
  return (await whyUnreachable()) === undefined;
}

/**
 * `describe` for suites that need PostgreSQL; use with top-level await. Without a reachable server
 * the suite is skipped with one line saying why, unless PARLEY_REQUIRE_POSTGRES=1, where it throws.
 */
export async function describePostgres(name: string, fn: () => void): Promise<void> {
  const reason = await whyUnreachable();
  if (reason === undefined) {
    describe(name, fn);
    return;
  }
  const problem = `PostgreSQL at ${printableUrl()} is not reachable: ${reason}`;
  if (postgresRequired()) throw new Error(`${problem} (PARLEY_REQUIRE_POSTGRES=1 forbids skipping the PostgreSQL suites)`);
  console.warn(
    `Skipping the PostgreSQL suites: ${problem}. Set PARLEY_TEST_DATABASE_URL to point at one, or PARLEY_REQUIRE_POSTGRES=1 to fail instead.`,
  );
  describe.skip(name, fn);
}

/** A throwaway schema: every `open()` is a fresh adapter (own pool) on the same data, as after a restart. */
export interface TestSchema {
  readonly name: string;
  open(): Promise<Storage>;
  /** Drops the schema and everything in it; close its adapters first. */
  drop(): Promise<void>;
}

export async function openPostgresSchema(): Promise<TestSchema> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  return {
    name,
    // The adapter creates the schema on first open.
    open: () => openPostgres({ connectionString: postgresTestUrl(), schema: name, poolSize: 8 }),
    drop: () => dropSchema(name),
  };
}

/** The adapter in a throwaway schema of its own; `close()` also drops the schema. */
export async function openTestPostgres(): Promise<Storage> {
  const [storage] = await openTestPostgresNodes(1);
  return storage as Storage;
}

/**
 * `count` adapters, each with its own pool, opened at the same time on one throwaway schema: what
 * several server nodes sharing a database look like. The schema is dropped once all are closed.
 */
export async function openTestPostgresNodes(count: number): Promise<Storage[]> {
  const schema = await openPostgresSchema();
  const opened = await Promise.allSettled(Array.from({ length: count }, () => schema.open()));
  const nodes = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failure = opened.find((o) => o.status === 'rejected');
  if (failure) {
    await Promise.all(nodes.map((node) => node.close()));
    await schema.drop();
    throw failure.reason;
  }
  let open = nodes.length;
  return nodes.map((node) => {
    let closed: Promise<void> | undefined;
    const closeAndMaybeDrop = async () => {
      await node.close();
      if (--open === 0) await schema.drop();
    };
    return { ...node, close: () => (closed ??= closeAndMaybeDrop()) };
  });
}

async function dropSchema(schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: postgresTestUrl(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The test URL with `search_path` set to `schema`: a server process given it as DATABASE_URL keeps
 * its tables there. The schema must exist already (a `TestSchema`'s first `open()` creates it).
 */
export function postgresSchemaUrl(schema: string): string {
  const url = new URL(postgresTestUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

import type { Pool } from 'pg';
import type { Storage } from '../../../ports/storage/index.js';
import { STORAGE_TABLES } from '../rows.js';
import { postgresChannels } from './channels.js';
import { postgresConversations } from './conversations.js';
import { postgresMessageState } from './message-state.js';
import { postgresMessages } from './messages.js';
import { migrate } from './migrations.js';
import { postgresPresence } from './presence.js';
import { postgresRetention } from './retention.js';
import { backfillSearch, postgresSearch } from './search.js';
import { postgresStreams } from './streams.js';
import { postgresSyncOnce } from './sync-once.js';
import { postgresUserData } from './user-data.js';
import { postgresUsers } from './users.js';
import { postgresWebhookOutbox } from './webhook-outbox.js';

export interface PostgresOptions {
  connectionString: string;
  /** Keeps every table in this schema (created if missing) instead of the connection's default one. */
  schema?: string;
  poolSize?: number;
}

/** Lower-case identifiers only: they need no quoting in the search_path startup option. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openPostgres(options: PostgresOptions): Promise<Storage> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`);
  }
  const pool = await createPool(options);
  try {
    await migrate(pool, schema);
    await backfillSearch(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    dialect: 'postgres',
    // A pool and row locks: batches on different channels commit side by side (4 measured best end to end; 8 only for the commit alone).
    commitConcurrency: 4,
    users: postgresUsers(pool),
    channels: postgresChannels(pool),
    messages: postgresMessages(pool),
    conversations: postgresConversations(pool),
    messageState: postgresMessageState(pool),
    streams: postgresStreams(pool),
    syncOnce: postgresSyncOnce(pool),
    retention: postgresRetention(pool),
    search: postgresSearch(pool),
    userData: postgresUserData(pool),
    webhookOutbox: postgresWebhookOutbox(pool),
    presence: postgresPresence(pool),
    source: { kind: 'postgres', connectionString: options.connectionString, ...(schema ? { schema } : {}) },
    async rowCounts() {
      const { rows } = await pool.query<Record<string, number>>(
        `SELECT ${STORAGE_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t}) AS ${t}`).join(', ')}`,
      );
      return { ...rows[0] };
    },
    close() {
      // pg refuses a second end(); the port has close() idempotent.
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * `pg` is an optional dependency, loaded only here so that a server on another backend starts without it.
 * BIGINT columns (ms timestamps, seqs, versions) come back as JS numbers: they stay far below 2^53,
 * and the parser is set on this pool only, never on pg's global defaults.
 */
async function createPool(options: PostgresOptions): Promise<Pool> {
  const pg = await import('pg').then(
    (module) => module.default,
    (error: unknown) => {
      throw new Error("PostgreSQL storage needs the optional 'pg' package (npm install pg)", { cause: error });
    },
  );
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection that dies (server restart, network) is dropped by the pool and replaced on
  // the next query, which reports any lasting failure; without a listener it would crash the process.
  pool.on('error', () => {});
  return pool;
}

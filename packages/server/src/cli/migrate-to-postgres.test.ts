import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePostgres, openPostgresSchema, postgresSchemaUrl, postgresTestUrl, type TestSchema } from '@parley/test-kit/postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../adapters/storage/sqlite/migrations.js';
import { type ParleyServer, startServer } from '../app.js';
import { loadConfig } from '../config.js';
import { Api, type UseRecord, useLikePeople, whatUsersSee } from '../test-support/migration-world.js';

/** The compiled binary, as an operator runs it (`npm test` builds it before vitest). */
const PARLEY_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `parley migrate-to-postgres …` as a child process, with only the environment given (none of the shell's PARLEY_* or DATABASE_URL). */
function migrate(env: Record<string, string>, ...args: string[]): Promise<Run> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PARLEY_') && key !== 'DATABASE_URL'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PARLEY_MAIN, 'migrate-to-postgres', ...args],
      { env: { ...inherited, ...env } },
      (error, stdout, stderr) => {
        const failed = error as (Error & { code?: number; signal?: string }) | null;
        resolve({ code: failed ? (failed.code ?? null) : 0, signal: failed?.signal ?? null, stdout, stderr });
      },
    );
  });
}

const serverEnv = (dataDir: string, extra: Record<string, string> = {}) =>
  loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dataDir, PARLEY_SEND_RATE_PER_SEC: '0', ...extra });

async function sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: postgresTestUrl() });
  await client.connect();
  try {
    return (await client.query(query)).rows as T[];
  } finally {
    await client.end();
  }
}

await describePostgres('parley migrate-to-postgres', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrate-'));
  const schemas: TestSchema[] = [];
  let sqliteServer: ParleyServer | undefined;
  let use: UseRecord;
  let before: Record<string, unknown>;
  const env = { PARLEY_DATA_DIR: dataDir };

  /** A schema of its own: `bare` has no table yet; otherwise the adapter's migrations made it, with nothing stored. */
  async function freshSchema(bare: boolean): Promise<{ url: string; name: string }> {
    const schema = await openPostgresSchema();
    schemas.push(schema);
    if (bare) await sql(`CREATE SCHEMA ${schema.name}`);
    else await (await schema.open()).close();
    return { url: postgresSchemaUrl(schema.name), name: schema.name };
  }

  beforeAll(async () => {
    // A real server on the data dir's SQLite file, used through its API like an app and its users; its
    // webhook receiver is nowhere, so every event it records is still in the outbox when it stops.
    sqliteServer = await startServer(serverEnv(dataDir, { PARLEY_WEBHOOK_URL: 'http://127.0.0.1:9/nobody' }));
    const api = new Api(sqliteServer.url, sqliteServer.ctx.config.appSecret);
    use = await useLikePeople(api);
    before = await whatUsersSee(api, use);
  }, 60_000);

  afterAll(async () => {
    await sqliteServer?.close();
    for (const schema of schemas) await schema.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses while a server runs on the data dir, with one line and exit 1', async () => {
    const { url, name } = await freshSchema(true);
    const run = await migrate(env, '--database-url', url);
    expect([run.code, run.stderr.trim()]).toEqual([
      1,
      `parley migrate-to-postgres: a Parley server (pid ${process.pid}) is running on ${dataDir}: stop it first`,
    ]);
    expect(await sql(`SELECT tablename FROM pg_tables WHERE schemaname = '${name}'`)).toEqual([]);
  });

  it('copies everything, resumes after being killed part-way, and a server on PostgreSQL then shows every user what SQLite showed', async () => {
    await sqliteServer?.close();
    sqliteServer = undefined;
    const { url, name } = await freshSchema(true);

    // Killed after a few batches of 3 rows: some tables copied, one part-way, the rest not begun.
    const killed = await migrate(env, '--database-url', url, '--batch-size', '3', '--test-crash-after-batches', '7');
    expect([killed.code, killed.signal]).toEqual([null, 'SIGKILL']);
    const [run] = await sql<{ finished_at: number | null }>(`SELECT finished_at FROM ${name}.parley_migration WHERE table_name = ''`);
    expect(run?.finished_at).toBeNull();
    const partial = await sql<{ table_name: string; rows_copied: string; finished_at: string | null }>(
      `SELECT table_name, rows_copied, finished_at FROM ${name}.parley_migration WHERE table_name <> '' ORDER BY table_name`,
    );
    const state = (r: (typeof partial)[number]) => (r.finished_at !== null ? 'done' : Number(r.rows_copied) > 0 ? 'part-way' : 'not begun');
    expect(partial.filter((r) => state(r) === 'part-way')).toHaveLength(1);
    expect(partial.filter((r) => state(r) === 'done').length).toBeGreaterThan(0);
    expect(partial.filter((r) => state(r) === 'not begun').length).toBeGreaterThan(0);

    // Started again: it says it resumes, copies the rest, and verifies.
    const resumed = await migrate(env, '--database-url', url, '--batch-size', '3');
    expect([resumed.code, resumed.stderr]).toEqual([0, '']);
    const lines = resumed.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${path.join(dataDir, 'parley.db')} (SQLite, schema version ${SCHEMA_VERSION}) -> ${url} (schema "${name}")`);
    expect(lines).toContain('blacklist: copied by the earlier run (1 rows)');
    expect(lines.some((l) => /^conversations: resuming after \d+ of \d+ rows$/.test(l))).toBe(true);
    expect(lines).toContain('verify: row counts of every table: equal');
    expect(lines.filter((l) => l.startsWith('verify: ')).every((l) => l.endsWith(': identical') || l.endsWith(': equal'))).toBe(true);
    expect(lines.some((l) => /^copied \d+ rows in [\d.]+ s: [\d,]+ rows\/s \(peak RSS \d+ MB\)$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^done: set DATABASE_URL to /);
    // The real use above left rows in every table (but an erasure's work list, empty once it
    // finished, and the webhook's: no dead letters, no URL set through the admin API, and the
    // lanes only once a failed attempt was recorded), and every one was copied.
    const copied = await sql<{ table_name: string; rows_copied: string }>(
      `SELECT table_name, rows_copied FROM ${name}.parley_migration WHERE table_name <> '' ORDER BY table_name`,
    );
    const empty = copied.filter((r) => Number(r.rows_copied) === 0).map((r) => r.table_name);
    expect(empty).toContain('erasure_replies');
    expect(empty.filter((t) => !['erasure_replies', 'webhook_dead_letters', 'webhook_endpoint', 'webhook_lanes'].includes(t))).toEqual([]);
    expect(copied.map((r) => r.table_name)).toEqual([
      'blacklist',
      'channels',
      'conversation_labels',
      'conversations',
      'counters',
      'deleted_messages',
      'erasure_replies',
      'members',
      'messages',
      'reactions',
      'receipts',
      'sync_once_messages',
      'sync_once_queue',
      'user_erasures',
      'users',
      'webhook_dead_letters',
      'webhook_endpoint',
      'webhook_lanes',
      'webhook_outbox',
      'whitelist',
    ]);

    // A server on PostgreSQL, same data dir (the uploaded files), same app secret (the same tokens).
    const pgServer = await startServer(serverEnv(dataDir, { DATABASE_URL: url }));
    try {
      expect(pgServer.ctx.storage.dialect).toBe('postgres');
      const api = new Api(pgServer.url, pgServer.ctx.config.appSecret);
      expect(await whatUsersSee(api, use)).toEqual(before);

      // New sends continue each channel's seqs.
      for (const [name, next] of [
        ['ab8', 'after the move'],
        ['img', 'group after the move'],
        ['sg7', 'super group after the move'],
      ] as const) {
        const last = use.sends.get(name) as NonNullable<ReturnType<typeof use.sends.get>>;
        const ack = await api.ok('POST', '/v1/messages', {
          token: use.tokens[last.as],
          body: { ...last.body, clientMsgNo: `${last.body.clientMsgNo}-after`, payload: { type: 1, content: next } },
        });
        expect([ack.reasonCode, ack.messageSeq]).toEqual([1, last.ack.messageSeq + 1]);
      }
      // A resend of a clientMsgNo from before the move gets the first ack and stores nothing.
      for (const name of ['ab1', 'g6', 'sg2', 'once-carol']) {
        const first = use.sends.get(name) as NonNullable<ReturnType<typeof use.sends.get>>;
        const again = await api.ok('POST', '/v1/messages', { token: use.tokens[first.as], body: first.body });
        expect([again.messageId, again.messageSeq, again.timestamp]).toEqual([
          first.ack.messageId,
          first.ack.messageSeq,
          first.ack.timestamp,
        ]);
      }
      const history = await api.ok('GET', `/v1/conversations/${encodeURIComponent('p2p|alice')}/messages?limit=100`, {
        token: use.tokens.bob,
      });
      expect(history.messages.map((m: { messageSeq: number }) => m.messageSeq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // The sync-once queue goes on in order: a new one waits behind dave's older one.
      const once = await api.ok('POST', '/v1/messages', {
        token: use.tokens.alice,
        body: {
          channelId: 'dave',
          channelType: 1,
          clientMsgNo: 'once-after-the-move',
          payload: { type: 1099, cmd: 'x' },
          header: { syncOnce: true },
        },
      });
      const waiting = await api.ok('GET', '/v1/messages/sync-once', { token: use.tokens.dave });
      expect(waiting.messages.map((m: { messageId: string }) => m.messageId)).toEqual([
        use.sends.get('once-carol')?.ack.messageId,
        once.messageId,
      ]);
      // A token issued on SQLite goes on working: its versions and epoch were copied.
      const sync = await api.ok('GET', `/v1/conversations/sync?since=${encodeURIComponent(use.earlyBobToken)}`, { token: use.tokens.bob });
      expect(sync.reset).toBe(false);
      expect(sync.changes.map((c: { conversationId: string }) => c.conversationId)).toContain('p2p|alice');
    } finally {
      await pgServer.close();
    }
  });

  it('refuses a missing SQLite file, an unreachable database, a target with data, a second run into its finished copy; --verify-only compares again', async () => {
    const { url, name } = await freshSchema(false);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrate-empty-'));
    try {
      const missing = await migrate({ PARLEY_DATA_DIR: empty }, '--database-url', url);
      expect([missing.code, missing.stderr.trim()]).toEqual([
        1,
        `parley migrate-to-postgres: no SQLite database at ${path.join(empty, 'parley.db')} (set PARLEY_DATA_DIR to the server's data directory)`,
      ]);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const unreachable = await migrate(env, '--database-url', 'postgres://postgres@127.0.0.1:1/test');
    expect([unreachable.code, unreachable.stderr.trim()]).toEqual([
      1,
      'parley migrate-to-postgres: PostgreSQL at postgres://postgres@127.0.0.1:1/test: cannot reach it: connect ECONNREFUSED 127.0.0.1:1',
    ]);
    const nothingYet = await migrate(env, '--database-url', url, '--verify-only');
    expect([nothingYet.code, nothingYet.stderr.trim()]).toEqual([1, `parley migrate-to-postgres: nothing to verify: ${url} is empty`]);

    // A schema the adapter made and a server used: one user is enough to refuse.
    const used = await openPostgresSchema();
    schemas.push(used);
    const store = await used.open();
    await store.users.upsert('someone', {}, Date.now());
    await store.close();
    const full = await migrate(env, '--database-url', postgresSchemaUrl(used.name));
    expect([full.code, full.stderr.trim()]).toEqual([
      1,
      `parley migrate-to-postgres: the target is not empty: schema "${used.name}" holds Parley data (users); copy into an empty database or schema`,
    ]);

    // The adapter's empty schema (its seeded counters overwritten by SQLite's): copied and verified.
    const copied = await migrate(env, '--database-url', url);
    expect([copied.code, copied.stderr, copied.stdout]).toEqual([0, '', expect.stringContaining('verified in')]);
    const again = await migrate(env, '--database-url', url);
    expect([again.code, again.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(
        /^parley migrate-to-postgres: the target already holds a finished copy of .*parley\.db \(.*\); --verify-only compares them again$/,
      ),
    ]);
    const verified = await migrate(env, '--database-url', url, '--verify-only');
    expect([verified.code, verified.stderr]).toEqual([0, '']);
    expect(verified.stdout).not.toMatch(/^copied/m);
    expect(verified.stdout).toMatch(/^verified in [\d.]+ s: PostgreSQL shows every user what SQLite shows$/m);

    // A difference is found and named, and the exit is non-zero.
    await sql(`UPDATE ${name}.conversations SET read_seq = 0, read_ord = 0 WHERE uid = 'alice' AND conversation_id = 'p2p|bob'`);
    const differs = await migrate(env, '--database-url', url, '--verify-only');
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('user alice conversation list page 1: ok.conversations[0].readSeq:');
    expect(differs.stderr.trim()).toMatch(
      /^parley migrate-to-postgres: verification found \d+ difference\(s\): PostgreSQL does not show users what SQLite shows$/,
    );
  });
});

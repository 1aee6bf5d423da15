import fs from 'node:fs';
import path from 'node:path';
import { openPostgres } from '../adapters/storage/postgres/index.js';
import { openSqlite } from '../adapters/storage/sqlite/index.js';
import { claimDataDir, serverHolding } from '../adapters/storage/sqlite/server-lock.js';
import { ConfigError, loadConfig } from '../config.js';
import { CopyFailed, copyTables, count } from '../migrate/copy-tables.js';
import { PostgresTarget, printableUrl, type TargetState } from '../migrate/postgres-target.js';
import { SqliteSource } from '../migrate/sqlite-source.js';
import { planTableCopy, SchemaMismatch } from '../migrate/table-copy-plan.js';
import { verifyStores } from '../migrate/verify-stores.js';
import type { Storage } from '../ports/storage/index.js';
import { type Command, type CommandContext, CommandError, parseOptions } from './command.js';

/** The server's SQLite file in its data dir (adapters/storage/open.ts). */
const SQLITE_FILE = 'parley.db';
const DEFAULT_BATCH = 2000;
const PROGRESS_EVERY_MS = 5000;
const MAX_DIFFERENCES = 20;

const usage = `usage: parley migrate-to-postgres --database-url postgres://… [--batch-size N] [--verify-only]

Copies the SQLite database of PARLEY_DATA_DIR (default ./data) into an empty PostgreSQL database,
everything a server stored, then compares both as users see them and exits non-zero on any difference.
The server must be stopped. An interrupted run resumes when started again with the same arguments.

  --database-url URL   the target (default: DATABASE_URL); to use a schema other than the default one,
                       add ?options=-c%20search_path%3D<schema> (the schema must exist)
  --batch-size N       rows per INSERT and commit (default ${DEFAULT_BATCH})
  --verify-only        copy nothing: compare a finished copy with the SQLite database again
  --test-crash-after-batches N
                       for tests only: the process kills itself (SIGKILL) after N committed batches`;

export const migrateToPostgres: Command = {
  name: 'migrate-to-postgres',
  summary: 'Copy the SQLite database into an empty PostgreSQL database, then verify it',
  usage,
  run,
};

async function run(args: readonly string[], ctx: CommandContext): Promise<void> {
  const options = parseOptions(args, { values: ['database-url', 'batch-size', 'test-crash-after-batches'], flags: ['verify-only'] });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(ctx.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
  const url = stringOption(options['database-url']) ?? config.databaseUrl;
  if (!url) throw new CommandError('--database-url postgres://… is required (or DATABASE_URL)');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new CommandError('--database-url must be a postgres:// or postgresql:// URL');
  const batchSize = intOption(options['batch-size'], 'batch-size', DEFAULT_BATCH, 1, 100_000);
  const crashAfter =
    options['test-crash-after-batches'] === undefined
      ? undefined
      : intOption(options['test-crash-after-batches'], 'test-crash-after-batches', 1, 1, 1e9);
  const verifyOnly = options['verify-only'] === true;

  const { dataDir } = config;
  const holder = serverHolding(dataDir);
  if (holder !== undefined) throw new CommandError(`a Parley server (pid ${holder}) is running on ${dataDir}: stop it first`);
  const file = path.join(dataDir, SQLITE_FILE);
  if (!fs.existsSync(file)) throw new CommandError(`no SQLite database at ${file} (set PARLEY_DATA_DIR to the server's data directory)`);
  // Held for the whole run: a server started meanwhile refuses, as it would beside another server.
  let release: () => void;
  try {
    release = claimDataDir(dataDir);
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }

  const shown = printableUrl(url);
  const opened: Array<{ close(): unknown }> = [];
  try {
    const target = await PostgresTarget.connect(url).catch((error: Error) => {
      throw new CommandError(`PostgreSQL at ${shown}: ${error.message}`);
    });
    opened.push(target);
    if (!(await target.lock())) throw new CommandError(`another migrate-to-postgres is writing into ${shown} (schema "${target.schema}")`);
    // As the server would open it: an older file's schema is brought up to date first.
    const from = openSource(file);
    opened.push(from);
    const source = new SqliteSource(file);
    opened.push(source);
    const tables = source.tables();
    const state = await target.inspect(tables.map((t) => t.name));
    ctx.say(`${file} (SQLite, schema version ${source.schemaVersion()}) -> ${shown} (schema "${target.schema}")`);

    if (verifyOnly) {
      if (state.kind === 'empty') throw new CommandError(`nothing to verify: ${shown} is empty`);
      if (state.kind === 'interrupted') throw new CommandError('the copy into it is not finished: run without --verify-only to resume it');
      // Opening the store below would run its migrations: never into a schema that is not Parley's.
      const present = new Set(await target.tableNames());
      const missing = tables.filter((t) => !present.has(t.name)).map((t) => t.name);
      if (missing.length) throw new CommandError(`nothing to verify: schema "${target.schema}" has no ${missing.join(', ')}`);
    } else {
      refuseUnlessCopyable(state, source.stamp());
      const copied = await copy(ctx, { source, target, tables, url, file, state, batchSize, crashAfter });
      const rate = Math.round(copied.rows / Math.max(copied.seconds, 0.001));
      // Peak RSS so far, the copy's own need: two batches at a time, whatever the database's size.
      const peakMb = Math.round(process.resourceUsage().maxRSS / 1024);
      ctx.say(`copied ${count(copied.rows)} rows in ${copied.seconds.toFixed(1)} s: ${count(rate)} rows/s (peak RSS ${peakMb} MB)`);
    }

    const to = await openPostgres({ connectionString: url });
    opened.push(to);
    await verify(ctx, source, from, to, config.limits);
    ctx.say(
      `done: set DATABASE_URL to ${shown} and start the server; keep PARLEY_DATA_DIR=${dataDir}, where uploaded files stay (${path.join(dataDir, 'files')})`,
    );
  } finally {
    for (const resource of opened.reverse()) await resource.close();
    release();
  }
}

function refuseUnlessCopyable(state: TargetState, stamp: string): void {
  switch (state.kind) {
    case 'empty':
      return;
    case 'not-empty':
      throw new CommandError(`the target is not empty: ${state.why}; copy into an empty database or schema`);
    case 'finished':
      throw new CommandError(
        `the target already holds a finished copy of ${state.run.sourceFile} (${new Date(state.run.finishedAt ?? 0).toISOString()}); --verify-only compares them again`,
      );
    case 'interrupted':
      if (state.run.sourceStamp !== stamp)
        throw new CommandError(
          `the target holds an interrupted copy of ${state.run.sourceFile}, and this SQLite database is not the same data any more (a server ran on it since?): copy into a fresh database or schema`,
        );
  }
}

interface CopyJob {
  source: SqliteSource;
  target: PostgresTarget;
  tables: ReturnType<SqliteSource['tables']>;
  url: string;
  file: string;
  state: TargetState;
  batchSize: number;
  crashAfter: number | undefined;
}

async function copy(ctx: CommandContext, job: CopyJob) {
  const { source, target, tables } = job;
  // The PostgreSQL adapter's own migrations make the schema, exactly as a server's first start would.
  await (await openPostgres({ connectionString: job.url })).close();
  if (job.state.kind === 'empty') {
    await target.beginRun(
      tables.map((t) => t.name),
      { sourceFile: job.file, sourceStamp: source.stamp(), startedAt: Date.now() },
    );
  } else ctx.say(`resuming the copy begun ${new Date(job.state.kind === 'interrupted' ? job.state.run.startedAt : 0).toISOString()}`);
  const progress = await target.progress();
  const plans = [];
  for (const table of tables) {
    const seeded = progress.get(table.name)?.seeded;
    if (seeded === undefined)
      throw new CommandError(`the interrupted copy has no record of table ${table.name}: copy into a fresh database or schema`);
    try {
      plans.push({ table, plan: planTableCopy(table, await target.columns(table.name), await target.primaryKey(table.name), seeded) });
    } catch (error) {
      if (error instanceof SchemaMismatch) throw new CommandError(`the two schemas disagree: ${error.message}`);
      throw error;
    }
  }
  let copied: Awaited<ReturnType<typeof copyTables>>;
  try {
    copied = await copyTables(source, target, plans, progress, {
      batchSize: job.batchSize,
      progressEveryMs: PROGRESS_EVERY_MS,
      crashAfterBatches: job.crashAfter,
      say: ctx.say,
    });
  } catch (error) {
    if (error instanceof CopyFailed || error instanceof SchemaMismatch) throw new CommandError(error.message);
    throw error;
  }
  for (const { table, plan } of plans) {
    for (const column of plan.identities) await target.continueIdentity(table.name, column, source.autoincrementHigh(table.name));
    await target.analyze(table.name);
  }
  await target.reindexSearch();
  await target.finishRun();
  return copied;
}

async function verify(
  ctx: CommandContext,
  source: SqliteSource,
  from: Storage,
  to: Storage,
  limits: ReturnType<typeof loadConfig>['limits'],
) {
  const started = performance.now();
  const result = await verifyStores(source, from, to, { limits, concurrency: 8, maxDifferences: MAX_DIFFERENCES, say: ctx.say });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.differences.length) {
    for (const difference of result.differences) ctx.say(`  ${difference}`);
    const more = result.differences.length >= MAX_DIFFERENCES ? ` (stopped looking after ${MAX_DIFFERENCES})` : '';
    throw new CommandError(
      `verification found ${result.differences.length} difference(s)${more}: PostgreSQL does not show users what SQLite shows`,
    );
  }
  ctx.say(`verified in ${seconds} s: PostgreSQL shows every user what SQLite shows`);
}

function openSource(file: string): Storage {
  try {
    // The copy and its check read messages, not the search index: no indexing on the way.
    return openSqlite({ file, searchIndex: 'off' });
  } catch (error) {
    throw new CommandError(`cannot open the SQLite database at ${file}: ${(error as Error).message}`);
  }
}

const stringOption = (value: string | true | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

function intOption(value: string | true | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CommandError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

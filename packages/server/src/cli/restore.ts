import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { claimDataDir, serverHolding } from '../adapters/storage/sqlite/server-lock.js';
import { ConfigError } from '../config.js';
import { checkBackup } from './backup-check.js';
import { type Command, CommandError, parseOptions } from './command.js';
import {
  backupUploadsDirOf,
  copyFileWithProgress,
  copyUploads,
  databaseFileOf,
  fsyncPath,
  mib,
  operatorConfig,
  tenths,
  uploadsDirOf,
} from './sqlite-files.js';

/**
 * What SQLite keeps beside a database, and the search index file with its own (the server builds the
 * index again at start): a leftover of the replaced one must not meet the new one.
 */
const SIDE_FILES = ['-wal', '-shm', '-journal', '-search', '-search-wal', '-search-shm'];

/**
 * `parley restore --from FILE`: puts a `parley backup` back as the data dir's database, with the
 * server stopped. Refuses while a server holds the data dir, refuses to replace an existing
 * database without --force, and checks the backup (Parley tables, schema version, integrity_check)
 * before touching anything. The new database is written beside the old one and renamed over it, so
 * the data dir holds either the old database or the new one, never half of one.
 */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Put a backup back as the SQLite database (server stopped)',
  usage: [
    'usage: parley restore --from FILE [--force]',
    '  Checks FILE (a parley backup), then makes it PARLEY_DATA_DIR/parley.db and FILE.files (if any) the uploads.',
    '  The server must be stopped. --force replaces an existing database (and its uploads).',
  ].join('\n'),
  async run(args, ctx) {
    const options = parseOptions(args, { values: ['from'], flags: ['force'] });
    if (typeof options.from !== 'string') throw new CommandError('--from FILE is required: the backup to restore');
    const config = operatorConfig(ctx.env);
    if (config.databaseUrl) {
      throw new CommandError(
        'DATABASE_URL is set: parley restore puts back SQLite backups; restore PostgreSQL with pg_restore or your base backups, ' +
          'and to move a SQLite backup to PostgreSQL restore it into a data dir, then run parley migrate-to-postgres',
      );
    }
    const from = path.resolve(options.from);
    if (!fs.statSync(from, { throwIfNoEntry: false })?.isFile()) throw new CommandError(`no backup file at ${from}`);
    const { dataDir } = config;
    const database = databaseFileOf(dataDir);
    if (from === database) throw new CommandError('--from names the database itself');
    const holder = serverHolding(dataDir);
    if (holder !== undefined) throw new CommandError(`a Parley server (pid ${holder}) is using ${dataDir}: stop it first`);
    const refuseExisting = () => {
      if (fs.existsSync(database) && !options.force) {
        throw new CommandError(`${database} exists: add --force to replace it with the backup (it is not kept)`);
      }
    };
    refuseExisting();
    const facts = checkBackup(from, ctx.say);
    ctx.say(`${from}: schema ${facts.schemaVersion}, ${facts.users} users, ${facts.messages} messages, integrity ok`);
    // Held from here to the end, so that no server starts on half a restore (and none started meanwhile).
    let release: () => void;
    try {
      release = claimDataDir(dataDir);
    } catch (error) {
      if (error instanceof ConfigError) throw new CommandError(error.message);
      throw error;
    }
    try {
      refuseExisting();

      const restoring = `${database}.restoring`;
      removeWithSideFiles(restoring);
      copyFileWithProgress(from, restoring, tenths(ctx.say, 'copying the backup'));
      renewEpoch(restoring);
      fsyncPath(restoring);

      const uploads = restoreUploads(from, dataDir, ctx.say);
      // The replaced database's WAL must go before the new file takes its name: SQLite would
      // otherwise replay the old database's last writes into the new one.
      for (const suffix of SIDE_FILES) fs.rmSync(`${database}${suffix}`, { force: true });
      fs.renameSync(restoring, database);
      fsyncPath(dataDir);
      ctx.say(`restored ${from} as ${database} (${mib(fs.statSync(database).size)})${uploads}`);
      ctx.say('clients resync from scratch on their next connection (the data changed under their sync tokens)');
    } finally {
      release();
    }
  },
};

/**
 * A restored database is other data under the same versions: a new epoch makes every sync token
 * issued before answer `reset`, so no client keeps a list the restore took back.
 */
function renewEpoch(file: string): void {
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    // A backup from before the epoch existed gets a fresh one from the migration that adds it.
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'counters'").get()) {
      db.prepare("UPDATE counters SET value = ? WHERE name = 'epoch'").run(randomInt(1, 2 ** 48));
    }
  } finally {
    db.close();
  }
  removeSideFiles(file);
}

/** The backup's uploads, if it has any, in place of the data dir's; says what it did. */
function restoreUploads(backup: string, dataDir: string, say: (line: string) => void): string {
  const source = backupUploadsDirOf(backup);
  const target = uploadsDirOf(dataDir);
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    say(`uploads: the backup has none (no ${source}); ${target} is left as it is`);
    return '';
  }
  const restoring = `${target}.restoring`;
  const replaced = `${target}.replaced`;
  fs.rmSync(restoring, { recursive: true, force: true });
  fs.rmSync(replaced, { recursive: true, force: true });
  const copied = copyUploads(source, restoring);
  if (fs.existsSync(target)) fs.renameSync(target, replaced);
  fs.renameSync(restoring, target);
  fs.rmSync(replaced, { recursive: true, force: true });
  return `, with ${copied.files} upload files (${mib(copied.bytes)}) in ${target}`;
}

function removeSideFiles(file: string): void {
  for (const suffix of SIDE_FILES) fs.rmSync(`${file}${suffix}`, { force: true });
}

function removeWithSideFiles(file: string): void {
  fs.rmSync(file, { force: true });
  removeSideFiles(file);
}

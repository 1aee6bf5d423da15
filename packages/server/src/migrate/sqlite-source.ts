import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { ChannelKey } from '../ports/storage/index.js';

/** A SQLite value as read for copying: INTEGERs as bigint, so that no 64-bit value is rounded on the way. */
export type SourceValue = bigint | number | string | Buffer | null;

export interface SourceTable {
  name: string;
  /** In the table's declared order. */
  columns: string[];
  /** The primary key's columns, in its order: rows are read in this (keyset) order. */
  key: string[];
}

/** What a primary key value is stored as in the target's progress record (JSON: bigints tagged). */
export type StoredKey = string;

/**
 * Tables of the SQLite file that are not Parley data: its bookkeeping, each schema's own migration
 * record, and the count of changes the SQLite store's facts cache watches (sqlite/send-facts-cache.ts).
 */
const NOT_DATA = new Set(['schema_migrations', 'sqlite_sequence', 'send_facts_version']);

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The SQLite database, read-only, as the copy reads it: tables in keyset-ordered batches (each
 * batch a seek on the primary key, so memory stays one batch whatever the table's size).
 */
export class SqliteSource {
  private readonly db: Database;

  constructor(readonly file: string) {
    this.db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  }

  /** Every data table with its columns and primary key, by name. */
  tables(): SourceTable[] {
    const names = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
      .pluck()
      .all() as string[];
    return (
      names
        // The search index's bookkeeping (its log of changed messages, the name its index file knows this
        // database by; an older file's FTS5 tables) is no data: PostgreSQL indexes the messages itself.
        .filter((name) => !NOT_DATA.has(name) && name !== 'message_search' && !name.startsWith('message_search_'))
        .map((name) => {
          const info = this.db.prepare(`PRAGMA table_info(${quote(name)})`).all() as Array<{ name: string; pk: number }>;
          const key = info
            .filter((c) => c.pk > 0)
            .sort((a, b) => a.pk - b.pk)
            .map((c) => c.name);
          if (!key.length) throw new Error(`SQLite table ${name} has no primary key to read it in order by`);
          return { name, columns: info.map((c) => c.name), key };
        })
    );
  }

  /** The schema version the server recorded (how many of its migrations ran). */
  schemaVersion(): number {
    return this.db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get() as number;
  }

  count(table: SourceTable): number {
    return this.db
      .prepare(`SELECT COUNT(*) FROM ${quote(table.name)}`)
      .pluck()
      .get() as number;
  }

  /**
   * A reader of `table` from just after `after` (a key as `encodeKey` wrote it; undefined: from the
   * start): each call returns the next at most `limit` rows, as arrays in `table.columns` order.
   */
  reader(table: SourceTable, limit: number, after: StoredKey | undefined): () => SourceValue[][] {
    const cols = table.columns.map(quote).join(', ');
    const key = table.key.map(quote).join(', ');
    const first = this.db
      .prepare(`SELECT ${cols} FROM ${quote(table.name)} ORDER BY ${key} LIMIT ?`)
      .raw(true)
      .safeIntegers(true);
    // A row-value comparison on the primary key: SQLite seeks the key's index to it.
    const next = this.db
      .prepare(`SELECT ${cols} FROM ${quote(table.name)} WHERE (${key}) > (${table.key.map(() => '?').join(', ')}) ORDER BY ${key} LIMIT ?`)
      .raw(true)
      .safeIntegers(true);
    const keyAt = table.key.map((k) => table.columns.indexOf(k));
    let last: SourceValue[] | undefined = after === undefined ? undefined : decodeKey(after);
    return () => {
      const rows = (last ? next.all(...last, limit) : first.all(limit)) as SourceValue[][];
      const end = rows[rows.length - 1];
      if (end) last = keyAt.map((i) => end[i] as SourceValue);
      return rows;
    };
  }

  /** The primary key of a row as read by `reader`, as the progress record keeps it. */
  keyOf(table: SourceTable, row: readonly SourceValue[]): StoredKey {
    return encodeKey(table.key.map((k) => row[table.columns.indexOf(k)] as SourceValue));
  }

  /** What SQLite's AUTOINCREMENT has handed out for a table (0 if nothing): the target's identity continues above it. */
  autoincrementHigh(table: string): bigint {
    const exists = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get();
    if (!exists) return 0n;
    return (this.db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').safeIntegers(true).pluck().get(table) as bigint) ?? 0n;
  }

  /**
   * What identifies this data and moves with every message and conversation change: its schema
   * version, the epoch sync tokens carry (random per database), the version counters, the channels' seqs. An interrupted
   * copy is resumed only from the same stamp; any write in between (a server started on the file)
   * changes it.
   */
  stamp(): string {
    const counters = this.db.prepare('SELECT name, value FROM counters ORDER BY name').raw(true).safeIntegers(true).all();
    const users = this.db
      .prepare('SELECT COUNT(*), COALESCE(SUM(conv_version), 0), COALESCE(MAX(last_sort_ts), 0) FROM users')
      .raw(true)
      .safeIntegers(true)
      .get();
    const channels = this.db
      .prepare('SELECT COUNT(*), COALESCE(SUM(max_seq), 0), COALESCE(SUM(revoke_count), 0), COALESCE(MAX(updated_at), 0) FROM channels')
      .raw(true)
      .safeIntegers(true)
      .get();
    return encodeKey([
      this.schemaVersion(),
      ...(counters as SourceValue[][]).flat(),
      ...(users as SourceValue[]),
      ...(channels as SourceValue[]),
    ]);
  }

  /** Every uid, in keyset-ordered batches of `size`. */
  *uidBatches(size: number): Generator<string[]> {
    const first = this.db.prepare('SELECT uid FROM users ORDER BY uid LIMIT ?').pluck();
    const next = this.db.prepare('SELECT uid FROM users WHERE uid > ? ORDER BY uid LIMIT ?').pluck();
    let last: string | undefined;
    for (;;) {
      const uids = (last === undefined ? first.all(size) : next.all(last, size)) as string[];
      if (!uids.length) return;
      yield uids;
      last = uids[uids.length - 1];
    }
  }

  /** Every channel (each channel with messages has its row), in keyset-ordered batches of `size`. */
  *channelBatches(size: number): Generator<ChannelKey[]> {
    const cols = 'SELECT channel_type AS channelType, channel_id AS channelId FROM channels';
    const first = this.db.prepare(`${cols} ORDER BY channel_type, channel_id LIMIT ?`);
    const next = this.db.prepare(`${cols} WHERE (channel_type, channel_id) > (?, ?) ORDER BY channel_type, channel_id LIMIT ?`);
    let last: ChannelKey | undefined;
    for (;;) {
      const keys = (last === undefined ? first.all(size) : next.all(last.channelType, last.channelId, size)) as ChannelKey[];
      if (!keys.length) return;
      yield keys;
      last = keys[keys.length - 1];
    }
  }

  close(): void {
    this.db.close();
  }
}

/** JSON with bigints tagged, so a resumed run seeks SQLite with the very values it stopped at. */
export function encodeKey(values: readonly SourceValue[]): StoredKey {
  return JSON.stringify(
    values.map((v) => {
      if (typeof v === 'bigint') return { int: v.toString() };
      if (Buffer.isBuffer(v)) return { blob: v.toString('base64') };
      return v;
    }),
  );
}

export function decodeKey(stored: StoredKey): SourceValue[] {
  return (JSON.parse(stored) as unknown[]).map((v) => {
    if (v && typeof v === 'object' && 'int' in v) return BigInt((v as { int: string }).int);
    if (v && typeof v === 'object' && 'blob' in v) return Buffer.from((v as { blob: string }).blob, 'base64');
    return v as SourceValue;
  });
}

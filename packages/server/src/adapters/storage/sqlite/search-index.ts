import type { Database } from 'better-sqlite3';

/**
 * The search index lives in a database file of its own (`searchIndexFile`), attached as `search` to
 * the connection that writes it, so that writing it never takes the write lock of the file the sends
 * commit to. The message database only logs which messages changed (`message_search_log`, appended in
 * the transaction of every insert, by the commit (`messageInsertLog`), and of every indexed-text change
 * and delete, by triggers); whoever indexes (a worker thread in the server, the store's own connection
 * elsewhere) reads the log and the messages' current text and writes the index.
 *
 * The index file records how far it got: `log_done` (the last log entry applied), `high_rowid` (no
 * message above it was ever indexed, so its first entry needs no delete first), and the backfill of
 * messages older than the log (`backfill_done` up to `backfill_end`). It also names the message
 * database it indexes (`source`); one that is not that database's, or is ahead of its log (the
 * database was restored from a backup), is emptied and built again.
 */
export const SEARCH_INDEX_SCHEMA = `
  CREATE VIRTUAL TABLE IF NOT EXISTS search.message_search USING fts5(bi, uni, ch, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
  CREATE TABLE IF NOT EXISTS search.index_state (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`;

/** The index file of the message database `file`: beside it, as SQLite's own `-wal` and `-shm` are. */
export const searchIndexFile = (file: string): string => (file === ':memory:' ? ':memory:' : `${file}-search`);

/**
 * Logs for the index the messages a transaction inserted, rowids `first` to `last`: one statement for a
 * commit's batch. Every insert into `messages` must call it in its transaction. An AFTER INSERT trigger
 * did this before: its program, run once a row, cost 1.3-1.9 µs of a 1:1 message's 7-12 µs insert, on
 * the thread that commits the sends (BENCHMARKS.md, 2026-12-04); this statement costs about 0.2 µs a row.
 * Rowids of one transaction's inserts are consecutive: SQLite gives each new row the largest rowid plus
 * one, and the transaction holds the write lock.
 */
export function messageInsertLog(db: Database): (first: number, last: number) => void {
  const log = db.prepare(
    'INSERT INTO message_search_log (message_rowid) SELECT rowid FROM messages WHERE rowid BETWEEN ? AND ? ORDER BY rowid',
  );
  return (first, last) => {
    if (first <= last) log.run(first, last);
  };
}

/** Messages (or log entries) indexed per transaction. */
export const SEARCH_INDEX_BATCH = 2000;

/**
 * Attaches the index file as `search`, creates what it lacks, and starts it over when it does not
 * match this message database. A connection that then indexes (`SearchIndexBatches`) needs
 * `registerSearchFunction` too.
 */
export function attachSearchIndex(db: Database, file: string): void {
  attachForReading(db, file);
  if (file !== ':memory:') db.pragma('search.journal_mode = WAL');
  // The index is durable before the log entries it applied may be removed (`trimSearchLog`).
  db.pragma('search.synchronous = FULL');
  db.exec(SEARCH_INDEX_SCHEMA);
  db.transaction(() => {
    const state = readState(db);
    const source = db.prepare('SELECT id FROM message_search_source').pluck().get() as number;
    const lastLog = lastSearchLogId(db)();
    if (state.source === source && state.log_done <= lastLog) return;
    db.prepare(`INSERT INTO search.message_search (message_search) VALUES ('delete-all')`).run();
    const lastRowid = db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM messages').pluck().get() as number;
    const write = db.prepare('INSERT OR REPLACE INTO search.index_state (name, value) VALUES (?, ?)');
    for (const [name, value] of Object.entries({
      source,
      log_done: lastLog,
      high_rowid: lastRowid,
      backfill_done: 0,
      backfill_end: lastRowid,
    }))
      write.run(name, value);
  })();
}

interface IndexState {
  source: number;
  log_done: number;
  high_rowid: number;
  backfill_done: number;
  backfill_end: number;
}

function readState(db: Database): IndexState {
  const state: IndexState = { source: -1, log_done: 0, high_rowid: 0, backfill_done: 0, backfill_end: 0 };
  for (const row of db.prepare('SELECT name, value FROM search.index_state').all() as { name: keyof IndexState; value: number }[])
    state[row.name] = row.value;
  return state;
}

/**
 * Attaches the index file as `search` with a page cache and memory map of its own: those settings are
 * each database's own, and an attached one starts with SQLite's defaults (a 2 MiB cache, no map).
 */
export function attachForReading(db: Database, file: string): void {
  db.prepare('ATTACH DATABASE ? AS search').run(file);
  db.pragma('search.cache_size = -16384');
  db.pragma('search.mmap_size = 268435456');
}

/** How far an index is: the last log entry applied, and whether older messages are still being indexed. */
export interface IndexProgress {
  logDone: number;
  backfilling: boolean;
}

/**
 * What a message row `m` puts in the index: its rowid, its two token columns and its channel token,
 * from its current text; `hasText` is false for a message with nothing to index.
 */
const indexedColumns = (m: string) =>
  `${m}.rowid, parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 0), parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 1),
      parley_search_channel(${m}.channel_type, ${m}.channel_id)`;
const hasText = (m: string) => `parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 0) IS NOT NULL`;

/**
 * One batch at a time of indexing, on a connection with the index attached (`attachSearchIndex`).
 * Each batch is one transaction whose first statement writes the index file, so it holds that file's
 * write lock and only reads the message database: the sends' commits never wait for it.
 */
export class SearchIndexBatches {
  private readonly batch: () => number;
  private readonly progressOf: () => IndexProgress;
  private readonly lastLog: () => number;

  constructor(db: Database) {
    const lock = db.prepare("UPDATE search.index_state SET value = value WHERE name = 'log_done'");
    const setState = db.prepare('UPDATE search.index_state SET value = ? WHERE name = ?');
    const backfill = db.prepare(`
      INSERT INTO search.message_search (rowid, bi, uni, ch)
      SELECT ${indexedColumns('m')} FROM messages m
      WHERE m.rowid > ? AND m.rowid <= ? AND ${hasText('m')} ORDER BY m.rowid`);
    const entries = db
      .prepare(`SELECT id, message_rowid FROM message_search_log WHERE id > ? ORDER BY id LIMIT ${SEARCH_INDEX_BATCH}`)
      .raw(true);
    const forget = db.prepare('DELETE FROM search.message_search WHERE rowid = ?');
    // The current text of each message named: an entry means "index it as it is now", whatever the change.
    const index = db.prepare(`
      INSERT INTO search.message_search (rowid, bi, uni, ch)
      SELECT ${indexedColumns('m')} FROM messages m
      WHERE m.rowid IN (SELECT value FROM json_each(?)) AND ${hasText('m')} ORDER BY m.rowid`);
    this.lastLog = lastSearchLogId(db);
    this.progressOf = () => {
      const s = readState(db);
      return { logDone: s.log_done, backfilling: s.backfill_done < s.backfill_end };
    };
    this.batch = db.transaction(() => {
      lock.run();
      const s = readState(db);
      if (s.backfill_done < s.backfill_end) {
        const to = Math.min(s.backfill_end, s.backfill_done + SEARCH_INDEX_BATCH);
        backfill.run(s.backfill_done, to);
        setState.run(to, 'backfill_done');
        return to - s.backfill_done;
      }
      const rows = entries.all(s.log_done) as [number, number][];
      if (!rows.length) return 0;
      const rowids = new Set<number>();
      let high = s.high_rowid;
      for (const [, rowid] of rows) {
        // At or under high_rowid it may be indexed already (an edit, a delete, a rowid given again).
        if (rowid <= s.high_rowid && !rowids.has(rowid)) forget.run(rowid);
        rowids.add(rowid);
        if (rowid > high) high = rowid;
      }
      index.run(JSON.stringify([...rowids]));
      setState.run((rows.at(-1) as [number, number])[0], 'log_done');
      setState.run(high, 'high_rowid');
      return rows.length;
    });
  }

  /** Indexes one batch; answers how many messages or log entries it took (0: nothing left). */
  step(): number {
    // Looked at first without a transaction: an idle tick writes (and syncs) nothing.
    const { logDone, backfilling } = this.progressOf();
    if (!backfilling && this.lastLog() <= logDone) return 0;
    return this.batch();
  }

  /** Indexes until nothing is left. */
  drain(): number {
    let done = 0;
    for (let n = this.step(); n > 0; n = this.step()) done += n;
    return done;
  }

  progress(): IndexProgress {
    return this.progressOf();
  }
}

/** Reads the id of the newest log entry (0: none yet): how far an index must get to cover every write so far. */
export function lastSearchLogId(db: Database): () => number {
  const last = db.prepare('SELECT COALESCE(MAX(id), 0) FROM message_search_log').pluck();
  return () => last.get() as number;
}

/**
 * Removes the log entries an index has applied (`upTo`, its `log_done`), on the connection that
 * commits the sends. The newest entry stays, so that ids are never given again.
 */
export function trimSearchLog(db: Database): (upTo: number) => void {
  const trim = db.prepare('DELETE FROM message_search_log WHERE id <= ? AND id < (SELECT MAX(id) FROM message_search_log)');
  return (upTo) => void trim.run(upTo);
}

import type { Database } from 'better-sqlite3';
import { DAY_MS, type SearchStore } from '../../../ports/storage/index.js';
import {
  channelToken,
  currentSearchText,
  fts5Match,
  MAX_SCOPED_CHANNELS,
  type SearchDocument,
  searchDocument,
} from '../../../ports/storage/search-text.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { readableSql } from '../search-sql.js';

/** Messages indexed per transaction when existing messages are indexed after the migration. */
export const SEARCH_BACKFILL_BATCH = 2000;

/**
 * parley_search(payload, edited_payload, revoked_at, column): the tokens of a message's current
 * text for the FTS5 table's `bi` (0) or `uni` (1) column, space-separated; NULL when it has none.
 * The migration's triggers call it twice per message, so the last document is remembered.
 */
export function registerSearchFunction(db: Database): void {
  let lastKey = '';
  let lastDoc: SearchDocument | undefined;
  db.function('parley_search', { deterministic: true }, (payload, edited, revokedAt, column) => {
    const key = `${revokedAt}\u0000${edited}\u0000${payload}`;
    if (key !== lastKey || !lastDoc) {
      const text = currentSearchText({ payload: String(payload), edited_payload: String(edited ?? ''), revoked_at: Number(revokedAt) });
      lastDoc = searchDocument(text);
      lastKey = key;
    }
    if (!lastDoc.bi.length && !lastDoc.uni.length) return null;
    return (column === 1 ? lastDoc.uni : lastDoc.bi).join(' ');
  });
  db.function('parley_search_channel', { deterministic: true }, (channelType, channelId) =>
    channelToken(Number(channelType), String(channelId)),
  );
}

/**
 * What the index holds for the message row `m`: its two token columns and its channel, from the
 * message's current text; and the condition that it has any text to index.
 */
const indexedColumns = (m: string) =>
  `${m}.rowid, parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 0), parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 1),
      parley_search_channel(${m}.channel_type, ${m}.channel_id)`;
const hasText = (m: string) => `parley_search(${m}.payload, ${m}.edited_payload, ${m}.revoked_at, 0) IS NOT NULL`;

/**
 * Indexes the messages stored before the search migration, SEARCH_BACKFILL_BATCH per transaction,
 * from where the last run stopped. Messages stored since are indexed by the trigger or the SearchIndexer.
 */
export function backfillSearch(db: Database): number {
  const counter = db.prepare('SELECT value FROM counters WHERE name = ?').pluck();
  const batch = db.prepare(`
    INSERT INTO message_search (rowid, bi, uni, ch)
    SELECT ${indexedColumns('m')}
    FROM messages m WHERE m.rowid > ? AND m.rowid <= ? AND ${hasText('m')}
    ORDER BY m.rowid`);
  const move = db.prepare("UPDATE counters SET value = ? WHERE name = 'search_backfill'");
  const step = db.transaction((from: number, to: number) => {
    batch.run(from, to);
    move.run(to);
  });
  const end = (counter.get('search_backfill_end') as number | undefined) ?? 0;
  let done = (counter.get('search_backfill') as number | undefined) ?? end;
  let indexed = 0;
  while (done < end) {
    const to = Math.min(end, done + SEARCH_BACKFILL_BATCH);
    step(done, to);
    indexed += to - done;
    done = to;
  }
  return indexed;
}

/** How often the indexer looks for messages committed since it last ran. */
export const SEARCH_INDEX_INTERVAL_MS = 100;

/**
 * Indexes the messages queued by their insert (message_search_pending), oldest first, in
 * transactions of SEARCH_BACKFILL_BATCH. Each message is indexed with its text as it is now: an edit,
 * revoke or stream end made while it waited changed nothing in the index (the update trigger skips
 * queued rows), so the indexer's read is the one that counts.
 */
export class SearchIndexer {
  private readonly step: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(db: Database) {
    const last = db
      .prepare(
        `SELECT MAX(message_rowid) FROM (SELECT message_rowid FROM message_search_pending ORDER BY message_rowid LIMIT ${SEARCH_BACKFILL_BATCH})`,
      )
      .pluck();
    const index = db.prepare(`
      INSERT INTO message_search (rowid, bi, uni, ch)
      SELECT ${indexedColumns('m')}
      FROM message_search_pending p JOIN messages m ON m.rowid = p.message_rowid
      WHERE p.message_rowid <= ? AND ${hasText('m')}
      ORDER BY p.message_rowid`);
    const unqueue = db.prepare('DELETE FROM message_search_pending WHERE message_rowid <= ?');
    const count = db.prepare('SELECT COUNT(*) FROM message_search_pending WHERE message_rowid <= ?').pluck();
    const batch = db.transaction(() => {
      const upTo = last.get() as number | null;
      if (upTo === null) return 0;
      const n = count.get(upTo) as number;
      index.run(upTo);
      unqueue.run(upTo);
      return n;
    });
    // IMMEDIATE: the write lock from the start, so another process on the file (a CLI) waits its turn
    // instead of failing the upgrade from a read that its write made stale.
    this.step = () => batch.immediate();
  }

  /** Indexes everything queued now, at once: what a search runs before it reads. */
  flush(): number {
    let indexed = 0;
    for (let n = this.step(); n > 0; n = n < SEARCH_BACKFILL_BATCH ? 0 : this.step()) indexed += n;
    return indexed;
  }

  /** Indexes in the background from now on, a batch per event-loop turn so no send waits long. */
  start(): void {
    this.timer = setInterval(() => void this.drain(), SEARCH_INDEX_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.timer && this.step() === SEARCH_BACKFILL_BATCH) await new Promise((r) => setImmediate(r));
    } catch {
      // A failed batch (the database closed under a late tick) rolled back and left its messages
      // queued: the next tick, the next search or the next open indexes them.
    } finally {
      this.running = false;
    }
  }
}

const isPosition = (p: readonly unknown[]): p is [number] => p.length === 1 && Number.isSafeInteger(p[0]) && (p[0] as number) > 0;

export function sqliteSearch(db: Database, indexer: SearchIndexer): SearchStore {
  const readable = (scoped: boolean) =>
    readableSql({ uid: '@uid', defaultDays: '@defaultDays', greatest: 'MAX', channel: scoped ? { type: '@ct', id: '@cid' } : undefined });
  // The FTS index drives, newest rowid first (FTS5 serves ORDER BY rowid DESC); each candidate is
  // checked against the caller's readable channels (a materialized set with an automatic index) and
  // windows, so the LIMIT counts readable messages only.
  const query = (scoped: boolean, from: boolean, sender: boolean, before: boolean, after: boolean) =>
    db.prepare(`
    WITH readable AS MATERIALIZED (${readable(scoped)})
    SELECT m.*, message_search.rowid AS search_pos FROM message_search
    CROSS JOIN messages m ON m.rowid = message_search.rowid
    CROSS JOIN readable r ON r.channel_type = m.channel_type AND r.channel_id = m.channel_id
    WHERE message_search MATCH @match
      ${from ? 'AND message_search.rowid < @from' : ''}
      AND m.seq > r.floor AND m.seq <= r.ceiling AND m.revoked_at = 0
      AND (r.days <= 0 OR m.ts >= @now - r.days * ${DAY_MS})
      AND NOT EXISTS (SELECT 1 FROM deleted_messages d
        WHERE d.uid = @uid AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)
      ${sender ? 'AND m.from_uid = @fromUid' : ''}
      ${before ? 'AND m.ts < @before' : ''}
      ${after ? 'AND m.ts > @after' : ''}
    ORDER BY message_search.rowid DESC LIMIT @limit`);
  const channelsOf = (scoped: boolean) =>
    db.prepare(`SELECT channel_type, channel_id FROM (${readable(scoped)}) LIMIT ${MAX_SCOPED_CHANNELS + 1}`);
  const channelLists = [channelsOf(false), channelsOf(true)] as const;
  const statements = new Map<number, ReturnType<typeof query>>();
  const statement = (...flags: [boolean, boolean, boolean, boolean, boolean]) => {
    const key = flags.reduce((k, f, i) => k | (f ? 1 << i : 0), 0);
    let s = statements.get(key);
    if (!s) {
      s = query(...flags);
      statements.set(key, s);
    }
    return s;
  };
  // One pass over the caller's own conversation rows (and super groups, whose order lives on the
  // channel): O(their conversations), never anyone else's.
  const conversations = db.prepare(`
    SELECT channel_type, channel_id, name FROM (
      SELECT c.channel_type, c.channel_id, c.sort_ts AS at, c.conversation_id AS id,
        COALESCE(CASE WHEN c.channel_type = 1 THEN u.name ELSE ch.name END, '') AS name
      FROM conversations c
      LEFT JOIN channels ch ON ch.channel_type = c.channel_type AND ch.channel_id = c.channel_id
      LEFT JOIN users u ON c.channel_type = 1 AND u.uid = substr(c.conversation_id, 5)
      WHERE c.uid = @uid AND c.channel_type <> 3 AND c.last_seq > c.hidden_seq AND (c.last_seq > 0 OR c.sort_ts > 0)
      UNION ALL
      SELECT m.channel_type, m.channel_id, ch.last_msg_at, 'super_team|' || m.channel_id, ch.name
      FROM members m JOIN channels ch ON ch.channel_type = m.channel_type AND ch.channel_id = m.channel_id
      LEFT JOIN conversations v ON v.uid = m.uid AND v.conversation_id = 'super_team|' || m.channel_id
      WHERE m.uid = @uid AND m.channel_type = 3 AND (v.uid IS NULL OR ch.max_seq > v.hidden_seq)
    )
    WHERE substr(id, instr(id, '|') + 1, length(@text)) = @text COLLATE NOCASE OR instr(lower(name), lower(@text)) > 0
    ORDER BY at DESC, id LIMIT @limit`);

  return {
    async messages(q) {
      if (q.from && !isPosition(q.from)) return 'bad_position';
      // What was committed before this search is found by it.
      indexer.flush();
      const who = {
        uid: q.uid,
        defaultDays: q.policy.defaultDays,
        ...(q.channel && { ct: q.channel.channelType, cid: q.channel.channelId }),
      };
      // The channels the caller reads: none, nothing to search; a few, named in the index query.
      const channels = channelLists[q.channel ? 1 : 0].all(who) as { channel_type: number; channel_id: string }[];
      if (!channels.length) return { messages: [] };
      const scope = channels.length <= MAX_SCOPED_CHANNELS ? channels.map((c) => channelToken(c.channel_type, c.channel_id)) : undefined;
      const rows = statement(!!q.channel, !!q.from, q.fromUid !== undefined, q.before !== undefined, q.after !== undefined).all({
        uid: q.uid,
        defaultDays: q.policy.defaultDays,
        now: q.policy.now,
        match: fts5Match(q.terms, scope),
        limit: q.limit + 1,
        ...(q.channel && { ct: q.channel.channelType, cid: q.channel.channelId }),
        ...(q.from && { from: q.from[0] }),
        ...(q.fromUid !== undefined && { fromUid: q.fromUid }),
        ...(q.before !== undefined && { before: q.before }),
        ...(q.after !== undefined && { after: q.after }),
      }) as (MessageRow & { search_pos: number })[];
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return { messages: page.map(toStoredMessage), ...(rows.length > q.limit && last && { next: [last.search_pos] }) };
    },
    async conversations(uid, text, limit) {
      const rows = conversations.all({ uid, text, limit }) as { channel_type: 1 | 2 | 3 | 4; channel_id: string; name: string }[];
      return rows.map((r) => ({ channelType: r.channel_type, channelId: r.channel_id, name: r.name }));
    },
  };
}

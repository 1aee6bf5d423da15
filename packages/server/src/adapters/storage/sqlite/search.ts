import type { Database } from 'better-sqlite3';
import { DAY_MS, type SearchStore } from '../../../ports/storage/index.js';
import { channelToken, currentSearchText, fts5Match, MAX_SCOPED_CHANNELS, searchDocument } from '../../../ports/storage/search-text.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { readableSql } from '../search-sql.js';
import type { SearchIndexer } from './search-indexer.js';

/**
 * parley_search(payload, edited_payload, revoked_at, column): the tokens of a message's current
 * text for the FTS5 table's `bi` (0) or `uni` (1) column, space-separated; NULL when it has none.
 * The indexer's statements (search-index.ts) call it three times per message, so the last message's
 * columns are remembered, and recognised by comparing its three arguments (a key made by joining
 * them cost a new string on every call).
 */
export function registerSearchFunction(db: Database): void {
  let last: { payload: unknown; edited: unknown; revokedAt: unknown; bi: string | null; uni: string | null } | undefined;
  db.function('parley_search', { deterministic: true }, (payload, edited, revokedAt, column) => {
    if (!last || last.payload !== payload || last.edited !== edited || last.revokedAt !== revokedAt) {
      const text = currentSearchText({ payload: String(payload), edited_payload: String(edited ?? ''), revoked_at: Number(revokedAt) });
      const doc = searchDocument(text);
      const none = !doc.bi.length && !doc.uni.length;
      last = { payload, edited, revokedAt, bi: none ? null : doc.bi.join(' '), uni: none ? null : doc.uni.join(' ') };
    }
    return column === 1 ? last.uni : last.bi;
  });
  db.function('parley_search_channel', { deterministic: true }, (channelType, channelId) =>
    channelToken(Number(channelType), String(channelId)),
  );
}

const isPosition = (p: readonly unknown[]): p is [number] => p.length === 1 && Number.isSafeInteger(p[0]) && (p[0] as number) > 0;

/**
 * Search on `db`, a connection with the index attached as `search` (search-index.ts): the server's
 * reads on a connection of their own, beside the one that commits, which must not hold the index.
 */
export function sqliteSearch(db: Database, indexer: SearchIndexer): SearchStore {
  const readable = (scoped: boolean) =>
    readableSql({ uid: '@uid', defaultDays: '@defaultDays', greatest: 'MAX', channel: scoped ? { type: '@ct', id: '@cid' } : undefined });
  // The FTS index drives, newest rowid first (FTS5 serves ORDER BY rowid DESC); each candidate is
  // checked against the caller's readable channels (a materialized set with an automatic index) and
  // windows, so the LIMIT counts readable messages only.
  const query = (scoped: boolean, from: boolean, sender: boolean, before: boolean, after: boolean) =>
    db.prepare(`
    WITH readable AS MATERIALIZED (${readable(scoped)})
    SELECT m.*, ms.rowid AS search_pos FROM search.message_search ms
    CROSS JOIN messages m ON m.rowid = ms.rowid
    CROSS JOIN readable r ON r.channel_type = m.channel_type AND r.channel_id = m.channel_id
    WHERE ms.message_search MATCH @match
      ${from ? 'AND ms.rowid < @from' : ''}
      AND m.seq > r.floor AND m.seq <= r.ceiling AND m.revoked_at = 0
      AND (r.days <= 0 OR m.ts >= @now - r.days * ${DAY_MS})
      AND NOT EXISTS (SELECT 1 FROM deleted_messages d
        WHERE d.uid = @uid AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)
      ${sender ? 'AND m.from_uid = @fromUid' : ''}
      ${before ? 'AND m.ts < @before' : ''}
      ${after ? 'AND m.ts > @after' : ''}
    ORDER BY ms.rowid DESC LIMIT @limit`);
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
      await indexer.caughtUp();
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

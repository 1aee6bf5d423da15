import type { Pool } from 'pg';
import { DAY_MS, type SearchStore } from '../../../ports/storage/index.js';
import {
  channelToken,
  currentSearchText,
  MAX_SCOPED_CHANNELS,
  searchableText,
  searchDocument,
  tsqueryText,
  tsvectorText,
} from '../../../ports/storage/search-text.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { readableSql } from '../search-sql.js';
import { messageColumns } from './message-columns.js';
import { inTransaction } from './transaction.js';

/** The search_tsv of a message with this payload in this channel (tsvector input text), or null when it has no text. */
export const messageTsvector = (payloadJson: string, channel: { channelType: number; channelId: string }): string | null =>
  tsvectorText(searchDocument(searchableText(payloadJson)), channelToken(channel.channelType, channel.channelId));

/** Messages indexed per transaction when existing messages are indexed after the migration. */
export const SEARCH_BACKFILL_BATCH = 2000;

interface BackfillRow {
  channel_type: number;
  channel_id: string;
  seq: number;
  payload: string;
  edited_payload: string;
  revoked_at: number;
}

/**
 * Indexes the messages stored before the search migration, in key order, SEARCH_BACKFILL_BATCH per
 * transaction, from where the last batch stopped (several nodes starting at once take turns on the
 * state row). Messages written since already carry their tsvector: a row that has one is left alone.
 */
export async function backfillSearch(pool: Pool): Promise<number> {
  let indexed = 0;
  for (;;) {
    const finished = await inTransaction(pool, async (client) => {
      const { rows: state } = await client.query<{ done: boolean; channel_type: number; channel_id: string; seq: number }>(
        'SELECT done, channel_type, channel_id, seq FROM search_backfill WHERE id = 1 FOR UPDATE',
      );
      const at = state[0];
      if (!at || at.done) return true;
      const { rows } = await client.query<BackfillRow>(
        `SELECT channel_type, channel_id, seq, payload, edited_payload, revoked_at FROM messages
         WHERE (channel_type, channel_id, seq) > ($1, $2, $3) ORDER BY channel_type, channel_id, seq LIMIT $4`,
        [at.channel_type, at.channel_id, at.seq, SEARCH_BACKFILL_BATCH],
      );
      const docs = rows
        .map((r) => ({ r, tsv: tsvectorText(searchDocument(currentSearchText(r)), channelToken(r.channel_type, r.channel_id)) }))
        .filter((d) => d.tsv !== null);
      if (docs.length)
        await client.query(
          `UPDATE messages m SET search_tsv = u.tsv::tsvector
           FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[]) AS u(channel_type, channel_id, seq, tsv)
           WHERE m.channel_type = u.channel_type AND m.channel_id = u.channel_id AND m.seq = u.seq
             AND m.search_tsv IS NULL AND m.revoked_at = 0`,
          [docs.map((d) => d.r.channel_type), docs.map((d) => d.r.channel_id), docs.map((d) => d.r.seq), docs.map((d) => d.tsv)],
        );
      const last = rows.at(-1);
      if (!last || rows.length < SEARCH_BACKFILL_BATCH) {
        await client.query('UPDATE search_backfill SET done = TRUE WHERE id = 1');
      } else {
        await client.query('UPDATE search_backfill SET channel_type = $1, channel_id = $2, seq = $3 WHERE id = 1', [
          last.channel_type,
          last.channel_id,
          last.seq,
        ]);
      }
      indexed += docs.length;
      return !last || rows.length < SEARCH_BACKFILL_BATCH;
    });
    if (finished) return indexed;
  }
}

const isPosition = (p: readonly unknown[]): p is [number, number, string, number] =>
  p.length === 4 &&
  Number.isSafeInteger(p[0]) &&
  Number.isSafeInteger(p[1]) &&
  typeof p[2] === 'string' &&
  (p[2] as string).length <= 200 &&
  Number.isSafeInteger(p[3]);

/**
 * The newest messages of each readable channel are read first (the primary key, newest seq first),
 * NEWEST_FIRST_ROWS in all, shared among the channels: a common word fills a page from them at once,
 * where the GIN index would fetch, recheck and sort every one of its many matches (each a heap read).
 * A rarer word (the rows do not hold the page), or a reader of more than NEWEST_FIRST_MAX_CHANNELS
 * channels, goes to the index; reading those rows first costs it a few milliseconds.
 */
const NEWEST_FIRST_ROWS = 600;
const NEWEST_FIRST_MAX_CHANNELS = 16;
/**
 * The timestamps of one channel follow its seqs but for the nodes' clock skew: a match outside a
 * channel's window is older than its window's oldest message by less than this, or not at all.
 */
const CLOCK_SKEW_MS = 10_000;

/** The GIN index finds the matches; each is checked against the caller's readable channels and windows before the LIMIT. */
async function indexed(pool: Pool, readable: string, visible: string, order: string, params: unknown[]): Promise<MessageRow[]> {
  const { rows } = await pool.query<MessageRow>(
    `WITH readable AS MATERIALIZED (${readable})
     SELECT ${messageColumns('m')} FROM messages m
     JOIN readable r ON r.channel_type = m.channel_type AND r.channel_id = m.channel_id
     WHERE m.seq > r.floor AND m.seq <= r.ceiling AND ${visible}
     ${order}`,
    params,
  );
  return rows;
}

/**
 * The page from the newest readable messages (after the cursor) of each of `channels` channels, a
 * window of NEWEST_FIRST_ROWS / channels each, or undefined when it may not be the whole page. It is
 * whole when no window was full (every readable message was read), or when it is full-sized and its
 * last message is newer, by more than CLOCK_SKEW_MS, than the oldest message of every full window
 * (what such a window left unread is older than that).
 */
async function newestFirst(
  pool: Pool,
  readable: string,
  visible: string,
  order: string,
  params: unknown[],
  cursor: string | undefined,
  channels: number,
): Promise<MessageRow[] | undefined> {
  // The SQL LIMIT: the page's size and one more (whether there is a next page).
  const wanted = params[4] as number;
  const window = Math.floor(NEWEST_FIRST_ROWS / channels);
  const { rows } = await pool.query<MessageRow & { bound: string | null }>(
    `WITH readable AS MATERIALIZED (${readable}),
     win AS MATERIALIZED (
       SELECT m.* FROM readable r CROSS JOIN LATERAL (
         SELECT * FROM messages m
         WHERE m.channel_type = r.channel_type AND m.channel_id = r.channel_id AND m.seq > r.floor AND m.seq <= r.ceiling
           ${cursor ? `AND ${cursor}` : ''}
         ORDER BY m.seq DESC LIMIT ${window}) m)
     SELECT w.bound, p.* FROM (
       SELECT max(oldest) FILTER (WHERE n = ${window}) AS bound
       FROM (SELECT count(*) AS n, min(ts) AS oldest FROM win GROUP BY channel_type, channel_id) c) w
     LEFT JOIN LATERAL (
       SELECT ${messageColumns('m')} FROM win m
       JOIN readable r ON r.channel_type = m.channel_type AND r.channel_id = m.channel_id
       WHERE ${visible}
       ${order}) p ON TRUE`,
    params,
  );
  const first = rows[0];
  if (!first) return [];
  const page = first.message_id === null ? [] : rows;
  if (first.bound === null) return page;
  const last = page[wanted - 1];
  return last && Number(last.ts) > Number(first.bound) + CLOCK_SKEW_MS ? page : undefined;
}

export function postgresSearch(pool: Pool): SearchStore {
  return {
    async messages(q) {
      if (q.from && !isPosition(q.from)) return 'bad_position';
      // The channels the caller reads: none, nothing to search; a few, named in the index query.
      const scoped = q.channel && { type: '$3', id: '$4' };
      const { rows: channels } = await pool.query<{ channel_type: number; channel_id: string }>(
        `SELECT channel_type, channel_id FROM (${readableSql({ uid: '$1', defaultDays: '$2', greatest: 'GREATEST', channel: scoped })}) AS r
         LIMIT ${MAX_SCOPED_CHANNELS + 1}`,
        [q.uid, q.policy.defaultDays, ...(q.channel ? [q.channel.channelType, q.channel.channelId] : [])],
      );
      if (!channels.length) return { messages: [] };
      const scope = channels.length <= MAX_SCOPED_CHANNELS ? channels.map((c) => channelToken(c.channel_type, c.channel_id)) : undefined;
      const params: unknown[] = [q.uid, q.policy.defaultDays, q.policy.now, tsqueryText(q.terms, scope), q.limit + 1];
      const param = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      const channel = q.channel && { type: param(q.channel.channelType), id: param(q.channel.channelId) };
      const cursor =
        q.from &&
        `(m.ts, m.channel_type, m.channel_id, m.seq) < (${param(q.from[0])}, ${param(q.from[1])}, ${param(q.from[2])}, ${param(q.from[3])})`;
      const filters = [
        cursor,
        q.fromUid !== undefined && `m.from_uid = ${param(q.fromUid)}`,
        q.before !== undefined && `m.ts < ${param(q.before)}`,
        q.after !== undefined && `m.ts > ${param(q.after)}`,
      ].filter(Boolean);
      const readable = readableSql({ uid: '$1', defaultDays: '$2', greatest: 'GREATEST', channel });
      // What makes a message `m` of readable channel `r` a match the caller may see.
      const visible = `
           m.search_tsv @@ $4::tsquery AND m.revoked_at = 0
           AND (r.days <= 0 OR m.ts >= $3::bigint - r.days * ${DAY_MS})
           AND NOT EXISTS (SELECT 1 FROM deleted_messages d
             WHERE d.uid = $1 AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)
           ${filters.map((f) => `AND ${f}`).join(' ')}`;
      const order = 'ORDER BY m.ts DESC, m.channel_type DESC, m.channel_id DESC, m.seq DESC LIMIT $5';
      // The newest-first rows are the readable channels' already: the query without their tokens is
      // cheaper to test on each row.
      const probe = [...params];
      probe[3] = tsqueryText(q.terms);
      const rows =
        (channels.length <= NEWEST_FIRST_MAX_CHANNELS &&
          (await newestFirst(pool, readable, visible, order, probe, cursor || undefined, channels.length))) ||
        (await indexed(pool, readable, visible, order, params));
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        messages: page.map(toStoredMessage),
        ...(rows.length > q.limit && last && { next: [last.ts, last.channel_type, last.channel_id, last.seq] }),
      };
    },
    async conversations(uid, text, limit) {
      const { rows } = await pool.query<{ channel_type: 1 | 2 | 3 | 4; channel_id: string; name: string }>(
        `SELECT channel_type, channel_id, name FROM (
           SELECT c.channel_type, c.channel_id, c.sort_ts AS at, c.conversation_id AS id,
             COALESCE(CASE WHEN c.channel_type = 1 THEN u.name ELSE ch.name END, '') AS name
           FROM conversations c
           LEFT JOIN channels ch ON ch.channel_type = c.channel_type AND ch.channel_id = c.channel_id
           LEFT JOIN users u ON c.channel_type = 1 AND u.uid = substr(c.conversation_id, 5)
           WHERE c.uid = $1 AND c.channel_type <> 3 AND c.last_seq > c.hidden_seq AND (c.last_seq > 0 OR c.sort_ts > 0)
           UNION ALL
           SELECT m.channel_type, m.channel_id, ch.last_msg_at, 'super_team|' || m.channel_id, ch.name
           FROM members m JOIN channels ch ON ch.channel_type = m.channel_type AND ch.channel_id = m.channel_id
           LEFT JOIN conversations v ON v.uid = m.uid AND v.conversation_id = 'super_team|' || m.channel_id
           WHERE m.uid = $1 AND m.channel_type = 3 AND (v.uid IS NULL OR ch.max_seq > v.hidden_seq)
         ) AS x
         WHERE lower(substr(id, strpos(id, '|') + 1, length($2))) = lower($2) OR strpos(lower(name), lower($2)) > 0
         ORDER BY at DESC, id COLLATE "C" LIMIT $3`,
        [uid, text, limit],
      );
      return rows.map((r) => ({ channelType: r.channel_type, channelId: r.channel_id, name: r.name }));
    },
  };
}

import type { Pool } from 'pg';
import {
  type ConversationRow,
  type ConversationStore,
  EXPIRY_MARGIN_MS,
  type ListQuery,
  type StoredMessage,
  type SuperGroupView,
} from '../../../ports/storage/index.js';
import { applyConversationPatch, LISTED_SQL, labelDiff, listedSql, stampChangedRow } from '../conversation-rules.js';
import { mayCountExpiredSql, ordinalSql } from '../retention-sql.js';
import { type ChannelRow, type ConversationDbRow, toChannel, toConversationRow } from '../rows.js';
import { channelColumns } from './channels.js';
import { prefixedMessage, prefixedMessageColumns } from './message-columns.js';
import { prepared } from './prepared.js';
import { inTransaction } from './transaction.js';
import { report } from './webhook-outbox.js';

const MAY_COUNT_EXPIRED = mayCountExpiredSql({ defaultDays: '$2::integer', now: '$3::bigint', margin: '$4::bigint', greatest: 'GREATEST' });

/** The user's sync clock as one row, its columns named apart from a conversation row's (`$1` is the uid). */
const CLOCK_SQL = `SELECT (SELECT conv_version FROM users WHERE uid = $1) AS clock_version,
  (SELECT value FROM counters WHERE name = 'supergroup_clock') AS sg_clock,
  (SELECT value::text FROM counters WHERE name = 'epoch') AS epoch_text`;
interface ClockColumns {
  clock_version: number | null;
  sg_clock: number;
  epoch_text: string;
}

/**
 * The clock, the conversation rows and their last messages of a statement that joins CLOCK_SQL to
 * the rows (LEFT JOIN LATERAL) and the rows to their messages: without a row, the one row there is
 * is the clock's, with the row's columns all null.
 */
function withClock(rows: Array<ConversationDbRow & ClockColumns & Record<string, unknown>>) {
  const first = rows[0] as (typeof rows)[number];
  const found = rows.filter((r) => r.uid !== null);
  return {
    clock: { version: first.clock_version ?? 0, superGroupClock: first.sg_clock, epoch: first.epoch_text },
    rows: found.map(toConversationRow),
    lastMessages: lastMessagesOf(found),
  };
}

/** The messages read beside conversation rows with `prefixedMessageColumns(…, LAST_MESSAGE)`. */
const lastMessagesOf = (rows: ReadonlyArray<Record<string, unknown>>): StoredMessage[] =>
  rows.flatMap((r) => prefixedMessage(r, LAST_MESSAGE) ?? []);

/** A list page's statement: the listed fan-out rows `q` asks for, in list order (`$1` is the uid). */
function pageQuery(uid: string, q: ListQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [uid];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  // With a label the walk is over the label's index (its sort_ts and archived are the row's
  // copies), joined to the rows for the listed rule; without one, over the rows' own index.
  const t = q.label === undefined ? 'c' : 'l';
  const where = [`${t}.uid = $1`, `${t}.archived = ${param(q.archived ?? false)}`, 'c.channel_type <> 3', listedSql('c')];
  if (q.label !== undefined) where.push(`l.label = ${param(q.label)}`);
  if (q.after) {
    const ts = param(q.after.sortTs);
    where.push(`(${t}.sort_ts < ${ts} OR (${t}.sort_ts = ${ts} AND ${t}.conversation_id > ${param(q.after.conversationId)}))`);
  }
  if (q.minTs !== undefined) where.push(`${t}.sort_ts > ${param(q.minTs)}`);
  if (q.maxTs !== undefined) where.push(`${t}.sort_ts < ${param(q.maxTs)}`);
  const from =
    q.label === undefined
      ? 'conversations c'
      : 'conversation_labels l JOIN conversations c ON c.uid = l.uid AND c.conversation_id = l.conversation_id';
  return {
    text: `SELECT ${CONVERSATION_COLUMN_NAMES.map((col) => `c.${col}`).join(', ')} FROM ${from} WHERE ${where.join(' AND ')}
      ORDER BY ${t}.sort_ts DESC, ${t}.conversation_id LIMIT ${param(q.limit)}`,
    values,
  };
}

/** The prefix of the last message's columns read beside a conversation row. */
const LAST_MESSAGE = 'lm_';

export const CONVERSATION_COLUMN_NAMES = [
  'uid',
  'conversation_id',
  'channel_type',
  'channel_id',
  'sort_ts',
  'last_seq',
  'last_ord',
  'read_seq',
  'read_ord',
  'hidden_seq',
  'clear_seq',
  'mention_seq',
  'ext',
  'pinned_at',
  'version',
  'may_hide',
  'muted_until',
  'archived',
  'archived_seq',
  'labels',
  'draft_text',
  'draft_ext',
  'draft_at',
] as const satisfies ReadonlyArray<keyof ConversationDbRow>;
export const CONVERSATION_COLUMNS = CONVERSATION_COLUMN_NAMES.join(', ');

/** A super group joined with the member's own conversation row, whose columns come prefixed `own_` (all null when missing). */
type SuperGroupDbRow = ChannelRow & {
  red_count: number;
  all_mention_seq: number;
  sg_clock: number;
  revoke_count: number;
  join_seq: number;
  join_ord: number;
} & { [K in keyof ConversationDbRow as `own_${K}`]: ConversationDbRow[K] | null };

const ownRowOf = (r: SuperGroupDbRow): ConversationRow | undefined => {
  if (r.own_uid === null) return undefined;
  const own = Object.fromEntries(CONVERSATION_COLUMN_NAMES.map((c) => [c, r[`own_${c}`]]));
  return toConversationRow(own as unknown as ConversationDbRow);
};

/**
 * Per-user conversation state. `update` takes its row locks in the order every commit takes them
 * (see messages.ts): the owner's users row first, then the conversation row. Taking them the other
 * way round would let an update and a commit touching the same conversation deadlock (the commit
 * holds the users row while it upserts the conversation); PostgreSQL would break that by aborting
 * one of them, and only after deadlock_timeout.
 */
export function postgresConversations(pool: Pool): ConversationStore {
  return {
    async page(uid, q: ListQuery) {
      const { text, values } = pageQuery(uid, q);
      const { rows } = await pool.query<ConversationDbRow>(prepared(text, values));
      return rows.map(toConversationRow);
    },
    async pageWithLastMessages(uid, q) {
      // One statement: the page keeps its order through the join, the last message's columns are prefixed.
      const page = pageQuery(uid, q);
      const { rows } = await pool.query<ConversationDbRow & Record<string, unknown>>(
        prepared(
          `SELECT c.*, ${prefixedMessageColumns('m', LAST_MESSAGE)} FROM (${page.text}) c
           LEFT JOIN messages m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.seq = c.last_seq
           ORDER BY c.sort_ts DESC, c.conversation_id`,
          page.values,
        ),
      );
      return { rows: rows.map(toConversationRow), lastMessages: lastMessagesOf(rows) };
    },
    async superGroups(uid) {
      // One round trip for all of them: the channel, the member's join point and their own row.
      // The own row is the one under the conversation id `super_team|<group id>` (see the port).
      const { rows } = await pool.query<SuperGroupDbRow>(
        prepared(
          `SELECT ${channelColumns('c')}, c.red_count, c.all_mention_seq, c.sg_clock, c.revoke_count,
           m.join_seq, ${ordinalSql('jm', 'c', 'm.join_seq')} AS join_ord,
           ${CONVERSATION_COLUMN_NAMES.map((col) => `v.${col} AS own_${col}`).join(', ')}
         FROM members m
         JOIN channels c ON c.channel_type = m.channel_type AND c.channel_id = m.channel_id
         LEFT JOIN messages jm ON jm.channel_type = m.channel_type AND jm.channel_id = m.channel_id AND jm.seq = m.join_seq
         LEFT JOIN conversations v ON v.uid = m.uid AND v.conversation_id = 'super_team|' || m.channel_id
         WHERE m.uid = $1 AND m.channel_type = 3
         ORDER BY m.channel_id`,
          [uid],
        ),
      );
      return rows.map(
        (r): SuperGroupView => ({
          channel: {
            ...toChannel(r),
            redCount: r.red_count,
            allMentionSeq: r.all_mention_seq,
            superGroupClock: r.sg_clock,
            revokeCount: r.revoke_count,
          },
          joinSeq: r.join_seq,
          joinOrd: r.join_ord,
          row: ownRowOf(r),
        }),
      );
    },
    async get(uid, conversationId) {
      const { rows } = await pool.query<ConversationDbRow>(
        prepared(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND conversation_id = $2`, [uid, conversationId]),
      );
      return rows[0] && toConversationRow(rows[0]);
    },
    async update(uid, key, patch, events) {
      return inTransaction(pool, async (client) => {
        // The owner's users row first (the global lock order), then the row created if missing. The
        // aggregate makes the lock happen before the insert: it reads all of `owner` before it yields.
        await client.query(
          `WITH owner AS MATERIALIZED (SELECT uid FROM users WHERE uid = $1 FOR NO KEY UPDATE)
           INSERT INTO conversations (uid, conversation_id, channel_type, channel_id)
           SELECT $1, $2, $3, $4 FROM (SELECT COUNT(*) FROM owner) AS locked
           ON CONFLICT (uid, conversation_id) DO NOTHING`,
          [uid, key.conversationId, key.channelType, key.channelId],
        );
        const { rows } = await client.query<ConversationDbRow>(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND conversation_id = $2 FOR UPDATE`,
          [uid, key.conversationId],
        );
        const row = toConversationRow(rows[0] as ConversationDbRow);
        const { next, changed } = applyConversationPatch(row, patch);
        if (!changed) return { row, changed };
        const bumped = await client.query<{ conv_version: number; last_sort_ts: number }>(
          'UPDATE users SET conv_version = conv_version + 1 WHERE uid = $1 RETURNING conv_version, last_sort_ts',
          [uid],
        );
        // No users row: nothing to version (see ConversationStore.update).
        const owner = bumped.rows[0];
        const lastSortTs = stampChangedRow(row, next, owner && { version: owner.conv_version, lastSortTs: owner.last_sort_ts });
        if (lastSortTs !== undefined) await client.query('UPDATE users SET last_sort_ts = $2 WHERE uid = $1', [uid, lastSortTs]);
        const written = await client.query<ConversationDbRow>(
          `UPDATE conversations SET ext = $3, pinned_at = $4, read_seq = $5, read_ord = $6, hidden_seq = $7, clear_seq = $8,
             sort_ts = $9, version = $10, muted_until = $11, archived = $12, archived_seq = $13, labels = $14,
             draft_text = $15, draft_ext = $16, draft_at = $17
           WHERE uid = $1 AND conversation_id = $2
           RETURNING ${CONVERSATION_COLUMNS}`,
          [
            uid,
            key.conversationId,
            next.ext,
            next.pinnedAt,
            next.readSeq,
            next.readOrd,
            next.hiddenSeq,
            next.clearSeq,
            next.sortTs,
            next.version,
            next.mutedUntil,
            next.archived,
            next.archivedSeq,
            JSON.stringify(next.labels),
            next.draftText,
            next.draftExt,
            next.draftAt,
          ],
        );
        const stored = toConversationRow(written.rows[0] as ConversationDbRow);
        // The label index: rows of labels kept follow the row through the trigger; new ones copy it.
        const { added, removed } = labelDiff(row.labels, stored.labels);
        if (removed.length)
          await client.query('DELETE FROM conversation_labels WHERE uid = $1 AND conversation_id = $2 AND label = ANY($3::text[])', [
            uid,
            key.conversationId,
            removed,
          ]);
        if (added.length)
          await client.query(
            `INSERT INTO conversation_labels (uid, label, conversation_id, channel_type, archived, sort_ts)
             SELECT $1, label, $2, $3, $4, $5 FROM unnest($6::text[]) AS label
             ON CONFLICT (uid, label, conversation_id) DO NOTHING`,
            [uid, key.conversationId, stored.channelType, stored.archived, stored.sortTs, added],
          );
        await report(client, events, stored);
        return { row: stored, changed };
      });
    },
    async changedSince(uid, version, limit) {
      const { rows } = await pool.query<ConversationDbRow>(
        prepared(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND version > $2 ORDER BY version LIMIT $3`, [
          uid,
          version,
          limit,
        ]),
      );
      return rows.map(toConversationRow);
    },
    async changesWithClock(uid, version, limit) {
      // One statement, so one snapshot; the clock's columns are renamed away from the row's, and the
      // last message's are prefixed.
      const { rows } = await pool.query<ConversationDbRow & ClockColumns & Record<string, unknown>>(
        prepared(
          `SELECT k.clock_version, k.sg_clock, k.epoch_text, c.*, ${prefixedMessageColumns('m', LAST_MESSAGE)}
           FROM (${CLOCK_SQL}) k
           LEFT JOIN LATERAL (SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND version > $2 ORDER BY version LIMIT $3) c ON true
           LEFT JOIN messages m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.seq = c.last_seq
           ORDER BY c.version`,
          [uid, version, limit],
        ),
      );
      return withClock(rows);
    },
    async clock(uid) {
      // One statement, so one snapshot. The epoch is read as text: its exact stored digits.
      const { rows } = await pool.query<ClockColumns>(prepared(CLOCK_SQL, [uid]));
      const r = rows[0] as ClockColumns;
      return { version: r.clock_version ?? 0, superGroupClock: r.sg_clock, epoch: r.epoch_text };
    },
    async pinned(uid) {
      // The port names no order; this one is the primary key's, and stable.
      const { rows } = await pool.query<ConversationDbRow>(
        prepared(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND pinned_at > 0 ORDER BY conversation_id`, [uid]),
      );
      return rows.map(toConversationRow);
    },
    async labelled(uid) {
      const { rows } = await pool.query<ConversationDbRow>(
        prepared(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations c
           WHERE c.uid = $1 AND c.conversation_id IN (SELECT DISTINCT conversation_id FROM conversation_labels WHERE uid = $1)`,
          [uid],
        ),
      );
      return rows.map(toConversationRow);
    },
    async unreadTotal(uid, retention, mutedAt = Date.now()) {
      // One statement, so one snapshot: a row flagged between two reads would be counted twice or
      // not at all. One result row per row to recount, each carrying the plain sum (a single row of
      // nulls with it when there is none). SUM over BIGINT is NUMERIC (a string in pg): cast back.
      // Rows that may count expired messages are recounted too (see the port); without a policy
      // nothing expires: a cutoff below every timestamp.
      const { rows } = await pool.query<{ plain: number; muted: number } & { [K in keyof ConversationDbRow]: ConversationDbRow[K] | null }>(
        prepared(
          `SELECT t.plain, t.muted, ${CONVERSATION_COLUMN_NAMES.map((c) => `r.${c}`).join(', ')}
         FROM (SELECT COALESCE(SUM(GREATEST(last_ord - read_ord, 0)), 0)::bigint AS plain,
                 COALESCE(SUM(CASE WHEN muted_until > $5 THEN GREATEST(last_ord - read_ord, 0) ELSE 0 END), 0)::bigint AS muted
               FROM conversations c WHERE uid = $1 AND channel_type <> 3 AND NOT may_hide AND ${LISTED_SQL}
                 AND NOT ${MAY_COUNT_EXPIRED}) AS t
         LEFT JOIN (SELECT ${CONVERSATION_COLUMNS} FROM conversations c
                    WHERE uid = $1 AND channel_type <> 3 AND ${LISTED_SQL} AND (may_hide OR ${MAY_COUNT_EXPIRED})) AS r ON TRUE
         ORDER BY r.conversation_id`,
          [uid, retention?.defaultDays ?? 0, retention?.now ?? 0, retention ? EXPIRY_MARGIN_MS : 0, mutedAt],
        ),
      );
      return {
        plain: rows[0]?.plain ?? 0,
        plainMuted: rows[0]?.muted ?? 0,
        recount: rows.filter((r) => r.uid !== null).map((r) => toConversationRow(r as ConversationDbRow)),
      };
    },
  };
}

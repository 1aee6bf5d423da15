import type { Pool, PoolClient } from 'pg';
import type { ChannelKey, ConversationRow, ErasedMessage, ErasureRecord, UserDataStore } from '../../../ports/storage/index.js';
import { FIRST_SENDABLE_CLIENT_MSG_NO, REPLY_MARK, scrubbedReply } from '../erasure-rules.js';
import {
  type ConversationDbRow,
  type MemberRow,
  type MessageRow,
  type QueuedMessageRow,
  toConversationRow,
  toMember,
  toQueuedMessage,
  toStoredMessage,
} from '../rows.js';
import { CONVERSATION_COLUMN_NAMES, CONVERSATION_COLUMNS } from './conversations.js';
import { MESSAGE_COLUMNS } from './message-columns.js';
import { bumpConversationVersions } from './messages.js';
import { inTransaction } from './transaction.js';

interface ErasureRow {
  uid: string;
  erased_at: number;
  finished_at: number;
}

const toErasure = (r: ErasureRow): ErasureRecord => ({ uid: r.uid, erasedAt: r.erased_at, finishedAt: r.finished_at });

/** Deletes at most $2 of the user's ($1) rows each, through `ctid`: a bounded step without a key of its own. */
const OWN_ROW_DELETES = [
  'DELETE FROM conversations WHERE ctid IN (SELECT ctid FROM conversations WHERE uid = $1 LIMIT $2)',
  'DELETE FROM deleted_messages WHERE ctid IN (SELECT ctid FROM deleted_messages WHERE uid = $1 LIMIT $2)',
  'DELETE FROM reactions WHERE ctid IN (SELECT ctid FROM reactions WHERE uid = $1 LIMIT $2)',
  'DELETE FROM receipts WHERE ctid IN (SELECT ctid FROM receipts WHERE uid = $1 LIMIT $2)',
  'DELETE FROM sync_once_queue WHERE ctid IN (SELECT ctid FROM sync_once_queue WHERE uid = $1 LIMIT $2)',
  'DELETE FROM blacklist WHERE ctid IN (SELECT ctid FROM blacklist WHERE owner_uid = $1 LIMIT $2)',
  'DELETE FROM blacklist WHERE ctid IN (SELECT ctid FROM blacklist WHERE blocked_uid = $1 LIMIT $2)',
  'DELETE FROM whitelist WHERE ctid IN (SELECT ctid FROM whitelist WHERE uid = $1 LIMIT $2)',
  // Their system notices: a channel nobody else reads.
  'DELETE FROM messages WHERE ctid IN (SELECT ctid FROM messages WHERE channel_type = 4 AND channel_id = $1 LIMIT $2)',
  'DELETE FROM channels WHERE channel_type = 4 AND channel_id = $1 AND $2::int > 0',
];

/**
 * Replaces the named messages, locked first in key order (two erasures of one user on two nodes
 * queue instead of deadlocking); answers the ones it changed.
 */
async function placeholders(client: PoolClient, uid: string, messages: readonly ErasedMessage[]) {
  const sorted = [...messages].sort(
    (a, b) => a.channelType - b.channelType || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0) || a.seq - b.seq,
  );
  const { rows } = await client.query<{ channel_type: number; channel_id: string; seq: number }>(
    `WITH wanted AS (
       SELECT * FROM unnest($2::int[], $3::text[], $4::bigint[], $5::int[], $6::text[], $7::text[])
         AS w(channel_type, channel_id, seq, content_type, payload, meta)
     ),
     locked AS MATERIALIZED (
       SELECT m.channel_type, m.channel_id, m.seq FROM messages m
       JOIN wanted w ON w.channel_type = m.channel_type AND w.channel_id = m.channel_id AND w.seq = m.seq
       WHERE m.from_uid = $1 AND m.client_msg_no >= $8
       ORDER BY m.channel_type, m.channel_id, m.seq
       FOR NO KEY UPDATE OF m
     )
     UPDATE messages m SET content_type = w.content_type, payload = w.payload, meta = w.meta,
       client_msg_no = chr(1) || m.message_id, edited_payload = '', edited_at = 0, edit_count = 0,
       search_tsv = NULL,
       stream_status = CASE WHEN m.stream_state = 1 THEN 'erased' ELSE m.stream_status END,
       stream_state = CASE WHEN m.stream_state = 1 THEN 2 ELSE m.stream_state END
     FROM locked l JOIN wanted w ON w.channel_type = l.channel_type AND w.channel_id = l.channel_id AND w.seq = l.seq
     WHERE m.channel_type = l.channel_type AND m.channel_id = l.channel_id AND m.seq = l.seq
     RETURNING m.channel_type, m.channel_id, m.seq`,
    [
      uid,
      sorted.map((m) => m.channelType),
      sorted.map((m) => m.channelId),
      sorted.map((m) => m.seq),
      sorted.map((m) => m.contentType),
      sorted.map((m) => m.payloadJson),
      sorted.map((m) => m.metaJson),
      FIRST_SENDABLE_CLIENT_MSG_NO,
    ],
  );
  return rows;
}

/**
 * The placeholders, then, in the global lock order (message rows, channels, the clock, users,
 * conversations): super groups whose last message changed take a clock tick, and the fan-out rows
 * showing an erased message as their last one a new version.
 */
async function eraseSent(client: PoolClient, uid: string, messages: readonly ErasedMessage[]): Promise<ConversationRow[]> {
  const erased = await placeholders(client, uid, messages);
  if (!erased.length) return [];
  const lowest = new Map<string, { channelType: number; channelId: string; seq: number }>();
  for (const e of erased) {
    const k = `${e.channel_type}\u0000${e.channel_id}`;
    const seen = lowest.get(k);
    if (!seen || e.seq < seen.seq) lowest.set(k, { channelType: e.channel_type, channelId: e.channel_id, seq: e.seq });
  }
  const superGroups = erased.filter((e) => e.channel_type === 3);
  if (superGroups.length) {
    // Members learn of a changed last message by the super-group clock, as of a revoke.
    await client.query(
      `WITH hit AS MATERIALIZED (
         SELECT c.channel_type, c.channel_id FROM channels c
         JOIN unnest($1::int[], $2::text[], $3::bigint[]) AS e(channel_type, channel_id, seq)
           ON e.channel_type = c.channel_type AND e.channel_id = c.channel_id AND e.seq = c.max_seq
         ORDER BY c.channel_type, c.channel_id
         FOR UPDATE OF c
       ),
       tick AS (UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' AND EXISTS (SELECT 1 FROM hit) RETURNING value)
       UPDATE channels c SET sg_clock = GREATEST(c.sg_clock, tick.value)
       FROM hit h, tick WHERE c.channel_type = h.channel_type AND c.channel_id = h.channel_id`,
      [superGroups.map((e) => e.channel_type), superGroups.map((e) => e.channel_id), superGroups.map((e) => e.seq)],
    );
  }
  const fanned = erased.filter((e) => e.channel_type !== 3);
  const affected = fanned.length
    ? (
        await client.query<{ uid: string; conversation_id: string }>(
          `SELECT DISTINCT c.uid, c.conversation_id FROM conversations c
           JOIN unnest($1::int[], $2::text[], $3::bigint[]) AS e(channel_type, channel_id, seq)
             ON c.channel_type = e.channel_type AND c.channel_id = e.channel_id AND c.last_seq = e.seq
           ORDER BY c.uid, c.conversation_id`,
          [fanned.map((e) => e.channel_type), fanned.map((e) => e.channel_id), fanned.map((e) => e.seq)],
        )
      ).rows
    : [];
  const demand = new Map<string, number>();
  for (const r of affected) demand.set(r.uid, (demand.get(r.uid) ?? 0) + 1);
  const top = await bumpConversationVersions(client, demand);
  // A user's rows take their new versions in row order; users without a row in `users` get none.
  const stamps: Array<{ uid: string; conversationId: string; version: number }> = [];
  const taken = new Map<string, number>();
  for (const r of affected) {
    const last = top.get(r.uid);
    if (last === undefined) continue;
    const i = taken.get(r.uid) ?? 0;
    taken.set(r.uid, i + 1);
    stamps.push({ uid: r.uid, conversationId: r.conversation_id, version: last - (demand.get(r.uid) as number) + 1 + i });
  }
  let rows: ConversationDbRow[] = [];
  if (stamps.length) {
    rows = (
      await client.query<ConversationDbRow>(
        `WITH stamp AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) AS s(uid, conversation_id, version)),
         locked AS MATERIALIZED (
           SELECT c.uid, c.conversation_id FROM conversations c JOIN stamp s ON s.uid = c.uid AND s.conversation_id = c.conversation_id
           ORDER BY c.uid, c.conversation_id
           FOR NO KEY UPDATE OF c
         )
         UPDATE conversations c SET version = s.version
         FROM locked l JOIN stamp s ON s.uid = l.uid AND s.conversation_id = l.conversation_id
         WHERE c.uid = l.uid AND c.conversation_id = l.conversation_id
         RETURNING ${CONVERSATION_COLUMN_NAMES.map((col) => `c.${col}`).join(', ')}`,
        [stamps.map((s) => s.uid), stamps.map((s) => s.conversationId), stamps.map((s) => s.version)],
      )
    ).rows;
  }
  const channels = [...lowest.values()];
  await client.query(
    `INSERT INTO erasure_replies (uid, channel_type, channel_id, next_seq)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::bigint[])
     ON CONFLICT (uid, channel_type, channel_id) DO UPDATE SET next_seq = LEAST(erasure_replies.next_seq, EXCLUDED.next_seq)`,
    [uid, channels.map((c) => c.channelType), channels.map((c) => c.channelId), channels.map((c) => c.seq + 1)],
  );
  return rows.map(toConversationRow);
}

/** Takes `uid` out of at most `limit` groups, their channel rows locked in key order first, as membership changes lock them. */
async function leaveGroups(client: PoolClient, uid: string, limit: number) {
  const { rows: groups } = await client.query<{ channel_type: number; channel_id: string; owner_uid: string }>(
    `SELECT c.channel_type, c.channel_id, c.owner_uid FROM channels c
     JOIN (SELECT channel_type, channel_id FROM members WHERE uid = $1 AND channel_type IN (2, 3) LIMIT $2) m
       ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id
     ORDER BY c.channel_type, c.channel_id
     FOR UPDATE OF c`,
    [uid, limit],
  );
  const left: Array<ChannelKey & { newOwnerUid?: string }> = [];
  for (const g of groups) {
    const key = [g.channel_type, g.channel_id];
    let newOwnerUid: string | undefined;
    if (g.owner_uid === uid) {
      const { rows } = await client.query<{ uid: string }>(
        `SELECT uid FROM members WHERE channel_type = $1 AND channel_id = $2 AND uid <> $3
         ORDER BY role = 1 DESC, joined_at, uid LIMIT 1`,
        [...key, uid],
      );
      newOwnerUid = rows[0]?.uid ?? '';
      if (newOwnerUid)
        await client.query('UPDATE members SET role = 2 WHERE channel_type = $1 AND channel_id = $2 AND uid = $3', [...key, newOwnerUid]);
      await client.query('UPDATE channels SET owner_uid = $3 WHERE channel_type = $1 AND channel_id = $2', [...key, newOwnerUid]);
    }
    const removed = await client.query('DELETE FROM members WHERE channel_type = $1 AND channel_id = $2 AND uid = $3', [...key, uid]);
    if (removed.rowCount)
      await client.query('UPDATE channels SET member_count = member_count - 1 WHERE channel_type = $1 AND channel_id = $2', key);
    left.push({
      channelType: g.channel_type as ChannelKey['channelType'],
      channelId: g.channel_id,
      ...(newOwnerUid !== undefined && { newOwnerUid }),
    });
  }
  return left;
}

async function scrubReplies(client: PoolClient, uid: string, maxSeqs: number): Promise<boolean> {
  const { rows: pending } = await client.query<{ channel_type: number; channel_id: string; next_seq: number; max_seq: number | null }>(
    `SELECT r.channel_type, r.channel_id, r.next_seq, c.max_seq FROM erasure_replies r
     LEFT JOIN channels c ON c.channel_type = r.channel_type AND c.channel_id = r.channel_id
     WHERE r.uid = $1 ORDER BY r.channel_type, r.channel_id LIMIT 1 FOR UPDATE OF r`,
    [uid],
  );
  const first = pending[0];
  if (!first) return false;
  const key = [first.channel_type, first.channel_id];
  const to = first.next_seq + Math.max(1, maxSeqs) - 1;
  const { rows } = await client.query<{ seq: number; meta: string }>(
    'SELECT seq, meta FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq BETWEEN $3 AND $4 AND strpos(meta, $5) > 0',
    [...key, first.next_seq, to, REPLY_MARK],
  );
  const changed = rows.flatMap((m) => {
    const meta = scrubbedReply(m.meta, uid);
    return meta === undefined ? [] : [{ seq: m.seq, meta }];
  });
  if (changed.length) {
    await client.query(
      `UPDATE messages m SET meta = s.meta FROM unnest($3::bigint[], $4::text[]) AS s(seq, meta)
       WHERE m.channel_type = $1 AND m.channel_id = $2 AND m.seq = s.seq`,
      [...key, changed.map((c) => c.seq), changed.map((c) => c.meta)],
    );
  }
  if (to >= (first.max_seq ?? 0))
    await client.query('DELETE FROM erasure_replies WHERE uid = $1 AND channel_type = $2 AND channel_id = $3', [uid, ...key]);
  else
    await client.query('UPDATE erasure_replies SET next_seq = $4 WHERE uid = $1 AND channel_type = $2 AND channel_id = $3', [
      uid,
      ...key,
      to + 1,
    ]);
  const { rows: left } = await client.query('SELECT 1 FROM erasure_replies WHERE uid = $1 LIMIT 1', [uid]);
  return left.length > 0;
}

/** Exports and erasure (see UserDataStore): every erasure step one short transaction. */
export function postgresUserData(pool: Pool): UserDataStore {
  return {
    async sentMessages(uid, afterClientMsgNo, limit) {
      // One bound: a first page starting below ' ' would walk every erased row of the sender.
      const first = afterClientMsgNo < FIRST_SENDABLE_CLIENT_MSG_NO;
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE from_uid = $1 AND client_msg_no ${first ? '>=' : '>'} $2
         ORDER BY client_msg_no LIMIT $3`,
        [uid, first ? FIRST_SENDABLE_CLIENT_MSG_NO : afterClientMsgNo, limit],
      );
      return rows.map(toStoredMessage);
    },
    async sentOnce(uid, afterClientMsgNo, limit) {
      const { rows } = await pool.query<QueuedMessageRow>(
        `SELECT message_id, channel_type, channel_id, client_msg_no, from_uid, ts, content_type, payload, meta
         FROM sync_once_messages WHERE from_uid = $1 AND client_msg_no > $2 ORDER BY client_msg_no LIMIT $3`,
        [uid, afterClientMsgNo, limit],
      );
      return rows.map(toQueuedMessage);
    },
    async conversations(uid, afterConversationId, limit) {
      const { rows } = await pool.query<ConversationDbRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE uid = $1 AND conversation_id > $2 ORDER BY conversation_id LIMIT $3`,
        [uid, afterConversationId, limit],
      );
      return rows.map(toConversationRow);
    },
    async memberships(uid, after, limit) {
      const { rows } = await pool.query<MemberRow & { channel_type: number; channel_id: string }>(
        `SELECT channel_type, channel_id, uid, role, muted_until, join_seq, joined_at FROM members
         WHERE uid = $1 AND (channel_type, channel_id) > ($2::int, $3::text) ORDER BY channel_type, channel_id LIMIT $4`,
        [uid, after?.channelType ?? 0, after?.channelId ?? '', limit],
      );
      return rows.map((r) => ({ channelType: r.channel_type as ChannelKey['channelType'], channelId: r.channel_id, ...toMember(r) }));
    },
    async reactions(uid, after, limit) {
      const { rows } = await pool.query<{ channel_type: number; channel_id: string; seq: number; emoji: string; created_at: number }>(
        `SELECT channel_type, channel_id, seq, emoji, created_at FROM reactions
         WHERE uid = $1 AND (channel_type, channel_id, seq, emoji) > ($2::int, $3::text, $4::bigint, $5::text)
         ORDER BY channel_type, channel_id, seq, emoji LIMIT $6`,
        [uid, after?.channelType ?? 0, after?.channelId ?? '', after?.seq ?? 0, after?.emoji ?? '', limit],
      );
      return rows.map((r) => ({
        channelType: r.channel_type as ChannelKey['channelType'],
        channelId: r.channel_id,
        seq: r.seq,
        emoji: r.emoji,
        createdAt: r.created_at,
      }));
    },
    async erasure(uid) {
      const { rows } = await pool.query<ErasureRow>('SELECT uid, erased_at, finished_at FROM user_erasures WHERE uid = $1', [uid]);
      return rows[0] && toErasure(rows[0]);
    },
    async beginErasure(uid, at) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<ErasureRow>(
          `INSERT INTO user_erasures (uid, erased_at, finished_at) VALUES ($1, $2, 0)
           ON CONFLICT (uid) DO UPDATE SET erased_at = GREATEST(user_erasures.erased_at, EXCLUDED.erased_at), finished_at = 0
           RETURNING uid, erased_at, finished_at`,
          [uid, at],
        );
        await client.query('DELETE FROM users WHERE uid = $1', [uid]);
        return toErasure(rows[0] as ErasureRow);
      });
    },
    async removeOwnRows(uid, limit) {
      return inTransaction(pool, async (client) => {
        let removed = 0;
        for (const sql of OWN_ROW_DELETES) {
          if (removed >= limit) break;
          removed += (await client.query(sql, [uid, limit - removed])).rowCount ?? 0;
        }
        return removed;
      });
    },
    async leaveGroups(uid, limit) {
      return inTransaction(pool, (client) => leaveGroups(client, uid, limit));
    },
    async eraseSent(uid, messages) {
      if (!messages.length) return [];
      return inTransaction(pool, (client) => eraseSent(client, uid, messages));
    },
    async eraseSentOnce(uid, limit) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ message_id: string }>(
          'SELECT message_id FROM sync_once_messages WHERE from_uid = $1 ORDER BY message_id LIMIT $2 FOR UPDATE',
          [uid, limit],
        );
        const ids = rows.map((r) => r.message_id);
        if (!ids.length) return 0;
        await client.query('DELETE FROM sync_once_queue WHERE message_id = ANY($1::text[])', [ids]);
        await client.query('DELETE FROM sync_once_messages WHERE message_id = ANY($1::text[])', [ids]);
        return ids.length;
      });
    },
    async scrubReplies(uid, maxSeqs) {
      return inTransaction(pool, (client) => scrubReplies(client, uid, maxSeqs));
    },
    async finishErasure(uid, at) {
      await pool.query('UPDATE user_erasures SET finished_at = $2 WHERE uid = $1', [uid, at]);
    },
  };
}

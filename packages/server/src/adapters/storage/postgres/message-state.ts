import type { Pool, PoolClient } from 'pg';
import type {
  ChannelKey,
  ConversationRow,
  EventsOf,
  MessageAnnotations,
  MessageRef,
  MessageStateStore,
  StoredMessage,
} from '../../../ports/storage/index.js';
import { refKey } from '../../../ports/storage/index.js';
import { type ConversationDbRow, groupReactions, type MessageRow, toConversationRow, toStoredMessage } from '../rows.js';
import { CONVERSATION_COLUMN_NAMES, CONVERSATION_COLUMNS } from './conversations.js';
import { MESSAGE_COLUMNS, messageColumns } from './message-columns.js';
import { bumpConversationVersions } from './messages.js';
import { prepared } from './prepared.js';
import { messageTsvector } from './search.js';
import { inTransaction } from './transaction.js';
import { report } from './webhook-outbox.js';

const THE_MESSAGE = 'channel_type = $1 AND channel_id = $2 AND seq = $3';
const refParams = (r: MessageRef): [number, string, number] => [r.channelType, r.channelId, r.seq];

/** One order for every statement that locks or inserts several keys, so that two of them queue instead of deadlocking. */
const compareRefs = (a: MessageRef, b: MessageRef): number =>
  a.channelType - b.channelType || (a.channelId < b.channelId ? -1 : a.channelId > b.channelId ? 1 : 0) || a.seq - b.seq;

/** The refs without repeats (first kept), sorted. */
const uniqueSorted = (refs: readonly MessageRef[]): MessageRef[] => {
  const byKey = new Map<string, MessageRef>();
  for (const r of refs) if (!byKey.has(refKey(r))) byKey.set(refKey(r), r);
  return [...byKey.values()].sort(compareRefs);
};

const refArrays = (refs: readonly MessageRef[]): [number[], string[], number[]] => [
  refs.map((r) => r.channelType),
  refs.map((r) => r.channelId),
  refs.map((r) => r.seq),
];

/**
 * Revoke, in the global lock order of messages.ts: the message row, then its channel, then (super
 * groups) the clock row, then users, then conversations. A commit never waits for an existing
 * message row, so holding one while waiting for a channel cannot close a cycle with it.
 * Returns the rows it gave a new version, sorted by owner, then conversation id.
 */
async function revoke(client: PoolClient, ref: MessageRef, revoker: string, at: number, events?: EventsOf<StoredMessage>) {
  const key = refParams(ref);
  // The first revoke marks the row; one that waited for it finds it marked after the wait, and changes nothing.
  const marked = await client.query<MessageRow>(
    `UPDATE messages SET revoked_at = $4, revoker = $5, search_tsv = NULL WHERE ${THE_MESSAGE} AND revoked_at = 0 RETURNING ${MESSAGE_COLUMNS}`,
    [...key, at, revoker],
  );
  const fresh = marked.rows[0];
  if (!fresh) {
    const { rows } = await client.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${THE_MESSAGE}`, key);
    if (!rows[0]) throw new Error(`no message ${refKey(ref)} to revoke`);
    return { message: toStoredMessage(rows[0]), conversations: [] };
  }

  // The channel row: held until COMMIT, so no commit to this channel moves its rows under us.
  await client.query('UPDATE channels SET revoke_count = revoke_count + 1 WHERE channel_type = $1 AND channel_id = $2', [
    ref.channelType,
    ref.channelId,
  ]);
  if (ref.channelType === 3) {
    // Members learn of it by the super-group clock, as of a new message: a tick stamped on the channel.
    await client.query(
      `WITH tick AS (UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value)
       UPDATE channels c SET sg_clock = GREATEST(c.sg_clock, tick.value) FROM tick WHERE c.channel_type = $1 AND c.channel_id = $2`,
      [ref.channelType, ref.channelId],
    );
  }

  // Fan-out rows whose last message it is, or that had not read it, change what they show.
  const affected = await client.query<{ uid: string; conversation_id: string }>(
    `SELECT uid, conversation_id FROM conversations
     WHERE channel_type = $1 AND channel_id = $2 AND channel_type <> 3 AND last_seq >= $3 AND (last_seq = $3 OR read_seq < $3)
     ORDER BY uid, conversation_id`,
    key,
  );
  const demand = new Map<string, number>();
  for (const r of affected.rows) demand.set(r.uid, (demand.get(r.uid) ?? 0) + 1);
  const top = await bumpConversationVersions(client, demand);
  // A user's rows take their new versions in row order; users without a row in `users` get none.
  const stamps: Array<{ uid: string; conversationId: string; version: number }> = [];
  const taken = new Map<string, number>();
  for (const r of affected.rows) {
    const last = top.get(r.uid);
    if (last === undefined) continue;
    const i = taken.get(r.uid) ?? 0;
    taken.set(r.uid, i + 1);
    stamps.push({ uid: r.uid, conversationId: r.conversation_id, version: last - (demand.get(r.uid) as number) + 1 + i });
  }

  // Every fan-out row of the channel may now hide a counted message (super groups are recounted by
  // their channel's revoke count instead: flagging 100 000 member rows is what they exist to avoid). All the rows written here are locked
  // first in one sorted pass: those stamped and those not flagged yet (after a channel's first
  // revoke, only the rows stamped: the others are flagged already).
  const { rows } = await client.query<ConversationDbRow & { stamped: boolean }>(
    `WITH stamp AS (SELECT * FROM unnest($3::text[], $4::text[], $5::bigint[]) AS s(uid, conversation_id, version)),
     locked AS MATERIALIZED (
       SELECT c.uid, c.conversation_id FROM conversations c
       WHERE c.channel_type = $1 AND c.channel_id = $2 AND c.channel_type <> 3
         AND (NOT c.may_hide OR (c.uid, c.conversation_id) IN (SELECT uid, conversation_id FROM stamp))
       ORDER BY c.uid, c.conversation_id
       FOR NO KEY UPDATE OF c
     )
     UPDATE conversations c SET may_hide = TRUE, version = COALESCE(s.version, c.version)
     FROM locked l LEFT JOIN stamp s ON s.uid = l.uid AND s.conversation_id = l.conversation_id
     WHERE c.uid = l.uid AND c.conversation_id = l.conversation_id
     RETURNING ${CONVERSATION_COLUMN_NAMES.map((col) => `c.${col}`).join(', ')}, s.version IS NOT NULL AS stamped`,
    [ref.channelType, ref.channelId, stamps.map((s) => s.uid), stamps.map((s) => s.conversationId), stamps.map((s) => s.version)],
  );
  const written = new Map(rows.filter((r) => r.stamped).map((r) => [`${r.uid}\n${r.conversation_id}`, r]));
  const conversations: ConversationRow[] = stamps.flatMap((s) => {
    const row = written.get(`${s.uid}\n${s.conversationId}`);
    return row ? [toConversationRow(row)] : [];
  });
  const message = toStoredMessage(fresh);
  await report(client, events, message);
  return { message, conversations };
}

/** Adds or removes one reaction with the message row locked, so that the distinct-emoji limit holds under concurrency. */
async function react(client: PoolClient, ref: MessageRef, uid: string, emoji: string, add: boolean, maxDistinct: number, at: number) {
  const key = refParams(ref);
  // Its own statement: those after it then read the reactions as of after the wait.
  await client.query(`SELECT 1 FROM messages WHERE ${THE_MESSAGE} FOR NO KEY UPDATE`, key);
  if (add) {
    // A known emoji is always allowed; a new one only below the limit. Data-modifying CTEs run whether or not the result reads them.
    // Stamped at least 1 ms after the newest reaction (the row lock above orders them): same-millisecond reactions keep their order.
    const { rows } = await client.query<{ allowed: boolean }>(
      `WITH facts AS (
         SELECT EXISTS (SELECT 1 FROM reactions WHERE ${THE_MESSAGE} AND emoji = $4)
           OR (SELECT COUNT(DISTINCT emoji) FROM reactions WHERE ${THE_MESSAGE}) < $6 AS allowed
       ),
       added AS (
         INSERT INTO reactions (channel_type, channel_id, seq, emoji, uid, created_at)
         SELECT $1::int, $2::text, $3::bigint, $4::text, $5::text,
                GREATEST($7::bigint, (SELECT MAX(created_at) + 1 FROM reactions WHERE ${THE_MESSAGE}))
         FROM facts WHERE allowed
         ON CONFLICT DO NOTHING
       ),
       marked AS (
         UPDATE messages SET annotated = TRUE WHERE ${THE_MESSAGE} AND NOT annotated AND (SELECT allowed FROM facts)
       )
       SELECT allowed FROM facts`,
      [...key, emoji, uid, maxDistinct, at],
    );
    if (!rows[0]?.allowed) return 'limit' as const;
  } else {
    await client.query(`DELETE FROM reactions WHERE ${THE_MESSAGE} AND emoji = $4 AND uid = $5`, [...key, emoji, uid]);
  }
  const { rows } = await client.query<{ emoji: string; uid: string }>(
    `SELECT emoji, uid FROM reactions WHERE ${THE_MESSAGE} ORDER BY created_at, emoji, uid`,
    key,
  );
  return groupReactions(rows);
}

/** Records the receipts not recorded yet and marks their messages annotated; returns the refs recorded. */
async function addReceipts(client: PoolClient, uid: string, refs: readonly MessageRef[], at: number): Promise<MessageRef[]> {
  // Inserted in one order, then the message rows locked in one order: two calls queue, never cross.
  const sorted = uniqueSorted(refs);
  const { rows } = await client.query<{ channel_type: number; channel_id: string; seq: number }>(
    `INSERT INTO receipts (channel_type, channel_id, seq, uid, read_at)
     SELECT channel_type, channel_id, seq, $4, $5
     FROM unnest($1::int[], $2::text[], $3::bigint[]) WITH ORDINALITY AS r(channel_type, channel_id, seq, ord)
     ORDER BY ord
     ON CONFLICT DO NOTHING
     RETURNING channel_type, channel_id, seq`,
    [...refArrays(sorted), uid, at],
  );
  if (!rows.length) return [];
  const recorded = rows.map((r) => ({ channelType: r.channel_type, channelId: r.channel_id, seq: r.seq }) as MessageRef);
  // Only messages not annotated yet are locked: once set, the flag never needs writing again.
  await client.query(
    `WITH locked AS MATERIALIZED (
       SELECT m.channel_type, m.channel_id, m.seq
       FROM unnest($1::int[], $2::text[], $3::bigint[]) AS r(channel_type, channel_id, seq)
       JOIN messages m ON m.channel_type = r.channel_type AND m.channel_id = r.channel_id AND m.seq = r.seq
       WHERE NOT m.annotated
       ORDER BY m.channel_type, m.channel_id, m.seq
       FOR NO KEY UPDATE OF m
     )
     UPDATE messages m SET annotated = TRUE FROM locked l
     WHERE m.channel_type = l.channel_type AND m.channel_id = l.channel_id AND m.seq = l.seq`,
    refArrays(recorded),
  );
  // As the port answers: the given refs, in the given order, each recorded one once.
  const fresh = new Set(recorded.map(refKey));
  return refs.filter((r) => fresh.delete(refKey(r)));
}

/** One-way delete: the user's deletions, then (users, then conversations, the lock order) a new version on their row. */
async function deleteForUser(client: PoolClient, uid: string, conversationId: string, key: ChannelKey, seqs: readonly number[]) {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  // The version is taken even when there is no row to give it to (see the port).
  const bumped = await client.query<{ conv_version: number }>(
    `WITH deleted AS (
       INSERT INTO deleted_messages (uid, channel_type, channel_id, seq)
       SELECT $1, $2, $3, seq FROM unnest($4::bigint[]) WITH ORDINALITY AS d(seq, ord) ORDER BY ord
       ON CONFLICT DO NOTHING
     )
     UPDATE users SET conv_version = conv_version + 1 WHERE uid = $1 RETURNING conv_version`,
    [uid, key.channelType, key.channelId, sorted],
  );
  const version = bumped.rows[0]?.conv_version;
  if (version === undefined) return undefined;
  const { rows } = await client.query<ConversationDbRow>(
    `UPDATE conversations SET version = $3, may_hide = TRUE WHERE uid = $1 AND conversation_id = $2 RETURNING ${CONVERSATION_COLUMNS}`,
    [uid, conversationId, version],
  );
  return rows[0] && toConversationRow(rows[0]);
}

export function postgresMessageState(pool: Pool): MessageStateStore {
  return {
    async byId(messageId) {
      const { rows } = await pool.query<MessageRow>(prepared(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE message_id = $1`, [messageId]));
      return rows[0] && toStoredMessage(rows[0]);
    },
    async revoke(ref, revoker, at, events) {
      return inTransaction(pool, (client) => revoke(client, ref, revoker, at, events));
    },
    async edit(ref, payloadJson, at, maxEdits, events) {
      // One statement: a concurrent edit waits for the row, then the count is checked again on the new version.
      const edit = async (client: Pool | PoolClient) => {
        const { rows } = await client.query<MessageRow>(
          `UPDATE messages SET edited_payload = $4, edited_at = $5, edit_count = edit_count + 1,
             search_tsv = CASE WHEN revoked_at = 0 THEN $7::tsvector END
           WHERE ${THE_MESSAGE} AND edit_count < $6
           RETURNING ${MESSAGE_COLUMNS}`,
          [...refParams(ref), payloadJson, at, maxEdits, messageTsvector(payloadJson, ref)],
        );
        return rows[0] ? toStoredMessage(rows[0]) : ('limit' as const);
      };
      if (!events) return edit(pool);
      return inTransaction(pool, async (client) => {
        const edited = await edit(client);
        if (edited !== 'limit') await report(client, events, edited);
        return edited;
      });
    },
    async react(ref, uid, emoji, add, maxDistinct, at) {
      return inTransaction(pool, (client) => react(client, ref, uid, emoji, add, maxDistinct, at));
    },
    async addReceipts(uid, refs, at) {
      if (!refs.length) return [];
      return inTransaction(pool, (client) => addReceipts(client, uid, refs, at));
    },
    async annotations(refs) {
      const result = new Map<string, MessageAnnotations>();
      if (!refs.length) return result;
      // One statement for all refs (one snapshot): reactions in reaction order as [emoji, uid] pairs, and the reader count.
      const { rows } = await pool.query<{ ord: number; reactions: Array<[string, string]>; read_count: number }>(
        prepared(
          `SELECT k.ord,
           COALESCE((SELECT json_agg(json_build_array(x.emoji, x.uid) ORDER BY x.created_at, x.emoji, x.uid) FROM reactions x
                     WHERE x.channel_type = k.channel_type AND x.channel_id = k.channel_id AND x.seq = k.seq), '[]'::json) AS reactions,
           (SELECT COUNT(*) FROM receipts r WHERE r.channel_type = k.channel_type AND r.channel_id = k.channel_id AND r.seq = k.seq)
             AS read_count
         FROM unnest($1::int[], $2::text[], $3::bigint[]) WITH ORDINALITY AS k(channel_type, channel_id, seq, ord)
         ORDER BY k.ord`,
          refArrays(refs),
        ),
      );
      for (const r of rows) {
        result.set(refKey(refs[r.ord - 1] as MessageRef), {
          reactions: groupReactions(r.reactions.map(([emoji, uid]) => ({ emoji, uid }))),
          readCount: r.read_count,
        });
      }
      return result;
    },
    async deleteForUser(uid, conversationId, key, seqs) {
      return inTransaction(pool, (client) => deleteForUser(client, uid, conversationId, key, seqs));
    },
    async deletedSeqs(uid, key, fromSeq, toSeq) {
      const { rows } = await pool.query<{ seq: number }>(
        prepared('SELECT seq FROM deleted_messages WHERE uid = $1 AND channel_type = $2 AND channel_id = $3 AND seq BETWEEN $4 AND $5', [
          uid,
          key.channelType,
          key.channelId,
          fromSeq,
          toSeq,
        ]),
      );
      return new Set(rows.map((r) => r.seq));
    },
    async hiddenCountable(uid, key, afterSeq, toSeq) {
      if (toSeq <= afterSeq) return 0;
      // Each message once, whether revoked, deleted for `uid`, or both. Both parts read small indexes
      // (revoked countable messages; the user's deletions), never the whole unread range.
      const { rows } = await pool.query<{ n: number }>(
        prepared(
          `SELECT (SELECT COUNT(*) FROM messages m
                 WHERE m.channel_type = $2 AND m.channel_id = $3 AND m.seq > $4 AND m.seq <= $5 AND m.revoked_at > 0 AND m.red_dot)
              + (SELECT COUNT(*) FROM deleted_messages d
                 JOIN messages m ON m.channel_type = d.channel_type AND m.channel_id = d.channel_id AND m.seq = d.seq
                 WHERE d.uid = $1 AND d.channel_type = $2 AND d.channel_id = $3 AND d.seq > $4 AND d.seq <= $5
                   AND m.red_dot AND m.revoked_at = 0) AS n`,
          [uid, key.channelType, key.channelId, afterSeq, toSeq],
        ),
      );
      return rows[0]?.n ?? 0;
    },
    async lastVisibleSeq(uid, key, floor, ceiling) {
      const { rows } = await pool.query<{ seq: number }>(
        prepared(
          `SELECT m.seq FROM messages m
         WHERE m.channel_type = $2 AND m.channel_id = $3 AND m.seq > $4 AND m.seq <= $5
           AND NOT EXISTS (SELECT 1 FROM deleted_messages d
             WHERE d.uid = $1 AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)
         ORDER BY m.seq DESC LIMIT 1`,
          [uid, key.channelType, key.channelId, floor, ceiling],
        ),
      );
      return rows[0]?.seq ?? 0;
    },
    async changedSince(uid, key, floor, ceiling, version, limit) {
      // Revoked or edited messages have no index of their own: this reads the channel's seq range.
      const changed = `FROM messages m WHERE m.channel_type = $2 AND m.channel_id = $3 AND m.seq > $4 AND m.seq <= $5
        AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.uid = $1 AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)`;
      const at = [uid, key.channelType, key.channelId, floor, ceiling];
      const { rows } = await pool.query<MessageRow>(
        prepared(
          `SELECT ${messageColumns('m')} ${changed} AND GREATEST(m.revoked_at, m.edited_at) > $6
           ORDER BY GREATEST(m.revoked_at, m.edited_at), m.seq LIMIT $7`,
          [...at, version, limit],
        ),
      );
      const found = rows.map(toStoredMessage);
      const last = found.at(-1);
      if (found.length < limit || !last) return found;
      const tie = await pool.query<MessageRow>(
        prepared(`SELECT ${messageColumns('m')} ${changed} AND GREATEST(m.revoked_at, m.edited_at) = $6 AND m.seq > $7 ORDER BY m.seq`, [
          ...at,
          Math.max(last.revokedAt, last.editedAt),
          last.messageSeq,
        ]),
      );
      return [...found, ...tie.rows.map(toStoredMessage)];
    },
    async seqBefore(key, timestamp) {
      // A binary search on seq (timestamps follow commit order, so no index on time), run by the
      // server in one round trip: each step probes the message at the upper middle of (lo, hi].
      // What retention removed (at or below purged_seq) is gone and counts as before any time.
      const { rows } = await pool.query<{ lo: number }>(
        `WITH RECURSIVE search(lo, hi) AS (
           SELECT COALESCE(MAX(purged_seq), 0)::bigint, COALESCE(MAX(max_seq), 0)::bigint FROM channels WHERE channel_type = $1 AND channel_id = $2
           UNION ALL
           SELECT CASE WHEN m.ts < $3 THEN p.mid ELSE s.lo END, CASE WHEN m.ts < $3 THEN s.hi ELSE p.mid - 1 END
           FROM search s
           CROSS JOIN LATERAL (SELECT (s.lo + s.hi + 1) / 2 AS mid) AS p
           LEFT JOIN messages m ON m.channel_type = $1 AND m.channel_id = $2 AND m.seq = p.mid
           WHERE s.lo < s.hi
         )
         SELECT lo FROM search WHERE lo >= hi`,
        [key.channelType, key.channelId, timestamp],
      );
      return rows[0]?.lo ?? 0;
    },
  };
}

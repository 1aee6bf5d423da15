import type { Pool, PoolClient } from 'pg';
import type { CommitResult, ConversationRow, MessageStore, NewMessage, StoredAck } from '../../../ports/storage/index.js';
import { BatchPlan, type ChannelBump, type ConversationTouch, channelKeyOf, dedupeKey, type FanoutMember } from '../fanout-plan.js';
import { type ConversationDbRow, type MessageRow, toConversationRow, toStoredMessage } from '../rows.js';
import { CONVERSATION_COLUMNS } from './conversations.js';
import { CLIENT_MSG_NO_INDEX } from './migrations.js';
import { inTransaction, sqlState, violatedConstraint } from './transaction.js';

/** What a send writes, in the order `insertMessages` passes it. */
const INSERTED_COLUMN_NAMES = [
  'channel_type',
  'channel_id',
  'seq',
  'message_id',
  'client_msg_no',
  'from_uid',
  'ts',
  'content_type',
  'red_dot',
  'payload',
  'meta',
] as const satisfies ReadonlyArray<keyof MessageRow>;
/** What a read returns: the sent message and what happened to it since. */
const MESSAGE_COLUMN_NAMES = [
  ...INSERTED_COLUMN_NAMES,
  'revoked_at',
  'revoker',
  'edited_at',
  'edit_count',
  'edited_payload',
  'annotated',
] as const satisfies ReadonlyArray<keyof MessageRow>;
export const messageColumns = (table?: string): string => MESSAGE_COLUMN_NAMES.map((c) => (table ? `${table}.${c}` : c)).join(', ');
export const MESSAGE_COLUMNS = messageColumns();

/**
 * Another node stored one of our (from_uid, client_msg_no) pairs after we looked: rerunning the
 * batch finds that row and answers `duplicate` for it.
 */
const lostClientMsgNoRace = (error: unknown): boolean => sqlState(error) === '23505' && violatedConstraint(error) === CLIENT_MSG_NO_INDEX;

/**
 * One batch, one transaction, a fixed number of round trips whatever its size: every statement
 * takes the whole batch as arrays (`unnest`). The bookkeeping is `BatchPlan`'s (../fanout-plan.ts),
 * shared with every SQL adapter; its synchronous lookups are answered here from prefetched maps.
 *
 * Several nodes may commit at once. Row locks are always taken in this order, each kind in one
 * global order, so concurrent transactions queue instead of deadlocking:
 *   0. existing messages, taken only by the message-state operations (message-state.ts): a revoke
 *      locks its message row first, then goes on down this list; several rows are locked sorted
 *      by type, id, seq. A commit only inserts messages, never waiting on an existing row,
 *   1. channels (sorted by type, then id; membership changes lock their channel row too),
 *   2. the 'supergroup_clock' counters row, only when the batch has a super-group message,
 *   3. users (sorted by uid; `ConversationStore.update` locks its owner here too),
 *   4. conversations (sorted by uid, then conversation id): fan-out rows, then super-group own
 *      rows, each statement sorted. The two sets would only overlap if a 'users'/'members' fan-out
 *      used a super group's conversation id; were that ever to happen, a deadlock is retried.
 * The clock is taken after the channels so that only the tail of a super-group commit holds this
 * one database-wide row; it is held until COMMIT, so ticks are handed out in commit order.
 * The channel bump holds the channel row until COMMIT, so seqs and ordinals are handed out
 * contiguously, and a rolled back batch (any error, or a lost race retried by `inTransaction`)
 * returns them with everything else: no gaps.
 */
async function commitBatch(client: PoolClient, batch: readonly NewMessage[]): Promise<CommitResult[]> {
  const plan = new BatchPlan(batch);
  const stored = await storedAcks(client, batch);
  plan.dedupe((m) => stored.get(dedupeKey(m.fromUid, m.clientMsgNo)));
  if (!plan.fresh.length) return plan.finish([]);

  const bumps = plan.channelBumps();
  plan.assignSeqs(await bumpChannels(client, bumps), bumps);
  if (plan.touchesSuperGroups) await tickSuperGroupClock(client, bumps);
  await insertMessages(client, plan);

  // Read after the channel locks are held: membership changes take the same lock, so this is the
  // member set at commit time (see channels.ts).
  const members = await membersByChannel(client, plan.fresh);
  const touches = plan.touches((m) => members.get(channelKeyOf(m)) ?? []);
  const demand = BatchPlan.versionDemand(touches);
  const lastSortTs = new Map<string, number>();
  const times = { raise: BatchPlan.sortTimeDemand(touches), last: lastSortTs };
  BatchPlan.assignVersions(touches, await bumpConversationVersions(client, demand, times), demand);
  BatchPlan.assignSortTimes(touches, lastSortTs);
  const rows = await upsertConversations(
    client,
    touches.filter((t) => !t.ownOnly && t.version),
  );
  await touchOwnRows(
    client,
    touches.filter((t) => t.ownOnly),
  );
  return plan.finish(rows);
}

/** The acks of already stored messages among the batch's (from_uid, client_msg_no) pairs. */
async function storedAcks(client: PoolClient, batch: readonly NewMessage[]): Promise<Map<string, StoredAck>> {
  const { rows } = await client.query<{ from_uid: string; client_msg_no: string; message_id: string; seq: number; ts: number }>(
    `SELECT m.from_uid, m.client_msg_no, m.message_id, m.seq, m.ts
     FROM unnest($1::text[], $2::text[]) AS k(from_uid, client_msg_no)
     JOIN messages m ON m.from_uid = k.from_uid AND m.client_msg_no = k.client_msg_no`,
    [batch.map((m) => m.fromUid), batch.map((m) => m.clientMsgNo)],
  );
  return new Map(
    rows.map((r) => [dedupeKey(r.from_uid, r.client_msg_no), { messageId: r.message_id, messageSeq: r.seq, timestamp: r.ts }]),
  );
}

/**
 * Raises each channel's max seq and countable-message count (creating person channels on first
 * use), moves its last @all mention, and returns both counts after the bump per channel. Rows are
 * upserted, and so locked, in the sorted order of `bumps`. SET expressions read the row as it was,
 * so `channels.max_seq` in `all_mention_seq` is the max seq before this batch.
 */
async function bumpChannels(client: PoolClient, bumps: readonly ChannelBump[]): Promise<Map<string, { maxSeq: number; redCount: number }>> {
  const { rows } = await client.query<{ channel_type: number; channel_id: string; max_seq: number; red_count: number }>(
    `INSERT INTO channels (channel_type, channel_id, max_seq, red_count, last_msg_at, all_mention_seq, created_at, updated_at)
     SELECT channel_type, channel_id, message_count, red_count, last_ts, all_mention_at, last_ts, last_ts
     FROM unnest($1::int[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
       WITH ORDINALITY AS c(channel_type, channel_id, message_count, red_count, last_ts, all_mention_at, ord)
     ORDER BY ord
     ON CONFLICT (channel_type, channel_id) DO UPDATE SET
       all_mention_seq = CASE WHEN EXCLUDED.all_mention_seq > 0 THEN channels.max_seq + EXCLUDED.all_mention_seq
                         ELSE channels.all_mention_seq END,
       max_seq = channels.max_seq + EXCLUDED.max_seq,
       red_count = channels.red_count + EXCLUDED.red_count,
       last_msg_at = GREATEST(channels.last_msg_at, EXCLUDED.last_msg_at)
     RETURNING channel_type, channel_id, max_seq, red_count`,
    [
      bumps.map((b) => b.channelType),
      bumps.map((b) => b.channelId),
      bumps.map((b) => b.count),
      bumps.map((b) => b.redCount),
      bumps.map((b) => b.lastTs),
      bumps.map((b) => b.allMentionAt),
    ],
  );
  return new Map(
    rows.map((r) => [channelKeyOf({ channelType: r.channel_type, channelId: r.channel_id }), { maxSeq: r.max_seq, redCount: r.red_count }]),
  );
}

/**
 * Raises the database's super-group clock once for the batch and stamps it on the batch's super
 * groups, in one statement. Their channel rows are already ours (bumped above), so the only new
 * lock is the counters row: after the channels, as the lock order says.
 */
async function tickSuperGroupClock(client: PoolClient, bumps: readonly ChannelBump[]): Promise<void> {
  await client.query(
    `WITH tick AS (UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value)
     UPDATE channels c SET sg_clock = GREATEST(c.sg_clock, tick.value)
     FROM tick
     WHERE c.channel_type = 3 AND c.channel_id = ANY($1::text[])`,
    [bumps.filter((b) => b.channelType === 3).map((b) => b.channelId)],
  );
}

async function insertMessages(client: PoolClient, plan: BatchPlan): Promise<void> {
  const m = plan.fresh;
  await client.query(
    `INSERT INTO messages (${INSERTED_COLUMN_NAMES.join(', ')}, red_ord)
     SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::bool[],
       $10::text[], $11::text[], $12::bigint[])`,
    [
      m.map((x) => x.channelType),
      m.map((x) => x.channelId),
      plan.seqs,
      m.map((x) => x.messageId),
      m.map((x) => x.clientMsgNo),
      m.map((x) => x.fromUid),
      m.map((x) => x.timestamp),
      m.map((x) => x.contentType),
      m.map((x) => x.redDot),
      m.map((x) => x.payloadJson),
      m.map((x) => x.metaJson),
      plan.ords,
    ],
  );
}

/**
 * Members of the channels among `messages` that fan out to members, by channel key, each with
 * their join seq and the channel's ordinal at it (where their unread counting starts). Sorted by
 * uid within a channel (primary-key order), so that a batch's touches come in a stable order.
 */
async function membersByChannel(client: PoolClient, messages: readonly NewMessage[]): Promise<Map<string, FanoutMember[]>> {
  const groups = new Map<string, NewMessage>();
  for (const m of messages) if (m.fanout.kind === 'members') groups.set(channelKeyOf(m), m);
  const byChannel = new Map<string, FanoutMember[]>();
  if (!groups.size) return byChannel;
  const channels = [...groups.values()];
  const { rows } = await client.query<{
    channel_type: number;
    channel_id: string;
    uid: string;
    join_seq: number;
    join_ord: number;
    clear_floor: number;
  }>(
    `SELECT m.channel_type, m.channel_id, m.uid, m.join_seq, COALESCE(j.red_ord, 0) AS join_ord,
       CASE WHEN ch.allow_history THEN 0 ELSE m.join_seq END AS clear_floor
     FROM unnest($1::int[], $2::text[]) AS c(channel_type, channel_id)
     JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id
     JOIN channels ch ON ch.channel_type = m.channel_type AND ch.channel_id = m.channel_id
     LEFT JOIN messages j ON j.channel_type = m.channel_type AND j.channel_id = m.channel_id AND j.seq = m.join_seq
     ORDER BY m.channel_type, m.channel_id, m.uid`,
    [channels.map((c) => c.channelType), channels.map((c) => c.channelId)],
  );
  for (const r of rows) {
    const key = channelKeyOf({ channelType: r.channel_type, channelId: r.channel_id });
    const member = { uid: r.uid, joinSeq: r.join_seq, joinOrd: r.join_ord, clearFloor: r.clear_floor };
    const list = byChannel.get(key);
    if (list) list.push(member);
    else byChannel.set(key, [member]);
  }
  return byChannel;
}

/**
 * Adds each user's demand to their conversation version and returns the new top per user (users
 * without a row are left out: no version, no conversation row). The user rows are locked in uid order first, in a
 * materialized CTE, because the order in which an UPDATE ... FROM join reaches its rows is up to
 * the planner, and two batches locking the same users in different orders would deadlock.
 */
export async function bumpConversationVersions(
  client: PoolClient,
  demand: Map<string, number>,
  /** When the caller hands out updateTimes: how to raise each user's last one, and where to put the result. */
  times?: { raise: Map<string, { span: number; floor: number }>; last: Map<string, number> },
): Promise<Map<string, number>> {
  const top = new Map<string, number>();
  if (!demand.size) return top;
  const { rows } = await client.query<{ uid: string; conv_version: number; last_sort_ts: number }>(
    `WITH locked AS MATERIALIZED (
       SELECT uid FROM users WHERE uid = ANY($1::text[]) ORDER BY uid FOR UPDATE
     )
     UPDATE users u SET conv_version = u.conv_version + d.k, last_sort_ts = GREATEST(u.last_sort_ts + d.span, d.floor)
     FROM locked l JOIN unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) AS d(uid, k, span, floor) ON d.uid = l.uid
     WHERE u.uid = l.uid
     RETURNING u.uid, u.conv_version, u.last_sort_ts`,
    [
      [...demand.keys()],
      [...demand.values()],
      // Without new updateTimes (a revoke), span 0 and floor 0 leave last_sort_ts as it is.
      [...demand.keys()].map((uid) => times?.raise.get(uid)?.span ?? 0),
      [...demand.keys()].map((uid) => times?.raise.get(uid)?.floor ?? 0),
    ],
  );
  for (const r of rows) {
    top.set(r.uid, r.conv_version);
    times?.last.set(r.uid, r.last_sort_ts);
  }
  return top;
}

/**
 * Conversation rows that take the message: order, last message, the sender's read position,
 * mentions, a new version. Returns the rows as stored, in touch order.
 */
async function upsertConversations(client: PoolClient, touches: readonly ConversationTouch[]): Promise<ConversationRow[]> {
  if (!touches.length) return [];
  const t = sortedByOwner(touches);
  const { rows } = await client.query<ConversationDbRow>(
    `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, last_ord, read_seq, read_ord, mention_seq,
       version, clear_seq)
     SELECT uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, last_ord, read_seq, read_ord, mention_seq, version, clear_seq
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[],
       $10::bigint[], $11::bigint[], $12::bigint[])
       WITH ORDINALITY AS t(uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, last_ord, read_seq, read_ord, mention_seq,
         version, clear_seq, ord)
     ORDER BY ord
     ON CONFLICT (uid, conversation_id) DO UPDATE SET
       -- updateTime never goes back, even if a later seq carries an earlier clock (several nodes)
       sort_ts = GREATEST(conversations.sort_ts, EXCLUDED.sort_ts), last_seq = EXCLUDED.last_seq, last_ord = EXCLUDED.last_ord,
       clear_seq = GREATEST(conversations.clear_seq, EXCLUDED.clear_seq),
       read_ord = CASE WHEN EXCLUDED.read_seq > conversations.read_seq THEN EXCLUDED.read_ord ELSE conversations.read_ord END,
       read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq),
       mention_seq = GREATEST(conversations.mention_seq, EXCLUDED.mention_seq),
       version = EXCLUDED.version
     RETURNING ${CONVERSATION_COLUMNS}`,
    [
      t.map((x) => x.uid),
      t.map((x) => x.conversationId),
      t.map((x) => x.channelType),
      t.map((x) => x.channelId),
      t.map((x) => x.sortTs),
      t.map((x) => x.lastSeq),
      t.map((x) => x.lastOrd),
      t.map((x) => x.readSeq),
      t.map((x) => x.readOrd),
      t.map((x) => x.mentionSeq),
      t.map((x) => x.version),
      t.map((x) => x.clearSeq),
    ],
  );
  const byKey = new Map(rows.map((r) => [dedupeKey(r.uid, r.conversation_id), r]));
  return touches.flatMap((x) => {
    const row = byKey.get(dedupeKey(x.uid, x.conversationId));
    return row ? [toConversationRow(row)] : [];
  });
}

/**
 * Super groups: only the owner's own fields (read position, mention), no version, and only for
 * members of the channel (a mention may name anyone, a sender may have left). The members read
 * is consistent: the channel row is locked, and membership changes take that lock.
 */
async function touchOwnRows(client: PoolClient, touches: readonly ConversationTouch[]): Promise<void> {
  if (!touches.length) return;
  const t = sortedByOwner(touches);
  await client.query(
    `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, read_seq, read_ord, mention_seq)
     SELECT t.uid, t.conversation_id, t.channel_type, t.channel_id, t.read_seq, t.read_ord, t.mention_seq
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
       WITH ORDINALITY AS t(uid, conversation_id, channel_type, channel_id, read_seq, read_ord, mention_seq, ord)
     JOIN members m ON m.channel_type = t.channel_type AND m.channel_id = t.channel_id AND m.uid = t.uid
     ORDER BY t.ord
     ON CONFLICT (uid, conversation_id) DO UPDATE SET
       read_ord = CASE WHEN EXCLUDED.read_seq > conversations.read_seq THEN EXCLUDED.read_ord ELSE conversations.read_ord END,
       read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq),
       mention_seq = GREATEST(conversations.mention_seq, EXCLUDED.mention_seq)`,
    [
      t.map((x) => x.uid),
      t.map((x) => x.conversationId),
      t.map((x) => x.channelType),
      t.map((x) => x.channelId),
      t.map((x) => x.readSeq),
      t.map((x) => x.readOrd),
      t.map((x) => x.mentionSeq),
    ],
  );
}

/**
 * Conversation rows in one global order, like every other lock a commit takes: a conversation id
 * is not bound to a single channel (system notices), so the channel locks alone do not keep two
 * batches off the same conversation rows.
 */
const sortedByOwner = (touches: readonly ConversationTouch[]): ConversationTouch[] =>
  [...touches].sort((a, b) => compare(a.uid, b.uid) || compare(a.conversationId, b.conversationId));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function postgresMessages(pool: Pool): MessageStore {
  return {
    async commit(batch) {
      if (!batch.length) return [];
      return inTransaction(pool, (client) => commitBatch(client, batch), { alsoRetryWhen: lostClientMsgNoRace });
    },
    async range(key, fromSeq, toSeq) {
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq`,
        [key.channelType, key.channelId, fromSeq, toSeq],
      );
      return rows.map(toStoredMessage);
    },
    async byClientMsgNo(fromUid, clientMsgNo) {
      const { rows } = await pool.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE from_uid = $1 AND client_msg_no = $2`, [
        fromUid,
        clientMsgNo,
      ]);
      return rows[0] && toStoredMessage(rows[0]);
    },
    async count(key) {
      const { rows } = await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE channel_type = $1 AND channel_id = $2', [
        key.channelType,
        key.channelId,
      ]);
      return rows[0]?.n ?? 0;
    },
    async ordinalAt(key, seq) {
      if (seq <= 0) return 0;
      const { rows } = await pool.query<{ red_ord: number }>(
        'SELECT red_ord FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq = $3',
        [key.channelType, key.channelId, seq],
      );
      return rows[0]?.red_ord ?? 0;
    },
    async bySeqs(refs) {
      if (!refs.length) return [];
      // One round trip whatever the number of refs; a ref named twice is answered twice.
      const { rows } = await pool.query<MessageRow>(
        `SELECT ${messageColumns('m')}
         FROM unnest($1::int[], $2::text[], $3::bigint[]) AS r(channel_type, channel_id, seq)
         JOIN messages m ON m.channel_type = r.channel_type AND m.channel_id = r.channel_id AND m.seq = r.seq`,
        [refs.map((r) => r.channelType), refs.map((r) => r.channelId), refs.map((r) => r.seq)],
      );
      return rows.map(toStoredMessage);
    },
  };
}

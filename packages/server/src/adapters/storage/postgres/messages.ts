import type { Pool, PoolClient } from 'pg';
import type { CommitResult, MessageStore, NewMessage, StoredAck, StoredMessage } from '../../../ports/storage/index.js';
import { BatchPlan, type ConversationTouch, channelKeyOf, dedupeKey } from '../fanout-plan.js';
import { CLIENT_MSG_NO_INDEX } from './migrations.js';
import { inTransaction, sqlState, violatedConstraint } from './transaction.js';

interface MessageRow {
  channel_type: number;
  channel_id: string;
  seq: number;
  message_id: string;
  client_msg_no: string;
  from_uid: string;
  ts: number;
  content_type: number;
  red_dot: boolean;
  payload: string;
  meta: string;
}

const toStoredMessage = (r: MessageRow): StoredMessage => ({
  channelType: r.channel_type as StoredMessage['channelType'],
  channelId: r.channel_id,
  messageSeq: r.seq,
  messageId: r.message_id,
  clientMsgNo: r.client_msg_no,
  fromUid: r.from_uid,
  timestamp: r.ts,
  contentType: r.content_type,
  redDot: r.red_dot,
  payloadJson: r.payload,
  metaJson: r.meta,
});

const MESSAGE_COLUMNS = 'channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, payload, meta';

/**
 * Another node stored one of our (from_uid, client_msg_no) pairs after we looked: rerunning the
 * batch finds that row and answers `duplicate` for it.
 */
const lostClientMsgNoRace = (error: unknown): boolean => sqlState(error) === '23505' && violatedConstraint(error) === CLIENT_MSG_NO_INDEX;

/**
 * One batch, one transaction, a fixed number of round trips whatever its size: every statement
 * takes the whole batch as arrays (`unnest`). The bookkeeping is `BatchPlan`'s, exactly as in the
 * SQLite adapter; what differs is that its synchronous lookups are answered from prefetched maps.
 *
 * Several nodes may commit at once. Row locks are always taken channels first, then users, then
 * conversations, each in one global order, so concurrent batches queue instead of deadlocking.
 * The channel bump holds the channel row until COMMIT, so seqs are handed out contiguously, and a
 * rolled back batch (any error, or a lost race retried by `inTransaction`) returns its seqs with
 * everything else: no gaps.
 */
async function commitBatch(client: PoolClient, batch: readonly NewMessage[]): Promise<CommitResult[]> {
  const plan = new BatchPlan(batch);
  const stored = await storedAcks(client, batch);
  plan.dedupe((m) => stored.get(dedupeKey(m.fromUid, m.clientMsgNo)));
  if (!plan.fresh.length) return plan.finish([]);

  const counts = plan.channelCounts();
  plan.assignSeqs(await bumpChannels(client, counts), counts);
  await insertMessages(client, plan);

  // Read after the channel locks are held: membership changes take the same lock, so this is the
  // member set at commit time (see channels.ts).
  const members = await memberUidsByChannel(client, plan.fresh);
  const touches = plan.touches((m) => members.get(channelKeyOf(m)) ?? []);
  const demand = BatchPlan.versionDemand(touches);
  BatchPlan.assignVersions(touches, await bumpConversationVersions(client, demand), demand);
  await upsertConversations(
    client,
    touches.filter((t) => !t.ownOnly && t.version),
  );
  await moveOwnReadPositions(
    client,
    touches.filter((t) => t.ownOnly),
  );
  return plan.finish(touches);
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
 * Adds each channel's count to its max seq (creating person channels on first use) and returns the
 * new max seq per channel. Rows are upserted, and so locked, in the sorted order of `counts`.
 */
async function bumpChannels(client: PoolClient, counts: ReturnType<BatchPlan['channelCounts']>): Promise<Map<string, number>> {
  const { rows } = await client.query<{ channel_type: number; channel_id: string; max_seq: number }>(
    `INSERT INTO channels (channel_type, channel_id, max_seq, last_msg_at, created_at, updated_at)
     SELECT channel_type, channel_id, message_count, last_ts, last_ts, last_ts
     FROM unnest($1::int[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY AS c(channel_type, channel_id, message_count, last_ts, ord)
     ORDER BY ord
     ON CONFLICT (channel_type, channel_id) DO UPDATE SET
       max_seq = channels.max_seq + EXCLUDED.max_seq,
       last_msg_at = GREATEST(channels.last_msg_at, EXCLUDED.last_msg_at)
     RETURNING channel_type, channel_id, max_seq`,
    [counts.map((c) => c.channelType), counts.map((c) => c.channelId), counts.map((c) => c.count), counts.map((c) => c.lastTs)],
  );
  return new Map(rows.map((r) => [channelKeyOf({ channelType: r.channel_type, channelId: r.channel_id }), r.max_seq]));
}

async function insertMessages(client: PoolClient, plan: BatchPlan): Promise<void> {
  const m = plan.fresh;
  await client.query(
    `INSERT INTO messages (${MESSAGE_COLUMNS})
     SELECT * FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::bool[],
       $10::text[], $11::text[])`,
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
    ],
  );
}

/** Member uids of the channels among `messages` that fan out to members, by channel key. */
async function memberUidsByChannel(client: PoolClient, messages: readonly NewMessage[]): Promise<Map<string, string[]>> {
  const groups = new Map<string, NewMessage>();
  for (const m of messages) if (m.fanout.kind === 'members') groups.set(channelKeyOf(m), m);
  const byChannel = new Map<string, string[]>();
  if (!groups.size) return byChannel;
  const channels = [...groups.values()];
  const { rows } = await client.query<{ channel_type: number; channel_id: string; uid: string }>(
    `SELECT m.channel_type, m.channel_id, m.uid
     FROM unnest($1::int[], $2::text[]) AS c(channel_type, channel_id)
     JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id
     ORDER BY m.channel_type, m.channel_id, m.uid`,
    [channels.map((c) => c.channelType), channels.map((c) => c.channelId)],
  );
  for (const r of rows) {
    const key = channelKeyOf({ channelType: r.channel_type, channelId: r.channel_id });
    const uids = byChannel.get(key);
    if (uids) uids.push(r.uid);
    else byChannel.set(key, [r.uid]);
  }
  return byChannel;
}

/**
 * Adds each user's demand to their conversation version and returns the new top per user (users
 * without a row are left out, as in SQLite). The user rows are locked in uid order first, in a
 * materialized CTE, because the order in which an UPDATE ... FROM join reaches its rows is up to
 * the planner, and two batches locking the same users in different orders would deadlock.
 */
async function bumpConversationVersions(client: PoolClient, demand: Map<string, number>): Promise<Map<string, number>> {
  const top = new Map<string, number>();
  if (!demand.size) return top;
  const { rows } = await client.query<{ uid: string; conv_version: number }>(
    `WITH locked AS MATERIALIZED (
       SELECT uid FROM users WHERE uid = ANY($1::text[]) ORDER BY uid FOR UPDATE
     )
     UPDATE users u SET conv_version = u.conv_version + d.k
     FROM locked l JOIN unnest($1::text[], $2::bigint[]) AS d(uid, k) ON d.uid = l.uid
     WHERE u.uid = l.uid
     RETURNING u.uid, u.conv_version`,
    [[...demand.keys()], [...demand.values()]],
  );
  for (const r of rows) top.set(r.uid, r.conv_version);
  return top;
}

/** Conversation rows that take the message: order, last seq, the sender's read position, a new version. */
async function upsertConversations(client: PoolClient, touches: readonly ConversationTouch[]): Promise<void> {
  if (!touches.length) return;
  const t = sortedByOwner(touches);
  await client.query(
    `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, read_seq, version)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
     ON CONFLICT (uid, conversation_id) DO UPDATE SET
       sort_ts = EXCLUDED.sort_ts, last_seq = EXCLUDED.last_seq,
       read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq), version = EXCLUDED.version`,
    [
      t.map((x) => x.uid),
      t.map((x) => x.conversationId),
      t.map((x) => x.channelType),
      t.map((x) => x.channelId),
      t.map((x) => x.sortTs),
      t.map((x) => x.lastSeq),
      t.map((x) => x.readSeq),
      t.map((x) => x.version),
    ],
  );
}

/** Super groups: only the sender's own read position moves; order comes from the channel row. */
async function moveOwnReadPositions(client: PoolClient, touches: readonly ConversationTouch[]): Promise<void> {
  if (!touches.length) return;
  const t = sortedByOwner(touches);
  await client.query(
    `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, read_seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[])
     ON CONFLICT (uid, conversation_id) DO UPDATE SET read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq)`,
    [t.map((x) => x.uid), t.map((x) => x.conversationId), t.map((x) => x.channelType), t.map((x) => x.channelId), t.map((x) => x.readSeq)],
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
  };
}

import type { PoolClient } from 'pg';
import type { CommitResult, ConversationRow, NewMessage, StoredAck } from '../../../ports/storage/index.js';
import { STREAM_OPEN } from '../../../ports/storage/message-streams.js';
import {
  BatchPlan,
  type ChannelBump,
  type ConversationTouch,
  channelKeyOf,
  dedupeKey,
  type FanoutMember,
  SORT_TS_SPACING,
} from '../fanout-plan.js';
import { ordinalSql } from '../retention-sql.js';
import { type ConversationDbRow, toConversationRow } from '../rows.js';
import { withArrayLiterals } from './array-literal.js';
import { CONVERSATION_COLUMNS } from './conversations.js';
import { batchStatement } from './prepared.js';
import { messageTsvector } from './search.js';
import { writeOnce } from './sync-once.js';
import { writeOutbox } from './webhook-outbox.js';

/**
 * One batch, one transaction, a fixed number of round trips whatever its size: every statement
 * takes the whole batch as arrays (`unnest`), and each does several steps (CTEs). Here a batch of
 * 1:1 messages is BEGIN, `claimSeqs`, `touchConversations`, COMMIT; groups add a members read, super
 * groups a clock tick and their own rows. Most 1:1 batches never come here: the same two
 * statements run as one (commit-one-statement.ts); resends and what that path leaves out do. The bookkeeping is `BatchPlan`'s (../fanout-plan.ts),
 * shared with every SQL adapter: where a statement hands out seqs, ordinals, versions or
 * updateTimes itself, it follows the same rules, so the plan's numbers and the stored ones agree.
 *
 * Several nodes (and several batches of one node) may commit at once. Row locks are always taken
 * in this order, each kind in one global order, so concurrent transactions queue instead of deadlocking:
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
export async function commitBatch(client: PoolClient, batch: readonly NewMessage[]): Promise<CommitResult[]> {
  const plan = new BatchPlan(batch);
  const candidates = firstOccurrences(batch);
  const claimed = await claimSeqs(client, candidates);
  plan.dedupe((m) => claimed.stored.get(dedupeKey(m.fromUid, m.clientMsgNo)));
  if (plan.empty) return plan.finish([]);
  // Sync-once messages take no seq and touch no channel or conversation: stored apart (sync-once.ts).
  const queued = await writeOnce(client, plan);
  if (!plan.fresh.length) {
    await writeOutbox(client, plan.events([], queued));
    return plan.finish([], queued);
  }

  // The statement numbered the fresh messages itself, by the rules assignSeqs follows; the plan
  // numbers them again from the bumped counts, for the acks and the conversation touches.
  const bumps = plan.channelBumps();
  plan.assignSeqs(claimed.after, bumps);
  if (plan.touchesSuperGroups) await tickSuperGroupClock(client, bumps);

  // Read after the channel locks are held: membership changes take the same lock, so this is the
  // member set at commit time (see channels.ts).
  const members = await membersByChannel(client, plan.fresh);
  const touches = plan.touches((m) => members.get(channelKeyOf(m)) ?? []);
  const rows = await touchConversations(
    client,
    touches.filter((t) => !t.ownOnly),
  );
  await touchOwnRows(
    client,
    touches.filter((t) => t.ownOnly),
  );
  // Last, with every channel row of the batch locked: a channel's events take their outbox
  // positions in commit order, as its seqs do.
  await writeOutbox(client, plan.events(rows, queued));
  return plan.finish(rows, queued);
}

/** The batch without repeats of a (fromUid, clientMsgNo) pair, first occurrences in batch order: what `BatchPlan.dedupe` looks up. */
function firstOccurrences(batch: readonly NewMessage[]): NewMessage[] {
  const seen = new Set<string>();
  return batch.filter((m) => {
    const key = dedupeKey(m.fromUid, m.clientMsgNo);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Claimed {
  /** Acks of the candidates already stored, by dedupe key. */
  stored: Map<string, StoredAck>;
  /** Each bumped channel's max seq and countable-message count after the bump. */
  after: Map<string, { maxSeq: number; redCount: number }>;
}

/**
 * The CTEs `claimSeqs` runs (k, dup, fresh, want, bump, ins), over `claimValues`' parameters $1-$14:
 * shared with the one-statement commit (commit-one-statement.ts). `freshAlso` narrows what counts
 * as fresh further (SQL starting with AND).
 */
export const claimCtes = (freshAlso: string): string => `k AS (
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::bool[], $9::text[],
         $10::text[], $11::bool[], $12::bool[], $13::text[], $14::int[])
         WITH ORDINALITY AS k(channel_type, channel_id, message_id, client_msg_no, from_uid, ts, content_type, red_dot, payload, meta,
           mention_all, once, search, stream_state, i)
     ), dup AS (
       -- One clientMsgNo space for channel and sync-once messages: a resend is a duplicate either way.
       -- One index probe per candidate (LATERAL ... LIMIT 1, the pair is unique): as a join, the planner
       -- hashed the whole messages table for a batch of 1,600, 18 ms of a 42 ms commit at 48,000 rows.
       SELECT k.i, m.message_id, m.seq, m.ts
       FROM k CROSS JOIN LATERAL (
         SELECT message_id, seq, ts FROM messages m WHERE m.from_uid = k.from_uid AND m.client_msg_no = k.client_msg_no LIMIT 1
       ) m
       UNION ALL
       SELECT k.i, o.message_id, 0, o.ts
       FROM k CROSS JOIN LATERAL (
         SELECT message_id, ts FROM sync_once_messages o WHERE o.from_uid = k.from_uid AND o.client_msg_no = k.client_msg_no LIMIT 1
       ) o
     ), fresh AS (
       SELECT k.*,
         row_number() OVER w AS n,
         count(*) FILTER (WHERE k.red_dot) OVER w AS reds
       FROM k WHERE NOT k.once AND NOT EXISTS (SELECT 1 FROM dup WHERE dup.i = k.i)${freshAlso}
       WINDOW w AS (PARTITION BY k.channel_type, k.channel_id ORDER BY k.i)
     ), want AS (
       SELECT channel_type, channel_id, count(*) AS message_count, count(*) FILTER (WHERE red_dot) AS red_count, max(ts) AS last_ts,
         COALESCE(max(n) FILTER (WHERE mention_all), 0) AS all_mention_at
       FROM fresh GROUP BY channel_type, channel_id
     ), bump AS (
       INSERT INTO channels (channel_type, channel_id, max_seq, red_count, last_msg_at, all_mention_seq, created_at, updated_at)
       SELECT channel_type, channel_id, message_count, red_count, last_ts, all_mention_at, last_ts, last_ts
       FROM want ORDER BY channel_type, channel_id COLLATE "C"
       ON CONFLICT (channel_type, channel_id) DO UPDATE SET
         all_mention_seq = CASE WHEN EXCLUDED.all_mention_seq > 0 THEN channels.max_seq + EXCLUDED.all_mention_seq
                           ELSE channels.all_mention_seq END,
         max_seq = channels.max_seq + EXCLUDED.max_seq,
         red_count = channels.red_count + EXCLUDED.red_count,
         last_msg_at = GREATEST(channels.last_msg_at, EXCLUDED.last_msg_at)
       RETURNING channel_type, channel_id, max_seq, red_count
     ), ins AS (
       INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, payload, meta,
         red_ord, search_tsv, stream_state, stream_at)
       SELECT f.channel_type, f.channel_id, b.max_seq - w.message_count + f.n, f.message_id, f.client_msg_no, f.from_uid, f.ts,
         f.content_type, f.red_dot, f.payload, f.meta, b.red_count - w.red_count + f.reds, f.search::tsvector,
         f.stream_state, CASE WHEN f.stream_state > 0 THEN f.ts ELSE 0 END
       FROM fresh f
       JOIN want w ON w.channel_type = f.channel_type AND w.channel_id = f.channel_id
       JOIN bump b ON b.channel_type = f.channel_type AND b.channel_id = f.channel_id
       RETURNING 1
     )`;

/** The parameters of `claimCtes`, $1-$14. */
export const claimValues = (candidates: readonly NewMessage[]): unknown[] =>
  withArrayLiterals([
    candidates.map((m) => m.channelType),
    candidates.map((m) => m.channelId),
    candidates.map((m) => m.messageId),
    candidates.map((m) => m.clientMsgNo),
    candidates.map((m) => m.fromUid),
    candidates.map((m) => m.timestamp),
    candidates.map((m) => m.contentType),
    candidates.map((m) => m.redDot),
    candidates.map((m) => m.payloadJson),
    candidates.map((m) => m.metaJson),
    candidates.map((m) => m.mentionAll),
    candidates.map((m) => m.syncOnce === true),
    candidates.map((m) => (m.syncOnce ? null : messageTsvector(m.payloadJson, m))),
    candidates.map((m) => (m.stream ? STREAM_OPEN : 0)),
  ]);

/**
 * In one statement: finds which candidates are already stored (a resend), raises the max seq and
 * countable-message count of the channels of the others (creating person channels on first use)
 * and moves their last @all mention, then inserts those messages numbered contiguously in array
 * order. Channel rows are upserted, and so locked, sorted by type then id; the messages are
 * inserted from the bump's RETURNING, so after every lock is held. Numbering, as
 * `BatchPlan.assignSeqs`: the n-th fresh message of a channel gets `max_seq before + n`, and
 * `red_count before +` the countable messages among the first n as its ordinal. SET expressions
 * read the row as it was, so `channels.max_seq` in `all_mention_seq` is the max seq before this batch.
 *
 * A candidate stored by another transaction after this statement's snapshot makes the INSERT fail
 * on the (from_uid, client_msg_no) index; `inTransaction` reruns the batch, which then finds it.
 */
async function claimSeqs(client: PoolClient, candidates: readonly NewMessage[]): Promise<Claimed> {
  const { rows } = await client.query<{
    stored: boolean;
    i: number | null;
    message_id: string | null;
    channel_type: number | null;
    channel_id: string | null;
    seq: number;
    ts: number | null;
    red_count: number | null;
  }>(
    batchStatement(
      'parley_commit_claim_seqs',
      candidates.length,
      `WITH ${claimCtes('')}
     SELECT true AS stored, i, message_id, NULL::int AS channel_type, NULL::text AS channel_id, seq, ts, NULL::bigint AS red_count FROM dup
     UNION ALL
     SELECT false, NULL, NULL, channel_type, channel_id, max_seq, NULL, red_count FROM bump`,
      claimValues(candidates),
    ),
  );
  const stored = new Map<string, StoredAck>();
  const after = new Map<string, { maxSeq: number; redCount: number }>();
  for (const r of rows) {
    if (r.stored) {
      const m = candidates[(r.i as number) - 1] as NewMessage;
      stored.set(dedupeKey(m.fromUid, m.clientMsgNo), { messageId: r.message_id as string, messageSeq: r.seq, timestamp: r.ts as number });
    } else {
      after.set(channelKeyOf({ channelType: r.channel_type as number, channelId: r.channel_id as string }), {
        maxSeq: r.seq,
        redCount: r.red_count as number,
      });
    }
  }
  return { stored, after };
}

/**
 * Raises the database's super-group clock once for the batch and stamps it on the batch's super
 * groups, in one statement. Their channel rows are already ours (bumped above), so the only new
 * lock is the counters row: after the channels, as the lock order says.
 */
async function tickSuperGroupClock(client: PoolClient, bumps: readonly ChannelBump[]): Promise<void> {
  await client.query({
    name: 'parley_commit_tick_clock',
    text: `WITH tick AS (UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value)
     UPDATE channels c SET sg_clock = GREATEST(c.sg_clock, tick.value)
     FROM tick
     WHERE c.channel_type = 3 AND c.channel_id = ANY($1::text[])`,
    values: [bumps.filter((b) => b.channelType === 3).map((b) => b.channelId)],
  });
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
  }>({
    name: 'parley_commit_members',
    text: `SELECT m.channel_type, m.channel_id, m.uid, m.join_seq, ${ordinalSql('j', 'ch', 'm.join_seq')} AS join_ord,
       CASE WHEN ch.allow_history THEN 0 ELSE m.join_seq END AS clear_floor
     FROM unnest($1::int[], $2::text[]) AS c(channel_type, channel_id)
     JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id
     JOIN channels ch ON ch.channel_type = m.channel_type AND ch.channel_id = m.channel_id
     LEFT JOIN messages j ON j.channel_type = m.channel_type AND j.channel_id = m.channel_id AND j.seq = m.join_seq
     ORDER BY m.channel_type, m.channel_id, m.uid`,
    values: [channels.map((c) => c.channelType), channels.map((c) => c.channelId)],
  });
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
 * Drafts: an ON CONFLICT update sees only the proposed row (EXCLUDED), so a touch whose owner sent
 * the message proposes draft_at -1 (a fresh row keeps it: draft_at <= 0 means no draft, see the
 * port) and the update clears the draft when it sees it.
 */
export const SENT_MARK = 'CASE WHEN t.sent = 1 THEN -1 ELSE 0 END';
const CLEAR_DRAFT_IF_SENT = `draft_text = CASE WHEN EXCLUDED.draft_at < 0 THEN '' ELSE conversations.draft_text END,
       draft_ext = CASE WHEN EXCLUDED.draft_at < 0 THEN '' ELSE conversations.draft_ext END,
       draft_at = CASE WHEN EXCLUDED.draft_at < 0 THEN 0 ELSE conversations.draft_at END`;

/**
 * In one statement: raises each touched user's conversation version by their number of touches
 * and their `last_sort_ts` (per `BatchPlan.sortTimeDemand`), then upserts the conversation rows
 * that take the message (order, last message, the sender's read position, mentions) with the
 * versions and updateTimes that hands out, as `BatchPlan.assignVersions` / `assignSortTimes` do:
 * a user's touches get `top - behind` and `last_sort_ts - SORT_TS_SPACING * behind`, `behind`
 * being how many of that user's touches come after it. Users without a row get no version and no
 * conversation row. Returns the rows as stored, in touch order.
 *
 * The user rows are locked in uid order first, in a materialized CTE, because the order in which
 * an UPDATE ... FROM join reaches its rows is up to the planner; the INSERT sorts its input (by
 * the owner-sorted ordinality), which reads the whole UPDATE first, so every user lock is held
 * before the first conversation row is.
 */
async function touchConversations(client: PoolClient, touches: readonly ConversationTouch[]): Promise<ConversationRow[]> {
  if (!touches.length) return [];
  const { rows } = await client.query<ConversationDbRow>(
    batchStatement(
      'parley_commit_touch_conversations',
      touches.length,
      `WITH ${lockAndBumpUsers(1, 'TRUE')}
     INSERT INTO conversations (${TOUCH_COLUMNS})
     SELECT t.uid, t.conversation_id, t.channel_type, t.channel_id, top.last_sort_ts - ${SORT_TS_SPACING} * t.behind, t.last_seq, t.last_ord,
       t.read_seq, t.read_ord, t.mention_seq, top.conv_version - t.behind, t.clear_seq, ${SENT_MARK}
     FROM ${touchesFrom(5)}
     JOIN top ON top.uid = t.uid
     ORDER BY t.ord
     ${TOUCH_CONFLICT}
     RETURNING ${CONVERSATION_COLUMNS}`,
      touchValues(touches),
    ),
  );
  return inTouchOrder(touches, rows);
}

/**
 * CTEs `locked` and `top` of `touchConversations` (see there), parameters $first-$first+3 of
 * `touchValues`; `guard` is a condition the users are locked only if (shared with
 * commit-one-statement.ts, which makes it wait for the channel locks).
 */
export const lockAndBumpUsers = (first: number, guard: string): string => `locked AS MATERIALIZED (
       SELECT uid FROM users WHERE uid = ANY($${first}::text[]) AND ${guard} ORDER BY uid FOR UPDATE
     ), top AS (
       UPDATE users u SET conv_version = u.conv_version + d.k, last_sort_ts = GREATEST(u.last_sort_ts + d.span, d.floor)
       FROM locked l JOIN unnest($${first}::text[], $${first + 1}::bigint[], $${first + 2}::bigint[], $${first + 3}::bigint[])
         AS d(uid, k, span, floor) ON d.uid = l.uid
       WHERE u.uid = l.uid
       RETURNING u.uid, u.conv_version, u.last_sort_ts
     )`;

/** The columns a touch inserts, in the order the SELECTs of `touchConversations` and the one-statement commit give them. */
export const TOUCH_COLUMNS = `uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, last_ord, read_seq, read_ord, mention_seq,
       version, clear_seq, draft_at`;

/** The touches as the relation `t`, sorted by owner, from `touchValues`' parameters $first-$first+11. */
export const touchesFrom = (first: number): string => {
  const p = (n: number, type: string) => `$${first + n}::${type}[]`;
  return `unnest(${p(0, 'text')}, ${p(1, 'text')}, ${p(2, 'int')}, ${p(3, 'text')}, ${p(4, 'bigint')}, ${p(5, 'bigint')}, ${p(6, 'bigint')},
       ${p(7, 'bigint')}, ${p(8, 'bigint')}, ${p(9, 'bigint')}, ${p(10, 'bigint')}, ${p(11, 'int')})
       WITH ORDINALITY AS t(uid, conversation_id, channel_type, channel_id, last_seq, last_ord, read_seq, read_ord, mention_seq, clear_seq,
         behind, sent, ord)`;
};

/** What an existing row keeps and takes from a touch. */
export const TOUCH_CONFLICT = `ON CONFLICT (uid, conversation_id) DO UPDATE SET
       -- updateTime never goes back, even if a later seq carries an earlier clock (several nodes)
       sort_ts = GREATEST(conversations.sort_ts, EXCLUDED.sort_ts), last_seq = EXCLUDED.last_seq, last_ord = EXCLUDED.last_ord,
       clear_seq = GREATEST(conversations.clear_seq, EXCLUDED.clear_seq),
       read_ord = CASE WHEN EXCLUDED.read_seq > conversations.read_seq THEN EXCLUDED.read_ord ELSE conversations.read_ord END,
       read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq),
       mention_seq = GREATEST(conversations.mention_seq, EXCLUDED.mention_seq),
       version = EXCLUDED.version,
       -- a new message brings an archived conversation back unless it is muted (Telegram's rule)
       archived = conversations.archived AND conversations.muted_until > EXCLUDED.sort_ts,
       ${CLEAR_DRAFT_IF_SENT}`;

/** The parameters of `lockAndBumpUsers` (4) then `touchesFrom` (12), for `touches` (none `ownOnly`). */
export function touchValues(touches: readonly ConversationTouch[]): unknown[] {
  const demand = BatchPlan.versionDemand(touches);
  const times = BatchPlan.sortTimeDemand(touches);
  const behind = touchesBehind(touches);
  const t = sortedByOwner(touches);
  const uids = [...demand.keys()];
  return withArrayLiterals([
    uids,
    uids.map((uid) => demand.get(uid)),
    uids.map((uid) => times.get(uid)?.span ?? 0),
    uids.map((uid) => times.get(uid)?.floor ?? 0),
    t.map((x) => x.uid),
    t.map((x) => x.conversationId),
    t.map((x) => x.channelType),
    t.map((x) => x.channelId),
    t.map((x) => x.lastSeq),
    t.map((x) => x.lastOrd),
    t.map((x) => x.readSeq),
    t.map((x) => x.readOrd),
    t.map((x) => x.mentionSeq),
    t.map((x) => x.clearSeq),
    t.map((x) => behind.get(x) ?? 0),
    t.map((x) => x.sent),
  ]);
}

/** The upserted rows as stored, in touch order (touches of users without a row have none). */
export function inTouchOrder(touches: readonly ConversationTouch[], rows: readonly ConversationDbRow[]): ConversationRow[] {
  const byKey = new Map(rows.map((r) => [dedupeKey(r.uid, r.conversation_id), r]));
  return touches.flatMap((x) => {
    const row = byKey.get(dedupeKey(x.uid, x.conversationId));
    return row ? [toConversationRow(row)] : [];
  });
}

/** For each touch, how many touches of the same user come after it (in touch order). */
function touchesBehind(touches: readonly ConversationTouch[]): Map<ConversationTouch, number> {
  const seen = new Map<string, number>();
  const behind = new Map<ConversationTouch, number>();
  for (let i = touches.length - 1; i >= 0; i--) {
    const t = touches[i] as ConversationTouch;
    const n = seen.get(t.uid) ?? 0;
    behind.set(t, n);
    seen.set(t.uid, n + 1);
  }
  return behind;
}

/**
 * Super groups: only the owner's own fields (read position, mention), no version, and only for
 * members of the channel (a mention may name anyone, a sender may have left). The members read
 * is consistent: the channel row is locked, and membership changes take that lock.
 */
async function touchOwnRows(client: PoolClient, touches: readonly ConversationTouch[]): Promise<void> {
  if (!touches.length) return;
  const t = sortedByOwner(touches);
  await client.query({
    name: 'parley_commit_own_rows',
    text: `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, read_seq, read_ord, mention_seq, draft_at)
     SELECT t.uid, t.conversation_id, t.channel_type, t.channel_id, t.read_seq, t.read_ord, t.mention_seq, ${SENT_MARK}
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[], $8::int[])
       WITH ORDINALITY AS t(uid, conversation_id, channel_type, channel_id, read_seq, read_ord, mention_seq, sent, ord)
     JOIN members m ON m.channel_type = t.channel_type AND m.channel_id = t.channel_id AND m.uid = t.uid
     ORDER BY t.ord
     ON CONFLICT (uid, conversation_id) DO UPDATE SET
       read_ord = CASE WHEN EXCLUDED.read_seq > conversations.read_seq THEN EXCLUDED.read_ord ELSE conversations.read_ord END,
       read_seq = GREATEST(conversations.read_seq, EXCLUDED.read_seq),
       mention_seq = GREATEST(conversations.mention_seq, EXCLUDED.mention_seq),
       ${CLEAR_DRAFT_IF_SENT}`,
    values: withArrayLiterals([
      t.map((x) => x.uid),
      t.map((x) => x.conversationId),
      t.map((x) => x.channelType),
      t.map((x) => x.channelId),
      t.map((x) => x.readSeq),
      t.map((x) => x.readOrd),
      t.map((x) => x.mentionSeq),
      t.map((x) => x.sent),
    ]),
  });
}

/**
 * Conversation rows in one global order, like every other lock a commit takes: a conversation id
 * is not bound to a single channel (system notices), so the channel locks alone do not keep two
 * batches off the same conversation rows.
 */
const sortedByOwner = (touches: readonly ConversationTouch[]): ConversationTouch[] =>
  [...touches].sort((a, b) => compare(a.uid, b.uid) || compare(a.conversationId, b.conversationId));

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

import type { Pool } from 'pg';
import type { CommitResult, NewMessage } from '../../../ports/storage/index.js';
import { BatchPlan, type ChannelBump, channelKeyOf, dedupeKey, SORT_TS_SPACING } from '../fanout-plan.js';
import type { ConversationDbRow } from '../rows.js';
import {
  claimCtes,
  claimValues,
  inTouchOrder,
  lockAndBumpUsers,
  SENT_MARK,
  TOUCH_COLUMNS,
  TOUCH_CONFLICT,
  touchesFrom,
  touchValues,
} from './commit-batch.js';
import { CONVERSATION_COLUMN_NAMES, CONVERSATION_COLUMNS } from './conversations.js';
import { batchStatement } from './prepared.js';

/**
 * The common batch, 1:1 messages, committed by one statement on its own: no BEGIN, no COMMIT, one
 * round trip instead of four. Every query costs this process its encoding, a system call and an
 * event-loop turn to read the answer, and on a busy node the answer waits for the loop while the
 * transaction holds its locks; this statement's locks are held only while PostgreSQL runs it. The
 * send bench's Node CPU per message went from 38-42 to 36-38 µs (BENCHMARKS.md, 2026-12-03).
 *
 * It does what `commitBatch` does for such a batch (claim seqs and insert, then bump the users and
 * upsert their conversation rows), in the same lock order: the users' locking CTE waits for every
 * channel row and message of the batch. The conversation touches are planned before the seqs are
 * known, numbered from 0 in each channel; the statement adds each channel's seq and ordinal
 * before the batch. That plan assumes no message of the batch is stored already; if one is (a
 * resend), the statement writes nothing and says so, and the batch takes the general path.
 *
 * Returns undefined when the batch is not one this path takes or it wrote nothing; the caller then
 * commits it with `commitBatch`. An error that a rerun would cure is for the caller to judge.
 */
export async function commitInOneStatement(pool: Pool, batch: readonly NewMessage[]): Promise<CommitResult[] | undefined> {
  if (!takesOneStatement(batch)) return undefined;
  // Numbered from 0 in each channel until the statement says where each channel stood.
  const plan = new BatchPlan(batch);
  plan.dedupe(() => undefined);
  const bumps = plan.channelBumps();
  plan.assignSeqs(new Map(bumps.map((b) => [channelKeyOf(b), { maxSeq: b.count, redCount: b.redCount }])), bumps);
  const touches = plan.touches(() => []);
  const { rows } = await pool.query<ResultRow>(
    batchStatement(
      'parley_commit_one_statement',
      batch.length,
      `WITH ${claimCtes(' AND NOT EXISTS (SELECT 1 FROM dup)')},
     base AS (
       SELECT b.channel_type, b.channel_id, b.max_seq - w.message_count AS seq0, b.red_count - w.red_count AS ord0
       FROM bump b JOIN want w ON w.channel_type = b.channel_type AND w.channel_id = b.channel_id
     ), ${lockAndBumpUsers(15, '(SELECT count(*) FROM base) + (SELECT count(*) FROM ins) > 0')},
     conv AS (
       INSERT INTO conversations (${TOUCH_COLUMNS})
       SELECT t.uid, t.conversation_id, t.channel_type, t.channel_id, top.last_sort_ts - ${SORT_TS_SPACING} * t.behind,
         s.seq0 + t.last_seq, s.ord0 + t.last_ord,
         CASE WHEN t.read_seq > 0 THEN s.seq0 + t.read_seq ELSE 0 END, CASE WHEN t.read_seq > 0 THEN s.ord0 + t.read_ord ELSE 0 END,
         CASE WHEN t.mention_seq > 0 THEN s.seq0 + t.mention_seq ELSE 0 END, top.conv_version - t.behind, t.clear_seq, ${SENT_MARK}
       FROM ${touchesFrom(19)}
       JOIN top ON top.uid = t.uid
       JOIN base s ON s.channel_type = t.channel_type AND s.channel_id = t.channel_id
       ORDER BY t.ord
       ${TOUCH_CONFLICT}
       RETURNING ${CONVERSATION_COLUMNS}
     )
     -- Three kinds of rows in one result, told apart by which columns are null (see ResultRow).
     SELECT ${CONVERSATION_COLUMNS}, NULL::bigint AS max_seq, NULL::bigint AS red_count, FALSE AS stored FROM conv
     UNION ALL
     SELECT ${BUMP_COLUMNS}, max_seq, red_count, FALSE FROM bump
     UNION ALL
     SELECT ${NULL_COLUMNS}, NULL, NULL, TRUE FROM (SELECT 1 FROM dup LIMIT 1) d`,
      [...claimValues(batch), ...touchValues(touches)],
    ),
  );
  if (rows.some((r) => r.stored)) return undefined;
  const conversations = rows.filter((r): r is ConversationDbRow & ResultRow => r.uid !== null);
  const after = rows.filter((r) => r.uid === null && r.max_seq !== null);
  plan.offsetSeqs(offsetsAfter(bumps, after));
  return plan.finish(inTouchOrder(touches, conversations));
}

/**
 * A row of the statement's result: a conversation row as upserted (`uid` set), a channel after
 * its bump (`max_seq` set, conversation columns but the channel's null), or one row saying a
 * message of the batch is stored already (`stored`). pg reads them as ordinary rows; the
 * conversation rows as JSON (json_agg) cost PostgreSQL 5.6 ms more per 1,000.
 */
type ResultRow = { [K in keyof ConversationDbRow]: ConversationDbRow[K] | null } & {
  max_seq: number | null;
  red_count: number | null;
  stored: boolean;
};

const onlyChannel = (keep: (column: string) => boolean): string => CONVERSATION_COLUMN_NAMES.map((c) => (keep(c) ? c : 'NULL')).join(', ');
const BUMP_COLUMNS = onlyChannel((c) => c === 'channel_type' || c === 'channel_id');
const NULL_COLUMNS = onlyChannel(() => false);

/**
 * 1:1 and other 'users' fan-outs with nothing else to write (no sync-once queue, no webhook
 * events, no super-group clock), each (fromUid, clientMsgNo) once, and each conversation row
 * taking messages of one channel only: its seqs are then relative to that channel's.
 */
function takesOneStatement(batch: readonly NewMessage[]): boolean {
  const sends = new Set<string>();
  const channelOfRow = new Map<string, string>();
  for (const m of batch) {
    if (m.fanout.kind !== 'users' || m.syncOnce || m.events || m.channelType === 3) return false;
    const send = dedupeKey(m.fromUid, m.clientMsgNo);
    if (sends.has(send)) return false;
    sends.add(send);
    const channel = channelKeyOf(m);
    for (const target of m.fanout.targets) {
      const row = dedupeKey(target.uid, target.conversationId);
      const other = channelOfRow.get(row);
      if (other !== undefined && other !== channel) return false;
      channelOfRow.set(row, channel);
    }
  }
  return true;
}

/**
 * What each channel's numbering from 0 is short of the stored one: its max seq and countable count
 * after the bump, less what the batch added (the statement's `seq0` and `ord0`).
 */
function offsetsAfter(bumps: readonly ChannelBump[], after: readonly ResultRow[]): Map<string, { seq: number; ord: number }> {
  const added = new Map(bumps.map((b) => [channelKeyOf(b), b]));
  const offsets = new Map<string, { seq: number; ord: number }>();
  for (const r of after) {
    const key = channelKeyOf({ channelType: r.channel_type as number, channelId: r.channel_id as string });
    const bump = added.get(key) as ChannelBump;
    offsets.set(key, { seq: (r.max_seq as number) - bump.count, ord: (r.red_count as number) - bump.redCount });
  }
  return offsets;
}

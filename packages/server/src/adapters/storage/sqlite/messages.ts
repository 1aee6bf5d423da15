import type { Database } from 'better-sqlite3';
import type { ConversationRow, MessageStore, NewMessage, StoredAck } from '../../../ports/storage/index.js';
import { STREAM_OPEN } from '../../../ports/storage/message-streams.js';
import { BatchPlan, type ChannelBump, type ConversationTouch, channelKeyOf, type FanoutMember, type QueueEntry } from '../fanout-plan.js';
import { ordinalSql } from '../retention-sql.js';
import { type ConversationDbRow, type MessageRow, toConversationRow, toStoredMessage } from '../rows.js';
import { prepareByName } from './by-name.js';
import { messageInsertLog } from './search-index.js';
import { shaped } from './shaped-rows.js';
import type { UserClock, UserClockCache } from './user-clock-cache.js';
import { sqliteOutboxWriter } from './webhook-outbox.js';

/**
 * Thrown inside a commit when a message of the batch was stored before (a resend whose ack was lost):
 * its seq is already given, so the transaction is rolled back and the batch written again, looked up.
 * A send's batch is first written without looking each message up by (sender, clientMsgNo): the
 * insert's own search of that unique index finds the rare duplicate, and the lookup, a statement run
 * for every message, is saved (BENCHMARKS.md, 2026-12-05). A batch with a resend in it costs two
 * transactions, the first not synced.
 */
const STORED_DUPLICATE = new Error('a message of the batch was stored before');

export function sqliteMessages(db: Database, clocks: UserClockCache): MessageStore {
  const writeEvents = sqliteOutboxWriter(db);
  const byClientNo = shaped<MessageRow>(db.prepare('SELECT * FROM messages WHERE from_uid = ? AND client_msg_no = ?'));
  const onceByClientNo = db.prepare('SELECT message_id, ts FROM sync_once_messages WHERE from_uid = ? AND client_msg_no = ?');
  const insertOnce = db.prepare(`
    INSERT INTO sync_once_messages (message_id, channel_type, channel_id, client_msg_no, from_uid, ts, content_type, payload, meta)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Only recipients with a user record get a queue row, as only they get conversation rows.
  const enqueue = db.prepare(
    'INSERT INTO sync_once_queue (uid, message_id) SELECT uid, ? FROM users WHERE uid = ? ON CONFLICT (uid, message_id) DO NOTHING',
  );
  const memberUids = db.prepare('SELECT uid FROM members WHERE channel_type = ? AND channel_id = ? ORDER BY uid').pluck();
  const tickClock = db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value").pluck();
  // The statements run for each channel and each member a batch touches bind their @names by position (by-name.ts).
  const bumpChannel = prepareByName<ChannelBump & { clock: number }>(
    db,
    `
    INSERT INTO channels (channel_type, channel_id, max_seq, red_count, last_msg_at, all_mention_seq, sg_clock, created_at, updated_at)
    VALUES (@channelType, @channelId, @count, @redCount, @lastTs, @allMentionAt, @clock, @lastTs, @lastTs)
    ON CONFLICT (channel_type, channel_id) DO UPDATE SET
      all_mention_seq = CASE WHEN excluded.all_mention_seq > 0 THEN max_seq + excluded.all_mention_seq ELSE all_mention_seq END,
      max_seq = max_seq + excluded.max_seq, red_count = red_count + excluded.red_count,
      last_msg_at = MAX(last_msg_at, excluded.last_msg_at), sg_clock = MAX(sg_clock, excluded.sg_clock)
    RETURNING max_seq, red_count`,
  );
  // A stored duplicate's row is refused by the unique index, not written: see `commit` below.
  const insert = db.prepare(`
    INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, red_ord, payload, meta,
      stream_state, stream_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (from_uid, client_msg_no) DO NOTHING`);
  const anyOnce = db.prepare('SELECT 1 FROM sync_once_messages LIMIT 1').pluck();
  const logInserted = messageInsertLog(db);
  const members = shaped<FanoutMember>(
    db.prepare(`
    SELECT m.uid, m.join_seq AS joinSeq, ${ordinalSql('j', 'c', 'm.join_seq')} AS joinOrd, CASE WHEN c.allow_history THEN 0 ELSE m.join_seq END AS clearFloor
    FROM members m
    JOIN channels c ON c.channel_type = m.channel_type AND c.channel_id = m.channel_id
    LEFT JOIN messages j ON j.channel_type = m.channel_type AND j.channel_id = m.channel_id AND j.seq = m.join_seq
    WHERE m.channel_type = ? AND m.channel_id = ?`),
  );
  const bumpVersion = db.prepare(
    'UPDATE users SET conv_version = conv_version + ?, last_sort_ts = MAX(last_sort_ts + ?, ?) WHERE uid = ? RETURNING conv_version, last_sort_ts',
  );
  // A user whose clock the cache knows (user-clock-cache.ts): the same change, as values.
  const setClock = db.prepare('UPDATE users SET conv_version = ?, last_sort_ts = ? WHERE uid = ?');
  const upsertSql = prepareByName<ConversationTouch>(
    db,
    `
    INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, last_ord, read_seq, read_ord, clear_seq, mention_seq, version)
    VALUES (@uid, @conversationId, @channelType, @channelId, @sortTs, @lastSeq, @lastOrd, @readSeq, @readOrd, @clearSeq, @mentionSeq, @version)
    ON CONFLICT (uid, conversation_id) DO UPDATE SET
      -- updateTime never goes back, even if a later seq carries an earlier clock (several nodes)
      sort_ts = MAX(sort_ts, excluded.sort_ts), last_seq = excluded.last_seq, last_ord = excluded.last_ord,
      clear_seq = MAX(clear_seq, excluded.clear_seq),
      read_ord = CASE WHEN excluded.read_seq > read_seq THEN excluded.read_ord ELSE read_ord END,
      read_seq = MAX(read_seq, excluded.read_seq), mention_seq = MAX(mention_seq, excluded.mention_seq), version = excluded.version,
      -- a new message brings an archived conversation back unless it is muted (Telegram's rule)
      archived = CASE WHEN archived = 1 AND muted_until > excluded.sort_ts THEN 1 ELSE 0 END,
      -- the owner's own message: their draft there is sent, or moot
      draft_text = CASE WHEN @sent THEN '' ELSE draft_text END, draft_ext = CASE WHEN @sent THEN '' ELSE draft_ext END,
      draft_at = CASE WHEN @sent THEN 0 ELSE draft_at END
    RETURNING *`,
  );
  const upsertConversation = shaped<ConversationDbRow>(upsertSql.statement);
  // Super groups: only a member's own row, and only if they are a member (a mention may name anyone).
  const touchOwnRow = prepareByName<ConversationTouch>(
    db,
    `
    INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, read_seq, read_ord, mention_seq)
    SELECT @uid, @conversationId, @channelType, @channelId, @readSeq, @readOrd, @mentionSeq FROM members
    WHERE channel_type = @channelType AND channel_id = @channelId AND uid = @uid
    ON CONFLICT (uid, conversation_id) DO UPDATE SET
      read_ord = CASE WHEN excluded.read_seq > read_seq THEN excluded.read_ord ELSE read_ord END,
      read_seq = MAX(read_seq, excluded.read_seq), mention_seq = MAX(mention_seq, excluded.mention_seq),
      draft_text = CASE WHEN @sent THEN '' ELSE draft_text END, draft_ext = CASE WHEN @sent THEN '' ELSE draft_ext END,
      draft_at = CASE WHEN @sent THEN 0 ELSE draft_at END`,
  );
  const range = shaped<MessageRow>(
    db.prepare('SELECT * FROM messages WHERE channel_type = ? AND channel_id = ? AND seq BETWEEN ? AND ? ORDER BY seq'),
  );
  const count = db.prepare('SELECT COUNT(*) FROM messages WHERE channel_type = ? AND channel_id = ?').pluck();
  const ordinal = db
    .prepare(`
    SELECT ${ordinalSql('m', 'c', '@seq')} FROM channels c
    LEFT JOIN messages m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.seq = @seq
    WHERE c.channel_type = @channelType AND c.channel_id = @channelId`)
    .pluck();
  // One statement for a whole list page of last messages: the positions travel as one JSON array.
  const bySeqs = shaped<MessageRow>(
    db.prepare(`
    SELECT m.* FROM json_each(?) AS w
    JOIN messages m ON m.channel_type = w.value ->> 0 AND m.channel_id = w.value ->> 1 AND m.seq = w.value ->> 2`),
  );

  const lookupOnce = (m: NewMessage): StoredAck | undefined => {
    const once = onceByClientNo.get(m.fromUid, m.clientMsgNo) as { message_id: string; ts: number } | undefined;
    return once && { messageId: once.message_id, messageSeq: 0, timestamp: once.ts };
  };
  // One clientMsgNo space for channel and sync-once messages: a resend is a duplicate either way.
  const lookup = (m: NewMessage): StoredAck | undefined => {
    const row = byClientNo.get(m.fromUid, m.clientMsgNo);
    return row ? { messageId: row.message_id, messageSeq: row.seq, timestamp: row.ts } : lookupOnce(m);
  };

  /** The batch's sync-once messages and their queue rows; answers the rows written. */
  const writeOnce = (plan: BatchPlan): QueueEntry[] => {
    for (const m of plan.once)
      insertOnce.run(
        m.messageId,
        m.channelType,
        m.channelId,
        m.clientMsgNo,
        m.fromUid,
        m.timestamp,
        m.contentType,
        m.payloadJson,
        m.metaJson,
      );
    const entries = plan.queueEntries((m) => memberUids.all(m.channelType, m.channelId) as string[]);
    return entries.filter((e) => enqueue.run(e.messageId, e.uid).changes > 0);
  };

  /**
   * `lookAll` false: only a sync-once message (whose table has no index shared with channel messages)
   * is looked up, and channel messages only if a sync-once message was ever stored; a channel message
   * stored before is found by the insert (no row), which throws STORED_DUPLICATE.
   */
  const commit = db.transaction((batch: readonly NewMessage[], lookAll: boolean) => {
    clocks.open();
    const plan = new BatchPlan(batch);
    const onceStored = anyOnce.get() !== undefined;
    plan.dedupe(lookAll ? lookup : (m) => (m.syncOnce ? lookup(m) : onceStored ? lookupOnce(m) : undefined));
    const queued = writeOnce(plan);
    const bumps = plan.channelBumps();
    const clock = plan.touchesSuperGroups ? (tickClock.get() as number) : 0;
    const after = new Map<string, { maxSeq: number; redCount: number }>();
    for (const b of bumps) {
      const values = bumpChannel.values({ ...b, clock: b.channelType === 3 ? clock : 0 });
      const r = bumpChannel.statement.get(...values) as { max_seq: number; red_count: number };
      after.set(channelKeyOf(b), { maxSeq: r.max_seq, redCount: r.red_count });
    }
    plan.assignSeqs(after, bumps);
    let lastRowid = 0;
    plan.fresh.forEach((m, i) => {
      const written = insert.run(
        m.channelType,
        m.channelId,
        plan.seqs[i],
        m.messageId,
        m.clientMsgNo,
        m.fromUid,
        m.timestamp,
        m.contentType,
        m.redDot ? 1 : 0,
        plan.ords[i],
        m.payloadJson,
        m.metaJson,
        m.stream ? STREAM_OPEN : 0,
        m.stream ? m.timestamp : 0,
      );
      // Looked up, the batch holds no stored message: a refusal then is a fault, not a resend.
      if (written.changes === 0) throw lookAll ? new Error(`message ${m.messageId} refused as stored, though not found`) : STORED_DUPLICATE;
      lastRowid = written.lastInsertRowid as number;
    });
    logInserted(lastRowid - plan.fresh.length + 1, lastRowid);
    const touches = plan.touches((m) => members.all(m.channelType, m.channelId));
    const demand = BatchPlan.versionDemand(touches);
    const times = BatchPlan.sortTimeDemand(touches);
    const top = new Map<string, number>();
    const lastSortTs = new Map<string, number>();
    const raised = new Map<string, UserClock>();
    for (const [uid, k] of demand) {
      const { span, floor } = times.get(uid) as { span: number; floor: number };
      const known = clocks.get(uid);
      let raisedTo: UserClock;
      if (known) {
        raisedTo = { version: known.version + k, lastSortTs: Math.max(known.lastSortTs + span, floor) };
        if (setClock.run(raisedTo.version, raisedTo.lastSortTs, uid).changes === 0) {
          clocks.forget(uid); // no such user (any more): nothing to version, as below
          continue;
        }
      } else {
        const r = bumpVersion.get(k, span, floor, uid) as { conv_version: number; last_sort_ts: number } | undefined;
        if (!r) continue; // no such user: nothing to version
        raisedTo = { version: r.conv_version, lastSortTs: r.last_sort_ts };
      }
      raised.set(uid, raisedTo);
      top.set(uid, raisedTo.version);
      lastSortTs.set(uid, raisedTo.lastSortTs);
    }
    BatchPlan.assignVersions(touches, top, demand);
    BatchPlan.assignSortTimes(touches, lastSortTs);
    const rows: ConversationRow[] = [];
    for (const t of touches) {
      if (t.ownOnly) touchOwnRow.statement.run(...touchOwnRow.values(t));
      else if (t.version) rows.push(toConversationRow(upsertConversation.get(...upsertSql.values(t)) as ConversationDbRow));
    }
    writeEvents(plan.events(rows, queued));
    return { results: plan.finish(rows, queued), raised, marks: clocks.now() };
  });
  /** `commit` with its clocks kept once it committed, and none kept if it threw. */
  const commitKeepingClocks = (batch: readonly NewMessage[], lookAll: boolean) => {
    try {
      const { results, raised, marks } = commit.immediate(batch, lookAll);
      clocks.keep(raised, marks);
      return results;
    } catch (err) {
      clocks.forgetAll();
      throw err;
    }
  };

  return {
    async commit(batch) {
      try {
        return commitKeepingClocks(batch, false);
      } catch (err) {
        if (err !== STORED_DUPLICATE) throw err;
        // Rolled back: written again, every message looked up first.
        return commitKeepingClocks(batch, true);
      }
    },
    async range(key, fromSeq, toSeq) {
      return range.all(key.channelType, key.channelId, fromSeq, toSeq).map(toStoredMessage);
    },
    async byClientMsgNo(fromUid, clientMsgNo) {
      const row = byClientNo.get(fromUid, clientMsgNo);
      return row && toStoredMessage(row);
    },
    async count(key) {
      return count.get(key.channelType, key.channelId) as number;
    },
    async ordinalAt(key, seq) {
      if (seq <= 0) return 0;
      return (ordinal.get({ channelType: key.channelType, channelId: key.channelId, seq }) as number | undefined) ?? 0;
    },
    async bySeqs(refs) {
      if (!refs.length) return [];
      const wanted = JSON.stringify(refs.map((r) => [r.channelType, r.channelId, r.seq]));
      return bySeqs.all(wanted).map(toStoredMessage);
    },
  };
}

import type { Database } from 'better-sqlite3';
import {
  type ChannelKey,
  channelRefKey,
  cutoffOf,
  DAY_MS,
  type ExpiryFloor,
  effectiveDays,
  type PurgeStepKind,
  type RetentionPolicy,
  type RetentionStore,
} from '../../../ports/storage/index.js';
import type { SendFactsCache } from './send-facts-cache.js';
import { reportTo, sqliteOutboxWriter } from './webhook-outbox.js';

interface ChannelFacts {
  retention_days: number | null;
  purged_seq: number;
  purged_ord: number;
  max_seq: number;
  /** The oldest remaining message's time (null: none remains). */
  first_ts: number | null;
}

/** What `purgeStep` clears after the messages, in this order; each table keys its rows by (channel, seq, …). */
const LEFTOVERS: ReadonlyArray<{ kind: PurgeStepKind; table: string; key: string }> = [
  { kind: 'reactions', table: 'reactions', key: 'channel_type, channel_id, seq, emoji, uid' },
  { kind: 'receipts', table: 'receipts', key: 'channel_type, channel_id, seq, uid' },
  { kind: 'deletions', table: 'deleted_messages', key: 'uid, channel_type, channel_id, seq' },
];

export function sqliteRetention(db: Database, sendFacts: SendFactsCache): RetentionStore {
  const report = reportTo(sqliteOutboxWriter(db));
  const setDays = db.prepare('UPDATE channels SET retention_days = ?, updated_at = ? WHERE channel_type = ? AND channel_id = ?');
  const facts = db.prepare(`
    SELECT c.retention_days, c.purged_seq, c.purged_ord, c.max_seq, f.ts AS first_ts FROM channels c
    LEFT JOIN messages f ON f.channel_type = c.channel_type AND f.channel_id = c.channel_id AND f.seq = c.purged_seq + 1
    WHERE c.channel_type = ? AND c.channel_id = ?`);
  const tsAt = db.prepare('SELECT ts FROM messages WHERE channel_type = ? AND channel_id = ? AND seq = ?').pluck();
  const ordAt = db.prepare('SELECT red_ord FROM messages WHERE channel_type = ? AND channel_id = ? AND seq = ?').pluck();
  const scan = (ownOnly: boolean) =>
    db.prepare(`
    SELECT c.channel_type, c.channel_id,
      f.ts IS NOT NULL AND COALESCE(c.retention_days, @defaultDays) > 0
        AND f.ts < @now - COALESCE(c.retention_days, @defaultDays) * ${DAY_MS} AS due
    FROM (SELECT channel_type, channel_id, retention_days, purged_seq FROM channels
          WHERE (channel_type, channel_id) > (@afterType, @afterId) ${ownOnly ? 'AND retention_days > 0' : ''}
          ORDER BY channel_type, channel_id LIMIT @scan) c
    LEFT JOIN messages f ON f.channel_type = c.channel_type AND f.channel_id = c.channel_id AND f.seq = c.purged_seq + 1
    ORDER BY c.channel_type, c.channel_id`);
  const scanAll = scan(false);
  const scanOwn = scan(true);
  // Fan-out rows reading below min(floor, lastSeq) move up to it; super groups keep no such rows.
  const catchUpRows = db.prepare(`
    UPDATE conversations SET
      read_ord = CASE WHEN last_seq <= @floor THEN MAX(read_ord, last_ord) ELSE MAX(read_ord, @floorOrd) END,
      read_seq = MIN(last_seq, @floor)
    WHERE (uid, conversation_id) IN (
      SELECT uid, conversation_id FROM conversations
      WHERE channel_type = @channelType AND channel_id = @channelId AND channel_type <> 3 AND read_seq < MIN(last_seq, @floor)
      LIMIT @limit)`);
  const deleteMessages = db.prepare(
    'DELETE FROM messages WHERE channel_type = @channelType AND channel_id = @channelId AND seq > @from AND seq <= @to',
  );
  const markPurged = db.prepare(
    'UPDATE channels SET purged_seq = @to, purged_ord = @ord WHERE channel_type = @channelType AND channel_id = @channelId',
  );
  const deleteLeftovers = LEFTOVERS.map(({ kind, table, key }) => ({
    kind,
    statement: db.prepare(`
      DELETE FROM ${table} WHERE (${key}) IN (
        SELECT ${key} FROM ${table} WHERE channel_type = @channelType AND channel_id = @channelId AND seq <= @purged LIMIT @limit)`),
  }));

  const floorOf = (key: ChannelKey, policy: RetentionPolicy): (ExpiryFloor & { facts: ChannelFacts }) | undefined => {
    const c = facts.get(key.channelType, key.channelId) as ChannelFacts | undefined;
    if (!c) return undefined;
    const cutoff = cutoffOf(effectiveDays(c.retention_days, policy), policy.now);
    if (cutoff === undefined || c.first_ts === null || c.first_ts >= cutoff) return { seq: c.purged_seq, ord: c.purged_ord, facts: c };
    // The oldest remaining message has expired: binary search on seq for the last expired one.
    let lo = c.purged_seq + 1;
    let hi = c.max_seq;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((tsAt.get(key.channelType, key.channelId, mid) as number) < cutoff) lo = mid;
      else hi = mid - 1;
    }
    return { seq: lo, ord: ordAt.get(key.channelType, key.channelId, lo) as number, facts: c };
  };

  const purgeStep = db.transaction((key: ChannelKey, policy: RetentionPolicy, limit: number): { kind: PurgeStepKind; rows: number } => {
    const floor = floorOf(key, policy);
    if (!floor) return { kind: 'done', rows: 0 };
    const { channelType, channelId } = key;
    const purged = floor.facts.purged_seq;
    if (floor.seq > purged) {
      const caughtUp = catchUpRows.run({ channelType, channelId, floor: floor.seq, floorOrd: floor.ord, limit }).changes;
      if (caughtUp > 0) return { kind: 'conversations', rows: caughtUp };
      const to = Math.min(floor.seq, purged + limit);
      const ord = ordAt.get(channelType, channelId, to) as number;
      const removed = deleteMessages.run({ channelType, channelId, from: purged, to }).changes;
      markPurged.run({ channelType, channelId, to, ord });
      // A group send's facts carry the purge point (its expiry floor): in the same call as the write.
      sendFacts.forgetGroup(key);
      return { kind: 'messages', rows: removed };
    }
    for (const { kind, statement } of deleteLeftovers) {
      const rows = statement.run({ channelType, channelId, purged, limit }).changes;
      if (rows > 0) return { kind, rows };
    }
    return { kind: 'done', rows: 0 };
  });

  return {
    async setDays(key, days, now, events) {
      sendFacts.forgetGroup(key);
      return db.transaction(() => {
        const changed = setDays.run(days, now, key.channelType, key.channelId).changes > 0;
        if (changed) report(events, undefined);
        return changed;
      })();
    },
    async floors(keys, policy) {
      const result = new Map<string, ExpiryFloor>();
      for (const key of keys) {
        const floor = floorOf(key, policy);
        if (floor) result.set(channelRefKey(key), { seq: floor.seq, ord: floor.ord });
      }
      return result;
    },
    async dueChannels(after, scanSize, policy) {
      const statement = policy.defaultDays > 0 ? scanAll : scanOwn;
      const rows = statement.all({
        afterType: after?.channelType ?? 0,
        afterId: after?.channelId ?? '',
        scan: scanSize,
        defaultDays: policy.defaultDays,
        now: policy.now,
      }) as Array<{ channel_type: ChannelKey['channelType']; channel_id: string; due: number | null }>;
      const last = rows.length === scanSize ? rows[rows.length - 1] : undefined;
      return {
        due: rows.filter((r) => r.due).map((r) => ({ channelType: r.channel_type, channelId: r.channel_id })),
        next: last && { channelType: last.channel_type, channelId: last.channel_id },
      };
    },
    async purgeStep(key, policy, limit) {
      return purgeStep.immediate(key, policy, limit);
    },
  };
}

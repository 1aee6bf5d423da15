import type { Pool, PoolClient } from 'pg';
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
import { inTransaction } from './transaction.js';
import { report } from './webhook-outbox.js';

interface ChannelFacts {
  channel_type: number;
  channel_id: string;
  retention_days: number | null;
  purged_seq: number;
  purged_ord: number;
  max_seq: number;
  /** The oldest remaining message's time (null: none remains). */
  first_ts: number | null;
}

type Queryable = Pool | PoolClient;

/** What `purgeStep` clears after the messages, in this order. */
const LEFTOVERS: ReadonlyArray<{ kind: PurgeStepKind; table: string }> = [
  { kind: 'reactions', table: 'reactions' },
  { kind: 'receipts', table: 'receipts' },
  { kind: 'deletions', table: 'deleted_messages' },
];

/** Each channel's purge point, retention setting and oldest remaining message's time, in one statement. */
async function channelFacts(db: Queryable, keys: readonly ChannelKey[]): Promise<ChannelFacts[]> {
  const { rows } = await db.query<ChannelFacts>({
    name: 'parley_retention_facts',
    text: `SELECT c.channel_type, c.channel_id, c.retention_days, c.purged_seq, c.purged_ord, c.max_seq, f.ts AS first_ts
       FROM unnest($1::int[], $2::text[]) AS k(channel_type, channel_id)
       JOIN channels c ON c.channel_type = k.channel_type AND c.channel_id = k.channel_id
       LEFT JOIN messages f ON f.channel_type = c.channel_type AND f.channel_id = c.channel_id AND f.seq = c.purged_seq + 1`,
    values: [keys.map((k) => k.channelType), keys.map((k) => k.channelId)],
  });
  return rows;
}

/**
 * The last expired seq in [lo, hi] (lo has expired) and its ordinal: a binary search on seq run by
 * the server in one round trip, as `seqBefore` does.
 */
async function searchFloor(db: Queryable, key: ChannelKey, lo: number, hi: number, cutoff: number): Promise<ExpiryFloor | undefined> {
  const { rows } = await db.query<{ seq: number; ord: number }>({
    name: 'parley_retention_search',
    text: `WITH RECURSIVE search(lo, hi) AS (
         SELECT $3::bigint, $4::bigint
         UNION ALL
         SELECT CASE WHEN m.ts < $5 THEN p.mid ELSE s.lo END, CASE WHEN m.ts < $5 THEN s.hi ELSE p.mid - 1 END
         FROM search s
         CROSS JOIN LATERAL (SELECT (s.lo + s.hi + 1) / 2 AS mid) AS p
         LEFT JOIN messages m ON m.channel_type = $1 AND m.channel_id = $2 AND m.seq = p.mid
         WHERE s.lo < s.hi
       )
       SELECT s.lo AS seq, m.red_ord AS ord FROM search s
       JOIN messages m ON m.channel_type = $1 AND m.channel_id = $2 AND m.seq = s.lo
       WHERE s.lo >= s.hi`,
    values: [key.channelType, key.channelId, lo, hi, cutoff],
  });
  return rows[0];
}

async function floorOf(db: Queryable, c: ChannelFacts, policy: RetentionPolicy): Promise<ExpiryFloor> {
  const cutoff = cutoffOf(effectiveDays(c.retention_days, policy), policy.now);
  if (cutoff === undefined || c.first_ts === null || c.first_ts >= cutoff) return { seq: c.purged_seq, ord: c.purged_ord };
  const key = { channelType: c.channel_type as ChannelKey['channelType'], channelId: c.channel_id };
  // Not found: a node removed it since the facts were read. Their purge point was a floor then, a
  // little low now, which the next call corrects.
  return (await searchFloor(db, key, c.purged_seq + 1, c.max_seq, cutoff)) ?? { seq: c.purged_seq, ord: c.purged_ord };
}

async function purgeStep(client: PoolClient, key: ChannelKey, policy: RetentionPolicy, limit: number) {
  const [facts] = await channelFacts(client, [key]);
  if (!facts) return { kind: 'done' as const, rows: 0 };
  const floor = await floorOf(client, facts, policy);
  const params = [key.channelType, key.channelId];
  const purged = facts.purged_seq;
  if (floor.seq > purged) {
    // Fan-out rows reading below min(floor, lastSeq) move up to it; super groups keep no such rows.
    const caughtUp = await client.query(
      `UPDATE conversations SET
         read_ord = CASE WHEN last_seq <= $3 THEN GREATEST(read_ord, last_ord) ELSE GREATEST(read_ord, $4) END,
         read_seq = GREATEST(read_seq, LEAST(last_seq, $3))
       WHERE channel_type = $1 AND channel_id = $2 AND channel_type <> 3 AND read_seq < LEAST(last_seq, $3)
         AND (uid, conversation_id) IN (
           SELECT uid, conversation_id FROM conversations
           WHERE channel_type = $1 AND channel_id = $2 AND channel_type <> 3 AND read_seq < LEAST(last_seq, $3)
           ORDER BY uid, conversation_id LIMIT $5)`,
      [...params, floor.seq, floor.ord, limit],
    );
    if (caughtUp.rowCount) return { kind: 'conversations' as const, rows: caughtUp.rowCount };
    const to = Math.min(floor.seq, purged + limit);
    const { rows: at } = await client.query<{ red_ord: number }>(
      'SELECT red_ord FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq = $3',
      [...params, to],
    );
    // Another node removed them meanwhile.
    if (!at[0]) return { kind: 'messages' as const, rows: 0 };
    const removed = await client.query('DELETE FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq > $3 AND seq <= $4', [
      ...params,
      purged,
      to,
    ]);
    await client.query(
      `UPDATE channels SET purged_ord = CASE WHEN $3 > purged_seq THEN $4 ELSE purged_ord END, purged_seq = GREATEST(purged_seq, $3)
       WHERE channel_type = $1 AND channel_id = $2`,
      [...params, to, at[0].red_ord],
    );
    return { kind: 'messages' as const, rows: removed.rowCount ?? 0 };
  }
  for (const { kind, table } of LEFTOVERS) {
    const removed = await client.query(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
         SELECT ctid FROM ${table} WHERE channel_type = $1 AND channel_id = $2 AND seq <= $3 LIMIT $4))`,
      [...params, purged, limit],
    );
    if (removed.rowCount) return { kind, rows: removed.rowCount };
  }
  return { kind: 'done' as const, rows: 0 };
}

export function postgresRetention(pool: Pool): RetentionStore {
  const scan = (ownOnly: boolean) =>
    `SELECT c.channel_type, c.channel_id,
       (f.ts IS NOT NULL AND COALESCE(c.retention_days, $4::integer) > 0
         AND f.ts < $5::bigint - COALESCE(c.retention_days, $4::integer)::bigint * ${DAY_MS}) AS due
     FROM (SELECT channel_type, channel_id, retention_days, purged_seq FROM channels
           WHERE (channel_type, channel_id) > ($1::integer, $2::text) ${ownOnly ? 'AND retention_days > 0' : ''}
           ORDER BY channel_type, channel_id LIMIT $3) c
     LEFT JOIN messages f ON f.channel_type = c.channel_type AND f.channel_id = c.channel_id AND f.seq = c.purged_seq + 1
     ORDER BY c.channel_type, c.channel_id`;
  const scanAll = scan(false);
  const scanOwn = scan(true);
  return {
    async setDays(key, days, now, events) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          'UPDATE channels SET retention_days = $1, updated_at = $2 WHERE channel_type = $3 AND channel_id = $4',
          [days, now, key.channelType, key.channelId],
        );
        if (!rowCount) return false;
        await report(client, events, undefined);
        return true;
      });
    },
    async floors(keys, policy) {
      const result = new Map<string, ExpiryFloor>();
      if (!keys.length) return result;
      const facts = await channelFacts(pool, keys);
      const floors = await Promise.all(facts.map((c) => floorOf(pool, c, policy)));
      facts.forEach((c, i) => {
        result.set(
          channelRefKey({ channelType: c.channel_type as ChannelKey['channelType'], channelId: c.channel_id }),
          floors[i] as ExpiryFloor,
        );
      });
      return result;
    },
    async dueChannels(after, scanSize, policy) {
      const { rows } = await pool.query<{ channel_type: ChannelKey['channelType']; channel_id: string; due: boolean }>(
        policy.defaultDays > 0 ? scanAll : scanOwn,
        [after?.channelType ?? 0, after?.channelId ?? '', scanSize, policy.defaultDays, policy.now],
      );
      const last = rows.length === scanSize ? rows[rows.length - 1] : undefined;
      return {
        due: rows.filter((r) => r.due).map((r) => ({ channelType: r.channel_type, channelId: r.channel_id })),
        next: last && { channelType: last.channel_type, channelId: last.channel_id },
      };
    },
    async purgeStep(key, policy, limit) {
      return inTransaction(pool, (client) => purgeStep(client, key, policy, limit));
    },
  };
}

import type { Pool, PoolClient } from 'pg';
import type { EventsOf, OutboxEvent, WebhookOutboxStore } from '../../../ports/storage/index.js';
import { laneOf, OUTBOX_LANES } from '../../../ports/storage/index.js';
import { type DeadLetterRow, type LaneRow, type OutboxRow, toDeadLetter, toLaneState, toStoredEvent } from '../rows.js';
import { withArrayLiterals } from './array-literal.js';
import { inTransaction } from './transaction.js';
import { postgresWebhookForget } from './webhook-forget.js';

const OUTBOX_COLUMNS = 'position, event_id, lane, type, created_at, data';

/**
 * Writes outbox events in the open transaction, in one statement whatever their number, in array
 * order (the identity is drawn row by row in the ordinality's order). Nothing for no events.
 */
export async function writeOutbox(client: PoolClient, events: readonly OutboxEvent[]): Promise<void> {
  if (!events.length) return;
  await client.query({
    name: 'parley_outbox_append',
    text: `INSERT INTO webhook_outbox (event_id, lane, type, created_at, age_start, data)
     SELECT e.event_id, e.lane, e.type, e.created_at, e.created_at, e.data
     FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[], $5::text[]) WITH ORDINALITY AS e(event_id, lane, type, created_at, data, ord)
     ORDER BY e.ord`,
    values: withArrayLiterals([
      events.map((e) => e.id),
      events.map((e) => laneOf(e.orderKey)),
      events.map((e) => e.type),
      events.map((e) => e.createdAt),
      events.map((e) => e.dataJson),
    ]),
  });
}

/** Calls a write's `events` with its result and writes what they return, in the write's transaction. */
export async function report<R>(client: PoolClient, events: EventsOf<R> | undefined, result: R): Promise<void> {
  if (events) await writeOutbox(client, events(result));
}

/**
 * Lanes are leased with a conditional upsert, not held row locks: a lease outlives the claiming
 * transaction (it covers the HTTP request), and two nodes claiming at once both try each lane, the
 * second one's WHERE sees the first one's lease (ON CONFLICT rechecks it on the committed row) and
 * takes nothing. So each lane has one owner at a time across nodes, without a long transaction.
 */
export function postgresWebhookOutbox(pool: Pool): WebhookOutboxStore {
  return {
    ...postgresWebhookForget(pool),
    async append(events) {
      if (events.length) await inTransaction(pool, (client) => writeOutbox(client, events));
    },
    async claim(owner, now, options) {
      return inTransaction(pool, async (client) => {
        // Every lane's oldest event by an index probe each, never a scan of the whole outbox.
        const { rows: leased } = await client.query<{ lane: number; attempts: number }>({
          name: 'parley_outbox_claim',
          text: `WITH candidates AS (
             SELECT n.lane, o.position AS oldest
             FROM generate_series(0, ${OUTBOX_LANES - 1}) AS n(lane)
             CROSS JOIN LATERAL (SELECT position FROM webhook_outbox WHERE lane = n.lane ORDER BY position LIMIT 1) o
             LEFT JOIN webhook_lanes l ON l.lane = n.lane
             WHERE l.lane IS NULL OR (l.lease_until <= $2 AND l.retry_at <= $2)
             ORDER BY o.position LIMIT $4
           )
           INSERT INTO webhook_lanes (lane, owner, lease_until)
           SELECT lane, $1, $3 FROM candidates ORDER BY lane
           ON CONFLICT (lane) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until
           WHERE webhook_lanes.lease_until <= $2 AND webhook_lanes.retry_at <= $2
           RETURNING lane, attempts`,
          values: [owner, now, now + options.leaseMs, options.maxLanes],
        });
        const lanes = leased.map((r) => r.lane);
        if (!lanes.length) return { lanes, attempts: 0, events: [] };
        const { rows } = await client.query<OutboxRow>({
          name: 'parley_outbox_first_events',
          // Each lane's first positions from the (lane, position) index, then the rows of the batch's
          // only: never a sort of every pending row of the lanes (an hour's backlog).
          text: `WITH firsts AS (
             SELECT p.position FROM unnest($1::int[]) AS l(lane)
             CROSS JOIN LATERAL (SELECT position FROM webhook_outbox WHERE lane = l.lane ORDER BY position LIMIT $2) p
             ORDER BY p.position LIMIT $2
           )
           SELECT ${OUTBOX_COLUMNS.split(', ')
             .map((c) => `o.${c}`)
             .join(', ')} FROM firsts f JOIN webhook_outbox o ON o.position = f.position
           ORDER BY o.position`,
          values: [lanes, options.maxEvents],
        });
        return { lanes, attempts: Math.max(...leased.map((r) => r.attempts)), events: rows.map(toStoredEvent) };
      });
    },
    async delivered(owner, lanes, positions) {
      await pool.query(
        `WITH gone AS (DELETE FROM webhook_outbox WHERE position = ANY($3::bigint[]))
         DELETE FROM webhook_lanes WHERE owner = $1 AND lane = ANY($2::int[])`,
        [owner, lanes, positions],
      );
    },
    async failed(owner, lanes, positions, failure) {
      return inTransaction(pool, async (client) => {
        // Only from lanes still ours: locked here, so a node that took one over meanwhile keeps its events.
        const { rows } = await client.query<{ position: number }>(
          `WITH held AS (SELECT lane FROM webhook_lanes WHERE owner = $1 AND lane = ANY($2::int[]) FOR UPDATE),
           dying AS (
             DELETE FROM webhook_outbox WHERE position = ANY($3::bigint[]) AND age_start < $4 AND lane IN (SELECT lane FROM held)
             RETURNING position, event_id, lane, type, created_at, age_start, data
           )
           INSERT INTO webhook_dead_letters (position, event_id, lane, type, created_at, age_start, data, died_at, last_error)
           SELECT position, event_id, lane, type, created_at, age_start, data, $5, $6 FROM dying
           RETURNING position`,
          [owner, lanes, positions, failure.deadBefore, failure.now, failure.error],
        );
        await client.query(
          `UPDATE webhook_lanes SET owner = '', lease_until = 0, attempts = attempts + 1, retry_at = $3, last_error = $4
           WHERE owner = $1 AND lane = ANY($2::int[])`,
          [owner, lanes, failure.retryAt, failure.error],
        );
        return rows.length;
      });
    },
    async release(owner, lanes) {
      await pool.query(
        `WITH freed AS (
           UPDATE webhook_lanes SET owner = '', lease_until = 0 WHERE owner = $1 AND ($2::int[] IS NULL OR lane = ANY($2::int[]))
           RETURNING lane, attempts
         )
         DELETE FROM webhook_lanes w USING freed f WHERE w.lane = f.lane AND f.attempts = 0`,
        [owner, lanes ?? null],
      );
    },
    async deadLetters(after, limit) {
      const { rows } = await pool.query<DeadLetterRow>(
        `SELECT ${OUTBOX_COLUMNS}, died_at, last_error FROM webhook_dead_letters WHERE position > $1 ORDER BY position LIMIT $2`,
        [after ?? -1, limit],
      );
      return rows.map(toDeadLetter);
    },
    async replay(ids, limit, now) {
      const { rows } = await pool.query<{ position: number }>(
        `WITH chosen AS (
           SELECT position FROM webhook_dead_letters WHERE $1::text[] IS NULL OR event_id = ANY($1::text[])
           ORDER BY position LIMIT $2 FOR UPDATE
         ), moved AS (
           DELETE FROM webhook_dead_letters d USING chosen c WHERE d.position = c.position
           RETURNING d.position, d.event_id, d.lane, d.type, d.created_at, d.data
         )
         INSERT INTO webhook_outbox (position, event_id, lane, type, created_at, age_start, data)
         SELECT position, event_id, lane, type, created_at, $3, data FROM moved
         RETURNING position`,
        [ids ?? null, limit, now],
      );
      return rows.length;
    },
    async status() {
      const { rows } = await pool.query<{ pending: number; dead: number; failing: LaneRow[] }>(
        `SELECT (SELECT COUNT(*) FROM webhook_outbox)::int AS pending, (SELECT COUNT(*) FROM webhook_dead_letters)::int AS dead,
           COALESCE((SELECT json_agg(json_build_object('lane', lane, 'attempts', attempts, 'retry_at', retry_at, 'last_error', last_error)
                     ORDER BY lane) FROM webhook_lanes WHERE attempts > 0), '[]'::json) AS failing`,
      );
      const row = rows[0] as { pending: number; dead: number; failing: LaneRow[] };
      return { pending: row.pending, deadLetters: row.dead, failing: row.failing.map(toLaneState) };
    },
    async endpoint() {
      const { rows } = await pool.query<{ url: string }>('SELECT url FROM webhook_endpoint WHERE id = 1');
      return rows[0]?.url;
    },
    async setEndpoint(url, now) {
      if (url === undefined) await pool.query('DELETE FROM webhook_endpoint WHERE id = 1');
      else
        await pool.query(
          `INSERT INTO webhook_endpoint (id, url, updated_at) VALUES (1, $1, $2)
           ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, updated_at = EXCLUDED.updated_at`,
          [url, now],
        );
    },
  };
}

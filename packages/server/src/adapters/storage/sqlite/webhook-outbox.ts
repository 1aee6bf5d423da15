import type { Database } from 'better-sqlite3';
import type { EventsOf, Failure, OutboxEvent, WebhookOutboxStore } from '../../../ports/storage/index.js';
import { laneOf, OUTBOX_LANES } from '../../../ports/storage/index.js';
import { type DeadLetterRow, type LaneRow, type OutboxRow, toDeadLetter, toLaneState, toStoredEvent } from '../rows.js';
import { sqliteWebhookForget } from './webhook-forget.js';

/** Writes outbox events inside whatever transaction is open: what every write that reports events calls. */
export type OutboxWriter = (events: readonly OutboxEvent[]) => void;

export function sqliteOutboxWriter(db: Database): OutboxWriter {
  // One prepared insert run per event: in process, a statement per row costs what one multi-row statement would.
  const insert = db.prepare('INSERT INTO webhook_outbox (event_id, lane, type, created_at, age_start, data) VALUES (?, ?, ?, ?, ?, ?)');
  return (events) => {
    for (const e of events) insert.run(e.id, laneOf(e.orderKey), e.type, e.createdAt, e.createdAt, e.dataJson);
  };
}

/** Calls a write's `events` with its result and writes what they return (in the write's transaction). */
export const reportTo =
  (write: OutboxWriter) =>
  <R>(events: EventsOf<R> | undefined, result: R): void => {
    if (events) write(events(result));
  };

/** Delivered events deleted per write transaction (see `delivered`). */
const DELETE_CHUNK = 100;

/** Lists of numbers or ids travel as one JSON array parameter: `IN (SELECT value FROM json_each(?))`. */
const list = (values: readonly unknown[]): string => JSON.stringify(values);

export function sqliteWebhookOutbox(db: Database): WebhookOutboxStore {
  const write = sqliteOutboxWriter(db);
  // Every lane's oldest event by an index seek each, never a scan of the whole outbox (which an
  // hour without a receiver makes large); then the free, due ones, oldest first.
  const candidates = db
    .prepare(`
    WITH RECURSIVE n(lane) AS (SELECT 0 UNION ALL SELECT lane + 1 FROM n WHERE lane < ${OUTBOX_LANES - 1})
    SELECT lane FROM (
      SELECT n.lane, (SELECT position FROM webhook_outbox o WHERE o.lane = n.lane ORDER BY position LIMIT 1) AS oldest
      FROM n LEFT JOIN webhook_lanes l ON l.lane = n.lane
      WHERE l.lane IS NULL OR (l.lease_until <= @now AND l.retry_at <= @now)
    ) WHERE oldest IS NOT NULL ORDER BY oldest LIMIT @maxLanes`)
    .pluck();
  const lease = db.prepare(`
    INSERT INTO webhook_lanes (lane, owner, lease_until) VALUES (@lane, @owner, @until)
    ON CONFLICT (lane) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
    WHERE webhook_lanes.lease_until <= @now AND webhook_lanes.retry_at <= @now
    RETURNING attempts`);
  // In position (rowid) order from the leased lanes' oldest event on, stopping at the batch's size: on
  // one node the rows between belong to lanes waiting for a retry, usually none. With the (lane,
  // position) index SQLite would sort every pending row of the lanes (an hour's backlog) instead.
  const firstEvents = db.prepare(
    'SELECT * FROM webhook_outbox NOT INDEXED WHERE lane IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?',
  );
  const remove = db.prepare('DELETE FROM webhook_outbox WHERE position IN (SELECT value FROM json_each(?))');
  const freeLanes = db.prepare('DELETE FROM webhook_lanes WHERE owner = ? AND lane IN (SELECT value FROM json_each(?))');
  const bury = db.prepare(`
    INSERT INTO webhook_dead_letters (position, event_id, lane, type, created_at, age_start, data, died_at, last_error)
    SELECT position, event_id, lane, type, created_at, age_start, data, @now, @error FROM webhook_outbox
    WHERE position IN (SELECT value FROM json_each(@positions)) AND age_start < @deadBefore
      AND lane IN (SELECT lane FROM webhook_lanes WHERE owner = @owner)
    RETURNING position`);
  const backOff = db.prepare(`
    UPDATE webhook_lanes SET owner = '', lease_until = 0, attempts = attempts + 1, retry_at = @retryAt, last_error = @error
    WHERE owner = @owner AND lane IN (SELECT value FROM json_each(@lanes))`);
  const unlease = db.prepare(
    `UPDATE webhook_lanes SET owner = '', lease_until = 0 WHERE owner = ? AND lane IN (SELECT value FROM json_each(?))`,
  );
  const unleaseAll = db.prepare(`UPDATE webhook_lanes SET owner = '', lease_until = 0 WHERE owner = ?`);
  const dropIdle = db.prepare(`DELETE FROM webhook_lanes WHERE owner = '' AND attempts = 0`);
  const deadPage = db.prepare('SELECT * FROM webhook_dead_letters WHERE position > ? ORDER BY position LIMIT ?');
  const deadByIds = db
    .prepare('SELECT position FROM webhook_dead_letters WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?')
    .pluck();
  const oldestDead = db.prepare('SELECT position FROM webhook_dead_letters ORDER BY position LIMIT ?').pluck();
  const revive = db.prepare(`
    INSERT INTO webhook_outbox (position, event_id, lane, type, created_at, age_start, data)
    SELECT position, event_id, lane, type, created_at, ?, data FROM webhook_dead_letters
    WHERE position IN (SELECT value FROM json_each(?))`);
  const unbury = db.prepare('DELETE FROM webhook_dead_letters WHERE position IN (SELECT value FROM json_each(?))');
  const pending = db.prepare('SELECT COUNT(*) FROM webhook_outbox').pluck();
  const deadCount = db.prepare('SELECT COUNT(*) FROM webhook_dead_letters').pluck();
  const failing = db.prepare('SELECT * FROM webhook_lanes WHERE attempts > 0 ORDER BY lane');
  const endpoint = db.prepare('SELECT url FROM webhook_endpoint WHERE id = 1').pluck();
  const setEndpoint = db.prepare(`
    INSERT INTO webhook_endpoint (id, url, updated_at) VALUES (1, ?, ?)
    ON CONFLICT (id) DO UPDATE SET url = excluded.url, updated_at = excluded.updated_at`);
  const clearEndpoint = db.prepare('DELETE FROM webhook_endpoint WHERE id = 1');

  /**
   * The delivery's own bookkeeping (leases, delivered and failed events) commits without an fsync of
   * its own (synchronous=NORMAL for its transactions): a power cut can lose a lease or the removal of
   * delivered events, so at worst an event is delivered again, which receivers expect; the WAL is
   * written in order, so the next message commit's fsync makes it durable with itself. Each batch
   * delivered would otherwise cost two fsyncs more on the event loop, in the sends' way.
   */
  const normal = db.prepare('PRAGMA synchronous = NORMAL');
  const restore = db.prepare(`PRAGMA synchronous = ${db.pragma('synchronous', { simple: true }) as number}`);
  const relaxed = <A extends unknown[], R>(work: (...args: A) => R): ((...args: A) => R) => {
    const tx = db.transaction(work);
    return (...args) => {
      normal.run();
      try {
        return tx.immediate(...args);
      } finally {
        restore.run();
      }
    };
  };

  // Only the leases take the write lock: which lanes to try and their events are read outside it, so
  // the writes beside (a message commit on the main thread's connection) never wait on these reads.
  // Reading the candidates first is safe: the lease's upsert checks again that the lane is free and
  // due. Reading the events after is too: while the lease holds, no other node touches the lanes'
  // events, and events written meanwhile come after those already there (positions only grow).
  const leaseLanes = relaxed((owner: string, now: number, leaseMs: number, wanted: readonly number[]) => {
    const lanes: number[] = [];
    let attempts = 0;
    for (const lane of wanted) {
      const leased = lease.get({ lane, owner, until: now + leaseMs, now }) as { attempts: number } | undefined;
      if (!leased) continue;
      lanes.push(lane);
      attempts = Math.max(attempts, leased.attempts);
    }
    return { lanes, attempts };
  });
  const claim = (owner: string, now: number, leaseMs: number, maxLanes: number, maxEvents: number) => {
    const wanted = candidates.all({ now, maxLanes }) as number[];
    if (!wanted.length) return { lanes: [], attempts: 0, events: [] };
    const { lanes, attempts } = leaseLanes(owner, now, leaseMs, wanted);
    const events = lanes.length ? (firstEvents.all(list(lanes), maxEvents) as OutboxRow[]).map(toStoredEvent) : [];
    return { lanes, attempts, events };
  };
  // Delivered events go in transactions of at most DELETE_CHUNK, the lanes freed with the last one: each
  // holds the write lock for a fraction of a millisecond rather than a whole batch's few (the main
  // thread's commits wait for it). A crash between two leaves the rest to be posted again, as a crash
  // before any would: receivers deduplicate by id.
  const removeChunk = relaxed((positions: readonly number[]) => {
    remove.run(list(positions));
  });
  const removeLast = relaxed((owner: string, lanes: readonly number[], positions: readonly number[]) => {
    remove.run(list(positions));
    freeLanes.run(owner, list(lanes));
  });
  const delivered = (owner: string, lanes: readonly number[], positions: readonly number[]) => {
    let from = 0;
    for (; positions.length - from > DELETE_CHUNK; from += DELETE_CHUNK) removeChunk(positions.slice(from, from + DELETE_CHUNK));
    removeLast(owner, lanes, positions.slice(from));
  };
  const failed = relaxed((owner: string, lanes: readonly number[], positions: readonly number[], failure: Failure) => {
    const dead = (bury.all({ ...failure, owner, positions: list(positions) }) as Array<{ position: number }>).map((d) => d.position);
    if (dead.length) remove.run(list(dead));
    backOff.run({ owner, lanes: list(lanes), retryAt: failure.retryAt, error: failure.error });
    return dead.length;
  });
  const release = relaxed((owner: string, lanes: readonly number[] | undefined) => {
    if (lanes) unlease.run(owner, list(lanes));
    else unleaseAll.run(owner);
    dropIdle.run();
  });

  return {
    ...sqliteWebhookForget(db),
    async append(events) {
      if (events.length) db.transaction(() => write(events)).immediate();
    },
    async claim(owner, now, options) {
      return claim(owner, now, options.leaseMs, options.maxLanes, options.maxEvents);
    },
    async delivered(owner, lanes, positions) {
      delivered(owner, lanes, positions);
    },
    async failed(owner, lanes, positions, failure) {
      return failed(owner, lanes, positions, failure);
    },
    async release(owner, lanes) {
      release(owner, lanes);
    },
    async deadLetters(after, limit) {
      return (deadPage.all(after ?? -1, limit) as DeadLetterRow[]).map(toDeadLetter);
    },
    async replay(ids, limit, now) {
      return db
        .transaction(() => {
          const positions = (ids ? deadByIds.all(list(ids), limit) : oldestDead.all(limit)) as number[];
          if (!positions.length) return 0;
          revive.run(now, list(positions));
          unbury.run(list(positions));
          return positions.length;
        })
        .immediate();
    },
    async status() {
      return {
        pending: pending.get() as number,
        deadLetters: deadCount.get() as number,
        failing: (failing.all() as LaneRow[]).map(toLaneState),
      };
    },
    async endpoint() {
      return (endpoint.get() as string | undefined) ?? undefined;
    },
    async setEndpoint(url, now) {
      if (url === undefined) clearEndpoint.run();
      else setEndpoint.run(url, now);
    },
  };
}

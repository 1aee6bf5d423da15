import type { Database } from 'better-sqlite3';
import type { WebhookOutboxStore } from '../../../ports/storage/index.js';

const TABLES = ['webhook_outbox', 'webhook_dead_letters'] as const;

/** Removing dead letters and an erased user's events (see WebhookOutboxStore.discard, forgetUser). */
export function sqliteWebhookForget(db: Database): Pick<WebhookOutboxStore, 'discard' | 'forgetUser'> {
  const byIds = db.prepare('DELETE FROM webhook_dead_letters WHERE event_id IN (SELECT value FROM json_each(?))');
  const oldest = db.prepare(
    'DELETE FROM webhook_dead_letters WHERE position IN (SELECT position FROM webhook_dead_letters ORDER BY position LIMIT ?)',
  );
  // The scan's last position: the (scan)th lowest of both tables after `after`, if there are that many.
  const windowEnd = db
    .prepare(`
    SELECT position FROM (
      SELECT position FROM webhook_outbox WHERE position > @after
      UNION ALL SELECT position FROM webhook_dead_letters WHERE position > @after
    ) ORDER BY position LIMIT 1 OFFSET @skip`)
    .pluck();
  // instr first: most events do not name the user, and it spares them the JSON parse.
  const steps = TABLES.map((table) => ({
    remove: db.prepare(`
      DELETE FROM ${table} WHERE position > @after AND position <= @upto AND instr(data, @uid) > 0
        AND (json_extract(data, '$.fromUid') = @uid OR json_extract(data, '$.uid') = @uid
          OR (json_extract(data, '$.channelType') = 4 AND json_extract(data, '$.channelId') = @uid))`),
    unquote: db.prepare(`
      UPDATE ${table} SET data = json_remove(data, '$.reply.preview')
      WHERE position > @after AND position <= @upto AND instr(data, @uid) > 0 AND json_extract(data, '$.reply.fromUid') = @uid`),
  }));
  const forget = db.transaction((uid: string, after: number, scan: number): number | undefined => {
    const end = windowEnd.get({ after, skip: scan - 1 }) as number | undefined;
    const upto = end ?? Number.MAX_SAFE_INTEGER;
    for (const step of steps) {
      step.remove.run({ uid, after, upto });
      step.unquote.run({ uid, after, upto });
    }
    return end;
  });

  return {
    async discard(ids, limit) {
      return (ids ? byIds.run(JSON.stringify(ids)) : oldest.run(limit)).changes;
    },
    async forgetUser(uid, after, scan) {
      return forget.immediate(uid, after, scan);
    },
  };
}

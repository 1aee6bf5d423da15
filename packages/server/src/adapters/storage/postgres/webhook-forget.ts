import type { Pool } from 'pg';
import type { WebhookOutboxStore } from '../../../ports/storage/index.js';
import { inTransaction } from './transaction.js';

const TABLES = ['webhook_outbox', 'webhook_dead_letters'] as const;

/** Removing dead letters and an erased user's events (see WebhookOutboxStore.discard, forgetUser). */
export function postgresWebhookForget(pool: Pool): Pick<WebhookOutboxStore, 'discard' | 'forgetUser'> {
  return {
    async discard(ids, limit) {
      const { rowCount } = await pool.query(
        `DELETE FROM webhook_dead_letters WHERE position IN (
           SELECT position FROM webhook_dead_letters WHERE $1::text[] IS NULL OR event_id = ANY($1::text[])
           ORDER BY position LIMIT $2)`,
        [ids ?? null, ids ? ids.length : limit],
      );
      return rowCount ?? 0;
    },
    async forgetUser(uid, after, scan) {
      return inTransaction(pool, async (client) => {
        // The scan's last position: the (scan)th lowest of both tables after `after`, if there are that many.
        const { rows } = await client.query<{ position: string }>(
          `SELECT position FROM (
             SELECT position FROM webhook_outbox WHERE position > $1
             UNION ALL SELECT position FROM webhook_dead_letters WHERE position > $1
           ) p ORDER BY position LIMIT 1 OFFSET $2`,
          [after, scan - 1],
        );
        const end = rows[0] ? Number(rows[0].position) : undefined;
        const window = [uid, after, end ?? Number.MAX_SAFE_INTEGER];
        // strpos first: most events do not name the user, and it spares them the JSON parse.
        for (const table of TABLES) {
          await client.query(
            `DELETE FROM ${table} WHERE position > $2 AND position <= $3 AND strpos(data, $1) > 0
               AND ((data::jsonb ->> 'fromUid') = $1 OR (data::jsonb ->> 'uid') = $1
                 OR ((data::jsonb ->> 'channelType') = '4' AND (data::jsonb ->> 'channelId') = $1))`,
            window,
          );
          await client.query(
            `UPDATE ${table} SET data = (data::jsonb #- '{reply,preview}')::text
             WHERE position > $2 AND position <= $3 AND strpos(data, $1) > 0 AND (data::jsonb #>> '{reply,fromUid}') = $1`,
            window,
          );
        }
        return end;
      });
    },
  };
}

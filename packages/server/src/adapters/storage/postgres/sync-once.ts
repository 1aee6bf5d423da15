import type { Pool, PoolClient } from 'pg';
import type { SyncOnceStore } from '../../../ports/storage/index.js';
import type { BatchPlan, QueueEntry } from '../fanout-plan.js';
import { type QueuedMessageRow, toQueuedMessage } from '../rows.js';

/**
 * The batch's sync-once messages and their queue rows, in the send's transaction; answers the
 * queue rows written (recipients without a user record get none). Group members are read as the
 * commit sees them; no channel row is locked, as nothing of the channel changes.
 */
export async function writeOnce(client: PoolClient, plan: BatchPlan): Promise<QueueEntry[]> {
  const m = plan.once;
  if (!m.length) return [];
  await client.query(
    `INSERT INTO sync_once_messages (message_id, channel_type, channel_id, client_msg_no, from_uid, ts, content_type, payload, meta)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::text[], $9::text[])`,
    [
      m.map((x) => x.messageId),
      m.map((x) => x.channelType),
      m.map((x) => x.channelId),
      m.map((x) => x.clientMsgNo),
      m.map((x) => x.fromUid),
      m.map((x) => x.timestamp),
      m.map((x) => x.contentType),
      m.map((x) => x.payloadJson),
      m.map((x) => x.metaJson),
    ],
  );
  const groups = m.filter((x) => x.fanout.kind === 'members');
  const members = new Map<string, string[]>();
  if (groups.length) {
    const { rows } = await client.query<{ channel_type: number; channel_id: string; uid: string }>(
      `SELECT mb.channel_type, mb.channel_id, mb.uid
       FROM unnest($1::int[], $2::text[]) AS c(channel_type, channel_id)
       JOIN members mb ON mb.channel_type = c.channel_type AND mb.channel_id = c.channel_id
       ORDER BY mb.channel_type, mb.channel_id, mb.uid`,
      [groups.map((x) => x.channelType), groups.map((x) => x.channelId)],
    );
    for (const r of rows) {
      const key = `${r.channel_type}\u0000${r.channel_id}`;
      const list = members.get(key);
      if (list) list.push(r.uid);
      else members.set(key, [r.uid]);
    }
  }
  const entries = plan.queueEntries((x) => [...new Set(members.get(`${x.channelType}\u0000${x.channelId}`) ?? [])]);
  if (!entries.length) return [];
  // WITH ORDINALITY keeps the batch order in the queue's positions.
  const { rows } = await client.query<{ uid: string; message_id: string }>(
    `INSERT INTO sync_once_queue (uid, message_id)
     SELECT e.uid, e.message_id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS e(uid, message_id, ord)
     JOIN users u ON u.uid = e.uid
     ORDER BY e.ord
     ON CONFLICT (uid, message_id) DO NOTHING
     RETURNING uid, message_id`,
    [entries.map((e) => e.uid), entries.map((e) => e.messageId)],
  );
  return rows.map((r) => ({ uid: r.uid, messageId: r.message_id }));
}

/** The queues' read and acknowledge side. */
export function postgresSyncOnce(pool: Pool): SyncOnceStore {
  return {
    async pending(uid, limit) {
      // One more than asked tells whether more wait, without a count.
      const { rows } = await pool.query<QueuedMessageRow>(
        `SELECT m.message_id, m.channel_type, m.channel_id, m.client_msg_no, m.from_uid, m.ts, m.content_type, m.payload, m.meta
         FROM sync_once_queue q JOIN sync_once_messages m ON m.message_id = q.message_id
         WHERE q.uid = $1 ORDER BY q.pos LIMIT $2`,
        [uid, limit + 1],
      );
      return { messages: rows.slice(0, limit).map(toQueuedMessage), hasMore: rows.length > limit };
    },
    async ack(uid, messageIds) {
      if (!messageIds.length) return 0;
      const { rowCount } = await pool.query('DELETE FROM sync_once_queue WHERE uid = $1 AND message_id = ANY($2::text[])', [
        uid,
        [...new Set(messageIds)],
      ]);
      return rowCount ?? 0;
    },
  };
}

import type { Pool, PoolClient } from 'pg';
import type { MessageStore } from '../../../ports/storage/index.js';
import { ordinalSql } from '../retention-sql.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { commitBatch } from './commit-batch.js';
import { commitInOneStatement } from './commit-one-statement.js';
import { MESSAGE_COLUMNS, messageColumns } from './message-columns.js';
import { CLIENT_MSG_NO_INDEX, SYNC_ONCE_CLIENT_MSG_NO_INDEX } from './migrations.js';
import { prepared } from './prepared.js';
import { inTransaction, isRerunRequest, sqlState, violatedConstraint } from './transaction.js';

/**
 * Another node stored one of our (from_uid, client_msg_no) pairs after we looked: rerunning the
 * batch finds that row and answers `duplicate` for it.
 */
const lostClientMsgNoRace = (error: unknown): boolean =>
  sqlState(error) === '23505' && [CLIENT_MSG_NO_INDEX, SYNC_ONCE_CLIENT_MSG_NO_INDEX].includes(violatedConstraint(error) ?? '');

/**
 * Adds each user's demand to their conversation version and returns the new top per user (users
 * without a row are left out: no version, no conversation row); updateTimes stay as they are. For
 * changes other than sends (revokes: message-state.ts); a send's commit does this and its
 * conversation upsert in one statement (commit-batch.ts). The user rows are locked in uid order
 * first, in a materialized CTE, because the order in which an UPDATE ... FROM join reaches its
 * rows is up to the planner, and two transactions locking the same users in different orders would deadlock.
 */
export async function bumpConversationVersions(client: PoolClient, demand: Map<string, number>): Promise<Map<string, number>> {
  const top = new Map<string, number>();
  if (!demand.size) return top;
  const { rows } = await client.query<{ uid: string; conv_version: number }>(
    `WITH locked AS MATERIALIZED (
       SELECT uid FROM users WHERE uid = ANY($1::text[]) ORDER BY uid FOR UPDATE
     )
     UPDATE users u SET conv_version = u.conv_version + d.k
     FROM locked l JOIN unnest($1::text[], $2::bigint[]) AS d(uid, k) ON d.uid = l.uid
     WHERE u.uid = l.uid
     RETURNING u.uid, u.conv_version`,
    [[...demand.keys()], [...demand.values()]],
  );
  for (const r of rows) top.set(r.uid, r.conv_version);
  return top;
}

export function postgresMessages(pool: Pool): MessageStore {
  return {
    async commit(batch) {
      if (!batch.length) return [];
      // Most batches commit in one statement; the rest, and a race it lost, take the transaction that handles everything.
      const committed = await commitInOneStatement(pool, batch).catch((error: unknown) => {
        if (isRerunRequest(error) || lostClientMsgNoRace(error)) return undefined;
        throw error;
      });
      if (committed) return committed;
      return inTransaction(pool, (client) => commitBatch(client, batch), { alsoRetryWhen: lostClientMsgNoRace });
    },
    async range(key, fromSeq, toSeq) {
      const { rows } = await pool.query<MessageRow>(
        prepared(
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_type = $1 AND channel_id = $2 AND seq BETWEEN $3 AND $4 ORDER BY seq`,
          [key.channelType, key.channelId, fromSeq, toSeq],
        ),
      );
      return rows.map(toStoredMessage);
    },
    async byClientMsgNo(fromUid, clientMsgNo) {
      const { rows } = await pool.query<MessageRow>(
        prepared(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE from_uid = $1 AND client_msg_no = $2`, [fromUid, clientMsgNo]),
      );
      return rows[0] && toStoredMessage(rows[0]);
    },
    async count(key) {
      const { rows } = await pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE channel_type = $1 AND channel_id = $2', [
        key.channelType,
        key.channelId,
      ]);
      return rows[0]?.n ?? 0;
    },
    async ordinalAt(key, seq) {
      if (seq <= 0) return 0;
      const { rows } = await pool.query<{ ord: number }>(
        prepared(
          `SELECT ${ordinalSql('m', 'c', '$3::bigint')} AS ord FROM channels c
           LEFT JOIN messages m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.seq = $3
           WHERE c.channel_type = $1 AND c.channel_id = $2`,
          [key.channelType, key.channelId, seq],
        ),
      );
      return rows[0]?.ord ?? 0;
    },
    async bySeqs(refs) {
      if (!refs.length) return [];
      // One round trip whatever the number of refs; a ref named twice is answered twice.
      const { rows } = await pool.query<MessageRow>(
        prepared(
          `SELECT ${messageColumns('m')}
         FROM unnest($1::int[], $2::text[], $3::bigint[]) AS r(channel_type, channel_id, seq)
         JOIN messages m ON m.channel_type = r.channel_type AND m.channel_id = r.channel_id AND m.seq = r.seq`,
          [refs.map((r) => r.channelType), refs.map((r) => r.channelId), refs.map((r) => r.seq)],
        ),
      );
      return rows.map(toStoredMessage);
    },
  };
}

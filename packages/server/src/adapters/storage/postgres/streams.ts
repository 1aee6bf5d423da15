import type { Pool, PoolClient } from 'pg';
import {
  type MessageRef,
  type MessageStreamStore,
  planAppend,
  STREAM_ENDED,
  STREAM_OPEN,
  type StoredMessage,
  type StreamAppend,
} from '../../../ports/storage/index.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { MESSAGE_COLUMNS } from './message-columns.js';
import { messageTsvector } from './search.js';
import { inTransaction } from './transaction.js';
import { report } from './webhook-outbox.js';

const THE_MESSAGE = 'channel_type = $1 AND channel_id = $2 AND seq = $3';
const refParams = (r: MessageRef): [number, string, number] => [r.channelType, r.channelId, r.seq];
/** Two appends can race only on the same chunk, and then one of them finds it applied when it reads again. */
const MAX_ATTEMPTS = 5;

/**
 * Search indexes a streamed text when it opens and when it ends, not per chunk: reindexing the whole
 * text so far on every chunk would cost a long stream's CPU quadratically in its length.
 */
async function indexFinalText(client: PoolClient, ended: readonly StoredMessage[]): Promise<void> {
  const docs = ended.filter((m) => m.revokedAt === 0).map((m) => ({ m, tsv: messageTsvector(m.payloadJson, m) }));
  if (!docs.length) return;
  await client.query(
    `UPDATE messages m SET search_tsv = u.tsv::tsvector
     FROM unnest($1::int[], $2::text[], $3::bigint[], $4::text[]) AS u(channel_type, channel_id, seq, tsv)
     WHERE m.channel_type = u.channel_type AND m.channel_id = u.channel_id AND m.seq = u.seq AND m.revoked_at = 0`,
    [docs.map((d) => d.m.channelType), docs.map((d) => d.m.channelId), docs.map((d) => d.m.messageSeq), docs.map((d) => d.tsv)],
  );
}

export function postgresStreams(pool: Pool): MessageStreamStore {
  return {
    async openCount(fromUid) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM messages WHERE from_uid = $1 AND stream_state = ${STREAM_OPEN}`,
        [fromUid],
      );
      return rows[0]?.n ?? 0;
    },
    async append(ref, chunkNo, delta, at, maxChars): Promise<StreamAppend> {
      // Read, decide, then write on the condition that no other append came in between (the chunk
      // read is still the last applied): no lock is held while the new text is built.
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const read = await pool.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${THE_MESSAGE}`, refParams(ref));
        const row = read.rows[0];
        if (!row) throw new Error(`no message at ${ref.channelType}|${ref.channelId}|${ref.seq}`);
        const m = toStoredMessage(row);
        const plan = planAppend(m, chunkNo, delta, maxChars);
        if (plan.kind !== 'write') return plan;
        const { rows } = await pool.query<MessageRow>(
          `UPDATE messages SET payload = $4, stream_chunk = $5, stream_at = $6
           WHERE ${THE_MESSAGE} AND stream_state = ${STREAM_OPEN} AND stream_chunk = $7
           RETURNING ${MESSAGE_COLUMNS}`,
          [...refParams(ref), plan.payloadJson, chunkNo, at, m.streamChunk],
        );
        if (rows[0]) return { kind: 'applied', message: toStoredMessage(rows[0]) };
      }
      throw new Error('stream append: the message kept changing under the append');
    },
    async end(ref, status, at, events) {
      const end = async (client: Pool | PoolClient) => {
        const { rows } = await client.query<MessageRow>(
          `UPDATE messages SET stream_state = ${STREAM_ENDED}, stream_status = $4, stream_at = $5
           WHERE ${THE_MESSAGE} AND stream_state = ${STREAM_OPEN} RETURNING ${MESSAGE_COLUMNS}`,
          [...refParams(ref), status, at],
        );
        return rows[0] && toStoredMessage(rows[0]);
      };
      return inTransaction(pool, async (client) => {
        const ended = await end(client);
        if (ended) {
          await indexFinalText(client, [ended]);
          await report(client, events, ended);
        }
        return ended;
      });
    },
    async closeIdle(idleBefore, status, at, limit, events) {
      return inTransaction(pool, async (client) => {
        // SKIP LOCKED: nodes sweeping at once take different rows; the state condition makes a row
        // another node ended meanwhile no longer match.
        const { rows } = await client.query<MessageRow>(
          `UPDATE messages SET stream_state = ${STREAM_ENDED}, stream_status = $2, stream_at = $3
           WHERE (channel_type, channel_id, seq) IN (
             SELECT channel_type, channel_id, seq FROM messages WHERE stream_state = ${STREAM_OPEN} AND stream_at < $1
             ORDER BY stream_at LIMIT $4 FOR UPDATE SKIP LOCKED)
           AND stream_state = ${STREAM_OPEN}
           RETURNING ${MESSAGE_COLUMNS}`,
          [idleBefore, status, at, limit],
        );
        const closed = rows.map(toStoredMessage);
        await indexFinalText(client, closed);
        if (events) for (const m of closed) await report(client, events, m);
        return closed;
      });
    },
  };
}

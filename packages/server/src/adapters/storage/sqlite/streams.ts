import type { Database } from 'better-sqlite3';
import {
  type EventsOf,
  type MessageRef,
  type MessageStreamStore,
  planAppend,
  STREAM_ENDED,
  STREAM_OPEN,
  type StoredMessage,
  type StreamAppend,
} from '../../../ports/storage/index.js';
import { type MessageRow, toStoredMessage } from '../rows.js';
import { reportTo, sqliteOutboxWriter } from './webhook-outbox.js';

const THE_MESSAGE = 'channel_type = @channelType AND channel_id = @channelId AND seq = @seq';

export function sqliteStreams(db: Database): MessageStreamStore {
  const report = reportTo(sqliteOutboxWriter(db));
  const openCount = db.prepare(`SELECT COUNT(*) FROM messages WHERE from_uid = ? AND stream_state = ${STREAM_OPEN}`).pluck();
  const bySeq = db.prepare(`SELECT * FROM messages WHERE ${THE_MESSAGE}`);
  // Search reindexes the text when the stream ends (message_search_log_update: OF stream_state), not per chunk.
  const write = db.prepare(
    `UPDATE messages SET payload = @payloadJson, stream_chunk = @chunkNo, stream_at = @at WHERE ${THE_MESSAGE} AND stream_state = ${STREAM_OPEN} RETURNING *`,
  );
  const end = db.prepare(
    `UPDATE messages SET stream_state = ${STREAM_ENDED}, stream_status = @status, stream_at = @at
     WHERE ${THE_MESSAGE} AND stream_state = ${STREAM_OPEN} RETURNING *`,
  );
  const closeIdle = db.prepare(
    `UPDATE messages SET stream_state = ${STREAM_ENDED}, stream_status = @status, stream_at = @at
     WHERE rowid IN (SELECT rowid FROM messages WHERE stream_state = ${STREAM_OPEN} AND stream_at < @idleBefore ORDER BY stream_at LIMIT @limit)
     RETURNING *`,
  );

  // One writer: the read and the write of a transaction see no other append in between.
  const append = db.transaction((ref: MessageRef, chunkNo: number, delta: string, at: number, maxChars: number): StreamAppend => {
    const row = bySeq.get(ref) as MessageRow | undefined;
    if (!row) throw new Error(`no message at ${ref.channelType}|${ref.channelId}|${ref.seq}`);
    const plan = planAppend(toStoredMessage(row), chunkNo, delta, maxChars);
    if (plan.kind !== 'write') return plan;
    const written = write.get({ ...ref, payloadJson: plan.payloadJson, chunkNo, at }) as MessageRow;
    return { kind: 'applied', message: toStoredMessage(written) };
  });
  const endStream = db.transaction((ref: MessageRef, status: string, at: number, events?: EventsOf<StoredMessage>) => {
    const row = end.get({ ...ref, status, at }) as MessageRow | undefined;
    if (!row) return undefined;
    const message = toStoredMessage(row);
    report(events, message);
    return message;
  });
  const closeIdleStreams = db.transaction(
    (idleBefore: number, status: string, at: number, limit: number, events?: EventsOf<StoredMessage>) => {
      const closed = (closeIdle.all({ idleBefore, status, at, limit }) as MessageRow[]).map(toStoredMessage);
      for (const m of closed) report(events, m);
      return closed;
    },
  );

  return {
    async openCount(fromUid) {
      return openCount.get(fromUid) as number;
    },
    async append(ref, chunkNo, delta, at, maxChars) {
      return append.immediate(ref, chunkNo, delta, at, maxChars);
    },
    async end(ref, status, at, events) {
      return endStream.immediate(ref, status, at, events);
    },
    async closeIdle(idleBefore, status, at, limit, events) {
      return closeIdleStreams.immediate(idleBefore, status, at, limit, events);
    },
  };
}

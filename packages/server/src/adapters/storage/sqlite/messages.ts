import type { Database } from 'better-sqlite3';
import type { MessageStore, NewMessage, StoredAck, StoredMessage } from '../../../ports/storage/index.js';
import { BatchPlan, channelKeyOf } from '../fanout-plan.js';

interface MessageRow {
  channel_type: number;
  channel_id: string;
  seq: number;
  message_id: string;
  client_msg_no: string;
  from_uid: string;
  ts: number;
  content_type: number;
  red_dot: number;
  payload: string;
  meta: string;
}

export const toStoredMessage = (r: MessageRow): StoredMessage => ({
  channelType: r.channel_type as StoredMessage['channelType'],
  channelId: r.channel_id,
  messageSeq: r.seq,
  messageId: r.message_id,
  clientMsgNo: r.client_msg_no,
  fromUid: r.from_uid,
  timestamp: r.ts,
  contentType: r.content_type,
  redDot: !!r.red_dot,
  payloadJson: r.payload,
  metaJson: r.meta,
});

export function sqliteMessages(db: Database): MessageStore {
  const byClientNo = db.prepare('SELECT * FROM messages WHERE from_uid = ? AND client_msg_no = ?');
  const bumpChannel = db
    .prepare(`
    INSERT INTO channels (channel_type, channel_id, max_seq, last_msg_at, created_at, updated_at)
    VALUES (@type, @id, @count, @ts, @ts, @ts)
    ON CONFLICT (channel_type, channel_id) DO UPDATE SET max_seq = max_seq + excluded.max_seq, last_msg_at = MAX(last_msg_at, excluded.last_msg_at)
    RETURNING max_seq`)
    .pluck();
  const insert = db.prepare(`
    INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, payload, meta)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const memberUids = db.prepare('SELECT uid FROM members WHERE channel_type = ? AND channel_id = ?').pluck();
  const bumpVersion = db.prepare('UPDATE users SET conv_version = conv_version + ? WHERE uid = ? RETURNING conv_version').pluck();
  const upsertConversation = db.prepare(`
    INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq, read_seq, version)
    VALUES (@uid, @conversationId, @channelType, @channelId, @sortTs, @lastSeq, @readSeq, @version)
    ON CONFLICT (uid, conversation_id) DO UPDATE SET sort_ts = excluded.sort_ts, last_seq = excluded.last_seq,
      read_seq = MAX(read_seq, excluded.read_seq), version = excluded.version`);
  const moveOwnRead = db.prepare(`
    INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, read_seq)
    VALUES (@uid, @conversationId, @channelType, @channelId, @readSeq)
    ON CONFLICT (uid, conversation_id) DO UPDATE SET read_seq = MAX(read_seq, excluded.read_seq)`);
  const range = db.prepare('SELECT * FROM messages WHERE channel_type = ? AND channel_id = ? AND seq BETWEEN ? AND ? ORDER BY seq');
  const count = db.prepare('SELECT COUNT(*) FROM messages WHERE channel_type = ? AND channel_id = ?').pluck();

  const lookup = (m: NewMessage): StoredAck | undefined => {
    const row = byClientNo.get(m.fromUid, m.clientMsgNo) as MessageRow | undefined;
    return row && { messageId: row.message_id, messageSeq: row.seq, timestamp: row.ts };
  };

  const commit = db.transaction((batch: readonly NewMessage[]) => {
    const plan = new BatchPlan(batch);
    plan.dedupe(lookup);
    const counts = plan.channelCounts();
    const maxSeq = new Map<string, number>();
    for (const c of counts) {
      maxSeq.set(channelKeyOf(c), bumpChannel.get({ type: c.channelType, id: c.channelId, count: c.count, ts: c.lastTs }) as number);
    }
    plan.assignSeqs(maxSeq, counts);
    plan.fresh.forEach((m, i) => {
      insert.run(
        m.channelType,
        m.channelId,
        plan.seqs[i],
        m.messageId,
        m.clientMsgNo,
        m.fromUid,
        m.timestamp,
        m.contentType,
        m.redDot ? 1 : 0,
        m.payloadJson,
        m.metaJson,
      );
    });
    const touches = plan.touches((m) => memberUids.all(m.channelType, m.channelId) as string[]);
    const demand = BatchPlan.versionDemand(touches);
    const top = new Map<string, number>();
    for (const [uid, k] of demand) {
      const v = bumpVersion.get(k, uid) as number | undefined;
      if (v !== undefined) top.set(uid, v);
    }
    BatchPlan.assignVersions(touches, top, demand);
    for (const t of touches) {
      if (t.ownOnly) moveOwnRead.run(t);
      else if (t.version) upsertConversation.run(t);
    }
    return plan.finish(touches);
  });

  return {
    async commit(batch) {
      return commit.immediate(batch);
    },
    async range(key, fromSeq, toSeq) {
      return (range.all(key.channelType, key.channelId, fromSeq, toSeq) as MessageRow[]).map(toStoredMessage);
    },
    async byClientMsgNo(fromUid, clientMsgNo) {
      const row = byClientNo.get(fromUid, clientMsgNo) as MessageRow | undefined;
      return row && toStoredMessage(row);
    },
    async count(key) {
      return count.get(key.channelType, key.channelId) as number;
    },
  };
}

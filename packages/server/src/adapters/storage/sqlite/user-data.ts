import type { Database } from 'better-sqlite3';
import type { ChannelKey, ConversationRow, ErasureRecord, UserDataStore } from '../../../ports/storage/index.js';
import { FIRST_SENDABLE_CLIENT_MSG_NO, REPLY_MARK, scrubbedReply } from '../erasure-rules.js';
import {
  type ConversationDbRow,
  type MemberRow,
  type MessageRow,
  type QueuedMessageRow,
  toConversationRow,
  toMember,
  toQueuedMessage,
  toStoredMessage,
} from '../rows.js';
import type { SendFactsCache } from './send-facts-cache.js';

interface ErasureRow {
  uid: string;
  erased_at: number;
  finished_at: number;
}

const toErasure = (r: ErasureRow): ErasureRecord => ({ uid: r.uid, erasedAt: r.erased_at, finishedAt: r.finished_at });

/** Exports and erasure (see UserDataStore). One connection: each step is one short transaction. */
export function sqliteUserData(db: Database, facts: SendFactsCache): UserDataStore {
  // One bound each: SQLite's index range takes only one, and starting below ' ' would walk every
  // erased row of the sender on each page (an erasure reads its first page again and again).
  const sentFirst = db.prepare('SELECT * FROM messages WHERE from_uid = ? AND client_msg_no >= ? ORDER BY client_msg_no LIMIT ?');
  const sentAfter = db.prepare('SELECT * FROM messages WHERE from_uid = ? AND client_msg_no > ? ORDER BY client_msg_no LIMIT ?');
  const sentOnce = db.prepare('SELECT * FROM sync_once_messages WHERE from_uid = ? AND client_msg_no > ? ORDER BY client_msg_no LIMIT ?');
  const conversations = db.prepare('SELECT * FROM conversations WHERE uid = ? AND conversation_id > ? ORDER BY conversation_id LIMIT ?');
  const memberships = db.prepare(`
    SELECT * FROM members WHERE uid = ? AND (channel_type, channel_id) > (?, ?) ORDER BY channel_type, channel_id LIMIT ?`);
  const reactions = db.prepare(`
    SELECT channel_type, channel_id, seq, emoji, created_at FROM reactions
    WHERE uid = ? AND (channel_type, channel_id, seq, emoji) > (?, ?, ?, ?) ORDER BY channel_type, channel_id, seq, emoji LIMIT ?`);

  const erasure = db.prepare('SELECT * FROM user_erasures WHERE uid = ?');
  const recordErasure = db.prepare(`
    INSERT INTO user_erasures (uid, erased_at, finished_at) VALUES (?, ?, 0)
    ON CONFLICT (uid) DO UPDATE SET erased_at = MAX(erased_at, excluded.erased_at), finished_at = 0 RETURNING *`);
  const deleteUser = db.prepare('DELETE FROM users WHERE uid = ?');
  const finish = db.prepare('UPDATE user_erasures SET finished_at = ? WHERE uid = ?');

  // Each takes {uid, limit} and deletes at most `limit` rows through the table's key (most are WITHOUT ROWID).
  const ownRowDeletes = [
    'DELETE FROM conversations WHERE uid = @uid AND conversation_id IN (SELECT conversation_id FROM conversations WHERE uid = @uid LIMIT @limit)',
    `DELETE FROM deleted_messages WHERE (uid, channel_type, channel_id, seq) IN
       (SELECT uid, channel_type, channel_id, seq FROM deleted_messages WHERE uid = @uid LIMIT @limit)`,
    `DELETE FROM reactions WHERE (channel_type, channel_id, seq, emoji, uid) IN
       (SELECT channel_type, channel_id, seq, emoji, uid FROM reactions WHERE uid = @uid LIMIT @limit)`,
    `DELETE FROM receipts WHERE (channel_type, channel_id, seq, uid) IN
       (SELECT channel_type, channel_id, seq, uid FROM receipts WHERE uid = @uid LIMIT @limit)`,
    'DELETE FROM sync_once_queue WHERE pos IN (SELECT pos FROM sync_once_queue WHERE uid = @uid LIMIT @limit)',
    `DELETE FROM blacklist WHERE (owner_uid, blocked_uid) IN
       (SELECT owner_uid, blocked_uid FROM blacklist WHERE owner_uid = @uid LIMIT @limit)`,
    `DELETE FROM blacklist WHERE (owner_uid, blocked_uid) IN
       (SELECT owner_uid, blocked_uid FROM blacklist WHERE blocked_uid = @uid LIMIT @limit)`,
    `DELETE FROM whitelist WHERE (channel_type, channel_id, uid) IN
       (SELECT channel_type, channel_id, uid FROM whitelist WHERE uid = @uid LIMIT @limit)`,
    // Their system notices: a channel nobody else reads.
    `DELETE FROM messages WHERE channel_type = 4 AND channel_id = @uid AND seq IN
       (SELECT seq FROM messages WHERE channel_type = 4 AND channel_id = @uid LIMIT @limit)`,
    'DELETE FROM channels WHERE channel_type = 4 AND channel_id = @uid AND @limit > 0',
  ].map((sql) => db.prepare(sql));

  const groupsOf = db.prepare('SELECT channel_type, channel_id FROM members WHERE uid = ? AND channel_type IN (2, 3) LIMIT ?');
  const ownerOf = db.prepare('SELECT owner_uid FROM channels WHERE channel_type = ? AND channel_id = ?').pluck();
  const successor = db
    .prepare(
      'SELECT uid FROM members WHERE channel_type = ? AND channel_id = ? AND uid <> ? ORDER BY role = 1 DESC, joined_at, uid LIMIT 1',
    )
    .pluck();
  const setRole = db.prepare('UPDATE members SET role = 2 WHERE channel_type = ? AND channel_id = ? AND uid = ?');
  const setOwner = db.prepare('UPDATE channels SET owner_uid = ? WHERE channel_type = ? AND channel_id = ?');
  const deleteMember = db.prepare('DELETE FROM members WHERE channel_type = ? AND channel_id = ? AND uid = ?');
  const dropCount = db.prepare('UPDATE channels SET member_count = member_count - 1 WHERE channel_type = ? AND channel_id = ?');

  const placeholder = db.prepare(`
    UPDATE messages SET content_type = @contentType, payload = @payloadJson, meta = @metaJson,
      client_msg_no = char(1) || message_id, edited_payload = '', edited_at = 0, edit_count = 0,
      stream_status = CASE WHEN stream_state = 1 THEN 'erased' ELSE stream_status END,
      stream_state = CASE WHEN stream_state = 1 THEN 2 ELSE stream_state END
    WHERE channel_type = @channelType AND channel_id = @channelId AND seq = @seq AND from_uid = @uid AND client_msg_no >= @sendable`);
  const maxSeq = db.prepare('SELECT max_seq FROM channels WHERE channel_type = ? AND channel_id = ?').pluck();
  const tickClock = db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value").pluck();
  const stampChannel = db.prepare('UPDATE channels SET sg_clock = MAX(sg_clock, ?) WHERE channel_type = ? AND channel_id = ?');
  const showing = db.prepare(`
    SELECT uid, conversation_id FROM conversations
    WHERE channel_type = ? AND channel_id = ? AND channel_type <> 3 AND last_seq IN (SELECT value FROM json_each(?))
    ORDER BY uid, conversation_id`);
  const bumpVersion = db.prepare('UPDATE users SET conv_version = conv_version + 1 WHERE uid = ? RETURNING conv_version').pluck();
  const stampRow = db.prepare('UPDATE conversations SET version = ? WHERE uid = ? AND conversation_id = ? RETURNING *');
  const rememberReplies = db.prepare(`
    INSERT INTO erasure_replies (uid, channel_type, channel_id, next_seq) VALUES (?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET next_seq = MIN(next_seq, excluded.next_seq)`);

  const onceSent = db.prepare('SELECT message_id FROM sync_once_messages WHERE from_uid = ? LIMIT ?').pluck();
  const unqueue = db.prepare('DELETE FROM sync_once_queue WHERE message_id = ?');
  const deleteOnce = db.prepare('DELETE FROM sync_once_messages WHERE message_id = ?');

  const nextReplyChannel = db.prepare('SELECT * FROM erasure_replies WHERE uid = ? ORDER BY channel_type, channel_id LIMIT 1');
  const replyCandidates = db.prepare(
    'SELECT seq, meta FROM messages WHERE channel_type = ? AND channel_id = ? AND seq BETWEEN ? AND ? AND instr(meta, ?) > 0',
  );
  const setMeta = db.prepare('UPDATE messages SET meta = ? WHERE channel_type = ? AND channel_id = ? AND seq = ?');
  const advance = db.prepare('UPDATE erasure_replies SET next_seq = ? WHERE uid = ? AND channel_type = ? AND channel_id = ?');
  const forget = db.prepare('DELETE FROM erasure_replies WHERE uid = ? AND channel_type = ? AND channel_id = ?');
  const anyReplyChannel = db.prepare('SELECT 1 FROM erasure_replies WHERE uid = ? LIMIT 1').pluck();

  const begin = db.transaction((uid: string, at: number) => {
    const row = recordErasure.get(uid, at) as ErasureRow;
    deleteUser.run(uid);
    return toErasure(row);
  });

  const removeOwnRows = db.transaction((uid: string, limit: number) => {
    let removed = 0;
    for (const statement of ownRowDeletes) {
      if (removed >= limit) break;
      removed += statement.run({ uid, limit: limit - removed }).changes;
    }
    return removed;
  });

  const leaveGroups = db.transaction((uid: string, limit: number) => {
    const left: Array<ChannelKey & { newOwnerUid?: string }> = [];
    for (const key of groupsOf.all(uid, limit) as Array<{ channel_type: number; channel_id: string }>) {
      const type = key.channel_type;
      const id = key.channel_id;
      let newOwnerUid: string | undefined;
      if (ownerOf.get(type, id) === uid) {
        newOwnerUid = (successor.get(type, id, uid) as string | undefined) ?? '';
        if (newOwnerUid) setRole.run(type, id, newOwnerUid);
        setOwner.run(newOwnerUid, type, id);
      }
      deleteMember.run(type, id, uid);
      dropCount.run(type, id);
      left.push({ channelType: type as ChannelKey['channelType'], channelId: id, ...(newOwnerUid !== undefined && { newOwnerUid }) });
    }
    return left;
  });

  const eraseSent = db.transaction((uid: string, messages: Parameters<UserDataStore['eraseSent']>[1]) => {
    const erasedByChannel = new Map<string, { key: ChannelKey; seqs: number[] }>();
    for (const m of messages) {
      const changed = placeholder.run({
        uid,
        sendable: FIRST_SENDABLE_CLIENT_MSG_NO,
        channelType: m.channelType,
        channelId: m.channelId,
        seq: m.seq,
        contentType: m.contentType,
        payloadJson: m.payloadJson,
        metaJson: m.metaJson,
      }).changes;
      if (!changed) continue;
      const k = `${m.channelType}|${m.channelId}`;
      const entry = erasedByChannel.get(k) ?? { key: { channelType: m.channelType, channelId: m.channelId }, seqs: [] };
      entry.seqs.push(m.seq);
      erasedByChannel.set(k, entry);
    }
    const rows: ConversationRow[] = [];
    for (const { key, seqs } of erasedByChannel.values()) {
      rememberReplies.run(uid, key.channelType, key.channelId, Math.min(...seqs) + 1);
      if (key.channelType === 3) {
        // Members learn of a changed last message by the super-group clock, as of a revoke.
        if (seqs.includes(maxSeq.get(key.channelType, key.channelId) as number))
          stampChannel.run(tickClock.get() as number, key.channelType, key.channelId);
        continue;
      }
      for (const r of showing.all(key.channelType, key.channelId, JSON.stringify(seqs)) as Array<{
        uid: string;
        conversation_id: string;
      }>) {
        const version = bumpVersion.get(r.uid) as number | undefined;
        if (version === undefined) continue;
        rows.push(toConversationRow(stampRow.get(version, r.uid, r.conversation_id) as ConversationDbRow));
      }
    }
    return rows;
  });

  const eraseSentOnce = db.transaction((uid: string, limit: number) => {
    const ids = onceSent.all(uid, limit) as string[];
    for (const id of ids) {
      unqueue.run(id);
      deleteOnce.run(id);
    }
    return ids.length;
  });

  const scrubReplies = db.transaction((uid: string, maxSeqs: number) => {
    const pending = nextReplyChannel.get(uid) as { channel_type: number; channel_id: string; next_seq: number } | undefined;
    if (!pending) return false;
    const { channel_type: type, channel_id: id, next_seq: from } = pending;
    const last = (maxSeq.get(type, id) as number | undefined) ?? 0;
    const to = from + Math.max(1, maxSeqs) - 1;
    for (const m of replyCandidates.all(type, id, from, to, REPLY_MARK) as Array<{ seq: number; meta: string }>) {
      const scrubbed = scrubbedReply(m.meta, uid);
      if (scrubbed !== undefined) setMeta.run(scrubbed, type, id, m.seq);
    }
    if (to >= last) forget.run(uid, type, id);
    else advance.run(to + 1, uid, type, id);
    return anyReplyChannel.get(uid) !== undefined;
  });

  return {
    async sentMessages(uid, afterClientMsgNo, limit) {
      const rows =
        afterClientMsgNo < FIRST_SENDABLE_CLIENT_MSG_NO
          ? sentFirst.all(uid, FIRST_SENDABLE_CLIENT_MSG_NO, limit)
          : sentAfter.all(uid, afterClientMsgNo, limit);
      return (rows as MessageRow[]).map(toStoredMessage);
    },
    async sentOnce(uid, afterClientMsgNo, limit) {
      return (sentOnce.all(uid, afterClientMsgNo, limit) as QueuedMessageRow[]).map(toQueuedMessage);
    },
    async conversations(uid, afterConversationId, limit) {
      return (conversations.all(uid, afterConversationId, limit) as ConversationDbRow[]).map(toConversationRow);
    },
    async memberships(uid, after, limit) {
      const rows = memberships.all(uid, after?.channelType ?? 0, after?.channelId ?? '', limit) as Array<
        MemberRow & { channel_type: number; channel_id: string }
      >;
      return rows.map((r) => ({ channelType: r.channel_type as ChannelKey['channelType'], channelId: r.channel_id, ...toMember(r) }));
    },
    async reactions(uid, after, limit) {
      const rows = reactions.all(
        uid,
        after?.channelType ?? 0,
        after?.channelId ?? '',
        after?.seq ?? 0,
        after?.emoji ?? '',
        limit,
      ) as Array<{
        channel_type: number;
        channel_id: string;
        seq: number;
        emoji: string;
        created_at: number;
      }>;
      return rows.map((r) => ({
        channelType: r.channel_type as ChannelKey['channelType'],
        channelId: r.channel_id,
        seq: r.seq,
        emoji: r.emoji,
        createdAt: r.created_at,
      }));
    },
    async erasure(uid) {
      const row = erasure.get(uid) as ErasureRow | undefined;
      return row && toErasure(row);
    },
    async beginErasure(uid, at) {
      facts.forgetUsers([uid]);
      return begin.immediate(uid, at);
    },
    async removeOwnRows(uid, limit) {
      // Blacklist rows on both sides go: too many pairs to name.
      facts.clear();
      return removeOwnRows.immediate(uid, limit);
    },
    async leaveGroups(uid, limit) {
      // Memberships, roles and owners of many groups change: too many to name.
      facts.clear();
      return leaveGroups.immediate(uid, limit);
    },
    async eraseSent(uid, messages) {
      return messages.length ? eraseSent.immediate(uid, messages) : [];
    },
    async eraseSentOnce(uid, limit) {
      return eraseSentOnce.immediate(uid, limit);
    },
    async scrubReplies(uid, maxSeqs) {
      return scrubReplies.immediate(uid, maxSeqs);
    },
    async finishErasure(uid, at) {
      finish.run(at, uid);
    },
  };
}

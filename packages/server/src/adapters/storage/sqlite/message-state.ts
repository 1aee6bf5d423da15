import type { Database } from 'better-sqlite3';
import type {
  ConversationRow,
  EventsOf,
  MessageRef,
  MessageStateStore,
  ReactionGroup,
  StoredMessage,
} from '../../../ports/storage/index.js';
import { refKey } from '../../../ports/storage/index.js';
import { type ConversationDbRow, groupReactions, type MessageRow, toConversationRow, toStoredMessage } from '../rows.js';
import { shaped } from './shaped-rows.js';
import { reportTo, sqliteOutboxWriter } from './webhook-outbox.js';

export function sqliteMessageState(db: Database): MessageStateStore {
  const report = reportTo(sqliteOutboxWriter(db));
  const byId = shaped<MessageRow>(db.prepare('SELECT * FROM messages WHERE message_id = ?'));
  const bySeq = shaped<MessageRow>(db.prepare('SELECT * FROM messages WHERE channel_type = ? AND channel_id = ? AND seq = ?'));
  const markRevoked = db.prepare(
    'UPDATE messages SET revoked_at = @at, revoker = @revoker WHERE channel_type = @channelType AND channel_id = @channelId AND seq = @seq AND revoked_at = 0',
  );
  const tickClock = db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'supergroup_clock' RETURNING value").pluck();
  const countRevoke = db.prepare(
    'UPDATE channels SET revoke_count = revoke_count + 1, sg_clock = MAX(sg_clock, @clock) WHERE channel_type = @channelType AND channel_id = @channelId',
  );
  // Super groups are recounted by their channel's revoke count; their member rows are never flagged.
  const flagRows = db.prepare(
    'UPDATE conversations SET may_hide = 1 WHERE channel_type = @channelType AND channel_id = @channelId AND channel_type <> 3 AND may_hide = 0',
  );
  const affected = db
    .prepare(`
    SELECT uid FROM conversations WHERE channel_type = @channelType AND channel_id = @channelId AND channel_type <> 3
      AND last_seq >= @seq AND (last_seq = @seq OR read_seq < @seq) ORDER BY uid`)
    .pluck();
  const bumpVersion = db.prepare('UPDATE users SET conv_version = conv_version + 1 WHERE uid = ? RETURNING conv_version').pluck();
  const stampRow = db.prepare(
    'UPDATE conversations SET version = ?, may_hide = may_hide OR ? WHERE uid = ? AND conversation_id = ? RETURNING *',
  );
  const rowOf = db.prepare('SELECT conversation_id FROM conversations WHERE uid = ? AND channel_type = ? AND channel_id = ?').pluck();
  const edit = db.prepare(`
    UPDATE messages SET edited_payload = @payloadJson, edited_at = @at, edit_count = edit_count + 1
    WHERE channel_type = @channelType AND channel_id = @channelId AND seq = @seq AND edit_count < @maxEdits RETURNING *`);
  // Stamped at least 1 ms after the message's newest reaction: two in the same millisecond still list in the order they came.
  const addReaction = db.prepare(`
    INSERT OR IGNORE INTO reactions (channel_type, channel_id, seq, emoji, uid, created_at)
    VALUES (@channelType, @channelId, @seq, @emoji, @uid, MAX(@at, COALESCE((SELECT MAX(created_at) + 1 FROM reactions
      WHERE channel_type = @channelType AND channel_id = @channelId AND seq = @seq), 0)))`);
  const removeReaction = db.prepare(
    'DELETE FROM reactions WHERE channel_type = ? AND channel_id = ? AND seq = ? AND emoji = ? AND uid = ?',
  );
  const emojiCount = db
    .prepare('SELECT COUNT(DISTINCT emoji) FROM reactions WHERE channel_type = ? AND channel_id = ? AND seq = ?')
    .pluck();
  const hasEmoji = db
    .prepare('SELECT 1 FROM reactions WHERE channel_type = ? AND channel_id = ? AND seq = ? AND emoji = ? LIMIT 1')
    .pluck();
  const reactionsOf = db.prepare(
    'SELECT emoji, uid FROM reactions WHERE channel_type = ? AND channel_id = ? AND seq = ? ORDER BY created_at, emoji, uid',
  );
  const annotate = db.prepare('UPDATE messages SET annotated = 1 WHERE channel_type = ? AND channel_id = ? AND seq = ? AND annotated = 0');
  const addReceipt = db.prepare('INSERT OR IGNORE INTO receipts (channel_type, channel_id, seq, uid, read_at) VALUES (?, ?, ?, ?, ?)');
  const receiptCount = db.prepare('SELECT COUNT(*) FROM receipts WHERE channel_type = ? AND channel_id = ? AND seq = ?').pluck();
  const deleteOne = db.prepare('INSERT OR IGNORE INTO deleted_messages (uid, channel_type, channel_id, seq) VALUES (?, ?, ?, ?)');
  const deletedIn = db
    .prepare('SELECT seq FROM deleted_messages WHERE uid = ? AND channel_type = ? AND channel_id = ? AND seq BETWEEN ? AND ?')
    .pluck();
  // Each message once, whether revoked, deleted for the user, or both. Both parts read small indexes
  // (revoked countable messages; the user's deletions), never the whole unread range.
  const hidden = db
    .prepare(`
      SELECT (SELECT COUNT(*) FROM messages m WHERE m.channel_type = @channelType AND m.channel_id = @channelId
                AND m.seq > @after AND m.seq <= @to AND m.revoked_at > 0 AND m.red_dot = 1)
           + (SELECT COUNT(*) FROM deleted_messages d
                JOIN messages m ON m.channel_type = d.channel_type AND m.channel_id = d.channel_id AND m.seq = d.seq
                WHERE d.uid = @uid AND d.channel_type = @channelType AND d.channel_id = @channelId
                  AND d.seq > @after AND d.seq <= @to AND m.red_dot = 1 AND m.revoked_at = 0)`)
    .pluck();
  const lastVisible = db
    .prepare(`
    SELECT m.seq FROM messages m WHERE m.channel_type = @channelType AND m.channel_id = @channelId AND m.seq > @floor AND m.seq <= @ceiling
      AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.uid = @uid AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)
    ORDER BY m.seq DESC LIMIT 1`)
    .pluck();
  // Revoked or edited messages have no index of their own: this reads the channel's seq range.
  const CHANGED = `FROM messages m WHERE m.channel_type = @channelType AND m.channel_id = @channelId AND m.seq > @floor AND m.seq <= @ceiling
      AND NOT EXISTS (SELECT 1 FROM deleted_messages d WHERE d.uid = @uid AND d.channel_type = m.channel_type AND d.channel_id = m.channel_id AND d.seq = m.seq)`;
  const changedAfter = db.prepare(`SELECT m.* ${CHANGED} AND MAX(m.revoked_at, m.edited_at) > @version
    ORDER BY MAX(m.revoked_at, m.edited_at), m.seq LIMIT @limit`);
  const changedAtAfterSeq = db.prepare(
    `SELECT m.* ${CHANGED} AND MAX(m.revoked_at, m.edited_at) = @version AND m.seq > @seq ORDER BY m.seq`,
  );
  const seqBounds = db.prepare('SELECT purged_seq, max_seq FROM channels WHERE channel_type = ? AND channel_id = ?');
  const tsAt = db.prepare('SELECT ts FROM messages WHERE channel_type = ? AND channel_id = ? AND seq = ?').pluck();

  const reactionGroups = (r: MessageRef): ReactionGroup[] =>
    groupReactions(reactionsOf.all(r.channelType, r.channelId, r.seq) as Array<{ emoji: string; uid: string }>);

  const revoke = db.transaction((ref: MessageRef, revoker: string, at: number, events?: EventsOf<StoredMessage>) => {
    if (!bySeq.get(ref.channelType, ref.channelId, ref.seq)) throw new Error(`No message at ${refKey(ref)}`);
    const fresh = markRevoked.run({ ...ref, revoker, at }).changes > 0;
    const conversations: ConversationRow[] = [];
    if (fresh) {
      const clock = ref.channelType === 3 ? (tickClock.get() as number) : 0;
      countRevoke.run({ ...ref, clock });
      for (const uid of affected.all(ref) as string[]) {
        const version = bumpVersion.get(uid) as number | undefined;
        const conversationId = rowOf.get(uid, ref.channelType, ref.channelId) as string;
        if (version !== undefined)
          conversations.push(toConversationRow(stampRow.get(version, 1, uid, conversationId) as ConversationDbRow));
      }
      flagRows.run(ref);
    }
    const message = toStoredMessage(bySeq.get(ref.channelType, ref.channelId, ref.seq) as MessageRow);
    if (fresh) report(events, message);
    return { message, conversations };
  });

  const editMessage = db.transaction(
    (ref: MessageRef, payloadJson: string, at: number, maxEdits: number, events?: EventsOf<StoredMessage>) => {
      const row = edit.get({ ...ref, payloadJson, at, maxEdits }) as MessageRow | undefined;
      if (!row) return 'limit' as const;
      const message = toStoredMessage(row);
      report(events, message);
      return message;
    },
  );

  const react = db.transaction((ref: MessageRef, uid: string, emoji: string, add: boolean, maxDistinct: number, at: number) => {
    if (add) {
      const known = hasEmoji.get(ref.channelType, ref.channelId, ref.seq, emoji);
      if (!known && (emojiCount.get(ref.channelType, ref.channelId, ref.seq) as number) >= maxDistinct) return 'limit' as const;
      addReaction.run({ channelType: ref.channelType, channelId: ref.channelId, seq: ref.seq, emoji, uid, at });
      annotate.run(ref.channelType, ref.channelId, ref.seq);
    } else removeReaction.run(ref.channelType, ref.channelId, ref.seq, emoji, uid);
    return reactionGroups(ref);
  });

  const addReceipts = db.transaction((uid: string, refs: readonly MessageRef[], at: number) =>
    refs.filter((r) => {
      if (addReceipt.run(r.channelType, r.channelId, r.seq, uid, at).changes === 0) return false;
      annotate.run(r.channelType, r.channelId, r.seq);
      return true;
    }),
  );

  const deleteForUser = db.transaction(
    (uid: string, conversationId: string, key: MessageRef | Omit<MessageRef, 'seq'>, seqs: readonly number[]) => {
      for (const seq of seqs) deleteOne.run(uid, key.channelType, key.channelId, seq);
      const version = bumpVersion.get(uid) as number | undefined;
      if (version === undefined) return undefined;
      const row = stampRow.get(version, 1, uid, conversationId) as ConversationDbRow | undefined;
      return row && toConversationRow(row);
    },
  );

  return {
    async byId(messageId) {
      const row = byId.get(messageId) as MessageRow | undefined;
      return row && toStoredMessage(row);
    },
    async revoke(ref, revoker, at, events) {
      return revoke.immediate(ref, revoker, at, events);
    },
    async edit(ref, payloadJson, at, maxEdits, events) {
      return editMessage.immediate(ref, payloadJson, at, maxEdits, events);
    },
    async react(ref, uid, emoji, add, maxDistinct, at) {
      return react.immediate(ref, uid, emoji, add, maxDistinct, at);
    },
    async addReceipts(uid, refs, at) {
      return addReceipts.immediate(uid, refs, at);
    },
    async annotations(refs) {
      const result = new Map();
      for (const r of refs) {
        result.set(refKey(r), { reactions: reactionGroups(r), readCount: receiptCount.get(r.channelType, r.channelId, r.seq) as number });
      }
      return result;
    },
    async deleteForUser(uid, conversationId, key, seqs) {
      return deleteForUser.immediate(uid, conversationId, key, seqs);
    },
    async deletedSeqs(uid, key, fromSeq, toSeq) {
      return new Set(deletedIn.all(uid, key.channelType, key.channelId, fromSeq, toSeq) as number[]);
    },
    async hiddenCountable(uid, key, afterSeq, toSeq) {
      if (toSeq <= afterSeq) return 0;
      return hidden.get({ uid, channelType: key.channelType, channelId: key.channelId, after: afterSeq, to: toSeq }) as number;
    },
    async lastVisibleSeq(uid, key, floor, ceiling) {
      return (lastVisible.get({ uid, channelType: key.channelType, channelId: key.channelId, floor, ceiling }) as number | undefined) ?? 0;
    },
    async changedSince(uid, key, floor, ceiling, version, limit) {
      const at = { uid, channelType: key.channelType, channelId: key.channelId, floor, ceiling };
      const rows = (changedAfter.all({ ...at, version, limit }) as MessageRow[]).map(toStoredMessage);
      const last = rows.at(-1);
      if (rows.length < limit || !last) return rows;
      const tie = Math.max(last.revokedAt, last.editedAt);
      return [...rows, ...(changedAtAfterSeq.all({ ...at, version: tie, seq: last.messageSeq }) as MessageRow[]).map(toStoredMessage)];
    },
    async seqBefore(key, timestamp) {
      // Binary search on seq: timestamps follow commit order, so no index on time is needed. What
      // retention removed (at or below purged_seq) is gone and counts as before any time.
      const bounds = seqBounds.get(key.channelType, key.channelId) as { purged_seq: number; max_seq: number } | undefined;
      let lo = bounds?.purged_seq ?? 0;
      let hi = bounds?.max_seq ?? 0;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if ((tsAt.get(key.channelType, key.channelId, mid) as number) < timestamp) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
  };
}

import type { Database } from 'better-sqlite3';
import {
  type ConversationRow,
  type ConversationStore,
  type EventsOf,
  EXPIRY_MARGIN_MS,
  type ListQuery,
  type SuperGroupView,
} from '../../../ports/storage/index.js';

import { applyConversationPatch, LISTED_SQL, labelDiff, listedSql, stampChangedRow } from '../conversation-rules.js';
import { mayCountExpiredSql, ordinalSql } from '../retention-sql.js';
import { type ConversationDbRow, type MessageRow, toChannel, toConversationRow, toStoredMessage } from '../rows.js';
import { type ShapedStatement, shaped } from './shaped-rows.js';
import type { UserClockCache } from './user-clock-cache.js';
import { reportTo, sqliteOutboxWriter } from './webhook-outbox.js';

export function sqliteConversations(db: Database, clocks: UserClockCache): ConversationStore {
  const report = reportTo(sqliteOutboxWriter(db));
  const get = shaped<ConversationDbRow>(db.prepare('SELECT * FROM conversations WHERE uid = ? AND conversation_id = ?'));
  const changedSince = shaped<ConversationDbRow>(
    db.prepare('SELECT * FROM conversations WHERE uid = ? AND version > ? ORDER BY version LIMIT ?'),
  );
  // The messages at those rows' lastSeq (the limit applies to the rows, found or not).
  const lastMessagesSince = shaped<MessageRow>(
    db.prepare(`SELECT m.* FROM (SELECT channel_type, channel_id, last_seq FROM conversations WHERE uid = ? AND version > ? ORDER BY version LIMIT ?) c
      JOIN messages m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.seq = c.last_seq`),
  );
  const version = db.prepare('SELECT conv_version FROM users WHERE uid = ?').pluck();
  const counter = db.prepare('SELECT value FROM counters WHERE name = ?').pluck();
  const pinned = shaped<ConversationDbRow>(db.prepare('SELECT * FROM conversations WHERE uid = ? AND pinned_at > 0'));
  // Rows that may hide counted messages, or count expired ones, are recounted one by one by the
  // caller (see recountRows); both statements run back to back on the one connection: one moment.
  const mayCountExpired = mayCountExpiredSql({ defaultDays: '@defaultDays', now: '@now', margin: '@margin', greatest: 'MAX' });
  const unreadTotal = db.prepare(
    `SELECT COALESCE(SUM(MAX(last_ord - read_ord, 0)), 0) AS plain,
       COALESCE(SUM(CASE WHEN muted_until > @mutedAt THEN MAX(last_ord - read_ord, 0) ELSE 0 END), 0) AS muted
     FROM conversations c
     WHERE uid = @uid AND channel_type <> 3 AND may_hide = 0 AND ${LISTED_SQL} AND NOT ${mayCountExpired}`,
  );
  const labelled = db.prepare(`
    SELECT c.* FROM conversations c
    WHERE c.uid = @uid AND c.conversation_id IN (SELECT DISTINCT conversation_id FROM conversation_labels WHERE uid = @uid)`);
  const addLabel = db.prepare(`
    INSERT INTO conversation_labels (uid, label, conversation_id, channel_type, archived, sort_ts) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (uid, label, conversation_id) DO NOTHING`);
  const removeLabel = db.prepare('DELETE FROM conversation_labels WHERE uid = ? AND label = ? AND conversation_id = ?');
  const recountRows = db.prepare(
    `SELECT * FROM conversations c WHERE uid = @uid AND channel_type <> 3 AND ${LISTED_SQL} AND (may_hide = 1 OR ${mayCountExpired})`,
  );
  const superGroups = db.prepare(`
    SELECT c.*, m.join_seq, ${ordinalSql('jm', 'c', 'm.join_seq')} AS join_ord, v.conversation_id AS v_conversation_id
    FROM members m
    JOIN channels c ON c.channel_type = m.channel_type AND c.channel_id = m.channel_id
    LEFT JOIN messages jm ON jm.channel_type = m.channel_type AND jm.channel_id = m.channel_id AND jm.seq = m.join_seq
    LEFT JOIN conversations v ON v.uid = m.uid AND v.conversation_id = 'super_team|' || m.channel_id
    WHERE m.uid = ? AND m.channel_type = 3`);
  const bumpVersion = db.prepare('UPDATE users SET conv_version = conv_version + 1 WHERE uid = ? RETURNING conv_version, last_sort_ts');
  const setLastSortTs = db.prepare('UPDATE users SET last_sort_ts = ? WHERE uid = ?');
  const insertEmpty = db.prepare(`
    INSERT INTO conversations (uid, conversation_id, channel_type, channel_id) VALUES (?, ?, ?, ?)
    ON CONFLICT (uid, conversation_id) DO NOTHING`);
  const write = shaped<ConversationDbRow>(
    db.prepare(`
    UPDATE conversations SET ext = @ext, pinned_at = @pinnedAt, read_seq = @readSeq, read_ord = @readOrd,
      hidden_seq = @hiddenSeq, clear_seq = @clearSeq, sort_ts = @sortTs, version = @version,
      muted_until = @mutedUntil, archived = @archivedFlag, archived_seq = @archivedSeq, labels = @labelsJson,
      draft_text = @draftText, draft_ext = @draftExt, draft_at = @draftAt
    WHERE uid = @uid AND conversation_id = @conversationId RETURNING *`),
  );

  const update = db.transaction(
    (
      uid: string,
      key: { conversationId: string; channelType: number; channelId: string },
      patch: Parameters<ConversationStore['update']>[2],
      events?: EventsOf<ConversationRow>,
    ) => {
      insertEmpty.run(uid, key.conversationId, key.channelType, key.channelId);
      const row = toConversationRow(get.get(uid, key.conversationId) as ConversationDbRow);
      const { next, changed } = applyConversationPatch(row, patch);
      if (!changed) return { row, changed };
      const bumped = bumpVersion.get(uid) as { conv_version: number; last_sort_ts: number } | undefined;
      const lastSortTs = stampChangedRow(row, next, bumped && { version: bumped.conv_version, lastSortTs: bumped.last_sort_ts });
      if (lastSortTs !== undefined) setLastSortTs.run(lastSortTs, uid);
      const written = toConversationRow(
        write.get({ ...next, uid, archivedFlag: next.archived ? 1 : 0, labelsJson: JSON.stringify(next.labels) }) as ConversationDbRow,
      );
      // The label index: rows of labels kept follow the row through the trigger; new ones copy it.
      const { added, removed } = labelDiff(row.labels, written.labels);
      for (const label of removed) removeLabel.run(uid, label, written.conversationId);
      for (const label of added)
        addLabel.run(uid, label, written.conversationId, written.channelType, written.archived ? 1 : 0, written.sortTs);
      report(events, written);
      return { row: written, changed };
    },
  );

  const clockOf = (uid: string) => ({
    version: (version.get(uid) as number | undefined) ?? 0,
    superGroupClock: counter.get('supergroup_clock') as number,
    epoch: String(counter.get('epoch')),
  });
  // A read transaction: another process on the file (a CLI) cannot commit between the two reads.
  const changesWithClock = db.transaction((uid: string, v: number, limit: number) => ({
    clock: clockOf(uid),
    rows: changedSince.all(uid, v, limit).map(toConversationRow),
    lastMessages: lastMessagesSince.all(uid, v, limit).map(toStoredMessage),
  }));

  // One prepared statement per combination of optional filters (at most eight).
  const pageStatements = new Map<string, ShapedStatement<ConversationDbRow>>();
  const pageRows = (uid: string, q: ListQuery): ConversationRow[] => {
    // With a label the walk is over the label's index (its sort_ts and archived are the row's
    // copies), joined to the rows for the listed rule; without one, over the rows' own index.
    const t = q.label === undefined ? 'c' : 'l';
    const where = [`${t}.uid = @uid`, `${t}.archived = @archived`, 'c.channel_type <> 3', listedSql('c')];
    if (q.label !== undefined) where.push('l.label = @label');
    if (q.after) where.push(`(${t}.sort_ts < @afterTs OR (${t}.sort_ts = @afterTs AND ${t}.conversation_id > @afterId))`);
    if (q.minTs !== undefined) where.push(`${t}.sort_ts > @minTs`);
    if (q.maxTs !== undefined) where.push(`${t}.sort_ts < @maxTs`);
    const from =
      q.label === undefined
        ? 'conversations c'
        : 'conversation_labels l JOIN conversations c ON c.uid = l.uid AND c.conversation_id = l.conversation_id';
    const sql = `SELECT c.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${t}.sort_ts DESC, ${t}.conversation_id LIMIT @limit`;
    let statement = pageStatements.get(sql);
    if (!statement) {
      statement = shaped<ConversationDbRow>(db.prepare(sql));
      pageStatements.set(sql, statement);
    }
    const rows = statement.all({
      uid,
      afterTs: q.after?.sortTs,
      afterId: q.after?.conversationId,
      minTs: q.minTs,
      maxTs: q.maxTs,
      archived: q.archived ? 1 : 0,
      label: q.label,
      limit: q.limit,
    });
    return rows.map(toConversationRow);
  };
  const messageAt = shaped<MessageRow>(db.prepare('SELECT * FROM messages WHERE channel_type = ? AND channel_id = ? AND seq = ?'));
  // A read transaction: the rows and their messages from one moment.
  const pageWithLastMessages = db.transaction((uid: string, q: ListQuery) => {
    const rows = pageRows(uid, q);
    const lastMessages = rows.flatMap((r) => {
      const m = r.lastSeq > 0 ? messageAt.get(r.channelType, r.channelId, r.lastSeq) : undefined;
      return m ? [toStoredMessage(m)] : [];
    });
    return { rows, lastMessages };
  });

  return {
    async page(uid, q) {
      return pageRows(uid, q);
    },
    async pageWithLastMessages(uid, q) {
      return pageWithLastMessages(uid, q);
    },
    async superGroups(uid) {
      const rows = superGroups.all(uid) as Array<Record<string, unknown>>;
      return rows.map((r): SuperGroupView => {
        const channel = toChannel(r as never);
        const own = r.v_conversation_id ? get.get(uid, r.v_conversation_id) : undefined;
        return {
          channel: {
            ...channel,
            redCount: r.red_count as number,
            allMentionSeq: r.all_mention_seq as number,
            superGroupClock: r.sg_clock as number,
            revokeCount: r.revoke_count as number,
          },
          joinSeq: r.join_seq as number,
          joinOrd: r.join_ord as number,
          row: own && toConversationRow(own),
        };
      });
    },
    async get(uid, conversationId) {
      const row = get.get(uid, conversationId);
      return row && toConversationRow(row);
    },
    async update(uid, key, patch, events) {
      // Read marks come all the time: the commits keep trusting the other users' clocks (user-clock-cache.ts).
      return clocks.wrote(uid, () => update.immediate(uid, key, patch, events));
    },
    async changedSince(uid, v, limit) {
      return changedSince.all(uid, v, limit).map(toConversationRow);
    },
    async clock(uid) {
      return clockOf(uid);
    },
    async changesWithClock(uid, v, limit) {
      return changesWithClock(uid, v, limit);
    },
    async pinned(uid) {
      return pinned.all(uid).map(toConversationRow);
    },
    async unreadTotal(uid, retention, mutedAt = Date.now()) {
      // Without a policy nothing expires: a cutoff below every timestamp.
      const params = { uid, defaultDays: retention?.defaultDays ?? 0, now: retention?.now ?? 0, margin: retention ? EXPIRY_MARGIN_MS : 0 };
      const sums = unreadTotal.get({ ...params, mutedAt }) as { plain: number; muted: number };
      return {
        plain: sums.plain,
        plainMuted: sums.muted,
        recount: (recountRows.all(params) as ConversationDbRow[]).map(toConversationRow),
      };
    },
    async labelled(uid) {
      return (labelled.all({ uid }) as ConversationDbRow[]).map(toConversationRow);
    },
  };
}

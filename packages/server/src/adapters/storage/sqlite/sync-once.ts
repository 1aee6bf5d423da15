import type { Database } from 'better-sqlite3';
import type { SyncOnceStore } from '../../../ports/storage/index.js';
import { type QueuedMessageRow, toQueuedMessage } from '../rows.js';

/** The queues' read and acknowledge side; `messages.ts` writes them in the send commit. */
export function sqliteSyncOnce(db: Database): SyncOnceStore {
  const page = db.prepare(`
    SELECT m.* FROM sync_once_queue q JOIN sync_once_messages m ON m.message_id = q.message_id
    WHERE q.uid = ? ORDER BY q.pos LIMIT ?`);
  const remove = db.prepare('DELETE FROM sync_once_queue WHERE uid = ? AND message_id = ?');
  const ack = db.transaction((uid: string, ids: readonly string[]) => {
    let removed = 0;
    for (const id of new Set(ids)) removed += remove.run(uid, id).changes;
    return removed;
  });
  return {
    async pending(uid, limit) {
      // One more than asked tells whether more wait, without a count.
      const rows = page.all(uid, limit + 1) as QueuedMessageRow[];
      return { messages: rows.slice(0, limit).map(toQueuedMessage), hasMore: rows.length > limit };
    },
    async ack(uid, messageIds) {
      return messageIds.length ? ack(uid, messageIds) : 0;
    },
  };
}

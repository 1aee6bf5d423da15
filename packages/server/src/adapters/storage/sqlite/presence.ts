import type { Database } from 'better-sqlite3';
import type { PresenceStore } from '../../../ports/storage/index.js';

export function sqlitePresence(db: Database): PresenceStore {
  const lastSeen = db.prepare('SELECT uid, last_seen_at FROM users WHERE uid IN (SELECT value FROM json_each(?)) AND last_seen_at > 0');
  const setLastSeen = db.prepare('UPDATE users SET last_seen_at = ? WHERE uid = ? AND last_seen_at < ?');
  const hidden = db.prepare('SELECT uid FROM users WHERE uid IN (SELECT value FROM json_each(?)) AND presence_hidden = 1').pluck();
  const setHidden = db.prepare('UPDATE users SET presence_hidden = ? WHERE uid = ?');
  return {
    async lastSeen(uids) {
      const rows = lastSeen.all(JSON.stringify(uids)) as Array<{ uid: string; last_seen_at: number }>;
      return new Map(rows.map((r) => [r.uid, r.last_seen_at]));
    },
    async setLastSeen(uid, at) {
      setLastSeen.run(at, uid, at);
    },
    async hidden(uids) {
      return new Set(hidden.all(JSON.stringify(uids)) as string[]);
    },
    async setHidden(uid, flag) {
      return setHidden.run(flag ? 1 : 0, uid).changes > 0;
    },
  };
}

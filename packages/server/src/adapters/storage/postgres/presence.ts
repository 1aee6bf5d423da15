import type { Pool } from 'pg';
import type { PresenceStore } from '../../../ports/storage/index.js';
import { prepared } from './prepared.js';

export function postgresPresence(pool: Pool): PresenceStore {
  return {
    async lastSeen(uids) {
      const { rows } = await pool.query<{ uid: string; last_seen_at: string }>(
        prepared('SELECT uid, last_seen_at FROM users WHERE uid = ANY($1::text[]) AND last_seen_at > 0', [uids]),
      );
      return new Map(rows.map((r) => [r.uid, Number(r.last_seen_at)]));
    },
    async setLastSeen(uid, at) {
      await pool.query(prepared('UPDATE users SET last_seen_at = $1 WHERE uid = $2 AND last_seen_at < $1', [at, uid]));
    },
    async hidden(uids) {
      const { rows } = await pool.query<{ uid: string }>(
        prepared('SELECT uid FROM users WHERE uid = ANY($1::text[]) AND presence_hidden', [uids]),
      );
      return new Set(rows.map((r) => r.uid));
    },
    async setHidden(uid, flag) {
      const { rowCount } = await pool.query(prepared('UPDATE users SET presence_hidden = $1 WHERE uid = $2', [flag, uid]));
      return (rowCount ?? 0) > 0;
    },
  };
}

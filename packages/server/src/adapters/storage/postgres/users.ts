import type { User } from '@parley/protocol';
import type { Pool } from 'pg';
import type { UserPatch, UserStore } from '../../../ports/storage/index.js';

interface UserRow {
  uid: string;
  name: string;
  avatar: string;
  ext: string;
  created_at: number;
  updated_at: number;
}

const toUser = (r: UserRow): User => ({
  uid: r.uid,
  name: r.name,
  avatar: r.avatar,
  ext: r.ext,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const USER_COLUMNS = 'uid, name, avatar, ext, created_at, updated_at';

export function postgresUsers(pool: Pool): UserStore {
  return {
    async upsert(uid: string, patch: UserPatch, now: number) {
      const { rows } = await pool.query<UserRow>(
        `INSERT INTO users (uid, name, avatar, ext, created_at, updated_at)
         VALUES ($1, COALESCE($2::text, ''), COALESCE($3::text, ''), COALESCE($4::text, ''), $5, $5)
         ON CONFLICT (uid) DO UPDATE SET
           name = COALESCE($2::text, users.name), avatar = COALESCE($3::text, users.avatar), ext = COALESCE($4::text, users.ext),
           updated_at = $5
         RETURNING ${USER_COLUMNS}`,
        [uid, patch.name ?? null, patch.avatar ?? null, patch.ext ?? null, now],
      );
      return toUser(rows[0] as UserRow);
    },
    async get(uid) {
      const { rows } = await pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE uid = $1`, [uid]);
      return rows[0] && toUser(rows[0]);
    },
    async existing(uids) {
      if (!uids.length) return [];
      const { rows } = await pool.query<{ uid: string }>('SELECT uid FROM users WHERE uid = ANY($1::text[])', [uids]);
      const found = new Set(rows.map((r) => r.uid));
      return uids.filter((uid) => found.has(uid));
    },
    async addToBlacklist(ownerUid, uids, now) {
      if (!uids.length) return;
      await pool.query(
        `INSERT INTO blacklist (owner_uid, blocked_uid, created_at)
         SELECT $1, blocked_uid, $3 FROM unnest($2::text[]) AS b(blocked_uid)
         ON CONFLICT DO NOTHING`,
        [ownerUid, [...new Set(uids)], now],
      );
    },
    async removeFromBlacklist(ownerUid, uids) {
      if (!uids.length) return;
      await pool.query('DELETE FROM blacklist WHERE owner_uid = $1 AND blocked_uid = ANY($2::text[])', [ownerUid, uids]);
    },
    async personSendFacts(senderUid, peerUid) {
      const { rows } = await pool.query<{ peer_exists: boolean; blocked: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM users WHERE uid = $1) AS peer_exists,
                EXISTS (SELECT 1 FROM blacklist WHERE owner_uid = $1 AND blocked_uid = $2) AS blocked`,
        [peerUid, senderUid],
      );
      return { peerExists: rows[0]?.peer_exists ?? false, blockedByPeer: rows[0]?.blocked ?? false };
    },
    async blacklist(ownerUid) {
      const { rows } = await pool.query<{ blocked_uid: string }>(
        'SELECT blocked_uid FROM blacklist WHERE owner_uid = $1 ORDER BY blocked_uid',
        [ownerUid],
      );
      return rows.map((r) => r.blocked_uid);
    },
  };
}

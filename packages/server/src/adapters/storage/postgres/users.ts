import type { Pool } from 'pg';
import type { PersonSendFacts, UserPatch, UserStore } from '../../../ports/storage/index.js';
import { CoalescedReads } from '../coalesced-reads.js';
import { idRange, idRangeSql } from '../id-range.js';
import { toUser, type UserRow } from '../rows.js';
import { prepared } from './prepared.js';
import { inTransaction } from './transaction.js';

const USER_COLUMNS = 'uid, name, avatar, ext, created_at, updated_at, banned_at';

/**
 * The 1:1 permission check of every send, for all the sends of one event-loop turn in one
 * statement (answers in key order, by ordinality).
 */
const readSendFacts =
  (pool: Pool) =>
  async (keys: readonly { senderUid: string; peerUid: string }[]): Promise<PersonSendFacts[]> => {
    const { rows } = await pool.query<{ peer_exists: boolean; blocked: boolean; banned: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE uid = k.peer) AS peer_exists,
              EXISTS (SELECT 1 FROM blacklist WHERE owner_uid = k.peer AND blocked_uid = k.sender) AS blocked,
              EXISTS (SELECT 1 FROM users WHERE uid = k.sender AND banned_at > 0) AS banned
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(peer, sender, ord)
       ORDER BY k.ord`,
      [keys.map((k) => k.peerUid), keys.map((k) => k.senderUid)],
    );
    return rows.map((r) => ({ peerExists: r.peer_exists, blockedByPeer: r.blocked, senderBanned: r.banned }));
  };

export function postgresUsers(pool: Pool): UserStore {
  const sendFacts = new CoalescedReads(readSendFacts(pool));
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
    async upsertMany(users, now) {
      if (!users.length) return 0;
      // One row per uid (a statement may not touch a row twice): later fields win, as the port's
      // upserts in array order would have it.
      const merged = new Map<string, UserPatch>();
      for (const { uid, name, avatar, ext } of users) {
        const m = merged.get(uid) ?? {};
        if (name !== undefined) m.name = name;
        if (avatar !== undefined) m.avatar = avatar;
        if (ext !== undefined) m.ext = ext;
        merged.set(uid, m);
      }
      const uids = [...merged.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const field = (k: keyof UserPatch) => uids.map((uid) => merged.get(uid)?.[k] ?? null);
      await inTransaction(pool, async (client) => {
        // Creates the missing users with their fields and locks the existing ones, every row in uid
        // order (the users lock order of messages.ts), in one statement.
        const { rows } = await client.query<{ uid: string; created: boolean }>(
          `INSERT INTO users (uid, name, avatar, ext, created_at, updated_at)
           SELECT uid, COALESCE(name, ''), COALESCE(avatar, ''), COALESCE(ext, ''), $5, $5
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(uid, name, avatar, ext, ord)
           ORDER BY ord
           ON CONFLICT (uid) DO UPDATE SET updated_at = EXCLUDED.updated_at
           RETURNING uid, xmax = 0 AS created`,
          [uids, field('name'), field('avatar'), field('ext'), now],
        );
        // The existing ones, already locked: only the fields given change.
        const existing = new Set(rows.filter((r) => !r.created).map((r) => r.uid));
        const patched = uids.filter((uid) => existing.has(uid) && Object.keys(merged.get(uid) ?? {}).length);
        if (!patched.length) return;
        const value = (k: keyof UserPatch) => patched.map((uid) => merged.get(uid)?.[k] ?? null);
        await client.query(
          `UPDATE users SET name = COALESCE(p.name, users.name), avatar = COALESCE(p.avatar, users.avatar), ext = COALESCE(p.ext, users.ext)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS p(uid, name, avatar, ext)
           WHERE users.uid = p.uid`,
          [patched, value('name'), value('avatar'), value('ext')],
        );
      });
      return users.length;
    },
    async get(uid) {
      const { rows } = await pool.query<UserRow>(prepared(`SELECT ${USER_COLUMNS} FROM users WHERE uid = $1`, [uid]));
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
    personSendFacts(senderUid, peerUid) {
      return sendFacts.read({ senderUid, peerUid });
    },
    async setBanned(uid, banned, now) {
      const { rows } = await pool.query<UserRow>(
        `UPDATE users SET banned_at = CASE WHEN NOT $2::boolean THEN 0 WHEN banned_at > 0 THEN banned_at ELSE $3::bigint END
         WHERE uid = $1 RETURNING ${USER_COLUMNS}`,
        [uid, banned, now],
      );
      return rows[0] && toUser(rows[0]);
    },
    async tokenStanding(uid) {
      // Every token check asks this: one prepared statement, one round trip.
      const { rows } = await pool.query<{ erased_at: number | null; banned_at: number; tokens_revoked_at: number }>(
        prepared(
          `SELECT (SELECT erased_at FROM user_erasures WHERE uid = $1) AS erased_at, COALESCE(u.banned_at, 0) AS banned_at,
                  COALESCE(u.tokens_revoked_at, 0) AS tokens_revoked_at
           FROM (SELECT 1) AS one LEFT JOIN users u ON u.uid = $1`,
          [uid],
        ),
      );
      const row = rows[0];
      return { erasedAt: row?.erased_at ?? undefined, bannedAt: row?.banned_at ?? 0, tokensRevokedAt: Number(row?.tokens_revoked_at ?? 0) };
    },
    async profiles(viewer, uids, everyone) {
      const { rows } = await pool.query<{ uid: string; name: string; avatar: string }>(
        prepared(
          `SELECT u.uid, u.name, u.avatar FROM (SELECT uid, MIN(ord) AS ord FROM unnest($1::text[]) WITH ORDINALITY AS k(uid, ord) GROUP BY uid) AS k
           JOIN users u ON u.uid = k.uid
           WHERE $3::boolean OR u.uid = $2
              OR EXISTS (SELECT 1 FROM conversations c WHERE c.uid = $2 AND c.conversation_id = 'p2p|' || u.uid)
              OR EXISTS (SELECT 1 FROM conversations c WHERE c.uid = u.uid AND c.conversation_id = 'p2p|' || $2)
              OR EXISTS (SELECT 1 FROM members mine JOIN members theirs
                         ON theirs.channel_type = mine.channel_type AND theirs.channel_id = mine.channel_id AND theirs.uid = u.uid
                         WHERE mine.uid = $2)
           ORDER BY k.ord`,
          [uids, viewer, everyone],
        ),
      );
      return rows;
    },
    async revokeTokens(uid, now) {
      const { rowCount } = await pool.query(
        prepared('UPDATE users SET tokens_revoked_at = GREATEST(tokens_revoked_at, $1::bigint) WHERE uid = $2', [now, uid]),
      );
      return (rowCount ?? 0) > 0;
    },
    async blacklist(ownerUid) {
      const { rows } = await pool.query<{ blocked_uid: string }>(
        'SELECT blocked_uid FROM blacklist WHERE owner_uid = $1 ORDER BY blocked_uid',
        [ownerUid],
      );
      return rows.map((r) => r.blocked_uid);
    },
    async list(query) {
      // A range of the primary key; a handful of range shapes, so prepared.
      const range = idRangeSql('uid', idRange(query), (n) => `$${n}`, 2);
      const { rows } = await pool.query<UserRow>(
        prepared(`SELECT ${USER_COLUMNS} FROM users WHERE ${range.sql} ORDER BY uid LIMIT $1`, [query.limit, ...range.params]),
      );
      return rows.map(toUser);
    },
  };
}

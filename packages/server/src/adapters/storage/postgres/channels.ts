import type { Pool, PoolClient } from 'pg';
import type { ChannelKey, ChannelStore } from '../../../ports/storage/index.js';
import { CoalescedReads } from '../coalesced-reads.js';
import { idRange, idRangeSql } from '../id-range.js';
import { CHANNEL_PATCH_COLUMNS, type ChannelRow, type MemberRow, toChannel, toMember } from '../rows.js';
import { readGroupSendFacts } from './group-send-facts.js';
import { prepared } from './prepared.js';
import { inTransaction } from './transaction.js';
import { report } from './webhook-outbox.js';

const CHANNEL_COLUMN_NAMES = [
  'channel_type',
  'channel_id',
  'name',
  'owner_uid',
  'allow_history',
  'banned',
  'mute_all',
  'dismissed',
  'member_count',
  'max_seq',
  'last_msg_at',
  'created_at',
  'retention_days',
  'purged_seq',
  'purged_ord',
];
export const channelColumns = (table?: string): string => CHANNEL_COLUMN_NAMES.map((c) => (table ? `${table}.${c}` : c)).join(', ');
const CHANNEL_COLUMNS = channelColumns();
const MEMBER_COLUMNS = 'uid, role, muted_until, join_seq, joined_at';

/** `uids` without repeats, in first-seen order, keeping only those `kept` names. */
const inInputOrder = (uids: readonly string[], kept: Iterable<string>): string[] => {
  const keep = new Set(kept);
  return [...new Set(uids)].filter((uid) => keep.has(uid));
};

/**
 * Locks the channel row for the rest of the transaction and reads its max seq. Every membership
 * change takes this lock first, as a message commit does, so a joiner's `joinSeq` and the member
 * set a commit fans out to agree: a message is either below the joiner's floor or reaches them.
 */
async function lockChannel(client: PoolClient, key: ChannelKey): Promise<{ maxSeq: number; ownerUid: string } | undefined> {
  const { rows } = await client.query<{ max_seq: number; owner_uid: string }>(
    'SELECT max_seq, owner_uid FROM channels WHERE channel_type = $1 AND channel_id = $2 FOR UPDATE',
    [key.channelType, key.channelId],
  );
  return rows[0] && { maxSeq: rows[0].max_seq, ownerUid: rows[0].owner_uid };
}

/** Adds the absent `uids` with `role`; returns those actually added, in input order. */
async function addMembers(client: PoolClient, key: ChannelKey, uids: readonly string[], now: number, role: number): Promise<string[]> {
  if (!uids.length) return [];
  const channel = await lockChannel(client, key);
  if (!channel) return [];
  const { rows } = await client.query<{ uid: string }>(
    `INSERT INTO members (channel_type, channel_id, uid, role, join_seq, joined_at)
     SELECT $1, $2, uid, $3, $4, $5 FROM unnest($6::text[]) AS u(uid)
     ON CONFLICT DO NOTHING
     RETURNING uid`,
    [key.channelType, key.channelId, role, channel.maxSeq, now, [...new Set(uids)]],
  );
  if (rows.length) await adjustMemberCount(client, key, rows.length);
  return inInputOrder(
    uids,
    rows.map((r) => r.uid),
  );
}

async function adjustMemberCount(client: PoolClient, key: ChannelKey, delta: number): Promise<void> {
  await client.query('UPDATE channels SET member_count = member_count + $1 WHERE channel_type = $2 AND channel_id = $3', [
    delta,
    key.channelType,
    key.channelId,
  ]);
}

export function postgresChannels(pool: Pool): ChannelStore {
  const sendFacts = new CoalescedReads(readGroupSendFacts(pool, channelColumns('c')));
  return {
    async createGroup(group, memberUids, now, events) {
      return inTransaction(pool, async (client) => {
        // No check-then-insert: the insert itself decides, against the primary key and the
        // one-namespace index of group ids, even when two nodes create the same id at once.
        const created = await client.query(
          `INSERT INTO channels (channel_type, channel_id, name, owner_uid, allow_history, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING`,
          [group.channelType, group.channelId, group.name, group.ownerUid, group.allowHistory, now],
        );
        if (!created.rowCount) return false;
        const owner = await addMembers(client, group, [group.ownerUid], now, 2);
        const members = await addMembers(client, group, memberUids, now, 0);
        await report(client, events, [...owner, ...members]);
        return true;
      });
    },
    async get(key) {
      const { rows } = await pool.query<ChannelRow>(
        prepared(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE channel_type = $1 AND channel_id = $2`, [key.channelType, key.channelId]),
      );
      return rows[0] && toChannel(rows[0]);
    },
    async findGroup(groupId) {
      const { rows } = await pool.query<ChannelRow>(
        prepared(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE channel_type IN (2, 3) AND channel_id = $1`, [groupId]),
      );
      return rows[0] && toChannel(rows[0]);
    },
    async update(key, patch, now, events) {
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [field, column] of Object.entries(CHANNEL_PATCH_COLUMNS)) {
        const value = patch[field as keyof typeof patch];
        if (value === undefined) continue;
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      }
      if (!sets.length) return;
      values.push(now, key.channelType, key.channelId);
      const n = values.length;
      const sql = `UPDATE channels SET ${sets.join(', ')}, updated_at = $${n - 2} WHERE channel_type = $${n - 1} AND channel_id = $${n}`;
      if (!events) {
        await pool.query(sql, values);
        return;
      }
      await inTransaction(pool, async (client) => {
        if ((await client.query(sql, values)).rowCount) await report(client, events, undefined);
      });
    },
    async addMembers(key, uids, now, events) {
      if (!uids.length) return [];
      return inTransaction(pool, async (client) => {
        const added = await addMembers(client, key, uids, now, 0);
        if (added.length) await report(client, events, added);
        return added;
      });
    },
    async removeMembers(key, uids, events) {
      if (!uids.length) return [];
      return inTransaction(pool, async (client) => {
        await lockChannel(client, key);
        const { rows } = await client.query<{ uid: string }>(
          'DELETE FROM members WHERE channel_type = $1 AND channel_id = $2 AND uid = ANY($3::text[]) RETURNING uid',
          [key.channelType, key.channelId, uids],
        );
        if (rows.length) await adjustMemberCount(client, key, -rows.length);
        const removed = inInputOrder(
          uids,
          rows.map((r) => r.uid),
        );
        if (removed.length) await report(client, events, removed);
        return removed;
      });
    },
    async member(key, uid) {
      const { rows } = await pool.query<MemberRow>(
        prepared(`SELECT ${MEMBER_COLUMNS} FROM members WHERE channel_type = $1 AND channel_id = $2 AND uid = $3`, [
          key.channelType,
          key.channelId,
          uid,
        ]),
      );
      return rows[0] && toMember(rows[0]);
    },
    async members(key, limit) {
      // LIMIT NULL: no limit, in PostgreSQL.
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM members WHERE channel_type = $1 AND channel_id = $2 ORDER BY joined_at, uid LIMIT $3`,
        [key.channelType, key.channelId, limit ?? null],
      );
      return rows.map(toMember);
    },
    async setRole(key, uids, role, events) {
      if (!uids.length) return [];
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ uid: string }>(
          'UPDATE members SET role = $1 WHERE channel_type = $2 AND channel_id = $3 AND uid = ANY($4::text[]) AND role <> 2 RETURNING uid',
          [role, key.channelType, key.channelId, uids],
        );
        const changed = new Set(rows.map((r) => r.uid));
        // In the order named; a uid named twice comes twice (the port allows it).
        const set = uids.filter((uid) => changed.has(uid));
        if (set.length) await report(client, events, set);
        return set;
      });
    },
    async transferOwner(key, uid, events) {
      await inTransaction(pool, async (client) => {
        const channel = await lockChannel(client, key);
        if (!channel || channel.ownerUid === uid) return;
        await client.query(
          `UPDATE members SET role = CASE WHEN uid = $3 THEN 2 ELSE 1 END
           WHERE channel_type = $1 AND channel_id = $2 AND uid IN ($3, $4)`,
          [key.channelType, key.channelId, uid, channel.ownerUid],
        );
        await client.query('UPDATE channels SET owner_uid = $3 WHERE channel_type = $1 AND channel_id = $2', [
          key.channelType,
          key.channelId,
          uid,
        ]);
        await report(client, events, channel.ownerUid);
      });
    },
    async setMemberMute(key, uid, mutedUntil, events) {
      return inTransaction(pool, async (client) => {
        const result = await client.query('UPDATE members SET muted_until = $1 WHERE channel_type = $2 AND channel_id = $3 AND uid = $4', [
          mutedUntil,
          key.channelType,
          key.channelId,
          uid,
        ]);
        const member = (result.rowCount ?? 0) > 0;
        if (member) await report(client, events, undefined);
        return member;
      });
    },
    async setWhitelist(key, uids, events) {
      await inTransaction(pool, async (client) => {
        // Two concurrent replacements must not merge into their union: the channel lock queues them.
        await lockChannel(client, key);
        await client.query('DELETE FROM whitelist WHERE channel_type = $1 AND channel_id = $2', [key.channelType, key.channelId]);
        if (uids.length)
          await client.query(
            `INSERT INTO whitelist (channel_type, channel_id, uid)
             SELECT $1, $2, uid FROM unnest($3::text[]) AS w(uid)
             ON CONFLICT DO NOTHING`,
            [key.channelType, key.channelId, [...new Set(uids)]],
          );
        await report(client, events, undefined);
      });
    },
    async whitelist(key) {
      const { rows } = await pool.query<{ uid: string }>(
        'SELECT uid FROM whitelist WHERE channel_type = $1 AND channel_id = $2 ORDER BY uid',
        [key.channelType, key.channelId],
      );
      return rows.map((r) => r.uid);
    },
    groupSendFacts(key, senderUid) {
      return sendFacts.read({ key, senderUid });
    },
    async superGroupsOf(uid) {
      const { rows } = await pool.query<{ channel_id: string }>(
        prepared('SELECT channel_id FROM members WHERE uid = $1 AND channel_type = 3 ORDER BY channel_id', [uid]),
      );
      return rows.map((r) => r.channel_id);
    },
    async listGroups(query) {
      // On the partial index of group ids (channels_group_id); a handful of range shapes, so prepared.
      const range = idRangeSql('channel_id', idRange(query), (n) => `$${n}`, 2);
      const { rows } = await pool.query<ChannelRow>(
        prepared(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE channel_type IN (2, 3) AND ${range.sql} ORDER BY channel_id LIMIT $1`, [
          query.limit,
          ...range.params,
        ]),
      );
      return rows.map(toChannel);
    },
    async groupsOf(uid, limit) {
      const { rows } = await pool.query<{ channel_type: 2 | 3; channel_id: string; name: string; role: number; muted_until: number }>(
        `SELECT m.channel_type, m.channel_id, c.name, m.role, m.muted_until
         FROM members m JOIN channels c ON c.channel_type = m.channel_type AND c.channel_id = m.channel_id
         WHERE m.uid = $1 ORDER BY m.channel_id LIMIT $2`,
        [uid, limit],
      );
      return rows.map((r) => ({
        channelType: r.channel_type,
        channelId: r.channel_id,
        name: r.name,
        role: r.role,
        mutedUntil: r.muted_until,
      }));
    },
  };
}

import type { Database, Statement } from 'better-sqlite3';
import type { ChannelKey, ChannelStore } from '../../../ports/storage/index.js';

import { type GroupSendFactsRow, groupSendFactsColumns, toGroupSendFacts } from '../group-send-facts-row.js';
import { idRange, idRangeSql } from '../id-range.js';
import { CHANNEL_PATCH_COLUMNS, type ChannelRow, type MemberRow, toChannel, toMember } from '../rows.js';
import type { SendFactsCache } from './send-facts-cache.js';
import { shaped } from './shaped-rows.js';
import { reportTo, sqliteOutboxWriter } from './webhook-outbox.js';

export function sqliteChannels(db: Database, facts: SendFactsCache): ChannelStore {
  const report = reportTo(sqliteOutboxWriter(db));
  const insertChannel = db.prepare(`
    INSERT INTO channels (channel_type, channel_id, name, owner_uid, allow_history, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
  const groupIdTaken = db.prepare('SELECT 1 FROM channels WHERE channel_type IN (2, 3) AND channel_id = ?').pluck();
  const get = shaped<ChannelRow>(db.prepare('SELECT * FROM channels WHERE channel_type = ? AND channel_id = ?'));
  const findGroup = shaped<ChannelRow>(db.prepare('SELECT * FROM channels WHERE channel_type IN (2, 3) AND channel_id = ?'));
  const insertMember = db.prepare(`
    INSERT INTO members (channel_type, channel_id, uid, role, join_seq, joined_at)
    SELECT ?, ?, ?, ?, max_seq, ? FROM channels WHERE channel_type = ? AND channel_id = ?
    ON CONFLICT DO NOTHING`);
  const deleteMember = db.prepare('DELETE FROM members WHERE channel_type = ? AND channel_id = ? AND uid = ?');
  const addCount = db.prepare('UPDATE channels SET member_count = member_count + ? WHERE channel_type = ? AND channel_id = ?');
  const member = shaped<MemberRow>(db.prepare('SELECT * FROM members WHERE channel_type = ? AND channel_id = ? AND uid = ?'));
  const members = shaped<MemberRow>(
    db.prepare('SELECT * FROM members WHERE channel_type = ? AND channel_id = ? ORDER BY joined_at, uid LIMIT ?'),
  );
  const setRole = db.prepare('UPDATE members SET role = ? WHERE channel_type = ? AND channel_id = ? AND uid = ? AND role <> 2');
  const setOwnerRole = db.prepare('UPDATE members SET role = ? WHERE channel_type = ? AND channel_id = ? AND uid = ?');
  const setOwner = db.prepare('UPDATE channels SET owner_uid = ? WHERE channel_type = ? AND channel_id = ?');
  const setMute = db.prepare('UPDATE members SET muted_until = ? WHERE channel_type = ? AND channel_id = ? AND uid = ?');
  const clearWhitelist = db.prepare('DELETE FROM whitelist WHERE channel_type = ? AND channel_id = ?');
  const addWhitelist = db.prepare('INSERT OR IGNORE INTO whitelist (channel_type, channel_id, uid) VALUES (?, ?, ?)');
  const whitelist = db.prepare('SELECT uid FROM whitelist WHERE channel_type = ? AND channel_id = ? ORDER BY uid').pluck();
  // Channel, membership, whitelist and the sender's ban in one statement, not one per table: on a WAL
  // database each statement outside a transaction takes and drops its read lock (about 7 µs of a simple
  // read by primary key here), and this check runs once per group send.
  const sendFacts = shaped<GroupSendFactsRow>(
    db.prepare(`
    SELECT c.*, ${groupSendFactsColumns('@sender')}
    FROM channels c
    LEFT JOIN members m ON m.channel_type = c.channel_type AND m.channel_id = c.channel_id AND m.uid = @sender
    WHERE c.channel_type = @type AND c.channel_id = @id`),
  );
  const superGroupsOf = db.prepare('SELECT channel_id FROM members WHERE uid = ? AND channel_type = 3').pluck();
  const groupsOf = db.prepare(`
    SELECT m.channel_type, m.channel_id, c.name, m.role, m.muted_until
    FROM members m JOIN channels c ON c.channel_type = m.channel_type AND c.channel_id = m.channel_id
    WHERE m.uid = ? ORDER BY m.channel_id LIMIT ?`);
  // One statement per shape of range (at most four), on the partial index of group ids: named, since
  // without statistics the planner would take the primary key and sort every group of a type.
  const groupPages = new Map<string, Statement>();

  const add = (key: ChannelKey, uids: readonly string[], now: number, role = 0): string[] => {
    const added: string[] = [];
    for (const uid of uids) {
      const r = insertMember.run(key.channelType, key.channelId, uid, role, now, key.channelType, key.channelId);
      if (r.changes > 0) added.push(uid);
    }
    if (added.length) addCount.run(added.length, key.channelType, key.channelId);
    return added;
  };

  return {
    async createGroup(group, memberUids, now, events) {
      facts.forgetGroup(group);
      return db.transaction(() => {
        if (groupIdTaken.get(group.channelId)) return false;
        insertChannel.run(group.channelType, group.channelId, group.name, group.ownerUid, group.allowHistory ? 1 : 0, now, now);
        const members = [...add(group, [group.ownerUid], now, 2), ...add(group, memberUids, now)];
        report(events, members);
        return true;
      })();
    },
    async get(key) {
      const row = get.get(key.channelType, key.channelId) as ChannelRow | undefined;
      return row && toChannel(row);
    },
    async findGroup(groupId) {
      const row = findGroup.get(groupId) as ChannelRow | undefined;
      return row && toChannel(row);
    },
    async update(key, patch, now, events) {
      facts.forgetGroup(key);
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [field, column] of Object.entries(CHANNEL_PATCH_COLUMNS)) {
        const value = patch[field as keyof typeof patch];
        if (value === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(typeof value === 'boolean' ? Number(value) : value);
      }
      if (!sets.length) return;
      const statement = db.prepare(`UPDATE channels SET ${sets.join(', ')}, updated_at = ? WHERE channel_type = ? AND channel_id = ?`);
      db.transaction(() => {
        if (statement.run(...values, now, key.channelType, key.channelId).changes > 0) report(events, undefined);
      })();
    },
    async addMembers(key, uids, now, events) {
      facts.forgetGroup(key);
      return db.transaction(() => {
        const added = add(key, uids, now);
        if (added.length) report(events, added);
        return added;
      })();
    },
    async removeMembers(key, uids, events) {
      facts.forgetGroup(key);
      return db.transaction(() => {
        const removed = uids.filter((uid) => deleteMember.run(key.channelType, key.channelId, uid).changes > 0);
        if (removed.length) {
          addCount.run(-removed.length, key.channelType, key.channelId);
          report(events, removed);
        }
        return removed;
      })();
    },
    async member(key, uid) {
      const row = member.get(key.channelType, key.channelId, uid) as MemberRow | undefined;
      return row && toMember(row);
    },
    async members(key, limit) {
      // LIMIT -1: no limit, in SQLite.
      return (members.all(key.channelType, key.channelId, limit ?? -1) as MemberRow[]).map(toMember);
    },
    async setRole(key, uids, role, events) {
      facts.forgetGroup(key);
      return db.transaction(() => {
        const set = uids.filter((uid) => setRole.run(role, key.channelType, key.channelId, uid).changes > 0);
        if (set.length) report(events, set);
        return set;
      })();
    },
    async transferOwner(key, uid, events) {
      facts.forgetGroup(key);
      db.transaction(() => {
        const channel = get.get(key.channelType, key.channelId) as ChannelRow | undefined;
        if (!channel || channel.owner_uid === uid) return;
        setOwnerRole.run(1, key.channelType, key.channelId, channel.owner_uid);
        setOwnerRole.run(2, key.channelType, key.channelId, uid);
        setOwner.run(uid, key.channelType, key.channelId);
        report(events, channel.owner_uid);
      })();
    },
    async setMemberMute(key, uid, mutedUntil, events) {
      facts.forgetGroup(key);
      return db.transaction(() => {
        const member = setMute.run(mutedUntil, key.channelType, key.channelId, uid).changes > 0;
        if (member) report(events, undefined);
        return member;
      })();
    },
    async setWhitelist(key, uids, events) {
      facts.forgetGroup(key);
      db.transaction(() => {
        clearWhitelist.run(key.channelType, key.channelId);
        for (const uid of uids) addWhitelist.run(key.channelType, key.channelId, uid);
        report(events, undefined);
      })();
    },
    async whitelist(key) {
      return whitelist.all(key.channelType, key.channelId) as string[];
    },
    async groupSendFacts(key, senderUid) {
      const known = facts.getGroup(key, senderUid);
      if (known) return known;
      const read = toGroupSendFacts(sendFacts.get({ sender: senderUid, type: key.channelType, id: key.channelId }));
      // A group that is not there yet is asked again: its creation is the only write that would say so.
      if (read.channel) facts.putGroup(key, senderUid, read);
      return read;
    },
    async superGroupsOf(uid) {
      return superGroupsOf.all(uid) as string[];
    },
    async listGroups(query) {
      const range = idRangeSql('channel_id', idRange(query), () => '?');
      let page = groupPages.get(range.sql);
      if (!page) {
        page = db.prepare(
          `SELECT * FROM channels INDEXED BY channels_group_id WHERE channel_type IN (2, 3) AND ${range.sql} ORDER BY channel_id LIMIT ?`,
        );
        groupPages.set(range.sql, page);
      }
      return (page.all(...range.params, query.limit) as ChannelRow[]).map(toChannel);
    },
    async groupsOf(uid, limit) {
      const rows = groupsOf.all(uid, limit) as Array<{
        channel_type: 2 | 3;
        channel_id: string;
        name: string;
        role: number;
        muted_until: number;
      }>;
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

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { messageMaker } from '../../../ports/storage/contract-fixtures.js';
import type { Storage } from '../../../ports/storage/index.js';
import { openSqlite } from './index.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the SQLite store keeps the facts of 1:1 sends in memory', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const openFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-facts-'));
    const file = path.join(dir, 'parley.db');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store: Storage = openSqlite({ file });
    cleanups.push(() => store.close());
    return { file, store };
  };

  it('answers each change by another connection (the CLI, another process) from the next turn on', async () => {
    const { file, store } = openFile();
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }, { uid: 'z' }], 1);
    const facts = () => store.users.personSendFacts('a', 'b');
    const other = new BetterSqlite3(file);
    cleanups.push(() => {
      other.close();
    });
    const changes: Array<[string, () => unknown, { peerExists: boolean; blockedByPeer: boolean; senderBanned: boolean }]> = [
      [
        'block',
        () => other.prepare('INSERT INTO blacklist (owner_uid, blocked_uid, created_at) VALUES (?, ?, 2)').run('b', 'a'),
        { peerExists: true, blockedByPeer: true, senderBanned: false },
      ],
      [
        'block moved',
        () => other.prepare('UPDATE blacklist SET blocked_uid = ? WHERE owner_uid = ?').run('z', 'b'),
        { peerExists: true, blockedByPeer: false, senderBanned: false },
      ],
      [
        'block back',
        () => other.prepare('UPDATE blacklist SET blocked_uid = ? WHERE owner_uid = ?').run('a', 'b'),
        { peerExists: true, blockedByPeer: true, senderBanned: false },
      ],
      [
        'unblock',
        () => other.prepare('DELETE FROM blacklist WHERE owner_uid = ?').run('b'),
        { peerExists: true, blockedByPeer: false, senderBanned: false },
      ],
      [
        'ban',
        () => other.prepare('UPDATE users SET banned_at = 3 WHERE uid = ?').run('a'),
        { peerExists: true, blockedByPeer: false, senderBanned: true },
      ],
      [
        'unban',
        () => other.prepare('UPDATE users SET banned_at = 0 WHERE uid = ?').run('a'),
        { peerExists: true, blockedByPeer: false, senderBanned: false },
      ],
      [
        'rename',
        () => other.prepare('UPDATE users SET uid = ? WHERE uid = ?').run('b2', 'b'),
        { peerExists: false, blockedByPeer: false, senderBanned: false },
      ],
      [
        'name back',
        () => other.prepare('UPDATE users SET uid = ? WHERE uid = ?').run('b', 'b2'),
        { peerExists: true, blockedByPeer: false, senderBanned: false },
      ],
      [
        'delete',
        () => other.prepare('DELETE FROM users WHERE uid = ?').run('b'),
        { peerExists: false, blockedByPeer: false, senderBanned: false },
      ],
    ];
    // The store's own three users moved the count it last saw: the first look after another
    // connection's commit empties it once (send-facts-cache.ts). That happens here, not in a step below.
    other.prepare('UPDATE users SET name = ? WHERE uid = ?').run('zed', 'z');
    await nextTurn();
    await facts();
    for (const [name, change, after] of changes) {
      // Asked twice first: the second is the cache's answer.
      await facts();
      await facts();
      change();
      await nextTurn();
      expect([name, await facts()]).toEqual([name, after]);
    }
  });

  it('keeps its facts while other connections commit other changes', async () => {
    const { file, store } = openFile();
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }], 1);
    const other = new BetterSqlite3(file);
    cleanups.push(() => {
      other.close();
    });
    const rename = other.prepare('UPDATE users SET name = ? WHERE uid = ?');
    // The store's own two users moved the count it last saw: the first look after another connection's
    // commit empties it once (send-facts-cache.ts), before it holds anything here.
    rename.run('first', 'b');
    await nextTurn();
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(false);

    // A change the triggers do not count ...
    rename.run('second', 'b');
    // ... and one they would, made by hand without them: it stays unseen, so the cache answered.
    other.exec('DROP TRIGGER send_facts_block');
    other.prepare('INSERT INTO blacklist (owner_uid, blocked_uid, created_at) VALUES (?, ?, ?)').run('b', 'a', 2);
    await nextTurn();
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(false);
    // A counted change (a user made) empties it: the block is read.
    other.prepare('INSERT INTO users (uid, created_at, updated_at) VALUES (?, 1, 1)').run('c');
    await nextTurn();
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(true);
  });

  it("answers each change to a group send's facts by another connection from the next turn on", async () => {
    const { file, store } = openFile();
    await store.users.upsertMany([{ uid: 'o' }, { uid: 'a' }], 1);
    const key = { channelType: 2, channelId: 'g' } as const;
    await store.channels.createGroup({ ...key, name: 'g', ownerUid: 'o', allowHistory: true }, ['a'], 1);
    const other = new BetterSqlite3(file);
    cleanups.push(() => {
      other.close();
    });
    const facts = async () => {
      const f = await store.channels.groupSendFacts(key, 'a');
      return {
        member: f.member?.role ?? 'none',
        muted: f.member?.mutedUntil ?? 0,
        whitelist: `${f.whitelistSize}/${f.senderWhitelisted}`,
        banned: f.senderBanned,
        channel: `${f.channel?.dismissed}/${f.channel?.muteAll}/${f.channel?.retentionDays}/${f.channel?.purgedSeq}`,
      };
    };
    const initial: { member: number | string; muted: number; whitelist: string; banned: boolean; channel: string } = {
      member: 0,
      muted: 0,
      whitelist: '0/false',
      banned: false,
      channel: 'false/false/null/0',
    };
    const changes: Array<[string, string, Partial<typeof initial>]> = [
      ['admin', `UPDATE members SET role = 1 WHERE channel_id = 'g' AND uid = 'a'`, { member: 1 }],
      ['muted', `UPDATE members SET muted_until = -1 WHERE channel_id = 'g' AND uid = 'a'`, { member: 1, muted: -1 }],
      ['removed', `DELETE FROM members WHERE channel_id = 'g' AND uid = 'a'`, { member: 'none' }],
      ['back', `INSERT INTO members (channel_type, channel_id, uid, role, join_seq, joined_at) VALUES (2, 'g', 'a', 0, 0, 2)`, {}],
      ['whitelisted', `INSERT INTO whitelist (channel_type, channel_id, uid) VALUES (2, 'g', 'o')`, { whitelist: '1/false' }],
      ['whitelist moved', `UPDATE whitelist SET uid = 'a' WHERE channel_id = 'g'`, { whitelist: '1/true' }],
      ['whitelist cleared', `DELETE FROM whitelist WHERE channel_id = 'g'`, {}],
      ['banned', `UPDATE users SET banned_at = 5 WHERE uid = 'a'`, { banned: true }],
      ['unbanned', `UPDATE users SET banned_at = 0 WHERE uid = 'a'`, {}],
      ['muted all', `UPDATE channels SET mute_all = 1 WHERE channel_id = 'g'`, { channel: 'false/true/null/0' }],
      ['kept 7 days', `UPDATE channels SET mute_all = 0, retention_days = 7 WHERE channel_id = 'g'`, { channel: 'false/false/7/0' }],
      ['purged', `UPDATE channels SET purged_seq = 3 WHERE channel_id = 'g'`, { channel: 'false/false/7/3' }],
      ['dismissed', `UPDATE channels SET dismissed = 1 WHERE channel_id = 'g'`, { channel: 'true/false/7/3' }],
    ];
    // The store's own writes moved the count it last saw: the first look after another connection's
    // commit empties it once (send-facts-cache.ts). That happens here, not in a step below.
    other.prepare('UPDATE users SET name = ? WHERE uid = ?').run('owner', 'o');
    await nextTurn();
    expect(await facts()).toEqual(initial);
    for (const [name, sql, after] of changes) {
      await facts();
      other.exec(sql);
      await nextTurn();
      expect([name, await facts()]).toEqual([name, { ...initial, ...after }]);
    }
  });

  it("reads again a group send's facts its own connection changed, in the turn of the write; a commit forgets none", async () => {
    const { store } = openFile();
    await store.users.upsertMany([{ uid: 'o' }, { uid: 'a' }, { uid: 'b' }], 1);
    const key = { channelType: 3, channelId: 'sg' } as const;
    await store.channels.createGroup({ ...key, name: 'sg', ownerUid: 'o', allowHistory: true }, ['a'], 1);
    const facts = () => store.channels.groupSendFacts(key, 'a');
    expect((await facts()).member?.role).toBe(0);
    await store.channels.setRole(key, ['a'], 1);
    expect((await facts()).member?.role).toBe(1);
    await store.channels.setMemberMute(key, 'a', -1);
    expect((await facts()).member?.mutedUntil).toBe(-1);
    await store.channels.setWhitelist(key, ['b']);
    expect((await facts()).whitelistSize).toBe(1);
    await store.channels.update(key, { muteAll: true }, 2);
    expect((await facts()).channel?.muteAll).toBe(true);
    await store.retention.setDays(key, 3, 2);
    expect((await facts()).channel?.retentionDays).toBe(3);
    await store.users.setBanned('a', true, 3);
    expect((await facts()).senderBanned).toBe(true);
    await store.channels.removeMembers(key, ['a']);
    expect((await facts()).member).toBeUndefined();
    await store.channels.addMembers(key, ['a'], 4);
    expect((await facts()).member?.role).toBe(0);
    await store.channels.transferOwner(key, 'a');
    expect((await facts()).member?.role).toBe(2);
    // A message's commit moves only the counters, which the facts may carry from before it.
    const before = (await facts()).channel;
    const message = messageMaker({ channelId: 'sg', fromUid: 'a', firstId: 1, clientPrefix: 'c', now: 5 });
    await store.messages.commit([message({ channelType: 3, fanout: { kind: 'none', conversationId: 'super_team|sg' } })]);
    expect((await store.channels.get(key))?.maxSeq).toBe(1);
    expect((await facts()).channel).toEqual(before);
  });

  it('reads again what its own connection wrote, in the turn of the write', async () => {
    const { store } = openFile();
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }], 1);
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(false);
    // Nothing awaited between the write and the check but the write itself.
    await store.users.addToBlacklist('b', ['a'], 2);
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(true);
  });
});

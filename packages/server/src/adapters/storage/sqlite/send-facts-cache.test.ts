import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('reads again what its own connection wrote, in the turn of the write', async () => {
    const { store } = openFile();
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }], 1);
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(false);
    // Nothing awaited between the write and the check but the write itself.
    await store.users.addToBlacklist('b', ['a'], 2);
    expect((await store.users.personSendFacts('a', 'b')).blockedByPeer).toBe(true);
  });
});

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

  it('answers a write by another connection (the CLI, another process) from the next turn on', async () => {
    const { file, store } = openFile();
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }], 1);
    const open = { peerExists: true, blockedByPeer: false, senderBanned: false };
    expect(await store.users.personSendFacts('a', 'b')).toEqual(open);
    expect(await store.users.personSendFacts('a', 'b')).toEqual(open);

    const other = new BetterSqlite3(file);
    cleanups.push(() => {
      other.close();
    });
    other.prepare('INSERT INTO blacklist (owner_uid, blocked_uid, created_at) VALUES (?, ?, ?)').run('b', 'a', 2);
    other.prepare('UPDATE users SET banned_at = 3 WHERE uid = ?').run('a');
    other.prepare('DELETE FROM users WHERE uid = ?').run('b');
    await nextTurn();
    expect(await store.users.personSendFacts('a', 'b')).toEqual({ peerExists: false, blockedByPeer: true, senderBanned: true });
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

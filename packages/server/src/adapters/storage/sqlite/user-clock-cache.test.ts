import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from '../../../ports/storage/contract-fixtures.js';
import type { Storage } from '../../../ports/storage/index.js';
import { openSqlite } from './index.js';
import { UserClockCache } from './user-clock-cache.js';

/**
 * The commit raises a user's clock from the values it cached at its last commit (user-clock-cache.ts).
 * Whatever wrote in between, the next commit must version past it: a version given twice would let
 * `conversation.sync` skip a change.
 */
describe("the SQLite store's commits raise known users' clocks from memory", () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const open = async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-clocks-'));
    const file = path.join(dir, 'parley.db');
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store: Storage = openSqlite({ file });
    cleanups.push(() => store.close());
    await store.users.upsertMany([{ uid: 'a' }, { uid: 'b' }], 1);
    const make = messageMaker({ channelId: 'a@b', fromUid: 'a', firstId: 1000, clientPrefix: 'uc-', now: 1_000_000 });
    const send = async () => {
      const [result] = await store.messages.commit([make({ fanout: p2pFanout('a', 'b') })]);
      const rows = result?.status === 'stored' ? result.conversations : [];
      return Object.fromEntries(rows.map((r) => [r.uid, r]));
    };
    return { file, store, send };
  };

  it('versions past a change this connection wrote between two commits', async () => {
    const { store, send } = await open();
    const first = await send();
    const pin = await store.conversations.update('a', { conversationId: 'p2p|b', channelType: 1, channelId: 'a@b' }, { pinnedAt: 5 });
    expect(pin.row.version).toBeGreaterThan(first.a?.version ?? 0);
    const next = await send();
    expect(next.a?.version).toBe(pin.row.version + 1);
    expect((await store.conversations.clock('a')).version).toBe(next.a?.version);
    expect(next.a?.sortTs).toBeGreaterThan(pin.row.sortTs);
  });

  it('versions past a change another connection committed (the CLI, another process)', async () => {
    const { file, send } = await open();
    const first = await send();
    const other = new BetterSqlite3(file);
    cleanups.push(() => {
      other.close();
    });
    other.prepare('UPDATE users SET conv_version = conv_version + 7, last_sort_ts = last_sort_ts + 1000 WHERE uid = ?').run('b');
    const next = await send();
    expect(next.b?.version).toBe((first.b?.version ?? 0) + 8);
    expect(next.b?.sortTs).toBeGreaterThanOrEqual((first.b?.sortTs ?? 0) + 1000);
    // a's clock, which nobody else moved, went on from the cache.
    expect(next.a?.version).toBe((first.a?.version ?? 0) + 1);
  });

  it('gives each of many sends its own versions, the same as the database holds', async () => {
    const { store, send } = await open();
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) seen.push((await send()).b?.version ?? 0);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (seen[0] ?? 0) + i));
    expect((await store.conversations.clock('b')).version).toBe(seen.at(-1));
  });
});

describe('UserClockCache', () => {
  const setUp = () => {
    const db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE t (x)');
    const cache = new UserClockCache(db, 3);
    const commitWith = (clocks: Array<[string, number]>) => {
      db.exec('BEGIN IMMEDIATE');
      cache.open();
      db.exec('INSERT INTO t VALUES (1)');
      const marks = cache.now();
      db.exec('COMMIT');
      cache.keep(new Map(clocks.map(([uid, version]) => [uid, { version, lastSortTs: version }])), marks);
    };
    return { db, cache, commitWith };
  };

  it('keeps what a commit wrote while nothing else writes', () => {
    const { cache, commitWith } = setUp();
    commitWith([['a', 1]]);
    commitWith([['b', 2]]);
    expect(cache.get('a')).toEqual({ version: 1, lastSortTs: 1 });
    expect(cache.get('b')).toEqual({ version: 2, lastSortTs: 2 });
  });

  it('forgets everything once this connection wrote outside the commits', () => {
    const { db, cache, commitWith } = setUp();
    commitWith([['a', 1]]);
    db.exec('INSERT INTO t VALUES (2)');
    commitWith([['b', 2]]);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ version: 2, lastSortTs: 2 });
  });

  it('forgets only the user whose clock a write run through wrote may move, and everything if another write came first or it threw', () => {
    const { db, cache, commitWith } = setUp();
    const open = () => {
      db.exec('BEGIN IMMEDIATE');
      cache.open();
      db.exec('COMMIT');
    };
    commitWith([
      ['a', 1],
      ['b', 1],
    ]);
    cache.wrote('a', () => db.exec('INSERT INTO t VALUES (3)'));
    open();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ version: 1, lastSortTs: 1 });
    commitWith([['a', 2]]);
    db.exec('INSERT INTO t VALUES (4)');
    cache.wrote('a', () => db.exec('INSERT INTO t VALUES (5)'));
    open();
    expect(cache.get('b')).toBeUndefined();
    commitWith([['b', 2]]);
    expect(() =>
      cache.wrote('a', () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(cache.get('b')).toBeUndefined();
  });

  it('keeps nothing from a commit inside an outer transaction, which has not committed yet', () => {
    const { db, cache, commitWith } = setUp();
    commitWith([['a', 1]]);
    db.exec('BEGIN');
    cache.keep(new Map([['b', { version: 2, lastSortTs: 2 }]]), cache.now());
    db.exec('ROLLBACK');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
  });

  it('starts over past its size, and after forgetAll', () => {
    const { cache, commitWith } = setUp();
    commitWith([
      ['a', 1],
      ['b', 1],
    ]);
    commitWith([
      ['c', 1],
      ['d', 1],
    ]);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toBeDefined();
    cache.forgetAll();
    expect(cache.get('d')).toBeUndefined();
  });
});

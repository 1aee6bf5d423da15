import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from '../../../ports/storage/contract-fixtures.js';
import type { ConversationRow, NewMessage, Storage } from '../../../ports/storage/index.js';
import { openSqlite } from './index.js';

// A small deterministic PRNG.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The SQLite commit raises users' clocks from memory (user-clock-cache.ts). Random interleavings of
 * sends (1:1 and group, resends forcing the retry, timestamps going back and jumping ahead), conversation
 * updates, revokes and deletes, a second store and a raw connection on the same file, and erased users
 * made again: every version handed out must be above the user's earlier ones, every commit's updateTime at
 * least 2 ms above theirs, and the database must hold no version twice. Removing any one of the cache's
 * checks made 5-10 of 10 seeds fail (the review of 0072385).
 */
describe('user clocks under random interleavings', () => {
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const SEEDS = 20;
  const STEPS = 300;

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}`, async () => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-clockfuzz-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'parley.db');
      const main: Storage = openSqlite({ file });
      cleanups.push(() => main.close());
      const second: Storage = openSqlite({ file, searchIndex: 'off' });
      cleanups.push(() => second.close());
      const raw = new BetterSqlite3(file);
      raw.pragma('busy_timeout = 5000');
      cleanups.push(() => {
        raw.close();
      });

      const uids = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
      await main.users.upsertMany(
        uids.map((uid) => ({ uid })),
        1,
      );
      const group = { channelType: 2 as const, channelId: 'g1' };
      await main.channels.createGroup({ ...group, name: 'g', ownerUid: 'u0', allowHistory: true }, ['u0', 'u1', 'u2', 'u3'], 1);

      // Per uid: the highest version handed out, the highest sortTs of a versioned row handed out.
      const topVersion = new Map<string, number>();
      const topSort = new Map<string, number>();
      const log: string[] = [];
      const fail = (msg: string) => {
        throw new Error(`${msg}\n--- last ops:\n${log.slice(-15).join('\n')}`);
      };
      const sawRow = (row: ConversationRow, what: string, sortMustRise: boolean) => {
        const top = topVersion.get(row.uid) ?? 0;
        if (row.version <= top) fail(`${what}: ${row.uid} got version ${row.version}, not above ${top}`);
        topVersion.set(row.uid, row.version);
        const st = topSort.get(row.uid) ?? 0;
        if (sortMustRise && row.sortTs < st + 2) fail(`${what}: ${row.uid} got sortTs ${row.sortTs}, not >= ${st} + 2`);
        topSort.set(row.uid, Math.max(st, row.sortTs));
      };
      const sawRows = (rows: readonly ConversationRow[], what: string, sortMustRise: boolean) => {
        // Several rows of one user in one result: check them in version order.
        for (const row of [...rows].sort((a, b) => a.version - b.version)) sawRow(row, what, sortMustRise);
      };

      let now = 1_000_000;
      const stored: Array<{ channelType: 1 | 2; channelId: string; seq: number; uid: string; conversationId: string }> = [];
      const sentNos: NewMessage[] = [];
      const make = messageMaker({ channelId: 'g1', fromUid: 'u0', firstId: 0, clientPrefix: 'c', now });
      const makeMessage = (): NewMessage => {
        now += Math.floor(r() * 5);
        const timestamp = r() < 0.2 ? now - 50 : r() < 0.1 ? now + 500 : now;
        const fromUid = pick(uids);
        if (r() < 0.4 && ['u0', 'u1', 'u2', 'u3'].includes(fromUid))
          return make({ ...group, fromUid, timestamp, fanout: { kind: 'members', conversationId: 'team|g1' } });
        let to = pick(uids);
        if (to === fromUid) to = fromUid === 'u0' ? 'u1' : 'u0';
        return make({ channelType: 1, channelId: [fromUid, to].sort().join('@'), fromUid, timestamp, fanout: p2pFanout(fromUid, to) });
      };

      const send = async (store: Storage, label: string) => {
        const batch: NewMessage[] = [];
        const k = 1 + Math.floor(r() * 4);
        for (let i = 0; i < k; i++) batch.push(makeMessage());
        // Now and then a resend of a stored message: STORED_DUPLICATE, the retry.
        if (sentNos.length && r() < 0.15) batch.splice(Math.floor(r() * batch.length), 0, pick(sentNos));
        log.push(`${label} send ${batch.map((m) => `${m.fromUid}->${m.channelId}`).join(',')}`);
        const results = await store.messages.commit(batch);
        const seen = new Map<string, ConversationRow>();
        results.forEach((res, i) => {
          const m = batch[i] as NewMessage;
          if (res.status !== 'stored') return;
          if (!sentNos.includes(m)) sentNos.push(m);
          for (const row of res.conversations) {
            seen.set(`${row.uid}|${row.conversationId}|${row.version}`, row);
            if (row.lastSeq === res.ack.messageSeq)
              stored.push({
                channelType: m.channelType as 1 | 2,
                channelId: m.channelId,
                seq: res.ack.messageSeq,
                uid: row.uid,
                conversationId: row.conversationId,
              });
          }
        });
        sawRows([...seen.values()], `${label} commit`, true);
      };

      const update = async (store: Storage, label: string) => {
        const uid = pick(uids);
        let other = pick(uids);
        if (other === uid) other = uid === 'u0' ? 'u1' : 'u0';
        const inGroup = r() < 0.3 && ['u0', 'u1', 'u2', 'u3'].includes(uid);
        const key = inGroup
          ? { ...group, conversationId: 'team|g1' }
          : { channelType: 1 as const, channelId: [uid, other].sort().join('@'), conversationId: `p2p|${other}` };
        const patch = pick([
          { pinnedAt: now + Math.floor(r() * 100), sortTsIfEmpty: now },
          { ext: `e${Math.floor(r() * 1000)}` },
          { draft: { text: `d${Math.floor(r() * 3)}`, ext: '', at: now } },
          { read: { seq: 1 + Math.floor(r() * 5), ord: 1 } },
          { mutedUntil: Math.floor(r() * 2) * (now + 1000) },
        ]);
        log.push(`${label} update ${uid} ${key.conversationId} ${JSON.stringify(patch)}`);
        const { row, changed } = await store.conversations.update(uid, key, patch);
        if (changed) sawRow(row, `${label} update`, false);
      };

      const revoke = async (store: Storage, label: string) => {
        const m = stored.length ? pick(stored) : undefined;
        if (!m) return;
        log.push(`${label} revoke ${m.channelId}#${m.seq}`);
        const { conversations } = await store.messageState.revoke(
          { channelType: m.channelType, channelId: m.channelId, seq: m.seq },
          'u0',
          now,
        );
        sawRows(conversations, `${label} revoke`, false);
      };

      const deleteFor = async (store: Storage, label: string) => {
        const m = stored.length ? pick(stored) : undefined;
        if (!m) return;
        log.push(`${label} deleteForUser ${m.uid} ${m.channelId}#${m.seq}`);
        const row = await store.messageState.deleteForUser(
          m.uid,
          m.conversationId,
          { channelType: m.channelType, channelId: m.channelId },
          [m.seq],
        );
        if (row) sawRow(row, `${label} deleteForUser`, false);
        else {
          // The version was raised though no row came back: learn it.
          const v = raw.prepare('SELECT conv_version FROM users WHERE uid = ?').pluck().get(m.uid) as number | undefined;
          if (v !== undefined) topVersion.set(m.uid, v);
        }
      };

      const rawBump = () => {
        const uid = pick(uids);
        const k = 1 + Math.floor(r() * 3);
        log.push(`raw bump ${uid} +${k}`);
        const row = raw
          .prepare(
            'UPDATE users SET conv_version = conv_version + ?, last_sort_ts = last_sort_ts + ? WHERE uid = ? RETURNING conv_version, last_sort_ts',
          )
          .get(k, 10 * k, uid) as { conv_version: number; last_sort_ts: number } | undefined;
        if (row) {
          topVersion.set(uid, row.conv_version);
          topSort.set(uid, Math.max(topSort.get(uid) ?? 0, row.last_sort_ts));
        }
      };

      const eraseAndRecreate = async () => {
        const uid = pick(['u4', 'u5']);
        log.push(`erase ${uid}`);
        await main.userData.beginErasure(uid, now);
        while ((await main.userData.removeOwnRows(uid, 1000)) > 0) {}
        await main.userData.finishErasure(uid, now);
        topVersion.delete(uid);
        topSort.delete(uid);
        await main.users.upsertMany([{ uid }], now);
      };

      for (let step = 0; step < STEPS; step++) {
        const x = r();
        if (x < 0.4) await send(main, 'main');
        else if (x < 0.6) await update(main, 'main');
        else if (x < 0.66) await revoke(main, 'main');
        else if (x < 0.7) await deleteFor(main, 'main');
        else if (x < 0.76) await send(second, 'second');
        else if (x < 0.8) await update(second, 'second');
        else if (x < 0.82) await revoke(second, 'second');
        else if (x < 0.86) rawBump();
        else if (x < 0.87) await eraseAndRecreate();
        else if (x < 0.9) await main.users.upsertMany([{ uid: pick(uids), name: `n${step}` }], now);
        else await send(main, 'main');
      }

      // The database: per user, row versions unique and at most the clock; sort_ts at most last_sort_ts.
      const users = raw.prepare('SELECT uid, conv_version, last_sort_ts FROM users').all() as Array<{
        uid: string;
        conv_version: number;
        last_sort_ts: number;
      }>;
      for (const u of users) {
        const dup = raw
          .prepare('SELECT version, COUNT(*) n FROM conversations WHERE uid = ? AND version > 0 GROUP BY version HAVING n > 1')
          .all(u.uid);
        expect(dup, `duplicate versions for ${u.uid}`).toEqual([]);
        const max = raw
          .prepare('SELECT COALESCE(MAX(version), 0) v, COALESCE(MAX(sort_ts), 0) s FROM conversations WHERE uid = ?')
          .get(u.uid) as {
          v: number;
          s: number;
        };
        expect(max.v, `max version of ${u.uid}`).toBeLessThanOrEqual(u.conv_version);
        expect(u.conv_version, `clock of ${u.uid} vs handed out`).toBe(topVersion.get(u.uid) ?? 0);
      }
    });
  }
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSqlite } from '../adapters/storage/sqlite/index.js';
import { registerSearchFunction } from '../adapters/storage/sqlite/search.js';
import { attachSearchIndex, SearchIndexBatches } from '../adapters/storage/sqlite/search-index.js';
import type { NewMessage, Storage } from '../ports/storage/index.js';
import { fmt } from './report.js';

/**
 * Two costs under the server's own work, each alone in this process, for the floor they put under
 * issue 14's targets: what a group message's commit costs per recipient (type 2 writes a conversation
 * row per member, type 3 nothing per member), and what the search index costs per message (the
 * server's worker thread does it for every message stored, on top of the send path's main thread).
 */
export interface FloorsOptions {
  /** Messages committed (group rows) or indexed (search rows) per row of the table. */
  messages: number;
}

const GROUPS = 4;
const MEMBERS = 100;

async function withFile<T>(fn: (file: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-floors-'));
  try {
    return await fn(path.join(dir, 'parley.db'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

function text(channelType: 1 | 2 | 3, channelId: string, fromUid: string, n: number, fanout: NewMessage['fanout']): NewMessage {
  return {
    channelType,
    channelId,
    messageId: String(10_000_000 + n),
    clientMsgNo: `floor-${n}`,
    fromUid,
    timestamp: Date.now(),
    contentType: 1,
    payloadJson: JSON.stringify({ type: 1, content: `hello from the benchmark ${n}` }),
    metaJson: '{}',
    redDot: true,
    mentionUids: [],
    mentionAll: false,
    fanout,
  };
}

/** Commits batches of `perGroup` messages to each of GROUPS groups of MEMBERS (2 senders each); CPU per recipient. */
async function groupCommit(storage: Storage, channelType: 2 | 3, perGroup: number, o: FloorsOptions): Promise<string> {
  const member = (g: number, j: number) => `floor-t${channelType}-g${g}-m${j}`;
  for (let g = 0; g < GROUPS; g++) {
    const uids = Array.from({ length: MEMBERS }, (_, j) => member(g, j));
    await storage.users.upsertMany(
      uids.map((uid) => ({ uid })),
      Date.now(),
    );
    const channelId = `floor-t${channelType}-g${g}`;
    await storage.channels.createGroup(
      { channelType, channelId, name: channelId, ownerUid: uids[0] as string, allowHistory: true },
      uids,
      Date.now(),
    );
  }
  const conversationId = (g: number) => `${channelType === 2 ? 'team' : 'super_team'}|floor-t${channelType}-g${g}`;
  let n = 0;
  const batch = (): NewMessage[] =>
    Array.from({ length: perGroup * GROUPS }, (_, i) => {
      const g = i % GROUPS;
      const channelId = `floor-t${channelType}-g${g}`;
      const fanout: NewMessage['fanout'] = { kind: channelType === 2 ? 'members' : 'none', conversationId: conversationId(g) };
      return text(channelType, channelId, member(g, Math.floor(i / GROUPS) % 2), ++n, fanout);
    });
  for (let i = 0; i < 20; i++) await storage.messages.commit(batch()); // warm-up
  let spent = 0;
  let committed = 0;
  while (committed < o.messages) {
    const messages = batch();
    const started = process.cpuUsage();
    await storage.messages.commit(messages);
    spent += cpuMs(started);
    committed += messages.length;
  }
  const perMessage = (spent * 1000) / committed;
  return `| commit of a group message, ${channelType === 2 ? 'group (type 2)' : 'super group (type 3)'} of ${MEMBERS} | ${perGroup} messages a group a batch, ${GROUPS} groups | ${fmt(perMessage, 1)} µs a message | ${fmt(perMessage / (MEMBERS - 1), 2)} µs a recipient |`;
}

/** Stores messages without indexing them, then indexes them `batch` at a time as the server's worker does. */
async function searchIndexing(file: string, batch: number, o: FloorsOptions): Promise<string> {
  const storage = openSqlite({ file, searchIndex: 'off' });
  const indexer = new BetterSqlite3(file);
  try {
    indexer.pragma('busy_timeout = 5000');
    registerSearchFunction(indexer);
    attachSearchIndex(indexer, `${file}-search`);
    const batches = new SearchIndexBatches(indexer);
    batches.drain();
    let n = 0;
    let spent = 0;
    for (let done = 0; done < o.messages; done += batch) {
      const messages = Array.from({ length: batch }, () => {
        const pair = ++n % 50;
        const [from, to] = [`floor-s${pair}`, `floor-r${pair}`];
        return text(1, `${from}@${to}`, from, n, {
          kind: 'users',
          targets: [
            { uid: from, conversationId: `p2p|${to}` },
            { uid: to, conversationId: `p2p|${from}` },
          ],
        });
      });
      await storage.messages.commit(messages);
      const started = process.cpuUsage();
      batches.drain();
      spent += cpuMs(started);
    }
    return `| search indexing of 1:1 text messages (the worker's batch) | ${batch} messages a batch | ${fmt((spent * 1000) / n, 1)} µs a message | - |`;
  } finally {
    indexer.close();
    await storage.close();
  }
}

export async function floorsBenchSqlite(o: FloorsOptions): Promise<string> {
  const rows: string[] = [];
  for (const [channelType, perGroup] of [
    [2, 4],
    [2, 16],
    [3, 4],
    [3, 16],
  ] as const)
    rows.push(await withFile((file) => withStore(file, (storage) => groupCommit(storage, channelType, perGroup, o))));
  for (const batch of [150, 2000]) rows.push(await withFile((file) => searchIndexing(file, batch, o)));
  return [
    `Each row alone in one process on SQLite (synchronous=FULL, as the server), Node CPU of the process (all threads) over ${o.messages} messages: the commit of group messages with the search index off, and the search index's batches over messages stored beforehand. What the server pays for these on top of the WebSocket work, whatever it does above them.`,
    '',
    '| what | how | CPU | per recipient |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function withStore<T>(file: string, fn: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = openSqlite({ file, searchIndex: 'off' });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

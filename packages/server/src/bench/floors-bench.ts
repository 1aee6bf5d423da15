import BetterSqlite3 from 'better-sqlite3';
import { registerSearchFunction } from '../adapters/storage/sqlite/search.js';
import { attachSearchIndex, SEARCH_INDEX_BATCH, SearchIndexBatches } from '../adapters/storage/sqlite/search-index.js';
import { messageMaker, p2pFanout } from '../ports/storage/contract-fixtures.js';
import type { NewMessage, Storage } from '../ports/storage/index.js';
import { channelToken, currentSearchText, searchDocument } from '../ports/storage/search-text.js';
import { withSqlite } from './bench-storage.js';
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
/** The search index off (the commit alone; messages stored for the indexer to take), WAL checkpoints in the commits. */
const UNINDEXED = { searchIndex: 'off', checkpointInBackground: false } as const;

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Text messages as the send bench's, each with a new id and clientMsgNo. */
const texts = () => {
  const make = messageMaker({ channelId: '', fromUid: '', firstId: 10_000_000, clientPrefix: 'floor-', now: Date.now() });
  return (over: Partial<NewMessage> & Pick<NewMessage, 'channelType' | 'channelId' | 'fromUid' | 'fanout'>): NewMessage =>
    make({ payloadJson: JSON.stringify({ type: 1, content: `hello from the benchmark ${make.made + 1}` }), ...over });
};

/** The `n`th of the 1:1 text messages the search rows index, over 50 pairs of users. */
const oneToOne = (text: ReturnType<typeof texts>, n: number): NewMessage => {
  const pair = n % 50;
  const [from, to] = [`floor-s${pair}`, `floor-r${pair}`];
  return text({ channelType: 1, channelId: `${from}@${to}`, fromUid: from, fanout: p2pFanout(from, to) });
};

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
  const text = texts();
  const batch = (): NewMessage[] =>
    Array.from({ length: perGroup * GROUPS }, (_, i) => {
      const g = i % GROUPS;
      return text({
        channelType,
        channelId: `floor-t${channelType}-g${g}`,
        fromUid: member(g, Math.floor(i / GROUPS) % 2),
        fanout: { kind: channelType === 2 ? 'members' : 'none', conversationId: conversationId(g) },
      });
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
async function searchIndexing(storage: Storage, file: string, batch: number, o: FloorsOptions): Promise<string> {
  const indexer = new BetterSqlite3(file);
  try {
    indexer.pragma('busy_timeout = 5000');
    registerSearchFunction(indexer);
    attachSearchIndex(indexer, `${file}-search`);
    const batches = new SearchIndexBatches(indexer);
    batches.drain();
    const text = texts();
    let n = 0;
    let spent = 0;
    for (let done = 0; done < o.messages; done += batch) {
      const messages = Array.from({ length: batch }, () => oneToOne(text, ++n));
      await storage.messages.commit(messages);
      const started = process.cpuUsage();
      batches.drain();
      spent += cpuMs(started);
    }
    return `| search indexing of 1:1 text messages (the worker's batch) | ${batch} messages a batch | ${fmt((spent * 1000) / n, 1)} µs a message | - |`;
  } finally {
    indexer.close();
  }
}

/** Timed passes over the messages for the tokens' row. */
const TOKEN_PASSES = 5;

/**
 * The two parts of indexing a message that no way of feeding the index avoids, each alone over the
 * texts `searchIndexing` indexes: making its tokens from its stored payload (JS, as the worker's
 * `parley_search` does), and FTS5 writing the tokens given (the index's own schema and settings,
 * `batch` rows a transaction). What indexing costs above their sum is reading the log and the rows and
 * calling the functions from SQL.
 */
async function searchIndexParts(file: string, batch: number, o: FloorsOptions): Promise<string[]> {
  const text = texts();
  const messages = Array.from({ length: o.messages }, (_, i) => oneToOne(text, i + 1));
  const tokensOf = (m: NewMessage) => {
    const doc = searchDocument(currentSearchText({ payload: m.payloadJson, edited_payload: '', revoked_at: 0 }));
    return [doc.bi.join(' '), doc.uni.length ? doc.uni.join(' ') : null, channelToken(m.channelType, m.channelId)] as const;
  };
  // The first passes warm the tokenizer up (the worker's runs compiled) and keep the tokens for FTS5;
  // the timed ones keep none, as the worker hands each message's straight to SQLite. A single timed
  // pass of 20,000 moved between 2 and 8 µs a message with the compiler and the GC still busy.
  const rows = messages.map(tokensOf);
  for (const m of messages) tokensOf(m);
  let started = process.cpuUsage();
  let chars = 0;
  for (let pass = 0; pass < TOKEN_PASSES; pass++) for (const m of messages) chars += tokensOf(m)[0].length;
  const tokens = cpuMs(started) / TOKEN_PASSES;
  if (!chars) throw new Error('no tokens made');
  const db = new BetterSqlite3(file);
  try {
    attachSearchIndex(db, `${file}-search`);
    const insert = db.prepare('INSERT INTO search.message_search (rowid, bi, uni, ch) VALUES (?, ?, ?, ?)');
    const write = db.transaction((from: number) => {
      for (let i = from; i < Math.min(from + batch, rows.length); i++)
        insert.run(i + 1, ...(rows[i] as readonly [string, string | null, string]));
    });
    started = process.cpuUsage();
    for (let from = 0; from < rows.length; from += batch) write(from);
    const fts = cpuMs(started);
    const perMessage = (ms: number) => `${fmt((ms * 1000) / rows.length, 1)} µs a message`;
    return [
      `| search indexing, its part: tokens of 1:1 text messages from their payloads (JS) | ${rows.length} messages, ${TOKEN_PASSES} passes | ${perMessage(tokens)} | - |`,
      `| search indexing, its part: FTS5 writing tokens made beforehand | ${batch} messages a batch | ${perMessage(fts)} | - |`,
    ];
  } finally {
    db.close();
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
    rows.push(await withSqlite((storage) => groupCommit(storage, channelType, perGroup, o), UNINDEXED));
  for (const batch of [150, 2000]) rows.push(await withSqlite((storage, file) => searchIndexing(storage, file, batch, o), UNINDEXED));
  rows.push(...(await withSqlite((_, file) => searchIndexParts(file, SEARCH_INDEX_BATCH, o), UNINDEXED)));
  return [
    `Each row alone in one process on SQLite (synchronous=FULL, as the server), Node CPU of the process (all threads) over ${o.messages} messages: the commit of group messages with the search index off, the search index's batches over messages stored beforehand, and two parts of that indexing alone (the tokens made in JS, FTS5 writing them). What the server pays for these on top of the WebSocket work, whatever it does above them.`,
    '',
    '| what | how | CPU | per recipient |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

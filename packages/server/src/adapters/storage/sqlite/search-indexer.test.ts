import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { p2pFanout } from '../../../ports/storage/contract-fixtures.js';
import type { CommitResult, MessageRef, NewMessage, SearchStore, Storage } from '../../../ports/storage/index.js';
import { searchTerms } from '../../../ports/storage/search-text.js';
import { openSqlite } from './index.js';
import { openSearch } from './open-search.js';
import { SEARCH_INDEX_BATCH, searchIndexFile } from './search-index.js';
import { searchWorkerScript, WorkerSearchIndexer } from './search-indexer.js';

const T = 1_700_000_000_000;
let n = 0;
const text = (content: string): NewMessage => ({
  channelType: 1,
  channelId: 'ix-a|ix-b',
  messageId: String(9_100_000 + ++n),
  clientMsgNo: `ix${n}`,
  fromUid: 'ix-a',
  timestamp: T + n,
  contentType: 1,
  payloadJson: JSON.stringify({ type: 1, content }),
  metaJson: '{}',
  redDot: true,
  mentionUids: [],
  mentionAll: false,
  fanout: p2pFanout('ix-a', 'ix-b'),
});
const ref = (r: CommitResult | undefined): MessageRef => {
  if (r?.status !== 'stored') throw new Error('not stored');
  return { channelType: 1, channelId: 'ix-a|ix-b', seq: r.ack.messageSeq };
};
const found = async (search: SearchStore, q: string): Promise<string[]> => {
  const page = await search.messages({ uid: 'ix-b', terms: searchTerms(q), limit: 50, policy: { now: T, defaultDays: 0 } });
  if (page === 'bad_position') throw new Error('bad position');
  return page.messages.map((m) => (JSON.parse(m.editedPayloadJson || m.payloadJson) as { content: string }).content);
};

// Messages are indexed after their commit, from the log their writes append to (search-index.ts), by
// the store's own connection (inline) or by a worker thread (the server's way): these are the ways a
// message can change between its commit and its indexing, and the index must still hold exactly the
// current text of each message, once.
describe.each(['inline', 'worker'] as const)('search indexing after the commit [sqlite, %s]', (mode) => {
  let dir: string;
  let file: string;
  let store: Storage;
  /** Second connections on the files, for what the store has no method for. */
  let raw: BetterSqlite3.Database;
  let rawIndex: BetterSqlite3.Database;
  const open = () => openSqlite({ file, searchIndex: mode });
  const logged = () => raw.prepare('SELECT COUNT(*) FROM message_search_log').pluck().get() as number;
  const indexed = () => rawIndex.prepare('SELECT COUNT(*) FROM message_search').pluck().get() as number;
  const find = (q: string) => found(store.search, q);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-indexer-'));
    file = path.join(dir, 'parley.db');
    store = open();
    await store.users.upsert('ix-a', {}, T);
    await store.users.upsert('ix-b', {}, T);
    raw = new BetterSqlite3(file);
    rawIndex = new BetterSqlite3(searchIndexFile(file));
  });
  afterEach(async () => {
    raw.close();
    rawIndex.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes in the background what nobody searched for, in batches, then lets the log go', async () => {
    const count = 2 * SEARCH_INDEX_BATCH + 1010;
    await store.messages.commit(Array.from({ length: count }, (_, i) => text(`walrus ${i}`)));
    await vi.waitFor(() => expect(indexed()).toBe(count), { timeout: 10_000 });
    // The committing connection removes the applied entries, keeping the newest (ids are never given again).
    await vi.waitFor(() => expect(logged()).toBe(1), { timeout: 10_000 });
    expect(await find(`walrus ${count - 1}`)).toEqual([`walrus ${count - 1}`]);
  });

  it('a commit logs each message it stored once, in its own transaction; a resend logs nothing', async () => {
    const [first] = await store.messages.commit([text('lynx one')]);
    const since = raw.prepare('SELECT MAX(id) FROM message_search_log').pluck().get() as number;
    const again = { ...text('lynx again'), clientMsgNo: `ix${n - 1}` };
    const results = await store.messages.commit([text('lynx two'), again, text('lynx three'), text('lynx four')]);
    expect(results.map((r) => r.status)).toEqual(['stored', 'duplicate', 'stored', 'stored']);
    const rowidsOf = raw.prepare('SELECT rowid FROM messages WHERE seq > ? ORDER BY seq').pluck();
    const entries = raw.prepare('SELECT message_rowid FROM message_search_log WHERE id > ? ORDER BY id').pluck();
    expect(entries.all(since)).toEqual(rowidsOf.all(ref(first).seq));
    expect(entries.all(since)).toHaveLength(3);
    // Inserts are logged by the commit itself; only edits, revokes, stream ends and deletes by trigger.
    const triggers = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages' ORDER BY name").pluck();
    expect(triggers.all()).toEqual(['message_search_log_delete', 'message_search_log_update']);
    expect(await find('lynx')).toEqual(['lynx four', 'lynx three', 'lynx two', 'lynx one']);
  });

  it('indexes an edit or revoke made after indexing, and one made before, as the text is now, once', async () => {
    const [early, late] = await store.messages.commit([text('otter early'), text('otter late')]);
    expect(await find('otter')).toHaveLength(2);
    await store.messageState.edit(ref(early), JSON.stringify({ type: 1, content: 'beaver early' }), T + 50, 10);
    await store.messageState.revoke(ref(late), 'ix-a', T + 51);
    expect(await find('otter')).toEqual([]);
    expect(await find('beaver')).toEqual(['beaver early']);
    // Changed right after its commit: the indexer may see both entries in one batch, or one each.
    const [next] = await store.messages.commit([text('otter next')]);
    await store.messageState.edit(ref(next), JSON.stringify({ type: 1, content: 'beaver next' }), T + 52, 10);
    expect(await find('otter')).toEqual([]);
    expect(await find('beaver')).toEqual(['beaver next', 'beaver early']);
    // Once each: FTS5 takes a second row under one rowid, and a reindex would then leave the first.
    expect(indexed()).toBe(2);
    await store.messageState.edit(ref(next), JSON.stringify({ type: 1, content: 'heron next' }), T + 53, 10);
    expect(await find('beaver')).toEqual(['beaver early']);
    expect(await find('heron')).toEqual(['heron next']);
    expect(indexed()).toBe(2);
  });

  it('forgets a deleted message, also when its rowid is given to the next one', async () => {
    await store.messages.commit([text('seal one'), text('seal two')]);
    expect(await find('seal')).toHaveLength(2);
    // The newest row goes (indexed), and the next insert takes its rowid.
    raw.prepare('DELETE FROM messages WHERE rowid = (SELECT MAX(rowid) FROM messages)').run();
    await store.messages.commit([text('puffin three')]);
    expect(await find('seal')).toEqual(['seal one']);
    expect(await find('puffin')).toEqual(['puffin three']);
    // And one that goes before the indexer saw it.
    await store.messages.commit([text('puffin four')]);
    raw.prepare('DELETE FROM messages WHERE rowid = (SELECT MAX(rowid) FROM messages)').run();
    expect(await find('puffin')).toEqual(['puffin three']);
    expect(indexed()).toBe(2);
  });

  it('indexes what a connection without an indexer committed (a crash before indexing does the same) once open again', async () => {
    await store.close();
    const unindexed = openSqlite({ file, searchIndex: 'off' });
    await unindexed.messages.commit([text('narwhal')]);
    await expect(found(unindexed.search, 'narwhal')).rejects.toThrow(/without its search index/);
    await unindexed.close();
    store = open();
    expect(await find('narwhal')).toEqual(['narwhal']);
  });

  it('builds the index again for a database restored from a backup, whose log is behind it', async () => {
    await store.messages.commit([text('kestrel one')]);
    expect(await find('kestrel')).toEqual(['kestrel one']);
    await store.close();
    const backup = path.join(dir, 'backup.db');
    fs.copyFileSync(file, backup);
    store = open();
    await store.messages.commit([text('kestrel two')]);
    expect(await find('kestrel')).toEqual(['kestrel two', 'kestrel one']);
    await store.close();
    rawIndex.close();
    raw.close();
    // The restore: the backup in place of the database; the index file stays as it was.
    fs.copyFileSync(backup, file);
    for (const f of [`${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    raw = new BetterSqlite3(file);
    rawIndex = new BetterSqlite3(searchIndexFile(file));
    store = open();
    // The next message takes the rowid (and the log ids) 'kestrel two' had in the index.
    await store.messages.commit([text('falcon three')]);
    expect(await find('kestrel')).toEqual(['kestrel one']);
    expect(await find('falcon')).toEqual(['falcon three']);
  });
});

describe.runIf(searchWorkerScript())('the search worker', () => {
  let dir: string;
  let file: string;
  let store: Storage;
  let db: BetterSqlite3.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-search-worker-'));
    file = path.join(dir, 'parley.db');
    store = openSqlite({ file, searchIndex: 'worker' });
    await store.users.upsert('ix-a', {}, T);
    await store.users.upsert('ix-b', {}, T);
    db = new BetterSqlite3(file);
  });
  afterEach(async () => {
    db.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never makes a send wait: the committing connection does not hold the index file', async () => {
    const index = new BetterSqlite3(searchIndexFile(file));
    try {
      // Another writer holds the index file's write lock, as the worker does while it writes a batch.
      index.exec('BEGIN IMMEDIATE');
      const [result] = await store.messages.commit([text('while the index is locked')]);
      expect(result?.status).toBe('stored');
      index.exec('COMMIT');
      expect(await found(store.search, 'locked')).toEqual(['while the index is locked']);
    } finally {
      index.close();
    }
  });

  it('keeps a process whose last work is a search alive until it is answered', () => {
    // The worker does not keep a process alive: a search waiting for it did not either, and such a
    // process (the search bench) ended with exit code 13 before its answer.
    const index = fileURLToPath(new URL('./index.js', searchWorkerScript() as URL));
    const other = path.join(dir, 'other.db');
    const program = `
      const { openSqlite } = await import(${JSON.stringify(index)});
      const { searchTerms } = await import(${JSON.stringify(fileURLToPath(new URL('../../../ports/storage/search-text.js', searchWorkerScript() as URL)))});
      const storage = openSqlite({ file: ${JSON.stringify(other)}, searchIndex: 'worker' });
      await storage.users.upsertMany([{ uid: 'ix-a' }, { uid: 'ix-b' }], ${T});
      await storage.messages.commit(${JSON.stringify([text('the last word')])});
      const page = await storage.search.messages({ uid: 'ix-b', terms: searchTerms('last'), limit: 5, policy: { now: ${T}, defaultDays: 0 } });
      await storage.close();
      console.log(page.messages.length);`;
    // A file, not --input-type=module -e: a worker thread inherits the process's flags, and that one stops it.
    const script = path.join(dir, 'last-search.mjs');
    fs.writeFileSync(script, program);
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim()).toBe('1');
  });

  it('is started again after a crash and indexes what came meanwhile; a search waits for it', async () => {
    // The search of a second store on the same file: its worker is the one this test crashes.
    const exits: Array<number> = [];
    const search = openSearch(db, { file, searchIndex: 'worker', onSearchWorkerExit: (_error, restartInMs) => exits.push(restartInMs) });
    try {
      expect(search.indexer).toBeInstanceOf(WorkerSearchIndexer);
      await store.messages.commit([text('ibis one')]);
      expect(await found(search.store, 'ibis')).toEqual(['ibis one']);
      await (search.indexer as WorkerSearchIndexer).crash();
      await store.messages.commit([text('ibis two')]);
      expect(await found(search.store, 'ibis')).toEqual(['ibis two', 'ibis one']);
      expect(exits).toEqual([1000]);
    } finally {
      await search.close();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { p2pFanout } from '../../../ports/storage/contract-fixtures.js';
import type { CommitResult, MessageRef, NewMessage, Storage } from '../../../ports/storage/index.js';
import { searchTerms } from '../../../ports/storage/search-text.js';
import { openSqlite } from './index.js';
import { SEARCH_BACKFILL_BATCH } from './search.js';

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

// New messages are indexed after their commit (migrations.ts, search.ts SearchIndexer): these are
// the ways a message can change between its commit and its indexing, and the index must still hold
// exactly the current text of each message, once.
describe('search indexing after the commit [sqlite]', () => {
  let dir: string;
  let file: string;
  let store: Storage;
  /** A second connection on the file, for what the store has no method for (and to read the queue). */
  let raw: BetterSqlite3.Database;
  const queued = () => raw.prepare('SELECT COUNT(*) FROM message_search_pending').pluck().get() as number;
  const indexed = () => raw.prepare('SELECT COUNT(*) FROM message_search').pluck().get() as number;
  const found = async (q: string): Promise<string[]> => {
    const page = await store.search.messages({ uid: 'ix-b', terms: searchTerms(q), limit: 50, policy: { now: T, defaultDays: 0 } });
    if (page === 'bad_position') throw new Error('bad position');
    return page.messages.map((m) => (JSON.parse(m.editedPayloadJson || m.payloadJson) as { content: string }).content);
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-indexer-'));
    file = path.join(dir, 'parley.db');
    store = openSqlite({ file });
    await store.users.upsert('ix-a', {}, T);
    await store.users.upsert('ix-b', {}, T);
    raw = new BetterSqlite3(file);
  });
  afterEach(async () => {
    raw.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexes in the background what nobody searched for, in batches', async () => {
    await store.messages.commit(Array.from({ length: SEARCH_BACKFILL_BATCH + 10 }, (_, i) => text(`walrus ${i}`)));
    expect(queued()).toBe(SEARCH_BACKFILL_BATCH + 10);
    await vi.waitFor(() => expect(queued()).toBe(0), { timeout: 5000 });
    expect(indexed()).toBe(SEARCH_BACKFILL_BATCH + 10);
    expect(await found(`walrus ${SEARCH_BACKFILL_BATCH + 9}`)).toEqual([`walrus ${SEARCH_BACKFILL_BATCH + 9}`]);
  });

  it('indexes an edit or revoke made after indexing, and one made while queued, as the text is now', async () => {
    const [early, late] = await store.messages.commit([text('otter early'), text('otter late')]);
    const ref = (r: CommitResult | undefined): MessageRef => {
      if (r?.status !== 'stored') throw new Error('not stored');
      return { channelType: 1, channelId: 'ix-a|ix-b', seq: r.ack.messageSeq };
    };
    expect(await found('otter')).toHaveLength(2);
    // Indexed already: the update trigger reindexes.
    await store.messageState.edit(ref(early), JSON.stringify({ type: 1, content: 'beaver early' }), T + 50, 10);
    await store.messageState.revoke(ref(late), 'ix-a', T + 51);
    expect(await found('otter')).toEqual([]);
    expect(await found('beaver')).toEqual(['beaver early']);
    // Still queued: the trigger leaves it, the indexer reads the edit.
    const [queuedOne] = await store.messages.commit([text('otter queued')]);
    await store.messageState.edit(ref(queuedOne), JSON.stringify({ type: 1, content: 'beaver queued' }), T + 52, 10);
    // Left to the indexer: the edit's transaction tokenized nothing.
    expect([queued(), indexed()]).toEqual([1, 1]);
    expect(await found('otter')).toEqual([]);
    expect(await found('beaver')).toEqual(['beaver queued', 'beaver early']);
    expect(indexed()).toBe(2);
    // Indexed once: FTS5 takes a second row under one rowid, and a reindex would then leave the first.
    await store.messageState.edit(ref(queuedOne), JSON.stringify({ type: 1, content: 'heron queued' }), T + 53, 10);
    expect(await found('beaver')).toEqual(['beaver early']);
    expect(await found('heron')).toEqual(['heron queued']);
  });

  it('forgets a deleted message whether indexed or queued, also when its rowid is given to the next one', async () => {
    await store.messages.commit([text('seal one'), text('seal two')]);
    expect(await found('seal')).toHaveLength(2);
    // The newest row goes (indexed), and the next insert takes its rowid; then a queued one goes.
    raw.prepare('DELETE FROM messages WHERE rowid = (SELECT MAX(rowid) FROM messages)').run();
    await store.messages.commit([text('puffin three')]);
    expect(await found('seal')).toEqual(['seal one']);
    expect(await found('puffin')).toEqual(['puffin three']);
    await store.messages.commit([text('puffin four')]);
    raw.prepare('DELETE FROM messages WHERE rowid = (SELECT MAX(rowid) FROM messages)').run();
    expect(queued()).toBe(0);
    expect(await found('puffin')).toEqual(['puffin three']);
    expect(indexed()).toBe(2);
  });

  it('indexes what a crash left queued before the store answers again', async () => {
    await store.messages.commit([text('narwhal')]);
    expect(await found('narwhal')).toEqual(['narwhal']);
    // As a crash after the commit and before the indexer would leave it: queued, not indexed.
    raw.exec(`DELETE FROM message_search; INSERT INTO message_search_pending (message_rowid) SELECT rowid FROM messages`);
    await store.close();
    const reopened = openSqlite({ file });
    try {
      expect(queued()).toBe(0);
      expect(indexed()).toBe(1);
    } finally {
      await reopened.close();
      store = openSqlite({ file });
    }
  });
});

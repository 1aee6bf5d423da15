import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describePostgres, openPostgresSchema, postgresSchemaUrl } from '@parley/test-kit/postgres';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { p2pFanout } from '../../ports/storage/contract-fixtures.js';
import type { NewMessage, Storage } from '../../ports/storage/index.js';
import { searchTerms } from '../../ports/storage/search-text.js';
import { openSqlite } from './sqlite/index.js';
import { SEARCH_INDEX_BATCH, searchIndexFile } from './sqlite/search-index.js';

const T = 1_700_000_000_000;
/** More than one backfill batch, so that the resumption from the stored position is exercised. */
const COUNT = SEARCH_INDEX_BATCH + 500;

const messages = (): NewMessage[] =>
  Array.from({ length: COUNT }, (_, i) => ({
    channelType: 1,
    channelId: 'bf-a|bf-b',
    messageId: String(8_000_000 + i),
    clientMsgNo: `bf${i}`,
    fromUid: 'bf-a',
    timestamp: T + i,
    contentType: 1,
    payloadJson: JSON.stringify({ type: 1, content: i % 500 === 7 ? `第${i}次会議 agenda` : `filler ${i}` }),
    metaJson: '{}',
    redDot: true,
    mentionUids: [],
    mentionAll: false,
    fanout: p2pFanout('bf-a', 'bf-b'),
  }));

async function found(store: Storage, q: string): Promise<number> {
  const page = await store.search.messages({ uid: 'bf-b', terms: searchTerms(q), limit: 100, policy: { now: T, defaultDays: 0 } });
  if (page === 'bad_position') throw new Error('bad position');
  return page.messages.length;
}

async function fill(store: Storage): Promise<void> {
  await store.users.upsert('bf-a', {}, T);
  await store.users.upsert('bf-b', {}, T);
  await store.messages.commit(messages());
  expect(await found(store, '会議')).toBe(COUNT / 500);
}

// A database from before message search: its messages stored, no index. The migration runs on the
// next open and indexes them, in batches, before a search answers.
describe.each(['inline', 'worker'] as const)('search backfill on upgrade [sqlite, indexed %s]', (mode) => {
  it('indexes the messages stored before the migration', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backfill-'));
    const file = path.join(dir, 'parley.db');
    try {
      const before = openSqlite({ file });
      await fill(before);
      await before.close();
      // Back to the schema before search: the objects of its migration and of the later ones
      // (streamed messages, indexing after the commit, the index in a file of its own, inserts logged
      // by the commit, the count of the send checks' facts and its group triggers) gone, their versions unrecorded, no index file.
      const raw = new BetterSqlite3(file);
      raw.exec(`
        DROP TRIGGER message_search_log_update; DROP TRIGGER message_search_log_delete;
        DROP TABLE message_search_log; DROP TABLE message_search_source;
        DROP INDEX messages_open_streams_by_sender; DROP INDEX messages_open_streams_by_time;
        ALTER TABLE messages DROP COLUMN stream_state; ALTER TABLE messages DROP COLUMN stream_chunk;
        ALTER TABLE messages DROP COLUMN stream_status; ALTER TABLE messages DROP COLUMN stream_at;
        DROP TRIGGER send_facts_user_insert; DROP TRIGGER send_facts_user_delete; DROP TRIGGER send_facts_user_update;
        DROP TRIGGER send_facts_block; DROP TRIGGER send_facts_unblock; DROP TRIGGER send_facts_block_update;
        DROP TRIGGER send_facts_group_insert; DROP TRIGGER send_facts_group_delete; DROP TRIGGER send_facts_group_update;
        DROP TRIGGER send_facts_member_insert; DROP TRIGGER send_facts_member_delete; DROP TRIGGER send_facts_member_update;
        DROP TRIGGER send_facts_whitelist_insert; DROP TRIGGER send_facts_whitelist_delete; DROP TRIGGER send_facts_whitelist_update;
        DROP TABLE send_facts_version;
        DELETE FROM schema_migrations WHERE version >= (SELECT MAX(version) - 6 FROM schema_migrations);`);
      raw.close();
      for (const f of ['', '-wal', '-shm']) fs.rmSync(`${searchIndexFile(file)}${f}`, { force: true });
      const after = openSqlite({ file, searchIndex: mode });
      expect(await found(after, '会議')).toBe(COUNT / 500);
      expect(await found(after, 'agenda')).toBe(COUNT / 500);
      expect(await found(after, `filler ${COUNT - 1}`)).toBe(1);
      await after.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

await describePostgres('search backfill on upgrade [postgres]', () => {
  it('indexes the messages stored before the migration', async () => {
    const schema = await openPostgresSchema();
    try {
      const before = await schema.open();
      await fill(before);
      await before.close();
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: postgresSchemaUrl(schema.name) });
      await client.connect();
      // As above: search's migration and the streamed messages' after it undone.
      await client.query(`
        ALTER TABLE messages DROP COLUMN stream_state, DROP COLUMN stream_chunk, DROP COLUMN stream_status, DROP COLUMN stream_at;
        ALTER TABLE messages DROP COLUMN search_tsv; DROP TABLE search_backfill;
        DELETE FROM schema_migrations WHERE version >= (SELECT MAX(version) - 1 FROM schema_migrations);`);
      await client.end();
      const after = await schema.open();
      expect(await found(after, '会議')).toBe(COUNT / 500);
      expect(await found(after, 'agenda')).toBe(COUNT / 500);
      expect(await found(after, `filler ${COUNT - 1}`)).toBe(1);
      await after.close();
    } finally {
      await schema.drop();
    }
  });
});

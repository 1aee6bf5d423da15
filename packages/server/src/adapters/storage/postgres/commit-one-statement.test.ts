import { describePostgres, openPostgresSchema, postgresTestUrl, type TestSchema } from '@parley/test-kit/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { p2pFanout } from '../../../ports/storage/contract-fixtures.js';
import type { CommitResult, NewMessage, Storage } from '../../../ports/storage/index.js';
import { commitBatch } from './commit-batch.js';
import { commitInOneStatement } from './commit-one-statement.js';
import { inTransaction } from './transaction.js';

/** A pool on `schema` that reads BIGINT as numbers, as the adapter's does. */
function poolOn(schema: string): pg.Pool {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return new pg.Pool({ connectionString: postgresTestUrl(), max: 2, types, options: `-c search_path=${schema}` });
}

/** Everything a commit writes, in a fixed order, for comparing two schemas. */
async function written(pool: pg.Pool): Promise<unknown> {
  const read = async (sql: string) => (await pool.query(sql)).rows;
  return {
    channels: await read(
      'SELECT channel_type, channel_id, max_seq, red_count, last_msg_at, all_mention_seq FROM channels ORDER BY channel_type, channel_id',
    ),
    messages: await read(
      `SELECT channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, red_dot, red_ord, payload, search_tsv::text AS tsv,
         stream_state, stream_at FROM messages ORDER BY channel_type, channel_id, seq`,
    ),
    users: await read('SELECT uid, conv_version, last_sort_ts FROM users ORDER BY uid'),
    conversations: await read('SELECT * FROM conversations ORDER BY uid, conversation_id'),
  };
}

const general = (pool: pg.Pool, batch: readonly NewMessage[]): Promise<CommitResult[]> =>
  inTransaction(pool, (client) => commitBatch(client, batch));

await describePostgres('PostgreSQL one-statement commit', () => {
  // Two schemas fed the same batches: one commits as the adapter does (one statement where it can),
  // the other always by the general transaction; they must store the same.
  let schemas: TestSchema[];
  let stores: Storage[];
  let fast: pg.Pool;
  let reference: pg.Pool;
  let ids = 0;
  const now = 1_700_000_000_000;
  const message = (over: Partial<NewMessage> & Pick<NewMessage, 'fromUid' | 'channelId' | 'fanout'>): NewMessage => {
    ids++;
    return {
      channelType: 1,
      messageId: `m${ids}`,
      clientMsgNo: `c${ids}`,
      timestamp: now + ids,
      contentType: 1,
      payloadJson: JSON.stringify({ type: 1, content: `hello ${ids}` }),
      metaJson: '{}',
      redDot: true,
      mentionUids: [],
      mentionAll: false,
      ...over,
    };
  };
  const p2p = (from: string, to: string, over: Partial<NewMessage> = {}): NewMessage =>
    message({ fromUid: from, channelId: [from, to].sort().join('@'), fanout: p2pFanout(from, to), ...over });

  beforeAll(async () => {
    schemas = [await openPostgresSchema(), await openPostgresSchema()];
    stores = await Promise.all(schemas.map((s) => s.open()));
    [fast, reference] = schemas.map((s) => poolOn(s.name)) as [pg.Pool, pg.Pool];
  });
  afterAll(async () => {
    await Promise.all([fast.end(), reference.end(), ...stores.map((s) => s.close())]);
    await Promise.all(schemas.map((s) => s.drop()));
  });

  it('stores what the general transaction stores, for generated 1:1 batches with resends and users without a row', async () => {
    let oneStatement = 0;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.array(
            fc.record({
              from: fc.integer({ min: 0, max: 3 }),
              to: fc.integer({ min: 0, max: 3 }),
              redDot: fc.boolean(),
              mentionPeer: fc.boolean(),
              mentionAll: fc.boolean(),
              stream: fc.boolean(),
              // Mostly new messages; now and then a resend of one sent before (in this batch or an earlier one).
              resend: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.nat(), weight: 1 }),
            }),
            { minLength: 1, maxLength: 12 },
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (batches) => {
          // Users 0-2 have a row, 3 has none: no version, no conversation row for it.
          const uid = (n: number) => `r${run}u${n}`;
          run++;
          for (const store of stores) for (const n of [0, 1, 2]) await store.users.upsert(uid(n), {}, now);
          const sent: NewMessage[] = [];
          for (const shape of batches) {
            const batch = shape.map((s) => {
              const earlier = s.resend === null ? undefined : sent[s.resend % Math.max(1, sent.length)];
              if (earlier) return earlier;
              const to = s.to === s.from ? (s.to + 1) % 4 : s.to;
              const m = p2p(uid(s.from), uid(to), {
                redDot: s.redDot,
                mentionUids: s.mentionPeer ? [uid(to)] : [],
                mentionAll: s.mentionAll,
                ...(s.stream ? { stream: true } : {}),
              });
              sent.push(m);
              return m;
            });
            const one = await commitInOneStatement(fast, batch);
            if (one) oneStatement++;
            const got = one ?? (await general(fast, batch));
            expect(got).toEqual(await general(reference, batch));
          }
          expect(await written(fast)).toEqual(await written(reference));
        },
      ),
      { numRuns: 25 },
    );
    // The property holds either way; this says the one-statement path is among what it checked.
    expect(oneStatement).toBeGreaterThan(0);
  });

  it('writes nothing and hands the batch back when a message of it is stored already', async () => {
    await stores[0]?.users.upsert('x1', {}, now);
    await stores[0]?.users.upsert('x2', {}, now);
    const first = p2p('x1', 'x2');
    expect(await commitInOneStatement(fast, [first])).toBeDefined();
    const before = await written(fast);
    expect(await commitInOneStatement(fast, [p2p('x2', 'x1'), first])).toBeUndefined();
    expect(await written(fast)).toEqual(before);
  });

  it('leaves to the general transaction what it does not do', async () => {
    const plain = p2p('y1', 'y2');
    const group = message({ fromUid: 'y1', channelType: 2, channelId: 'g', fanout: { kind: 'members', conversationId: 'g' } });
    const twoChannelsOneRow = [
      plain,
      message({ fromUid: 'sys', channelId: 'notice', fanout: { kind: 'users', targets: [{ uid: 'y1', conversationId: 'p2p|y2' }] } }),
    ];
    for (const batch of [
      [plain, group],
      [p2p('y1', 'y2', { syncOnce: true })],
      [p2p('y1', 'y2', { events: () => [] })],
      [plain, { ...plain, messageId: 'other-id' }],
      twoChannelsOneRow,
    ]) {
      expect(await commitInOneStatement(fast, batch)).toBeUndefined();
    }
    expect((await fast.query("SELECT count(*)::int AS n FROM messages WHERE from_uid IN ('y1', 'sys')")).rows[0].n).toBe(0);
  });
});

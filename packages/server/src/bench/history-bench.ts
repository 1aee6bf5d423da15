import BetterSqlite3 from 'better-sqlite3';
import { MemoryBus } from '../adapters/bus/memory.js';
import { loadConfig } from '../config.js';
import { personChannelId } from '../domain/channels/person-channel.js';
import { ConversationService } from '../domain/conversations/conversation-service.js';
import { DeliveryRouter } from '../domain/delivery/router.js';
import { MessageActions } from '../domain/messages/message-actions.js';
import type { Storage } from '../ports/storage/index.js';
import { withPostgres, withSqlite } from './bench-storage.js';
import { withGcOverlap } from './gc-overlap.js';
import { fmt } from './report.js';
import { summarize, timeCalls } from './stats.js';

const A = 'hist-a';
const B = 'hist-b';
const CHANNEL = personChannelId(A, B);
const META = '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}';

/** One real send creates the channel and both conversations; the rest of the log is bulk-loaded. */
async function seed(storage: Storage): Promise<void> {
  await storage.users.upsertMany([{ uid: A }, { uid: B }], Date.now());
  await storage.messages.commit([
    {
      channelType: 1,
      channelId: CHANNEL,
      messageId: '1',
      clientMsgNo: 'hist-1',
      fromUid: A,
      timestamp: Date.now(),
      contentType: 1,
      payloadJson: '{"type":1,"content":"first"}',
      metaJson: META,
      redDot: true,
      mentionUids: [],
      mentionAll: false,
      fanout: {
        kind: 'users',
        targets: [
          { uid: A, conversationId: `p2p|${B}` },
          { uid: B, conversationId: `p2p|${A}` },
        ],
      },
    },
  ]);
}

/** Seqs from `series` (a column `s`), in SQL both databases read. */
const bulkSql = (series: string) => `
  INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, red_ord, payload, meta)
  SELECT 1, '${CHANNEL}', s, CAST(1000000000 + s AS TEXT), 'hist-' || s, CASE WHEN s % 2 = 0 THEN '${B}' ELSE '${A}' END,
    1700000000000 + s, 1, TRUE, s, '{"type":1,"content":"message number ' || s || ' of the benchmark channel"}', '${META}'
  FROM ${series}`;

async function measure(storage: Storage, label: string, total: number): Promise<string> {
  const config = loadConfig({});
  const router = new DeliveryRouter(
    new MemoryBus(),
    async () => [],
    async () => new Set(),
  );
  const actions = new MessageActions(storage, router, new ConversationService(storage, router, config.limits), config.limits);
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const { calls, gc } = await withGcOverlap(() =>
    timeCalls(2000, 2000, () =>
      actions.history(B, {
        conversationId: `p2p|${A}`,
        startSeq: 1 + Math.floor(random() * total),
        direction: random() < 0.5 ? 'up' : 'down',
        limit: 20,
      }),
    ),
  );
  const s = summarize(calls.map((call) => call.end - call.start));
  return `| ${label} | ${fmt(total, 0)} | ${fmt(s.p50, 3)} | ${fmt(s.p99, 3)} | ${fmt(s.max, 3)} | ${s.n} | ${gc.pauses} | ${gc.slowestHit} of ${gc.slowest} | ${fmt(gc.p99WithoutGc, 3)} |`;
}

export const historyBenchSqlite = (total: number): Promise<string> =>
  withSqlite(async (storage, file) => {
    await seed(storage);
    const db = new BetterSqlite3(file);
    db.exec(`WITH RECURSIVE series(s) AS (SELECT 2 UNION ALL SELECT s + 1 FROM series WHERE s < ${total}) ${bulkSql('series')}`);
    db.prepare('UPDATE channels SET max_seq = ?, red_count = ? WHERE channel_type = 1 AND channel_id = ?').run(total, total, CHANNEL);
    db.close();
    return measure(storage, 'SQLite', total);
  });

export const historyBenchPostgres = (total: number): Promise<string> =>
  withPostgres(async (storage, sql) => {
    await seed(storage);
    await sql(bulkSql(`generate_series(2, ${total}) AS s`));
    await sql('UPDATE channels SET max_seq = $1, red_count = $1 WHERE channel_type = 1 AND channel_id = $2', [total, CHANNEL]);
    await sql('VACUUM ANALYZE messages');
    return measure(storage, 'PostgreSQL', total);
  });

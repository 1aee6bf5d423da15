import { MemoryBus } from '../adapters/bus/memory.js';
import { loadConfig } from '../config.js';
import { personChannelId } from '../domain/channels/person-channel.js';
import { ConversationService } from '../domain/conversations/conversation-service.js';
import { DeliveryRouter } from '../domain/delivery/router.js';
import type { NewMessage, Storage } from '../ports/storage/index.js';
import { withPostgres, withSqlite } from './bench-storage.js';
import { fmt } from './report.js';
import { summarize, timeIt } from './stats.js';

const ME = 'bench-me';

function dm(from: string, to: string, n: number, timestamp: number): NewMessage {
  return {
    channelType: 1,
    channelId: personChannelId(from, to),
    messageId: String(10_000_000 + n),
    clientMsgNo: `bench-${from}-${n}`,
    fromUid: from,
    timestamp,
    contentType: 1,
    payloadJson: JSON.stringify({ type: 1, content: `message ${n} from ${from}` }),
    metaJson: '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}',
    redDot: true,
    mentionUids: [],
    mentionAll: false,
    fanout: {
      kind: 'users',
      targets: [
        { uid: from, conversationId: `p2p|${to}` },
        { uid: to, conversationId: `p2p|${from}` },
      ],
    },
  };
}

/** A user with `count` conversations, each with a few messages from the peer. */
async function populate(storage: Storage, count: number): Promise<string[]> {
  const peers = Array.from({ length: count }, (_, i) => `peer-${i}`);
  await storage.users.upsertMany([{ uid: ME }, ...peers.map((uid) => ({ uid }))], Date.now());
  let n = 0;
  const base = Date.now() - count * 10;
  for (let start = 0; start < count; start += 500) {
    const batch: NewMessage[] = [];
    for (const peer of peers.slice(start, start + 500)) for (let k = 0; k < 3; k++) batch.push(dm(peer, ME, ++n, base + n));
    await storage.messages.commit(batch);
  }
  return peers;
}

/** conversation.list and conversation.sync as the service runs them (server time, no network). */
export async function conversationBench(
  storage: Storage,
  label: string,
  conversations: number,
  afterLoad: () => Promise<void> = async () => {},
): Promise<string> {
  const config = loadConfig({});
  const service = new ConversationService(
    storage,
    new DeliveryRouter(
      new MemoryBus(),
      async () => [],
      async () => new Set(),
    ),
    config.limits,
  );
  const peers = await populate(storage, conversations);
  await afterLoad();
  // Warm-ups as long as the runs measured: a server that has been up a while runs optimized code, and
  // 100 calls left the JIT's work in the first size's figures (p50 2-3 ms at 10,000, then 1.6-2.4 ms at 100,000).
  const list = summarize(await timeIt(1000, 1000, () => service.list(ME, { limit: 100, needLastMsg: true })));
  const token = (await service.sync(ME, undefined)).syncToken;
  let n = 1_000_000;
  await storage.messages.commit(peers.slice(0, 10).map((p) => dm(p, ME, ++n, Date.now())));
  const changes = (await service.sync(ME, token)).changes.length;
  const sync = summarize(await timeIt(2000, 2000, () => service.sync(ME, token)));
  return [
    `| ${label} | conversation.list, first page of 100 with lastMsg, ${fmt(conversations, 0)} conversations | ${fmt(list.p50, 3)} | ${fmt(list.p99, 3)} | ${fmt(list.max, 3)} | ${list.n} |`,
    `| ${label} | conversation.sync returning ${changes} changes | ${fmt(sync.p50, 3)} | ${fmt(sync.p99, 3)} | ${fmt(sync.max, 3)} | ${sync.n} |`,
  ].join('\n');
}

export const conversationBenchSqlite = (conversations: number): Promise<string> =>
  withSqlite((storage) => conversationBench(storage, 'SQLite', conversations));

/** The same on PostgreSQL, in a throwaway schema; says so when there is none to reach. */
export const conversationBenchPostgres = (conversations: number): Promise<string> =>
  withPostgres((storage, sql) =>
    // Statistics as autovacuum gathers them within a minute of a bulk load: without them, the first
    // seconds after loading 100 000 rows plan the list by a sort of every row (p99 129 ms measured).
    conversationBench(storage, 'PostgreSQL', conversations, () => sql('ANALYZE')),
  );

import { randomUUID } from 'node:crypto';
import { newClientMsgNo } from '@parley/client';
import { personChannelId } from '../domain/channels/person-channel.js';
import type { NewMessage, Storage } from '../ports/storage/index.js';
import { withPostgres, withSqlite } from './bench-storage.js';
import { fmt } from './report.js';
import { summarize } from './stats.js';

export interface CommitBenchOptions {
  /** Messages per batch. */
  batch: number;
  /** Batches committing at once, each on its own channels (as SendBatcher keeps them). */
  inFlight: number;
  seconds: number;
  /** Sender/receiver pairs, one person channel each, shared out among the committers. */
  pairs: number;
  /**
   * How the clientMsgNos are made: `counter`, `bench-<n>` (nearly in order, as the send bench's); `uuid4`,
   * random; `uuid7`, the SDK's (time first). The server indexes them per sender (its dedupe).
   */
  clientMsgNo?: ClientMsgNoOrder;
}

export type ClientMsgNoOrder = 'counter' | 'uuid4' | 'uuid7';

export const clientMsgNos: Record<ClientMsgNoOrder, (n: number) => string> = {
  counter: (n) => `bench-${n}`,
  uuid4: () => randomUUID(),
  uuid7: () => newClientMsgNo(),
};

function dm(from: string, to: string, n: number, clientMsgNo: string): NewMessage {
  return {
    channelType: 1,
    channelId: personChannelId(from, to),
    messageId: String(10_000_000 + n),
    clientMsgNo,
    fromUid: from,
    timestamp: Date.now(),
    contentType: 1,
    payloadJson: JSON.stringify({ type: 1, content: `hello from the benchmark ${n}` }),
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

/** Round trips to PostgreSQL made by this process (every pool query goes through Client#query). */
async function countRoundTrips(): Promise<{ read(): number; stop(): void }> {
  const pg = (await import('pg')).default;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  return {
    read: () => n,
    stop: () => {
      proto.query = original;
    },
  };
}

/**
 * The storage's commit alone, in this process, no network: closed-loop committers each sending
 * batches of 1:1 messages on their own channels. Measures what the send path's storage costs
 * (Node CPU per message, batch latency, round trips) apart from WebSocket and JSON work.
 */
async function measure(storage: Storage, o: CommitBenchOptions, label: string, trips?: { read(): number }): Promise<string> {
  const pairs = Array.from({ length: o.pairs }, (_, i) => [`cb-s${i}`, `cb-r${i}`] as const);
  await storage.users.upsertMany(
    pairs.flatMap(([s, r]) => [{ uid: s }, { uid: r }]),
    Date.now(),
  );
  const clientMsgNo = clientMsgNos[o.clientMsgNo ?? 'counter'];
  let n = 0;
  let measuring = false;
  let stopped = false;
  let messages = 0;
  let batches = 0;
  const latencies: number[] = [];
  const committer = async (k: number) => {
    const mine = pairs.filter((_, i) => i % o.inFlight === k);
    let next = 0;
    while (!stopped) {
      const batch = Array.from({ length: o.batch }, () => {
        const [s, r] = mine[next++ % mine.length] as readonly [string, string];
        ++n;
        return dm(s, r, n, clientMsgNo(n));
      });
      const started = performance.now();
      await storage.messages.commit(batch);
      // SQLite's commit settles without leaving the microtask queue: yield, or the timers never run.
      await new Promise((r) => setImmediate(r));
      if (measuring) {
        latencies.push(performance.now() - started);
        messages += batch.length;
        batches++;
      }
    }
  };
  const running = Array.from({ length: o.inFlight }, (_, k) => committer(k));
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const cpu = process.cpuUsage();
  const trips0 = trips?.read() ?? 0;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const tripsPerBatch = trips && batches ? fmt((trips.read() - trips0) / batches, 1) : '—';
  stopped = true;
  await Promise.all(running);
  const s = summarize(latencies);
  const cpuUs = messages ? (used.user + used.system) / messages : 0;
  return `| ${label} | ${o.batch} | ${o.inFlight} | ${fmt(messages / seconds, 0)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} | ${fmt(cpuUs, 1)} | ${tripsPerBatch} |`;
}

export async function commitBenchSqlite(o: CommitBenchOptions): Promise<string> {
  // SQLite commits synchronously: batches in flight would only queue, so one committer.
  const order = o.clientMsgNo && o.clientMsgNo !== 'counter' ? `, clientMsgNo ${o.clientMsgNo}` : '';
  return withSqlite((storage) => measure(storage, { ...o, inFlight: 1 }, `SQLite (synchronous=FULL${order})`));
}

export async function commitBenchPostgres(o: CommitBenchOptions): Promise<string> {
  const trips = await countRoundTrips();
  try {
    return await withPostgres((storage) => measure(storage, o, 'PostgreSQL (synchronous_commit as the server has it)', trips));
  } finally {
    trips.stop();
  }
}

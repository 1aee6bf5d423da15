// First: without the server's Node flags, this runs the bench again under them (server-flags.ts).
import './server-flags.js';
import '../v8-runtime-flags.js';
import { parseArgs } from 'node:util';
import { clusterBench } from './cluster-bench.js';
import { type ClientMsgNoOrder, clientMsgNos } from './commit-bench.js';
import { fanoutBench } from './fanout-bench.js';
import { inOwnProcess } from './own-process.js';
import { appendReport } from './report.js';
import { sendThroughput } from './send-throughput.js';
import { superGroupBench } from './super-group-bench.js';
import { webhookBench } from './webhook-bench.js';
import { writeCeiling } from './write-ceiling.js';

/**
 * `npm run bench [-- --only send|commit|floors|fanout|write-ceiling|conversations|supergroup|history|search|webhooks|cluster] [--pairs 50 --window 64 --seconds 10 --synchronous FULL] [--postgres postgres://…]`
 * Runs the benchmarks and appends their results to BENCHMARKS.md. With --postgres, the send benchmark also
 * runs Parley on that PostgreSQL server (in a throwaway schema). `cluster` (1-3 nodes on Redis and NATS,
 * one PostgreSQL: `--database-url`, default the local test database) runs only when named.
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    pairs: { type: 'string', default: '50' },
    window: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    synchronous: { type: 'string', default: 'FULL' },
    postgres: { type: 'string' },
    /** Comma-separated: the list's cost must not grow with the user's conversation count (SPEC §5). */
    conversations: { type: 'string', default: '10000,100000' },
    members: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '500' },
    'in-flight': { type: 'string', default: '1,4' },
    /** The commit bench's pairs (the send bench's are `--pairs`). */
    'commit-pairs': { type: 'string', default: '1000' },
    /** Comma-separated: one SQLite commit row per way of making clientMsgNos (commit-bench.ts). */
    'client-msg-no': { type: 'string', default: 'counter' },
    'database-url': { type: 'string' },
    runs: { type: 'string', default: '300' },
  },
});
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
const wants = (name: string) => !values.only || values.only === name;

async function report(title: string, body: Promise<string>): Promise<void> {
  const text = await body;
  console.log(`\n## ${title}\n\n${text}`);
  appendReport(title, command, text);
}

/** The 1:1 send load's shape, which the send and webhook benchmarks share. */
const sendLoad = {
  pairs: Number(values.pairs),
  window: Number(values.window),
  seconds: Number(values.seconds),
  synchronous: values.synchronous === 'NORMAL' ? ('NORMAL' as const) : ('FULL' as const),
};

if (wants('send')) {
  await report('1:1 send throughput (issue 2)', sendThroughput({ ...sendLoad, ...(values.postgres ? { postgres: values.postgres } : {}) }));
}
if (wants('commit')) {
  const base = { batch: Number(values.batch), seconds: Number(values.seconds), pairs: Number(values['commit-pairs']) };
  const inFlight = (values['in-flight'] ?? '1').split(',').map(Number);
  const orders = (values['client-msg-no'] ?? 'counter').split(',') as ClientMsgNoOrder[];
  const unknown = orders.filter((o) => !(o in clientMsgNos));
  if (unknown.length) throw new Error(`--client-msg-no takes ${Object.keys(clientMsgNos).join(', ')}; not ${unknown.join(', ')}`);
  const rows: string[] = [];
  for (const clientMsgNo of orders) rows.push(await inOwnProcess('commit-sqlite', { ...base, inFlight: 1, clientMsgNo }));
  for (const k of inFlight) rows.push(await inOwnProcess('commit-postgres', { ...base, inFlight: k }));
  await report(
    'Send commit alone, in-process (issue 14)',
    Promise.resolve(
      [
        `storage.messages.commit of batches of 1:1 messages over ${base.pairs} person channels, closed loop, ${base.seconds} s after 1 s warm-up; batches in flight at once commit on disjoint channels (as SendBatcher keeps them). clientMsgNos are \`bench-<n>\` unless a row names how they were made (uuid4: random; uuid7: the SDK's, time first).`,
        'Node CPU is this process per message stored (the bench builds the messages too); round trips are queries sent to PostgreSQL per batch.',
        '',
        '| storage | batch | in flight | msgs/s | batch p50 ms | batch p99 ms | Node CPU µs/msg | round trips/batch |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    ),
  );
}
if (wants('floors')) {
  await report(
    "A group message's commit and a message's search indexing, each alone (issue 14)",
    inOwnProcess('floors-sqlite', { messages: 20_000 }),
  );
}
if (wants('fanout')) {
  const options = { seconds: Number(values.seconds), ...(values.postgres ? { postgres: values.postgres } : {}) };
  await report('Group fan-out on one node (issue 14)', fanoutBench(options));
}
if (wants('fanout') || values.only === 'write-ceiling') {
  await report('Socket write cost against frames per write (issue 14)', writeCeiling({ sockets: 1000, seconds: 3 }));
}
if (wants('conversations')) {
  const rows: string[] = [];
  for (const n of values.conversations.split(',').map(Number))
    rows.push(await inOwnProcess('conversations-sqlite', n), await inOwnProcess('conversations-postgres', n));
  await report(
    'Conversation list and sync, server time (issue 3)',
    Promise.resolve(
      [
        'Measured in-process on the ConversationService (no network), one user; targets (issue 14): list p99 <= 5 ms SQLite, <= 10 ms PostgreSQL, at 100,000 within 1.5x of 10,000; sync of 10 changes p99 <= 1 ms SQLite, <= 3 ms PostgreSQL.',
        '',
        '| storage | operation | p50 ms | p99 ms | max ms | runs |',
        '|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    ),
  );
}
if (wants('supergroup')) {
  const members = Number(values.members);
  await report(
    'Super-group send latency (issue 3)',
    superGroupBench(members, 1000).then((rows) =>
      [
        'Ack latency over a WebSocket on loopback, sends interleaved one at a time, SQLite (synchronous=FULL).',
        '',
        '| channel | p50 ms | p99 ms | sends |',
        '|---|---|---|---|',
        rows,
      ].join('\n'),
    ),
  );
}
if (wants('history')) {
  const n = Number(values.messages);
  const rows = [await inOwnProcess('history-sqlite', n), await inOwnProcess('history-postgres', n)];
  await report(
    'History page at random positions, server time (issue 4)',
    Promise.resolve(
      [
        "message.history (limit 20, random startSeq, up or down) measured in-process on MessageActions, one 1:1 channel, 2,000 calls after 2,000 warm-up calls (a running server's steady state); PostgreSQL vacuumed after the bulk load. Issue 14 target: p99 <= 2 ms on both.",
        "GC pauses: this process's collections while the measured calls ran; how many of the slowest 1 % of calls one overlapped; and the p99 of the calls none overlapped.",
        '',
        '| storage | messages in channel | p50 ms | p99 ms | max ms | runs | GC pauses | slowest 1 % a GC overlapped | p99 without them ms |',
        '|---|---|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    ),
  );
}
if (wants('search')) {
  const n = Number(values.messages);
  const runs = Number(values.runs);
  const rows = await inOwnProcess('search-sqlite', n, runs);
  // PostgreSQL when named: loading and indexing a million messages there takes minutes.
  if (values.postgres) {
    process.env.PARLEY_BENCH_DATABASE_URL = values.postgres;
    rows.push(...(await inOwnProcess('search-postgres', n, runs)));
  }
  await report(
    'Message search in a big store, server time (issue 17)',
    Promise.resolve(
      [
        `message.search (limit 20) measured in-process on SearchService, ${runs} runs per kind after 20 warm-up runs: 500 groups of 20 members (each user in 5 of them, so one user may read 1 % of the store), each message six Latin words from a Zipf-like vocabulary of 5000 and, every other one, three Chinese two-character words run together (vocabulary 600). "found" is the mean page size. Store built through the real schema (SQLite: rows logged for the index as the commit logs them, FTS5 written by the search worker; PostgreSQL: tsvector); PostgreSQL only with --postgres.`,
        '',
        '| storage | messages | query | found | p50 ms | p99 ms | max ms | runs |',
        '|---|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    ),
  );
}
if (wants('webhooks')) {
  await report('Webhooks: send throughput on vs off, outbox drain rate (issue 16)', webhookBench(sendLoad));
}
if (values.only === 'cluster') {
  const databaseUrl =
    values['database-url'] ||
    process.env.PARLEY_BENCH_DATABASE_URL ||
    process.env.PARLEY_TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/test';
  await report(
    'Scale-out: 1-3 nodes on Redis and NATS, one PostgreSQL (issue 13)',
    clusterBench({ seconds: Number(values.seconds), databaseUrl }),
  );
}

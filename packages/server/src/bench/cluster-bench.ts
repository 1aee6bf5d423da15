import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_APP_SECRET } from '../config.js';
import { TokenService } from '../domain/auth/tokens.js';
import { type BrokerKind, type BrokerProcess, brokerBinary, startBroker } from './broker-process.js';
import { type BusCost, FRAME_BYTES, measureBusCost } from './bus-cost.js';
import { runGroupLoad } from './group-load.js';
import { probeLatency } from './latency-probe.js';
import { runLoad } from './load-generator.js';
import { type Meter, type MeterReading, meter } from './meter.js';
import { type ParleyProcess, startParley } from './parley-process.js';
import { fmt } from './report.js';
import { summarize } from './stats.js';

export interface ClusterBenchOptions {
  seconds: number;
  /** PostgreSQL every node shares; each configuration gets a fresh schema in it. */
  databaseUrl: string;
}

type Bus = 'memory' | BrokerKind;
interface Setup {
  bus: Bus;
  nodes: number;
}

/** The load's shape, the same for every configuration. */
export const SHAPE = {
  pairs: 50,
  pairWindow: 16,
  groups: 4,
  members: 100,
  sendersPerGroup: 2,
  groupWindow: 8,
  probes: 300,
  warmupMs: 2000,
  busCostMessages: 100_000,
};

interface Measured {
  msgsPerSec: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  /** Sum over the nodes, % of one core. */
  nodesCpuPct: number;
  nodesUsPerDelivery: number;
  brokerUsPerDelivery: number | undefined;
  busOutPerMsg: number;
  busInPerMsg: number;
  /** Every postgres process, % of one core: this run's backends, and any other user's of the shared server. */
  postgresPct: number;
  postgresUsPerMsg: number;
  loadGenPct: number;
  /** The machine's busy CPU (both cores) minus all of the above: other work sharing the machine. */
  restPct: number;
  refused: number;
}

interface SetupResult {
  setup: Setup;
  loadAvg: number;
  probe: { p50: number; p99: number; n: number; lost: number };
  direct: Measured;
  group: Measured;
  /** Error lines the nodes logged during the whole configuration. */
  logErrors: number;
}

const tokens = new TokenService(DEV_APP_SECRET, 3600);
const label = (s: Setup) => (s.bus === 'memory' ? 'in-process' : s.bus);

/**
 * 1, 2 and 3 nodes on Redis, then on NATS (and one node on the in-process bus, the baseline of the
 * bus's cost), each on a fresh PostgreSQL schema, with the same 1:1 load and 100-member-group load,
 * clients spread over the nodes so that most deliveries cross the bus.
 */
export async function clusterBench(o: ClusterBenchOptions): Promise<string> {
  const setups: Setup[] = [{ bus: 'memory', nodes: 1 }];
  const skipped: string[] = [];
  for (const bus of ['redis', 'nats'] as const) {
    if (brokerBinary(bus)) for (const nodes of [1, 2, 3]) setups.push({ bus, nodes });
    else skipped.push(`${bus}: not run, its server is not installed`);
  }
  const results: SetupResult[] = [];
  const versions = new Map<Bus, string>();
  const busCosts = new Map<Bus, BusCost>([['memory', await measureBusCost('memory', undefined, undefined, SHAPE.busCostMessages)]]);
  let broker: BrokerProcess | undefined;
  try {
    for (const setup of setups) {
      if (setup.bus !== 'memory' && broker?.kind !== setup.bus) {
        await broker?.stop();
        broker = await startBroker(setup.bus);
        versions.set(setup.bus, broker.version);
        busCosts.set(setup.bus, await measureBusCost(setup.bus, broker.url, broker.pid, SHAPE.busCostMessages));
      }
      console.error(`cluster bench: ${label(setup)}, ${setup.nodes} node(s)...`);
      results.push(await runSetup(setup, setup.bus === 'memory' ? undefined : broker, o));
    }
  } finally {
    await broker?.stop();
  }
  return render(results, busCosts, versions, skipped, o);
}

async function runSetup(setup: Setup, broker: BrokerProcess | undefined, o: ClusterBenchOptions): Promise<SetupResult> {
  const schema = `bench_cluster_${Date.now()}`;
  await sql(o.databaseUrl, `CREATE SCHEMA ${schema}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-cluster-'));
  const url = new URL(o.databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const loadAvg = os.loadavg()[0] ?? 0;
  const started = await Promise.allSettled(
    Array.from({ length: setup.nodes }, (_, i) =>
      startParley({
        dataDir: path.join(dataDir, `node-${i + 1}`),
        logFile: path.join(dataDir, `node-${i + 1}.log`),
        databaseUrl: url.toString(),
        env: {
          PARLEY_NODE_ID: String(i + 1),
          ...(broker && { PARLEY_BUS_URL: broker.url, PARLEY_BUS_PREFIX: schema }),
        },
      }),
    ),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  let result: Omit<SetupResult, 'logErrors'>;
  let logErrors = 0;
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const pids = [...nodes.map((n) => n.pid), ...(broker ? [broker.pid] : [])];
    const wsUrl = async (uid: string, node: number) =>
      `ws://127.0.0.1:${(nodes[node] as ParleyProcess).port}/v1/ws?token=${(await tokens.issue(uid)).token}`;
    const admin = nodes[0] as ParleyProcess;
    const addUsers = async (uids: string[]) => {
      for (let i = 0; i < uids.length; i += 1000)
        await admin.admin('/users/batch', { users: uids.slice(i, i + 1000).map((uid) => ({ uid })) });
    };
    const far = setup.nodes > 1 ? 1 : 0;

    await addUsers(['probe-a', 'probe-b']);
    const probed = await probeLatency(await wsUrl('probe-a', 0), await wsUrl('probe-b', far), 'probe-b', SHAPE.probes);
    const probe = { ...summarize(probed.latencies), lost: probed.lost };

    await addUsers(Array.from({ length: SHAPE.pairs }, (_, i) => [`bench-s${i}`, `bench-r${i}`]).flat());
    const directMeter = meter(
      pids,
      nodes.map((n) => n.base),
    );
    let directReading: MeterReading | undefined;
    const direct = await runLoad({
      pairs: SHAPE.pairs,
      window: SHAPE.pairWindow,
      warmupMs: SHAPE.warmupMs,
      durationMs: o.seconds * 1000,
      // Each pair's receiver sits on the node after its sender's: with 2 or more nodes every message crosses the bus.
      urlFor: (uid) => {
        const i = Number(uid.slice('bench-s'.length)); // bench-s<i> sends to bench-r<i>
        return wsUrl(uid, (i + (uid.startsWith('bench-r') ? 1 : 0)) % setup.nodes);
      },
      onWindow: window(directMeter, (r) => {
        directReading = r;
      }),
    });

    const groupMeter = meter(
      pids,
      nodes.map((n) => n.base),
    );
    let groupReading: MeterReading | undefined;
    const group = await runGroupLoad({
      groups: SHAPE.groups,
      members: SHAPE.members,
      senders: SHAPE.sendersPerGroup,
      window: SHAPE.groupWindow,
      nodes: setup.nodes,
      warmupMs: SHAPE.warmupMs,
      durationMs: o.seconds * 1000,
      setup: async (uids, groups) => {
        await addUsers(uids);
        for (const g of groups) {
          await admin.admin('/groups', { groupId: g.groupId, channelType: 2, ownerUid: g.members[0], members: g.members.slice(1) });
        }
      },
      urlFor: wsUrl,
      onWindow: window(groupMeter, (r) => {
        groupReading = r;
      }),
    });

    result = {
      setup,
      loadAvg,
      probe,
      direct: measured(
        direct.messages,
        direct.messages,
        { p50: direct.p50Ms, p99: direct.p99Ms },
        direct.refused,
        directReading,
        nodes.length,
        !!broker,
      ),
      group: measured(group.messages, group.deliveries, summarize(group.latencies), group.refused, groupReading, nodes.length, !!broker),
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    logErrors = errorLines(dataDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
    await sql(o.databaseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
  return { ...result, logErrors };
}

/** Lines at level error or fatal (pino: 50, 60) in the nodes' logs: a run that needs explaining. */
function errorLines(dir: string): number {
  let n = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.log'))) {
    n += fs
      .readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line)).length;
  }
  return n;
}

function window(m: Meter, done: (r: MeterReading) => void): (phase: 'start' | 'end') => Promise<void> {
  return async (phase) => {
    if (phase === 'start') await m.start();
    else done(await m.stop());
  };
}

function measured(
  messages: number,
  deliveries: number,
  latency: { p50: number; p99: number },
  refused: number,
  r: MeterReading | undefined,
  nodes: number,
  hasBroker: boolean,
): Measured {
  if (!r) throw new Error('the load ended without a meter reading');
  const nodesMs = r.cpuMs.slice(0, nodes).reduce((a, b) => a + b, 0);
  const brokerMs = hasBroker ? (r.cpuMs[nodes] ?? 0) : undefined;
  const pct = (ms: number) => (ms / (r.seconds * 1000)) * 100;
  return {
    msgsPerSec: messages / r.seconds,
    deliveriesPerSec: deliveries / r.seconds,
    p50: latency.p50,
    p99: latency.p99,
    nodesCpuPct: pct(nodesMs),
    nodesUsPerDelivery: deliveries ? (nodesMs * 1000) / deliveries : 0,
    brokerUsPerDelivery: brokerMs === undefined ? undefined : deliveries ? (brokerMs * 1000) / deliveries : 0,
    busOutPerMsg: messages ? r.busPublished / messages : 0,
    busInPerMsg: messages ? r.busReceived / messages : 0,
    postgresPct: pct(r.postgresCpuMs),
    postgresUsPerMsg: messages ? (r.postgresCpuMs * 1000) / messages : 0,
    loadGenPct: pct(r.selfCpuMs),
    restPct: Math.max(0, pct(r.machineBusyMs - nodesMs - (brokerMs ?? 0) - r.selfCpuMs - r.postgresCpuMs)),
    refused,
  };
}

async function sql(databaseUrl: string, text: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function render(
  results: SetupResult[],
  busCosts: Map<Bus, BusCost>,
  versions: Map<Bus, string>,
  skipped: string[],
  o: ClusterBenchOptions,
): string {
  const row = (r: SetupResult, m: Measured) =>
    `| ${label(r.setup)} | ${r.setup.nodes} | ${fmt(m.msgsPerSec, 0)} | ${fmt(m.deliveriesPerSec, 0)} | ${fmt(m.p50, 1)} | ${fmt(m.p99, 1)} | ${fmt(m.nodesCpuPct, 0)} % | ${fmt(m.nodesUsPerDelivery, 0)} | ${m.brokerUsPerDelivery === undefined ? '-' : fmt(m.brokerUsPerDelivery, 1)} | ${fmt(m.postgresPct, 0)} % | ${fmt(m.postgresUsPerMsg, 0)} | ${fmt(m.busOutPerMsg, 1)} / ${fmt(m.busInPerMsg, 1)} | ${fmt(m.loadGenPct, 0)} % | ${fmt(m.restPct, 0)} % | ${fmt(r.loadAvg, 1)} |`;
  const header = [
    '| bus | nodes | msgs/s | deliveries/s | p50 ms | p99 ms | nodes CPU | nodes µs / delivery | broker µs / delivery | PostgreSQL CPU | PostgreSQL µs / msg | bus out / in per msg | load generator CPU | other work on the machine | load avg at start |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const base = results.find((r) => r.setup.bus === 'memory');
  const busCost = results
    .filter((r) => r.setup.bus !== 'memory' && r.setup.nodes === 1)
    .map((r) => {
      const d = base ? r.direct.nodesUsPerDelivery - base.direct.nodesUsPerDelivery : Number.NaN;
      const g = base ? r.group.nodesUsPerDelivery - base.group.nodesUsPerDelivery : Number.NaN;
      return `| ${label(r.setup)} | ${fmt(d, 0)} | ${fmt(r.direct.brokerUsPerDelivery ?? 0, 1)} | ${fmt(g, 1)} | ${fmt(r.group.brokerUsPerDelivery ?? 0, 1)} |`;
    });
  const probeRows = results.map(
    (r) =>
      `| ${label(r.setup)} | ${r.setup.nodes} | ${r.setup.nodes > 1 ? 'node 1 -> node 2' : 'same node'} | ${fmt(r.probe.p50, 2)} | ${fmt(r.probe.p99, 2)} | ${r.probe.n} | ${r.probe.lost} |`,
  );
  return [
    `Nodes are \`dist/main.js\` child processes on this machine, one PostgreSQL (${redact(o.databaseUrl)}, a fresh schema per row), a private broker per bus kind (${[...versions.values()].join('; ') || 'none'}). The load generator, the nodes, the broker and PostgreSQL share the 2 cores. ${o.seconds} s measured after ${SHAPE.warmupMs / 1000} s warm-up per load; the send rate limit is off.`,
    ...(skipped.length ? ['', `Skipped: ${skipped.join('; ')}.`] : []),
    '',
    `Error lines in the nodes' logs: ${results.map((r) => `${label(r.setup)} × ${r.setup.nodes}: ${r.logErrors}`).join(', ')}.`,
    '',
    `**1:1**: ${SHAPE.pairs} sender/receiver pairs, ${SHAPE.pairWindow} unacked per sender; each receiver on the node after its sender's, so with 2+ nodes every message crosses the bus. A message counts once acked and delivered; latency is send -> delivery, under saturation (mostly queueing).`,
    '',
    ...header,
    ...results.map((r) => row(r, r.direct)),
    '',
    `**${SHAPE.members}-member groups** (channel type 2): ${SHAPE.groups} groups, every member on one WebSocket, member j on node j mod N; ${SHAPE.sendersPerGroup} senders per group, ${SHAPE.groupWindow} unacked each. msgs/s counts acked sends, deliveries/s the \`message.new\` frames members received (${SHAPE.members - 1} per send); latency is send -> delivery to members on another node than the sender (all members with 1 node).`,
    '',
    ...header,
    ...results.map((r) => row(r, r.group)),
    '',
    `**Cross-node latency, unloaded**: one message at a time (${SHAPE.probes} after 20 not kept), 1:1, send -> delivery.`,
    '',
    '| bus | nodes | path | p50 ms | p99 ms | samples | never delivered |',
    '|---|---|---|---|---|---|---|',
    ...probeRows,
    '',
    `**Bus cost per message, the bus alone**: one bus publishes ${fmt(SHAPE.busCostMessages, 0)} \`message.new\` pushes (${FRAME_BYTES} bytes) to a topic another bus subscribed to, both in the benchmark process (so its CPU is the sending node's and the receiving node's share together), no server, no database; the broker's CPU from /proc. The hop is publish -> receive of one message at a time (1,000): the latency a cross-node push adds.`,
    '',
    "| bus | nodes' CPU µs per message (publish + receive) | broker CPU µs per message | messages/s | lost | hop p50 ms | hop p99 ms |",
    '|---|---|---|---|---|---|---|',
    ...[...busCosts].map(
      ([bus, c]) =>
        `| ${bus === 'memory' ? 'in-process' : bus} | ${fmt(c.nodesUsPerMessage, 1)} | ${c.brokerUsPerMessage === undefined ? '-' : fmt(c.brokerUsPerMessage, 1)} | ${fmt(c.messages / c.seconds, 0)} | ${c.lost} | ${fmt(c.hopP50Ms, 3)} | ${fmt(c.hopP99Ms, 3)} |`,
    ),
    '',
    "**Bus cost per delivered message, end to end**, CPU µs: one node with the broker minus one node in process, same load (the node's publish, the echo of its own publish it drops, the encoding); noisy on a shared machine.",
    '',
    '| bus | 1:1 node µs | 1:1 broker µs | group node µs per delivery | group broker µs per delivery |',
    '|---|---|---|---|---|',
    ...busCost,
  ].join('\n');
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

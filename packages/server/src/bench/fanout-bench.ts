import { runGroupLoad } from './group-load.js';
import { type MeterReading, meter } from './meter.js';
import { startParley } from './parley-process.js';
import { fmt } from './report.js';
import { freshStorage } from './soak-storage.js';
import { summarize } from './stats.js';

export interface FanoutBenchOptions {
  seconds: number;
  /** A postgres:// URL: the same loads on PostgreSQL too (a throwaway schema each). */
  postgres?: string;
}

interface Shape {
  label: string;
  channelType: 2 | 3;
  groups: number;
  members: number;
  senders: number;
  window: number;
  /** PARLEY_WS_WRITE_DELAY_MS for the server: frames wait that long to share a write (0: end of the turn). */
  writeDelayMs?: number;
}

/**
 * Every member online on one node, so the figure is the node's own cost of a delivery: commit, the
 * `message.new` to each member, and for a group (type 2) each member's `conversation.updated`.
 */
export const SHAPES: Shape[] = [
  { label: 'group (type 2), 100 members', channelType: 2, groups: 4, members: 100, senders: 2, window: 8 },
  { label: 'super group (type 3), 100 members', channelType: 3, groups: 4, members: 100, senders: 2, window: 8 },
  { label: 'group (type 2), 1,000 members', channelType: 2, groups: 1, members: 1000, senders: 2, window: 8 },
  { label: 'super group (type 3), 1,000 members', channelType: 3, groups: 1, members: 1000, senders: 2, window: 8 },
  // The same loads with writes that wait 10 ms to be shared (docs/operations.md, "Tuning outgoing writes").
  {
    label: 'group (type 2), 100 members, writes delayed 10 ms',
    channelType: 2,
    groups: 4,
    members: 100,
    senders: 2,
    window: 8,
    writeDelayMs: 10,
  },
  {
    label: 'super group (type 3), 100 members, writes delayed 10 ms',
    channelType: 3,
    groups: 4,
    members: 100,
    senders: 2,
    window: 8,
    writeDelayMs: 10,
  },
  // How far a longer delay goes: frames per write grow with it, the other costs of a delivery do not.
  {
    label: 'super group (type 3), 100 members, writes delayed 50 ms',
    channelType: 3,
    groups: 4,
    members: 100,
    senders: 2,
    window: 8,
    writeDelayMs: 50,
  },
  {
    label: 'super group (type 3), 1,000 members, writes delayed 10 ms',
    channelType: 3,
    groups: 1,
    members: 1000,
    senders: 2,
    window: 8,
    writeDelayMs: 10,
  },
];

export async function fanoutBench(o: FanoutBenchOptions): Promise<string> {
  const rows: string[] = [];
  for (const shape of SHAPES) {
    rows.push(await runShape(shape, 'SQLite', o));
    if (o.postgres) rows.push(await runShape(shape, 'PostgreSQL', o));
  }
  return [
    `Group fan-out on one node, in-process bus: every member on its own WebSocket to the same server (a child process, SQLite synchronous=FULL or PostgreSQL with synchronous_commit=on), ${o.seconds} s measured after 2 s warm-up, send rate limit off. Each group has 2 senders keeping 8 sends unacked; every other member receives every message.`,
    "deliveries/s counts `message.new` frames the members received; server µs / delivery is the server process's CPU time (all threads) divided by those deliveries, so it carries the commit and, for type 2, each member's `conversation.updated` too. Messages per commit is the server's parley_commit_batch_size (its sum over its count) in the window, over all the shape's groups: a group's commit writes each member's conversation row once however many of its messages the batch holds (\"A group message's commit and a message's search indexing, each alone\"). Frames per write is the server's parley_ws_frames_written_total over parley_ws_writes_total in the window (both message.new and conversation.updated are frames): a socket write costs about the same whatever it carries (\"Socket write cost against frames per write\"), so the more frames a write carries, the less each pays. The load generator shares the 2 cores, so deliveries/s is bounded by it; µs / delivery is the figure to compare (issue 14 target: <= 1 µs, >= 1 M deliveries/s).",
    '',
    '| shape | storage | msgs/s | deliveries/s | p50 ms | p99 ms | server CPU | server µs / delivery | messages per commit | frames per write | PostgreSQL CPU | load-generator CPU |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export async function runShape(shape: Shape, storage: 'SQLite' | 'PostgreSQL', o: FanoutBenchOptions): Promise<string> {
  const store = await freshStorage('bench-fanout', storage === 'PostgreSQL' ? o.postgres : undefined);
  const server = await startParley({
    ...store.options,
    env: { ...store.options.env, PARLEY_WS_WRITE_DELAY_MS: String(shape.writeDelayMs ?? 0) },
  });
  try {
    const m = meter([server.pid], [server.base]);
    let reading: MeterReading | undefined;
    const result = await runGroupLoad({
      groups: shape.groups,
      members: shape.members,
      senders: shape.senders,
      window: shape.window,
      nodes: 1,
      channelType: shape.channelType,
      warmupMs: 2000,
      durationMs: o.seconds * 1000,
      setup: async (uids, groups) => {
        for (let i = 0; i < uids.length; i += 1000)
          await server.admin('/users/batch', { users: uids.slice(i, i + 1000).map((uid) => ({ uid })) });
        for (const g of groups)
          await server.admin('/groups', {
            groupId: g.groupId,
            channelType: shape.channelType,
            ownerUid: g.members[0],
            members: g.members.slice(1),
          });
      },
      urlFor: (uid) => server.wsUrl(uid),
      onWindow: async (phase) => {
        if (phase === 'start') await m.start();
        else reading = await m.stop();
      },
    });
    if (!reading) throw new Error('the meter did not run');
    const cpuMs = reading.cpuMs[0] ?? 0;
    const lat = summarize(result.latencies);
    const perSecond = (n: number) => n / result.seconds;
    return `| ${shape.label} | ${storage} | ${fmt(perSecond(result.messages), 0)} | ${fmt(perSecond(result.deliveries), 0)} | ${fmt(lat.p50, 1)} | ${fmt(lat.p99, 1)} | ${fmt(cpuMs / 10 / reading.seconds, 0)} % | ${fmt((cpuMs * 1000) / Math.max(1, result.deliveries), 2)} | ${fmt(reading.committed / Math.max(1, reading.commits), 1)} | ${fmt(reading.wsFrames / Math.max(1, reading.wsWrites), 1)} | ${storage === 'PostgreSQL' ? `${fmt(reading.postgresCpuMs / 10 / reading.seconds, 0)} %` : '-'} | ${fmt(reading.selfCpuMs / 10 / reading.seconds, 0)} % |`;
  } finally {
    await server.stop();
    await store.remove();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../node-flags.js';
import { RUNTIME_V8_FLAGS } from '../v8-runtime-flags.js';
import { freePort, startProcess, stopProcess } from './child-process.js';
import { type LoadOptions, type LoadResult, runLoad } from './load-generator.js';
import { type MeterReading, meter } from './meter.js';
import { startParley } from './parley-process.js';
import { fmt } from './report.js';
import { freshStorage } from './soak-storage.js';

export interface SendBenchOptions {
  pairs: number;
  window: number;
  seconds: number;
  synchronous: 'FULL' | 'NORMAL';
  /** A postgres:// URL: Parley on PostgreSQL (a throwaway schema there) runs too, between SQLite and raw. */
  postgres?: string;
}

const DIST = path.resolve(import.meta.dirname, '..');

/** A load run, and what the machine as a whole spent meanwhile (PostgreSQL's processes, every core, steal). */
interface Run extends LoadResult {
  machine: MeterReading;
}

async function measuredLoad(options: LoadOptions): Promise<Run> {
  const machine = meter([], []);
  let reading: MeterReading | undefined;
  const load = await runLoad({
    ...options,
    onWindow: async (phase) => {
      if (phase === 'start') await machine.start();
      else reading = await machine.stop();
    },
  });
  if (!reading) throw new Error('the load ended without closing its window');
  return { ...load, machine: reading };
}

async function benchParley(o: SendBenchOptions, dataDir: string): Promise<Run> {
  const parley = await startParley({ dataDir, synchronous: o.synchronous });
  try {
    return await measuredLoad({ ...loadShape(o), serverPid: parley.pid, urlFor: (uid) => parley.wsUrl(uid) });
  } finally {
    await parley.stop();
  }
}

async function benchParleyPostgres(o: SendBenchOptions, url: string): Promise<Run> {
  const storage = await freshStorage('bench-send', url);
  try {
    const parley = await startParley(storage.options);
    try {
      return await measuredLoad({ ...loadShape(o), serverPid: parley.pid, urlFor: (uid) => parley.wsUrl(uid) });
    } finally {
      await parley.stop();
    }
  } finally {
    await storage.remove();
  }
}

/** The server's `synchronous_commit`, so that the report says what "durable" meant in the run. */
async function synchronousCommit(url: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return rows[0]?.synchronous_commit ?? '?';
  } finally {
    await client.end();
  }
}

async function benchRaw(o: SendBenchOptions, dataDir: string): Promise<Run> {
  const port = await freePort();
  const child = await startProcess(
    path.join(DIST, 'bench', 'raw-relay.js'),
    [String(port), path.join(dataDir, 'raw.db'), o.synchronous],
    {},
    `http://127.0.0.1:${port}/`,
    'ignore',
    // The same Node flags as Parley's server: the yardstick runs on the same runtime.
    SERVER_NODE_FLAGS,
  );
  try {
    return await measuredLoad({ ...loadShape(o), serverPid: child.pid, urlFor: async (uid) => `ws://127.0.0.1:${port}/?uid=${uid}` });
  } finally {
    await stopProcess(child);
  }
}

const loadShape = (o: SendBenchOptions) => ({ pairs: o.pairs, window: o.window, warmupMs: 2000, durationMs: o.seconds * 1000 });

/** Server CPU per counted message: unlike msgs/s, it hardly moves with how busy the (shared) machine is. */
const cpuPerMessageUs = (r: LoadResult): number => (r.messages ? ((r.serverCpuPct / 100) * r.seconds * 1e6) / r.messages : 0);

/** % of one core over the run's window. */
const pctOfWindow = (ms: number, r: Run): string => `${fmt(r.machine.seconds ? ms / (r.machine.seconds * 10) : 0, 0)} %`;

const row = (name: string, r: Run) =>
  `| ${name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.maxMs, 2)} | ${r.messages} | ${r.refused} | ${fmt(r.serverCpuPct, 0)} % | ${fmt(r.serverMainThreadCpuPct, 0)} % | ${fmt(r.serverMainThreadWaitPct, 0)} % | ${fmt(r.clientCpuPct, 0)} % | ${fmt(cpuPerMessageUs(r), 0)} | ${pctOfWindow(r.machine.postgresCpuMs, r)} | ${fmt(r.messages ? (r.machine.postgresCpuMs * 1000) / r.messages : 0, 0)} | ${pctOfWindow(r.machine.machineBusyMs, r)} / ${pctOfWindow(r.machine.machineStealMs, r)} | ${fmt(r.serverPeakRssMib, 0)} |`;

/** Why sends were refused, where any were: the first refusal of each server, as it answered. */
const refusals = (runs: Array<[string, Run | undefined]>): string[] => {
  const lines = runs.flatMap(([name, r]) => (r?.firstRefusal ? [`Refused on ${name}, the first answer: \`${r.firstRefusal}\``] : []));
  return lines.length ? [...lines, ''] : [];
};

/** Parley's 1:1 send path against the raw relay, same load, same machine, one after the other. */
export async function sendThroughput(o: SendBenchOptions): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  try {
    const parley = await benchParley(o, dataDir);
    const postgres = o.postgres ? await benchParleyPostgres(o, o.postgres) : undefined;
    const raw = await benchRaw(o, dataDir);
    const ratio = raw.perSecond ? parley.perSecond / raw.perSecond : 0;
    const pgNote = o.postgres
      ? ` PostgreSQL: ${new URL(o.postgres).host}, synchronous_commit=${await synchronousCommit(o.postgres)}, a throwaway schema, on the same machine.`
      : '';
    return [
      `${o.pairs} sender/receiver pairs, window ${o.window} unacked per sender, ${o.seconds} s measured after 2 s warm-up, SQLite synchronous=${o.synchronous}.${pgNote}`,
      'A message counts once it is stored, acked to its sender and delivered to its receiver; latency is send -> delivery.',
      `Parley and the raw relay run under the same Node flags (${[...new Set([...SERVER_NODE_FLAGS, ...RUNTIME_V8_FLAGS])].join(' ')}), the server's own.`,
      'Server and load generator share the machine (server in a child process); CPU is % of one core while measuring; server µs/msg is its CPU time per counted message; its main thread (the event loop, which serves every send) is the part no other core can take, and "waiting for a core" is the time that thread was ready to run while other threads held both cores (Linux schedstat).',
      `PostgreSQL CPU sums every \`postgres\` process on the machine; machine busy is all ${os.cpus().length} cores together (${os.cpus().length * 100} % is every core busy), and steal is time the hypervisor gave them to someone else.`,
      '',
      '| server | msgs/s | p50 ms | p99 ms | max ms | messages | refused | server CPU | of it main thread | main thread waiting for a core | load-generator CPU | server µs/msg | PostgreSQL CPU | PostgreSQL µs/msg | machine busy / steal | server peak RSS MiB |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      row('Parley', parley),
      ...(postgres ? [row('Parley on PostgreSQL', postgres)] : []),
      row('raw ws + SQLite relay', raw),
      '',
      ...refusals([
        ['Parley', parley],
        ['Parley on PostgreSQL', postgres],
        ['raw ws + SQLite relay', raw],
      ]),
      `**Parley / raw = ${fmt(ratio * 100, 0)} %** (target: >= 50 000 msgs/s and >= 50 % of raw).`,
      ...(postgres
        ? [
            `**PostgreSQL / SQLite = ${fmt(parley.perSecond ? (postgres.perSecond / parley.perSecond) * 100 : 0, 0)} %** (issue 14 target: >= 20 000 msgs/s and <= 40 µs server CPU per message with synchronous_commit=on).`,
          ]
        : []),
    ].join('\n');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess, stopProcess } from './child-process.js';
import { type LoadResult, runLoad } from './load-generator.js';
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

async function benchParley(o: SendBenchOptions, dataDir: string): Promise<LoadResult> {
  const parley = await startParley({ dataDir, synchronous: o.synchronous });
  try {
    return await runLoad({ ...loadShape(o), serverPid: parley.pid, urlFor: (uid) => parley.wsUrl(uid) });
  } finally {
    await parley.stop();
  }
}

async function benchParleyPostgres(o: SendBenchOptions, url: string): Promise<LoadResult> {
  const storage = await freshStorage('bench-send', url);
  try {
    const parley = await startParley(storage.options);
    try {
      return await runLoad({ ...loadShape(o), serverPid: parley.pid, urlFor: (uid) => parley.wsUrl(uid) });
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

async function benchRaw(o: SendBenchOptions, dataDir: string): Promise<LoadResult> {
  const port = await freePort();
  const child = await startProcess(
    path.join(DIST, 'bench', 'raw-relay.js'),
    [String(port), path.join(dataDir, 'raw.db'), o.synchronous],
    {},
    `http://127.0.0.1:${port}/`,
  );
  try {
    return await runLoad({ ...loadShape(o), serverPid: child.pid, urlFor: async (uid) => `ws://127.0.0.1:${port}/?uid=${uid}` });
  } finally {
    await stopProcess(child);
  }
}

const loadShape = (o: SendBenchOptions) => ({ pairs: o.pairs, window: o.window, warmupMs: 2000, durationMs: o.seconds * 1000 });

/** Server CPU per counted message: unlike msgs/s, it hardly moves with how busy the (shared) machine is. */
const cpuPerMessageUs = (r: LoadResult): number => (r.messages ? ((r.serverCpuPct / 100) * r.seconds * 1e6) / r.messages : 0);

const row = (name: string, r: LoadResult) =>
  `| ${name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.maxMs, 2)} | ${r.messages} | ${r.refused} | ${fmt(r.serverCpuPct, 0)} % | ${fmt(r.clientCpuPct, 0)} % | ${fmt(cpuPerMessageUs(r), 0)} |`;

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
      'Server and load generator share the machine (server in a child process); CPU is % of one core while measuring; server µs/msg is its CPU time per counted message.',
      '',
      '| server | msgs/s | p50 ms | p99 ms | max ms | messages | refused | server CPU | load-generator CPU | server µs/msg |',
      '|---|---|---|---|---|---|---|---|---|---|',
      row('Parley', parley),
      ...(postgres ? [row('Parley on PostgreSQL', postgres)] : []),
      row('raw ws + SQLite relay', raw),
      '',
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

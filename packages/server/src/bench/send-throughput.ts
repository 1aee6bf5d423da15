import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess, stopProcess } from './child-process.js';
import { type LoadResult, runLoad } from './load-generator.js';
import { startParley } from './parley-process.js';
import { fmt } from './report.js';

export interface SendBenchOptions {
  pairs: number;
  window: number;
  seconds: number;
  synchronous: 'FULL' | 'NORMAL';
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

const row = (name: string, r: LoadResult) =>
  `| ${name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.maxMs, 2)} | ${r.messages} | ${r.refused} | ${fmt(r.serverCpuPct, 0)} % | ${fmt(r.clientCpuPct, 0)} % |`;

/** Parley's 1:1 send path against the raw relay, same load, same machine, one after the other. */
export async function sendThroughput(o: SendBenchOptions): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  try {
    const parley = await benchParley(o, dataDir);
    const raw = await benchRaw(o, dataDir);
    const ratio = raw.perSecond ? parley.perSecond / raw.perSecond : 0;
    return [
      `${o.pairs} sender/receiver pairs, window ${o.window} unacked per sender, ${o.seconds} s measured after 2 s warm-up, SQLite synchronous=${o.synchronous}.`,
      'A message counts once it is stored, acked to its sender and delivered to its receiver; latency is send -> delivery.',
      'Server and load generator share the machine (server in a child process); CPU is % of one core while measuring.',
      '',
      '| server | msgs/s | p50 ms | p99 ms | max ms | messages | refused | server CPU | load-generator CPU |',
      '|---|---|---|---|---|---|---|---|---|',
      row('Parley', parley),
      row('raw ws + SQLite relay', raw),
      '',
      `**Parley / raw = ${fmt(ratio * 100, 0)} %** (target: >= 50 000 msgs/s and >= 50 % of raw).`,
    ].join('\n');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

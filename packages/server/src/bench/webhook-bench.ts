import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEV_APP_SECRET } from '../config.js';
import { freePort, startProcess, stopProcess } from './child-process.js';
import { type LoadResult, runLoad } from './load-generator.js';
import { type ParleyProcess, startParley } from './parley-process.js';
import { fmt } from './report.js';

export interface WebhookBenchOptions {
  pairs: number;
  window: number;
  seconds: number;
  synchronous: 'FULL' | 'NORMAL';
}

const SECRET = 'webhook-bench-secret';
/** Nothing listens there: events are recorded and wait, as while a receiver is down. */
const NOWHERE = 'http://127.0.0.1:9/nobody';

interface Sink {
  url: string;
  count(): Promise<{ events: number; posts: number; rejected: number }>;
  child: ChildProcess;
}

async function startSink(): Promise<Sink> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await startProcess(path.join(import.meta.dirname, 'webhook-sink.js'), [String(port), SECRET], {}, `${base}/count`);
  return { url: `${base}/hooks`, child, count: async () => (await fetch(`${base}/count`)).json() as Promise<never> };
}

async function webhookStatus(parley: ParleyProcess): Promise<{ pending: number; deadLetters: number }> {
  const res = await fetch(`${parley.base}/v1/admin/webhook`, { headers: { authorization: `Bearer ${DEV_APP_SECRET}` } });
  return (await res.json()) as { pending: number; deadLetters: number };
}

async function setUrl(parley: ParleyProcess, url: string): Promise<void> {
  const res = await fetch(`${parley.base}/v1/admin/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${DEV_APP_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  if (!res.ok) throw new Error(`PUT /v1/admin/webhook: ${res.status} ${await res.text()}`);
}

/** Polls the outbox until it is empty; the rate counts from the first sample that saw it shrink. */
async function drain(parley: ParleyProcess): Promise<{ events: number; seconds: number; perSecond: number }> {
  let last = (await webhookStatus(parley)).pending;
  const total = last;
  let from: { at: number; pending: number } | undefined;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const { pending } = await webhookStatus(parley);
    const at = performance.now();
    if (!from && pending < last) from = { at, pending: last };
    last = pending;
    if (pending === 0) {
      const seconds = from ? (at - from.at) / 1000 : 0;
      return { events: total, seconds, perSecond: from && seconds ? from.pending / seconds : 0 };
    }
  }
}

/** One load against a fresh server (SQLite) with the environment given; `after` runs before it stops. */
async function run<T>(
  o: WebhookBenchOptions,
  env: Record<string, string>,
  after: (parley: ParleyProcess, load: LoadResult) => Promise<T>,
): Promise<{ load: LoadResult; after: T }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-webhook-'));
  try {
    const parley = await startParley({ dataDir, synchronous: o.synchronous, env: { PARLEY_WEBHOOK_SECRET: SECRET, ...env } });
    try {
      const load = await runLoad({
        pairs: o.pairs,
        window: o.window,
        warmupMs: 2000,
        durationMs: o.seconds * 1000,
        serverPid: parley.pid,
        urlFor: (uid) => parley.wsUrl(uid),
      });
      return { load, after: await after(parley, load) };
    } finally {
      await parley.stop();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const cpuPerMessageUs = (r: LoadResult, pct = r.serverCpuPct): number => (r.messages ? ((pct / 100) * r.seconds * 1e6) / r.messages : 0);
const row = (name: string, r: LoadResult) =>
  `| ${name} | ${fmt(r.perSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${r.messages} | ${fmt(r.serverCpuPct, 0)} % | ${fmt(cpuPerMessageUs(r), 0)} | ${fmt(cpuPerMessageUs(r, r.serverMainThreadCpuPct), 0)} |`;

/**
 * The webhook's cost on the send path and its delivery rate (issue 16): the 1:1 send load of
 * `--only send` on SQLite with webhooks off, then on (a local receiver in its own process that checks
 * every signature), one after the other on the same machine; then the outbox's drain rate: a load run
 * with the URL pointing nowhere (every event recorded and waiting), then the receiver's URL set and
 * the outbox polled until empty.
 */
export async function webhookBench(o: WebhookBenchOptions): Promise<string> {
  const sink = await startSink();
  try {
    const off = await run(o, {}, async () => undefined);
    const on = await run(o, { PARLEY_WEBHOOK_URL: sink.url }, async (parley) => {
      const left = (await webhookStatus(parley)).pending;
      await drain(parley);
      return left;
    });
    const delivered = await sink.count();
    const backlog = await run(
      { ...o, seconds: Math.max(2, Math.round(o.seconds / 2)) },
      { PARLEY_WEBHOOK_URL: NOWHERE, PARLEY_WEBHOOK_RETRY_MAX_SECONDS: '1' },
      async (parley) => {
        await setUrl(parley, sink.url);
        return drain(parley);
      },
    );
    const final = await sink.count();
    const ratio = off.load.perSecond ? on.load.perSecond / off.load.perSecond : 0;
    return [
      `${o.pairs} sender/receiver pairs, window ${o.window} unacked per sender, ${o.seconds} s measured after 2 s warm-up, SQLite synchronous=${o.synchronous}; the same load as \`--only send\`.`,
      'Webhooks on: every message is recorded as a `message.sent` event in its commit and POSTed in batches (up to 500 events or 256 KiB) to a receiver on the same machine (its own process), which checks each signature. Receivers are online: no `message.offline`.',
      '',
      '| webhooks | msgs/s | p50 ms | p99 ms | messages | server CPU | server µs/msg | main thread µs/msg |',
      '|---|---|---|---|---|---|---|---|',
      row('off', off.load),
      row('on', on.load),
      '',
      `**on / off = ${fmt(ratio * 100, 0)} %** (issue 16 target: at most 10 % lower). Events left in the outbox when the load stopped: ${on.after}; the receiver took ${delivered.events} events in ${delivered.posts} POSTs (${delivered.rejected} failed the signature check).`,
      '',
      `Outbox drain: ${backlog.after.events} events recorded while the URL pointed nowhere (${backlog.load.messages} messages counted in the measured window), then delivered at **${fmt(backlog.after.perSecond, 0)} events/s** (${fmt(backlog.after.seconds, 1)} s from the first delivery to an empty outbox, one node). Receiver total: ${final.events} events, ${final.rejected} rejected.`,
    ].join('\n');
  } finally {
    await stopProcess(sink.child);
  }
}

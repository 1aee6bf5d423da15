import fs from 'node:fs';
import WebSocket from 'ws';

export interface LoadOptions {
  /** The WebSocket URL that logs in as `uid`. */
  urlFor(uid: string): Promise<string>;
  pairs: number;
  /** Unacked messages each sender keeps in flight. */
  window: number;
  warmupMs: number;
  durationMs: number;
  /** The server's process id, to read its CPU time from /proc. */
  serverPid?: number;
  /** Called as the measured window opens and closes (a cluster benchmark reads its nodes' meters there). */
  onWindow?: (phase: 'start' | 'end') => Promise<void>;
}

export interface LoadResult {
  messages: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  refused: number;
  /** The first refusal's answer as the server sent it (cut to 300 characters), to say why. */
  firstRefusal?: string;
  /** CPU used while measuring, as % of one core: the load generator's own, and the server's. */
  clientCpuPct: number;
  serverCpuPct: number;
  /** Of which the server's main thread (its event loop, which serves the sends), without its worker threads. */
  serverMainThreadCpuPct: number;
  /**
   * Time the server's main thread was ready to run but waited for a core, as % of the window (Linux's
   * schedstat): with the event loop never idle, the part of it not spent on the CPU goes here.
   */
  serverMainThreadWaitPct: number;
  /** The server's peak resident memory since it started (VmHWM), MiB; 0 where /proc does not say. */
  serverPeakRssMib: number;
}

interface Sender {
  ws: WebSocket;
  peer: string;
  next: number;
  inFlight: number;
}

/** user+system CPU ms of a process, from /proc (Linux); 0 where unavailable. */
export function processCpuMs(pid: number | undefined, thread?: number): number {
  if (!pid) return 0;
  try {
    const fields =
      fs
        .readFileSync(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`, 'utf8')
        .split(') ')[1]
        ?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

/** Milliseconds a thread spent runnable but waiting for a core (the second field of /proc's schedstat), or 0. */
export function runQueueWaitMs(pid: number | undefined, thread = pid): number {
  if (!pid) return 0;
  try {
    return Number(fs.readFileSync(`/proc/${pid}/task/${thread}/schedstat`, 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}

/** A process's peak resident set size since it started, in MiB (Linux's VmHWM), or 0. */
export function peakRssMib(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kib = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) / 1024 : 0;
  } catch {
    return 0;
  }
}

const CLIENT_MSG_NO = '"clientMsgNo":"';

const quantile = (sorted: Float64Array, q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * N pairs over loopback: in each pair one side sends 1:1 text messages at full speed with a
 * bounded window of unacked messages, the other receives them. A message counts once it is both
 * acked to its sender and delivered to its receiver; latency is send -> delivery.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const sentAt = new Map<string, number>();
  const acked = new Set<string>();
  const delivered = new Set<string>();
  const latencies: number[] = [];
  let measuring = false;
  let stopped = false;
  let counted = 0;
  let refused = 0;
  let firstRefusal: string | undefined;

  const complete = (no: string) => {
    const started = sentAt.get(no);
    if (started === undefined || !acked.has(no) || !delivered.has(no)) return;
    sentAt.delete(no);
    acked.delete(no);
    delivered.delete(no);
    if (measuring) counted++;
  };

  const open = (url: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  const senders: Sender[] = [];
  const receivers: WebSocket[] = [];
  for (let i = 0; i < options.pairs; i++) {
    const from = `bench-s${i}`;
    const to = `bench-r${i}`;
    const receiver = await open(await options.urlFor(to));
    receiver.on('message', (data) => {
      // Only the clientMsgNo is needed; scanning for it keeps the load generator's own CPU low,
      // so the measurement is bound by the server, not by JSON.parse on the client.
      const text = data.toString();
      if (!text.startsWith('{"event":"message.new"')) return;
      const at = text.indexOf(CLIENT_MSG_NO) + CLIENT_MSG_NO.length;
      const no = text.slice(at, text.indexOf('"', at));
      const started = sentAt.get(no);
      if (started === undefined) return;
      if (measuring) latencies.push(performance.now() - started);
      delivered.add(no);
      complete(no);
    });
    receivers.push(receiver);
    const sender: Sender = { ws: await open(await options.urlFor(from)), peer: to, next: 0, inFlight: 0 };
    sender.ws.on('message', (data) => {
      const text = data.toString();
      if (!text.startsWith('{"id":')) return;
      sender.inFlight--;
      const no = `${from}-${Number.parseInt(text.slice(6), 10)}`;
      if (text.includes('"reasonCode":1}')) {
        acked.add(no);
        complete(no);
      } else {
        refused++;
        firstRefusal ??= text.slice(0, 300);
        sentAt.delete(no);
      }
      pump(sender, from);
    });
    senders.push(sender);
  }

  const pump = (s: Sender, from: string) => {
    while (!stopped && s.inFlight < options.window) {
      const id = ++s.next;
      const no = `${from}-${id}`;
      sentAt.set(no, performance.now());
      s.inFlight++;
      s.ws.send(
        `{"id":${id},"method":"message.send","params":{"channelId":"${s.peer}","channelType":1,"clientMsgNo":"${no}","payload":{"type":1,"content":"hello from the benchmark ${id}"}}}`,
      );
    }
  };

  senders.forEach((s, i) => {
    pump(s, `bench-s${i}`);
  });
  await new Promise((r) => setTimeout(r, options.warmupMs));
  await options.onWindow?.('start');
  measuring = true;
  const started = performance.now();
  const clientCpu = process.cpuUsage();
  const serverCpu = processCpuMs(options.serverPid);
  // A process's main thread has the process's id as its thread id.
  const mainThreadCpu = processCpuMs(options.serverPid, options.serverPid);
  const mainThreadWait = runQueueWaitMs(options.serverPid, options.serverPid);
  await new Promise((r) => setTimeout(r, options.durationMs));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  const clientUsed = process.cpuUsage(clientCpu);
  const serverUsedMs = processCpuMs(options.serverPid) - serverCpu;
  const mainThreadUsedMs = processCpuMs(options.serverPid, options.serverPid) - mainThreadCpu;
  const mainThreadWaitMs = runQueueWaitMs(options.serverPid, options.serverPid) - mainThreadWait;
  await options.onWindow?.('end');
  stopped = true;
  await new Promise((r) => setTimeout(r, 500));
  for (const ws of [...receivers, ...senders.map((s) => s.ws)]) ws.terminate();

  const sorted = Float64Array.from(latencies).sort();
  return {
    messages: counted,
    seconds,
    perSecond: counted / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    refused,
    ...(firstRefusal === undefined ? {} : { firstRefusal }),
    clientCpuPct: ((clientUsed.user + clientUsed.system) / 1000 / (seconds * 1000)) * 100,
    serverCpuPct: (serverUsedMs / (seconds * 1000)) * 100,
    serverMainThreadCpuPct: (mainThreadUsedMs / (seconds * 1000)) * 100,
    serverMainThreadWaitPct: (mainThreadWaitMs / (seconds * 1000)) * 100,
    serverPeakRssMib: peakRssMib(options.serverPid),
  };
}

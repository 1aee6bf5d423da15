import { MemoryHub } from '../adapters/bus/memory.js';
import { openBus } from '../adapters/bus/open.js';
import type { Bus, BusMessage } from '../ports/bus.js';
import { processCpuMs } from './load-generator.js';
import { summarize } from './stats.js';

export interface BusCost {
  messages: number;
  seconds: number;
  /** CPU of the publishing node plus the receiving node, per message (both sides run in this process). */
  nodesUsPerMessage: number;
  /** The broker's CPU per message; undefined in process. */
  brokerUsPerMessage: number | undefined;
  lost: number;
  /** Publish -> receive of one message at a time, nothing else in flight: the hop a cross-node push adds. */
  hopP50Ms: number;
  hopP99Ms: number;
}

/** A `message.new` push as a 1:1 text message renders it: what a delivery carries over the bus. */
const FRAME = `{"event":"message.new","data":{"messageId":"386415042217652224","messageSeq":1234,"clientMsgNo":"bench-s1-1234","fromUid":"bench-s1","channelId":"bench-s1","channelType":1,"timestamp":1796195725309,"payload":{"type":1,"content":"hello from the benchmark 1234"},"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}}`;
export const FRAME_BYTES = Buffer.byteLength(FRAME);

/**
 * The bus alone, without a server: one bus publishes `messages` pushes on a topic another bus
 * subscribed to, as a node does for a receiver connected elsewhere. Both sit in this process, so its
 * CPU time is the sending and the receiving node's cost together; the broker's is read from /proc.
 * The in-process hub gives the baseline a single node pays.
 */
export async function measureBusCost(
  kind: 'memory' | 'redis' | 'nats',
  url: string | undefined,
  brokerPid: number | undefined,
  messages: number,
): Promise<BusCost> {
  let a: Bus;
  let b: Bus;
  if (kind === 'memory') {
    const hub = new MemoryHub();
    a = hub.bus();
    b = hub.bus();
  } else {
    a = await openBus(url, 'bench-bus-cost');
    b = await openBus(url, 'bench-bus-cost');
  }
  let received = 0;
  let arrived: (() => void) | undefined;
  b.onMessage(() => {
    received++;
    arrived?.();
  });
  b.subscribe('user.bench-r1');
  try {
    // Until a first push arrives, the broker may not have the subscription yet.
    while (received === 0) {
      a.publish('user.bench-r1', { kind: 'push', frame: FRAME });
      await new Promise((r) => setTimeout(r, 20));
    }
    received = 0;
    const message: BusMessage = { kind: 'push', frame: FRAME, origin: '1:42' };
    const cpu = process.cpuUsage();
    const broker = processCpuMs(brokerPid);
    const started = performance.now();
    let sent = 0;
    let stalled = 0;
    while (sent < messages) {
      for (let i = 0; i < 500 && sent < messages; i++, sent++) a.publish('user.bench-r1', message);
      // Let the sockets drain: never more than a few thousand in flight, as under a real node's load.
      while (sent - received > 5000 && stalled < 2000) {
        await new Promise((r) => setImmediate(r));
        stalled++;
      }
      stalled = 0;
      await new Promise((r) => setImmediate(r));
    }
    const deadline = Date.now() + 5000;
    while (received < messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const brokerMs = brokerPid ? processCpuMs(brokerPid) - broker : undefined;
    const bulkReceived = received;
    const hops: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      a.publish('user.bench-r1', message);
      await Promise.race([got, new Promise((r) => setTimeout(r, 1000))]);
      hops.push(performance.now() - t0);
    }
    arrived = undefined;
    const hop = summarize(hops);
    received = bulkReceived;
    return {
      messages,
      seconds,
      nodesUsPerMessage: (used.user + used.system) / received,
      brokerUsPerMessage: brokerMs === undefined ? undefined : (brokerMs * 1000) / received,
      lost: messages - received,
      hopP50Ms: hop.p50,
      hopP99Ms: hop.p99,
    };
  } finally {
    await a.close();
    await b.close();
  }
}

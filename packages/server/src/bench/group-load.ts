import type WebSocket from 'ws';
import { openAuthed } from './ws-open.js';

export interface GroupLoadOptions {
  groups: number;
  /** Members per group, each on one WebSocket; member j connects to node j % nodes. */
  members: number;
  /** Members per group who send, each keeping `window` unacked messages in flight. */
  senders: number;
  window: number;
  nodes: number;
  /** 2 (a group: one conversation per member) or 3 (a super group); 2 without it. */
  channelType?: 2 | 3;
  warmupMs: number;
  durationMs: number;
  /** Registers users and creates groups (admin API of any node: they share the database). */
  setup(uids: string[], groups: Array<{ groupId: string; members: string[] }>): Promise<void>;
  /** A WebSocket URL logging in `uid` on node `node` (0-based). */
  urlFor(uid: string, node: number): Promise<string>;
  onWindow?: (phase: 'start' | 'end') => Promise<void>;
}

export interface GroupLoadResult {
  seconds: number;
  /** Sends acked while measuring. */
  messages: number;
  /** `message.new` frames the members received while measuring. */
  deliveries: number;
  /** Send -> delivery, for members on another node than the sender (all members with one node). */
  latencies: number[];
  refused: number;
}

const CLIENT_MSG_NO = Buffer.from('"clientMsgNo":"');
const MESSAGE_NEW = Buffer.from('{"event":"message.new"');
const REPLY = Buffer.from('{"id":');
const ACKED = Buffer.from('"reasonCode":1}');
const QUOTE = 0x22;

const startsWith = (data: Buffer, prefix: Buffer): boolean =>
  data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;

/**
 * Groups of `members` users spread over the nodes; in each group `senders` members send text
 * messages at full speed, each with a bounded window of unacked sends. Every other member receives
 * every message: one send is `members - 1` deliveries, most of them on other nodes than the sender's.
 */
export async function runGroupLoad(o: GroupLoadOptions): Promise<GroupLoadResult> {
  const nodeOf = (j: number) => j % o.nodes;
  const uid = (g: number, j: number) => `bench-g${g}-m${j}`;
  const channelType = o.channelType ?? 2;
  const groups = Array.from({ length: o.groups }, (_, g) => ({
    groupId: `bench-g${g}`,
    members: Array.from({ length: o.members }, (_, j) => uid(g, j)),
  }));
  await o.setup(
    groups.flatMap((g) => g.members),
    groups,
  );

  /** clientMsgNo -> send time and the sender's node */
  const sent = new Map<string, { at: number; node: number; left: number }>();
  const latencies: number[] = [];
  let measuring = false;
  let stopped = false;
  let messages = 0;
  let deliveries = 0;
  let refused = 0;
  const sockets: WebSocket[] = [];
  const pumps: Array<() => void> = [];

  for (const [g, group] of groups.entries()) {
    for (let j = 0; j < o.members; j++) {
      const node = nodeOf(j);
      const ws = await openAuthed(await o.urlFor(uid(g, j), node));
      sockets.push(ws);
      ws.on('message', (data: Buffer) => {
        // Matching bytes rather than decoding keeps the load generator's CPU per frame low.
        if (!startsWith(data, MESSAGE_NEW)) return;
        const at = data.indexOf(CLIENT_MSG_NO) + CLIENT_MSG_NO.length;
        const no = data.toString('latin1', at, data.indexOf(QUOTE, at));
        const entry = sent.get(no);
        if (!entry) return;
        if (measuring) {
          deliveries++;
          if (o.nodes === 1 || entry.node !== node) latencies.push(performance.now() - entry.at);
        }
        if (--entry.left === 0) sent.delete(no);
      });
      if (j >= o.senders) continue;
      const from = uid(g, j);
      let next = 0;
      let inFlight = 0;
      const pump = () => {
        while (!stopped && inFlight < o.window) {
          const id = ++next;
          const no = `${from}-${id}`;
          sent.set(no, { at: performance.now(), node, left: o.members - 1 });
          inFlight++;
          ws.send(
            `{"id":${id},"method":"message.send","params":{"channelId":"${group.groupId}","channelType":${channelType},"clientMsgNo":"${no}","payload":{"type":1,"content":"hello group ${id}"}}}`,
          );
        }
      };
      ws.on('message', (data: Buffer) => {
        if (!startsWith(data, REPLY)) return;
        inFlight--;
        if (data.includes(ACKED)) {
          if (measuring) messages++;
        } else {
          refused++;
          sent.delete(`${from}-${Number.parseInt(data.toString('latin1', REPLY.length, REPLY.length + 12), 10)}`);
        }
        pump();
      });
      pumps.push(pump);
    }
  }

  for (const pump of pumps) pump();
  await new Promise((r) => setTimeout(r, o.warmupMs));
  await o.onWindow?.('start');
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, o.durationMs));
  measuring = false;
  const seconds = (performance.now() - started) / 1000;
  await o.onWindow?.('end');
  stopped = true;
  await new Promise((r) => setTimeout(r, 500));
  for (const ws of sockets) ws.terminate();
  return { seconds, messages, deliveries, latencies, refused };
}

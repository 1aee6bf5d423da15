import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { openSqlite } from '../adapters/storage/sqlite/index.js';
import { startServer } from '../app.js';
import { loadConfig } from '../config.js';
import { fmt } from './report.js';
import { summarize } from './stats.js';

/** Sends one message and resolves with the ack's round trip in ms. */
function sender(ws: WebSocket) {
  let id = 0;
  const waiting = new Map<number, () => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    waiting.get(frame.id)?.();
    waiting.delete(frame.id);
  });
  return (channelId: string, channelType: number) =>
    new Promise<number>((resolve) => {
      const n = ++id;
      const started = performance.now();
      waiting.set(n, () => resolve(performance.now() - started));
      ws.send(
        JSON.stringify({
          id: n,
          method: 'message.send',
          params: { channelId, channelType, clientMsgNo: `sg-bench-${n}`, payload: { type: 1, content: 'hello' } },
        }),
      );
    });
}

/**
 * Ack latency of sends to a super group of `members` against a 2-member group, interleaved in one
 * run on one server, so the ratio shows what the member count costs the send path.
 */
export async function superGroupBench(members: number, sends: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-sg-'));
  const storage = openSqlite({ file: path.join(dir, 'parley.db') });
  const server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', PARLEY_SEND_RATE_PER_SEC: '0' }), {
    storage,
  });
  try {
    const { users, groups } = server.ctx;
    const uids = Array.from({ length: members }, (_, i) => `sgb-${i}`);
    for (let i = 0; i < members; i += 1000) await users.upsertMany(uids.slice(i, i + 1000).map((uid) => ({ uid })));
    await groups.create({ groupId: 'big', channelType: 3, ownerUid: 'sgb-0' });
    for (let i = 1; i < members; i += 1000) await groups.addMembers('big', uids.slice(i, i + 1000));
    await groups.create({ groupId: 'pair', channelType: 2, ownerUid: 'sgb-0', members: ['sgb-1'] });
    const token = (await users.issueToken('sgb-0')).token;
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/ws?token=${token}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const send = sender(ws);
    for (let i = 0; i < 200; i++) await send(i % 2 ? 'big' : 'pair', i % 2 ? 3 : 2);
    const big: number[] = [];
    const pair: number[] = [];
    for (let i = 0; i < sends; i++) {
      big.push(await send('big', 3));
      pair.push(await send('pair', 2));
    }
    ws.close();
    const b = summarize(big);
    const p = summarize(pair);
    return [
      `| super group, ${fmt(members, 0)} members | ${fmt(b.p50, 3)} | ${fmt(b.p99, 3)} | ${b.n} |`,
      `| group, 2 members | ${fmt(p.p50, 3)} | ${fmt(p.p99, 3)} | ${p.n} |`,
      '',
      `**Latency ratio super group / 2-member group: p50 ${fmt(b.p50 / p.p50, 2)}, p99 ${fmt(b.p99 / p.p99, 2)}** (target <= 1.2).`,
    ].join('\n');
  } finally {
    await server.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

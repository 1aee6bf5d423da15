import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { encodeTextFrame } from '../transports/ws/text-frame.js';
import { processCpuMs } from './load-generator.js';
import { fmt } from './report.js';

/**
 * What one socket write costs on this machine, against the frames it carries: the floor of a
 * delivery's server CPU whatever the server does above it. A writer (this process) sends the same
 * pre-framed `message.new` (as the gateway does) to `sockets` TCP connections, `k` frames per write
 * per socket per event-loop turn; a reader in a child process drops the bytes.
 */
export async function writeCeiling(o: { sockets: number; seconds: number }): Promise<string> {
  const frame = encodeTextFrame(`{"event":"message.new","data":${JSON.stringify(SAMPLE)}}`);
  const server = net.createServer();
  const accepted: net.Socket[] = [];
  server.on('connection', (s) => {
    s.setNoDelay(true); // as Node's http server (and so the gateway) sets it
    accepted.push(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const reader = spawn(process.execPath, [path.join(import.meta.dirname, 'drain-sockets.js'), String(port), String(o.sockets)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await once(reader.stdout, 'data');
  const rows: string[] = [];
  try {
    for (const k of [1, 2, 4, 8, 16, 32]) {
      const batch = Buffer.concat(Array.from({ length: k }, () => frame));
      let frames = 0;
      const cpu0 = process.cpuUsage();
      const reader0 = processCpuMs(reader.pid);
      const started = performance.now();
      while (performance.now() - started < o.seconds * 1000) {
        for (const s of accepted) s.write(batch);
        frames += k * accepted.length;
        // Next turn, and a pause while the reader is behind, so buffers stay small.
        await new Promise((r) => setImmediate(r));
        while (accepted.some((s) => s.writableLength > 64 * 1024)) await new Promise((r) => setTimeout(r, 1));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const writerUs = cpu.user + cpu.system;
      const readerUs = (processCpuMs(reader.pid) - reader0) * 1000;
      rows.push(
        `| ${k} | ${fmt(frames / seconds, 0)} | ${fmt(writerUs / frames, 2)} | ${fmt((writerUs / frames) * k, 2)} | ${fmt((cpu.system / writerUs) * 100, 0)} % | ${fmt(readerUs / frames, 2)} |`,
      );
    }
  } finally {
    reader.stdin.end();
    for (const s of accepted) s.destroy();
    server.close();
  }
  return [
    `${o.sockets} TCP connections on loopback, a ${frame.length}-byte WebSocket text frame (a \`message.new\`), written k at a time per socket per event-loop turn for ${o.seconds} s per row; the reader (a child process) drops the bytes. Writer CPU includes the kernel's loopback delivery into the reader's socket.`,
    '',
    '| frames per write (k) | frames/s | writer CPU µs / frame | writer CPU µs / write | of it in the kernel | reader CPU µs / frame |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const SAMPLE = {
  channelId: 'bench-g0',
  channelType: 3,
  messageId: '123456789012345678',
  messageSeq: 123456,
  clientMsgNo: 'bench-g0-m1-12345',
  fromUid: 'bench-g0-m1',
  timestamp: 1764680000000,
  payload: { type: 1, content: 'hello group 12345' },
  redDot: true,
  reactions: [],
};

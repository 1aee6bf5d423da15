// First, as in Parley's server: the V8 flags it sets on itself, so the two run the same V8.
import '../v8-runtime-flags.js';
import BetterSqlite3 from 'better-sqlite3';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';

/**
 * The baseline Parley is measured against: the least a durable relay can do. A `ws` server that
 * appends each message to SQLite (WAL, one transaction per event-loop tick, same synchronous
 * setting), then acks the sender and forwards to the peer. No auth, no validation, no
 * conversations, no seqs per channel: no domain logic at all.
 * Usage: node raw-relay.js <port> <db-file> <FULL|NORMAL>
 */
const [port, file, synchronous] = process.argv.slice(2) as [string, string, string];
const db = new BetterSqlite3(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${synchronous}`);
db.exec(
  'CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, from_uid TEXT, to_uid TEXT, client_msg_no TEXT, payload TEXT, ts INTEGER)',
);
const insert = db.prepare('INSERT INTO messages (from_uid, to_uid, client_msg_no, payload, ts) VALUES (?, ?, ?, ?, ?)');

interface Pending {
  from: WebSocket;
  fromUid: string;
  id: number;
  params: { channelId: string; clientMsgNo: string; payload: unknown };
}
const sockets = new Map<string, WebSocket>();
let queue: Pending[] = [];
let scheduled = false;

const appendAll = db.transaction((batch: Pending[]) => {
  const now = Date.now();
  return batch.map(
    (p) => insert.run(p.fromUid, p.params.channelId, p.params.clientMsgNo, JSON.stringify(p.params.payload), now).lastInsertRowid,
  );
});

function flush(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  const ids = appendAll(batch);
  batch.forEach((p, i) => {
    p.from.send(JSON.stringify({ id: p.id, result: { clientMsgNo: p.params.clientMsgNo, messageId: String(ids[i]), reasonCode: 1 } }));
    sockets.get(p.params.channelId)?.send(
      JSON.stringify({
        event: 'message.new',
        data: { messageId: String(ids[i]), fromUid: p.fromUid, clientMsgNo: p.params.clientMsgNo, payload: p.params.payload },
      }),
    );
  });
}

const wss = new WebSocketServer({ port: Number(port), host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const uid = new URL(req.url ?? '/', 'http://x').searchParams.get('uid') ?? '';
  sockets.set(uid, ws);
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    queue.push({ from: ws, fromUid: uid, id: frame.id, params: frame.params });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  });
});
// Readiness for the benchmark's start-up check.
wss.on('listening', () => {});

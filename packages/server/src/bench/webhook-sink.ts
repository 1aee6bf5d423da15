import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { signatureOf } from '../domain/webhooks/signature.js';

/**
 * `node webhook-sink.js <port> <secret>`: the webhook benchmark's receiver, in a process of its own so
 * that its work is neither the server's nor the load generator's. It checks every POST's signature as
 * a real receiver would (docs/webhooks.md), answers 204, and counts; `GET /count` says how many events
 * and POSTs it took, and how many requests failed the check.
 */
const [port, secret] = process.argv.slice(2) as [string, string];
let events = 0;
let posts = 0;
let rejected = 0;

http
  .createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ events, posts, rejected }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const timestamp = Number(req.headers['x-parley-timestamp']);
      const expected = Buffer.from(`v1=${signatureOf(secret, timestamp, body)}`);
      const given = Buffer.from(String(req.headers['x-parley-signature'] ?? ''));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        rejected++;
        res.writeHead(401).end();
        return;
      }
      events += (JSON.parse(body) as { events: unknown[] }).events.length;
      posts++;
      res.writeHead(204).end();
    });
  })
  .listen(Number(port), '127.0.0.1');

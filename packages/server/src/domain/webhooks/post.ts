import http from 'node:http';
import https from 'node:https';
import { signedHeaders } from './signature.js';

export type PostOutcome = { ok: true } | { ok: false; error: string };

/** Kept-alive connections to the receiver, one pool per scheme: a batch does not pay for a new connection. */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 4 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 4 }),
};

/**
 * One signed POST of `body` to the receiver. Only a 2xx answer counts as delivered; a redirect is
 * not followed (a receiver that moved must be given its new URL), and an answer that does not come
 * within `timeoutMs` is a failure, as is a network error. The answer's body is read and dropped.
 * Node's own client rather than fetch: it costs a fraction of fetch's CPU per request, which the
 * sends of the same event loop get back.
 */
export function postEvents(
  url: string,
  body: string,
  secret: string,
  timeoutMs: number,
  nowMs: number,
  abandon: AbortSignal,
): Promise<PostOutcome> {
  // Encoded once: what is signed is the very bytes sent.
  const bytes = Buffer.from(body);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: { ...signedHeaders(secret, bytes, nowMs), 'content-length': bytes.length },
      agent: agents[target.protocol as 'http:' | 'https:'],
      signal: abandon,
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `no answer within ${timeoutMs / 1000} s` });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on('end', () => finish(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` }));
      res.on('error', (err) => finish({ ok: false, error: describe(err) }));
    });
    req.on('error', (err) => finish({ ok: false, error: abandon.aborted ? 'abandoned: the server was stopping' : describe(err) }));
    req.end(bytes);
  });
}

/** A failure in a few words, for the logs, the lanes' lastError and the dead letters. */
function describe(err: Error): string {
  const code = 'code' in err && err.code ? ` (${String(err.code)})` : '';
  return `${err.message || err.name}${code}`.slice(0, 300);
}

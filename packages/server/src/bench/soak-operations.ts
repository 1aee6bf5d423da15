import type { SoakClient } from './soak-client.js';
import { codeOf, RequestError } from './soak-connection.js';
import type { SendLedger } from './soak-ledger.js';
import type { SoakStats } from './soak-stats.js';

/**
 * The reads and revokes a soak user makes besides sending, each over the WebSocket or its REST
 * twin (alternately, so both transports stay under load). Every failure is counted by code,
 * none stops the run.
 */
export class SoakOperations {
  constructor(
    private readonly ledger: SendLedger,
    private readonly stats: SoakStats,
  ) {}

  /** conversation.list, first page of 100. */
  async list(c: SoakClient, rest: boolean): Promise<void> {
    await this.timed('list', rest ? 'GET /v1/conversations' : 'conversation.list', () =>
      rest ? this.http(c, 'GET', '/v1/conversations?limit=100') : c.conn.request('conversation.list', { limit: 100 }),
    );
  }

  /** message.history, 20 messages: the newest page or one at a random point of what the user saw. */
  async history(c: SoakClient, rest: boolean): Promise<void> {
    const conv = c.conversations[Math.floor(Math.random() * c.conversations.length)];
    if (!conv) return;
    const startSeq = Math.random() < 0.5 ? 0 : Math.floor(Math.random() * conv.coverage.upTo) + 1;
    const query = { startSeq, direction: 'up', limit: 20 };
    await this.timed('history', rest ? 'GET /v1/conversations/{id}/messages' : 'message.history', () =>
      rest
        ? this.http(
            c,
            'GET',
            `/v1/conversations/${encodeURIComponent(conv.conversationId)}/messages?startSeq=${startSeq}&direction=up&limit=20`,
          )
        : c.conn.request('message.history', { conversationId: conv.conversationId, ...query }),
    );
  }

  /** Revokes one of the user's messages acked in the last minute (well inside the 120 s window). */
  async revoke(c: SoakClient, rest: boolean): Promise<void> {
    const fresh = c.recent.filter((m) => !m.revoked && Date.now() - m.at < 60_000);
    const target = fresh[Math.floor(Math.random() * fresh.length)];
    if (!target) return;
    target.revoked = true;
    const op = rest ? 'POST /v1/messages/{id}/revoke' : 'message.revoke';
    try {
      await (rest
        ? this.http(c, 'POST', `/v1/messages/${target.messageId}/revoke`)
        : c.conn.request('message.revoke', { messageId: target.messageId }));
      this.ledger.revoked(c.index, target.n, true);
      this.stats.count(op);
    } catch (err) {
      const code = codeOf(err);
      // No answer: the revoke may have happened, so the final check accepts either state.
      if (code === 'interrupted' || code === 'timeout' || !(err instanceof RequestError)) this.ledger.revoked(c.index, target.n, false);
      this.failed(op, code);
    }
  }

  private async timed(kind: 'list' | 'history', op: string, run: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    try {
      await run();
      this.stats.latency(kind, performance.now() - started);
      this.stats.count(op);
    } catch (err) {
      this.failed(op, codeOf(err));
    }
  }

  /** A request cut off by the user's own planned reconnect is expected, not an error. */
  private failed(op: string, code: string): void {
    if (code === 'interrupted') this.stats.count(`${op} cut off by a reconnect`);
    else this.stats.error(`${op}: ${code}`);
  }

  private async http(c: SoakClient, method: 'GET' | 'POST', path: string): Promise<unknown> {
    const res = await fetch(`${c.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${c.token}` },
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { code?: string };
    if (!res.ok) throw new RequestError(body.code ?? `HTTP ${res.status}`);
    return body;
  }
}

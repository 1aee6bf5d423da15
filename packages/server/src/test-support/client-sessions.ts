import { TestClient } from '@parley/test-kit/ws-client';
import type { Send, SendAck } from './send-ledger.js';
import type { HttpResult, ServerProcess } from './server-process.js';

/** How one send ended: acked, lost with the connection (unknown whether stored), or answered with an error. */
export type SendResult = { ack: SendAck } | { lost: true } | { error: unknown };

/**
 * Every test user's connections to server processes: a WebSocket per user, and REST over that
 * process's own keep-alive connections. Each user talks to one process: the only one, or the node of
 * a cluster `serverOf` places it on. A SIGKILL of a process ends its users' sessions; a new
 * `ClientSessions` connects them again (to the restarted process, or to another node).
 */
export class ClientSessions {
  private constructor(
    private readonly serverOf: (uid: string) => ServerProcess,
    private readonly tokens: ReadonlyMap<string, string>,
    private readonly sockets: ReadonlyMap<string, TestClient>,
  ) {}

  /** Connects `wsUids` (each with its token) to `server`, or each to the node `server(uid)` names. */
  static async open(
    server: ServerProcess | ((uid: string) => ServerProcess),
    tokens: ReadonlyMap<string, string>,
    wsUids: readonly string[],
  ): Promise<ClientSessions> {
    const serverOf = typeof server === 'function' ? server : () => server;
    const sockets = new Map<string, TestClient>();
    for (const uid of wsUids) {
      const client = await TestClient.connect(serverOf(uid).wsUrl, token(tokens, uid), `crash-${uid}`);
      // A killed server may reset the connection: the close that follows is what the senders watch.
      client.ws.on('error', () => {});
      sockets.set(uid, client);
    }
    return new ClientSessions(serverOf, tokens, sockets);
  }

  /** Sends (or resends) as the send's own sender, over the transport it was first sent on. Never rejects. */
  async send(send: Send): Promise<SendResult> {
    if (send.via === 'ws') {
      const client = this.socket(send.fromUid);
      // ws drops frames written to a closed socket without a word: such a send was never made.
      if (client.closeCode !== undefined) return { lost: true };
      try {
        return { ack: await client.request<SendAck>('message.send', send.params) };
      } catch (error) {
        // An error frame carries a code; a lost connection rejects with a plain Error.
        return error && typeof error === 'object' && 'code' in error ? { error } : { lost: true };
      }
    }
    let res: HttpResult;
    try {
      res = await this.serverOf(send.fromUid).http('POST', '/v1/messages', { token: token(this.tokens, send.fromUid), body: send.params });
    } catch {
      return { lost: true };
    }
    return res.status === 200 ? { ack: res.body as SendAck } : { error: res };
  }

  /** A WebSocket request as `uid` that must succeed (the audit's reads). */
  request<T = any>(uid: string, method: string, params: unknown): Promise<T> {
    return this.socket(uid).request<T>(method, params);
  }

  /** A REST call as `uid` that must answer 200 (the audit's reads). */
  async get(uid: string, path: string): Promise<any> {
    const res = await this.serverOf(uid).http('GET', path, { token: token(this.tokens, uid) });
    if (res.status !== 200) throw new Error(`GET ${path} as ${uid} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Closes every WebSocket; the REST connections close with their process. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.sockets.values()].map((client) => {
        client.ws.terminate();
        return client.closed;
      }),
    );
  }

  private socket(uid: string): TestClient {
    const client = this.sockets.get(uid);
    if (!client) throw new Error(`${uid} has no WebSocket in this session`);
    return client;
  }
}

function token(tokens: ReadonlyMap<string, string>, uid: string): string {
  const t = tokens.get(uid);
  if (!t) throw new Error(`no token for ${uid}`);
  return t;
}

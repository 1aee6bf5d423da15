import { catchUp } from './soak-catch-up.js';
import { codeOf, SoakConnection } from './soak-connection.js';
import type { SoakConversation } from './soak-coverage.js';
import type { SendLedger } from './soak-ledger.js';
import type { SoakStats } from './soak-stats.js';

interface Unacked {
  conv: SoakConversation;
  sentAt: number;
  /** Sent again after a reconnect: its latency would measure the reconnect, so it is not counted. */
  resent: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One soak user on one device: sends over its WebSocket and records every ack in the ledger,
 * follows each conversation's seqs (acks, pushes, history), and reconnects like a client should:
 * unacked sends go again with the same clientMsgNo, then conversation.sync and message.history
 * fill whatever was pushed while it was away.
 */
export class SoakClient {
  readonly conn: SoakConnection;
  readonly unacked = new Map<number, Unacked>();
  reconnecting = false;
  stopping = false;
  private readonly byId: Map<string, SoakConversation>;
  private nextSend = 0;
  private syncToken: string | undefined;

  constructor(
    readonly index: number,
    readonly uid: string,
    readonly token: string,
    readonly base: string,
    readonly conversations: SoakConversation[],
    private readonly ledger: SendLedger,
    private readonly stats: SoakStats,
  ) {
    this.byId = new Map(conversations.map((c) => [c.conversationId, c]));
    const url = `${base.replace('http', 'ws')}/v1/ws?token=${token}&deviceId=soak`;
    this.conn = new SoakConnection(url, {
      intercept: (text) => this.intercept(text),
      closed: (code, wasOpen) => this.closed(code, wasOpen),
    });
  }

  get ready(): boolean {
    return this.conn.open && !this.reconnecting;
  }

  /** Connects and takes the sync token that later catch-ups start from. */
  async start(): Promise<void> {
    await this.conn.connect();
    this.syncToken = (await this.conn.request<{ syncToken: string }>('conversation.list', { limit: 100, needLastMsg: false })).syncToken;
  }

  send(conv: SoakConversation): void {
    const n = ++this.nextSend;
    this.ledger.sent(this.index, n, conv.channel);
    this.unacked.set(n, { conv, sentAt: performance.now(), resent: false });
    this.conn.sendRaw(this.sendFrame(n, conv));
  }

  /** Drops the connection (cleanly or not), waits a moment, and comes back caught up. */
  async reconnect(abrupt: boolean): Promise<void> {
    if (!this.ready) return;
    this.reconnecting = true;
    this.stats.count(abrupt ? 'reconnects (socket dropped)' : 'reconnects (clean close)');
    try {
      await this.conn.close(abrupt);
      await sleep(100 + Math.random() * 900);
      await this.resume();
    } finally {
      this.reconnecting = false;
    }
  }

  /**
   * Connects again, repeats the unacked sends, catches up; a connection lost on the way is tried
   * again (at most 10 times), a catch-up request the server fails is counted and left.
   */
  private async resume(): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.conn.open) {
          await this.conn.connect();
          this.repeatUnacked();
        }
        this.syncToken = await catchUp(this.conn, this.byId, this.syncToken, this.stats);
        this.stats.latency('catchUp', performance.now() - started);
        return;
      } catch (err) {
        this.stats.error(`reconnect: ${codeOf(err)}`);
        if (this.conn.open) return;
        if (attempt >= 10 || this.stopping) throw err;
        await sleep(500 * attempt);
      }
    }
  }

  private repeatUnacked(): void {
    for (const [n, s] of this.unacked) {
      s.resent = true;
      this.conn.sendRaw(this.sendFrame(n, s.conv));
      this.stats.count('sends repeated after reconnect');
    }
  }

  private sendFrame(n: number, conv: SoakConversation): string {
    return `{"id":"s${n}","method":"message.send","params":{"channelId":"${conv.to}","channelType":${conv.channelType},"clientMsgNo":"${this.uid}:${n}","payload":{"type":1,"content":"soak ${n} from ${this.uid}"}}}`;
  }

  /** Pushes and send acks, the bulk of the traffic, handled here without the request bookkeeping. */
  private intercept(text: string): boolean {
    // conversation.updated and message.updated carry nothing the checks need: skip parsing them.
    if (text.startsWith('{"event":"conversation.updated"') || text.startsWith('{"event":"message.updated"')) return true;
    if (text.startsWith('{"event":"message.new"')) {
      const m = (JSON.parse(text) as { data: { channelType: number; channelId: string; messageSeq: number } }).data;
      this.byId.get(`${m.channelType === 1 ? 'p2p' : 'team'}|${m.channelId}`)?.coverage.see(m.messageSeq);
      this.stats.count('message.new received');
      return true;
    }
    if (!text.startsWith('{"id":"s')) return false;
    const frame = JSON.parse(text) as {
      id: string;
      result?: { messageSeq: number; messageId: string; reasonCode: number };
      error?: { code: string };
    };
    const n = Number(frame.id.slice(1));
    const s = this.unacked.get(n);
    if (!s) return true;
    this.unacked.delete(n);
    const ack = frame.result;
    if (ack?.reasonCode !== 1) {
      this.stats.error(frame.error ? frame.error.code : `send reasonCode ${ack?.reasonCode}`);
      return true;
    }
    this.ledger.acked(this.index, n, ack.messageSeq, ack.messageId);
    s.conv.coverage.see(ack.messageSeq);
    this.recent.push({ n, messageId: ack.messageId, at: Date.now() });
    if (this.recent.length > 64) this.recent.shift();
    this.stats.count('sends acked');
    if (!s.resent) this.stats.latency('ack', performance.now() - s.sentAt);
    return true;
  }

  /** A close this client did not ask for (the server's doing): count it and come back. */
  private closed(code: number, wasOpen: boolean): void {
    if (!wasOpen || this.reconnecting || this.stopping) return;
    this.stats.error(`socket closed by server (${code})`);
    this.reconnecting = true;
    void sleep(500)
      .then(() => this.resume())
      .catch((err) => this.stats.error(`gave up reconnecting: ${codeOf(err)}`))
      .finally(() => {
        this.reconnecting = false;
      });
  }

  /** The last acks, newest last: what revokes pick from (the revoke window is 120 s). */
  readonly recent: { n: number; messageId: string; at: number; revoked?: boolean }[] = [];
}

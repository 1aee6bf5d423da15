import type { ClientSessions, SendResult } from './client-sessions.js';
import type { Send, SendLedger } from './send-ledger.js';

export interface LoadSender {
  uid: string;
  via: 'ws' | 'rest';
  /** Audit channel names (see `targetOf`) it sends to, in turn. */
  channels: readonly string[];
}

export interface LoadPlan {
  senders: readonly LoadSender[];
  /** Unacked sends each sender keeps in flight. */
  window: number;
  /** Every n-th send goes out twice at once, as a client that resends before the first ack would. */
  duplicateEvery: number;
  /** Bounds each sender, should the server never go away. */
  maxSendsPerSender: number;
}

/**
 * Senders that keep a window of unacked sends each, recording every send and ack in the ledger,
 * until their connection is lost (the server was killed), they reach their bound, or `stop()`.
 */
export class CrashLoad {
  /** Sends of this load acked for the first time. */
  acks = 0;
  readonly done: Promise<void>;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private stopped = false;

  constructor(
    private readonly sessions: ClientSessions,
    private readonly ledger: SendLedger,
    private readonly plan: LoadPlan,
    private readonly round: number,
  ) {
    this.done = Promise.all(plan.senders.map((s) => this.run(s))).then(() => {});
  }

  /** Resolves once `count` sends were acked; rejects if every sender stopped before that. */
  acked(count: number): Promise<void> {
    const reached = new Promise<void>((resolve) => {
      this.waiters.push({ count, resolve });
      this.wake();
    });
    const ended = this.done.then(() => {
      if (this.acks < count) throw new Error(`the load stopped after ${this.acks} acks, before ${count}`);
    });
    return Promise.race([reached, ended]);
  }

  /** No new sends from here on; `done` resolves once those in flight are answered. */
  stop(): void {
    this.stopped = true;
  }

  private async run(sender: LoadSender): Promise<void> {
    const { window, duplicateEvery, maxSendsPerSender } = this.plan;
    const inFlight = new Set<Promise<void>>();
    let made = 0;
    let lost = false;
    const fire = (send: Send) => {
      const settled = this.sessions.send(send).then((result) => {
        inFlight.delete(settled);
        if (!this.record(send, result)) lost = true;
      });
      inFlight.add(settled);
    };
    while (!lost && !this.stopped && made < maxSendsPerSender) {
      while (!lost && !this.stopped && inFlight.size < window && made < maxSendsPerSender) {
        const channel = sender.channels[made % sender.channels.length] as string;
        const clientMsgNo = `${sender.uid}-r${this.round}-${made}`;
        const send = this.ledger.add({ clientMsgNo, fromUid: sender.uid, via: sender.via, channel, round: this.round, index: made });
        made++;
        fire(send);
        if (made % duplicateEvery === 0) fire(send);
      }
      if (inFlight.size) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  }

  /** Returns false when the connection is gone. */
  private record(send: Send, result: SendResult): boolean {
    if ('lost' in result) return false;
    if ('error' in result) this.ledger.refused(send, result.error);
    else if (this.ledger.ack(send, result.ack)) {
      this.acks++;
      this.wake();
    }
    return true;
  }

  private wake(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i] as { count: number; resolve: () => void };
      if (this.acks >= waiter.count) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

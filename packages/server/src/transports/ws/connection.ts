import { CloseCode, type ErrorBody } from '@parley/protocol';
import type WebSocket from 'ws';
import type { Recipient } from '../../domain/delivery/recipient.js';

export interface ConnectionLimits {
  maxBufferedBytes: number;
}

/**
 * One WebSocket as the rest of the server sees it. Outgoing frames go straight to the socket;
 * if the client does not read and the socket's buffer passes the limit, the connection is
 * closed (SlowConsumer) rather than let memory grow.
 */
export class Connection implements Recipient {
  uid = '';
  deviceId = '';
  deviceFlag = 0;
  authenticated = false;
  alive = true;
  closed = false;

  constructor(
    readonly connectionId: string,
    private readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly onSlow: () => void,
  ) {}

  sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.onSlow();
      this.close(CloseCode.SlowConsumer, 'slow consumer: outgoing queue full');
      return;
    }
    this.corkUntilNextTurn();
    this.socket.send(text);
  }

  private corked = false;

  /**
   * Frames sent to one socket in the same turn of the event loop (the acks and deliveries of one
   * commit batch) leave in one write instead of one syscall each.
   */
  private corkUntilNextTurn(): void {
    if (this.corked) return;
    const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!raw) return;
    this.corked = true;
    raw.cork();
    setImmediate(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  reply(id: number | string | null, result: unknown): void {
    this.sendText(JSON.stringify({ id, result }));
  }

  fail(id: number | string | null, error: ErrorBody): void {
    this.sendText(JSON.stringify({ id, error }));
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED || this.socket.readyState === this.socket.CLOSING) return;
    this.socket.close(code, reason);
    // A peer that never answers the close handshake must not keep the socket.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }
}

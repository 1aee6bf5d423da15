import { CloseCode, type ErrorBody } from '@parley/protocol';
import type WebSocket from 'ws';
import type { Recipient } from '../../domain/delivery/recipient.js';
import type { TextFrames } from './text-frame.js';
import type { PendingWrites, WriteBatches } from './write-batches.js';

export interface ConnectionLimits {
  maxBufferedBytes: number;
}

/** What a connection shares with the gateway's others: the framing of the last text, the turn's flush. */
export interface ConnectionOutput {
  frames: TextFrames;
  batches: WriteBatches;
}

/** The byte stream under the WebSocket (`ws` keeps it as `_socket`). */
type RawSocket = { write(data: Buffer): boolean; readonly writableLength: number };

/**
 * One WebSocket as the rest of the server sees it. Outgoing frames wait for the end of the event
 * loop's turn and leave in one write (see `WriteBatches`), as bytes framed once per distinct text
 * (`TextFrames`); if the client does not read and the socket's buffer passes the limit, the
 * connection is closed (SlowConsumer) rather than let memory grow.
 *
 * The frames go to the socket under `ws`, not through `ws.send`: `ws` has no way to send bytes framed
 * once to many sockets. That is sound because the gateway turns permessage-deflate off (so `ws` never
 * queues a frame of its own behind a compression) and writes nothing once the socket is not open;
 * `ws` still writes its control frames (pong, close) itself, and those may go between two messages.
 */
export class Connection implements Recipient, PendingWrites {
  uid = '';
  deviceId = '';
  deviceFlag = 0;
  connectedAt = 0;
  authenticated = false;
  alive = true;
  closed = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** In the batches' list for the end of this turn (a reply waits). */
  private flushingNow = false;
  /** In the batches' delayed list, until it flushes this connection, even if a reply flushed it sooner. */
  private flushingLater = false;
  private readonly raw: RawSocket | undefined;

  constructor(
    readonly connectionId: string,
    private readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly output: ConnectionOutput,
    private readonly onSlow: () => void,
  ) {
    this.raw = (socket as unknown as { _socket?: RawSocket })._socket;
  }

  /**
   * A push waits for the gateway's write delay, if one is set; with `now`, an answer the client waits
   * for (a reply, auth.ok) leaves at the end of this turn whatever the delay.
   */
  sendText(text: string, now = false): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    const raw = this.raw;
    if (!raw) {
      this.socket.send(text);
      return;
    }
    if (raw.writableLength + this.pendingBytes > this.limits.maxBufferedBytes) {
      this.onSlow();
      this.close(CloseCode.SlowConsumer, 'slow consumer: outgoing queue full');
      return;
    }
    const frame = this.output.frames.frame(text);
    if (now || !this.output.batches.delays) {
      if (!this.flushingNow) {
        this.flushingNow = true;
        this.output.batches.addNow(this);
      }
    } else if (!this.flushingNow && !this.flushingLater) {
      this.flushingLater = true;
      this.output.batches.add(this);
    }
    this.pending.push(frame);
    this.pendingBytes += frame.length;
  }

  /** Writes what waited, in one write. */
  flush(delayed = false): void {
    if (delayed) this.flushingLater = false;
    this.flushingNow = false;
    const frames = this.pending;
    if (frames.length === 0) return;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.readyState !== this.socket.OPEN || !this.raw) return;
    this.raw.write(this.output.batches.join(frames, bytes));
  }

  reply(id: number | string | null, result: unknown): void {
    this.sendText(JSON.stringify({ id, result }), true);
  }

  fail(id: number | string | null, error: ErrorBody): void {
    this.sendText(JSON.stringify({ id, error }), true);
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED || this.socket.readyState === this.socket.CLOSING) return;
    this.flush(); // what was sent before the close goes out before it
    this.socket.close(code, reason);
    // A peer that never answers the close handshake must not keep the socket.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }
}

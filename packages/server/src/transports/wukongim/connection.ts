import { CloseCode, EventName, type Message } from '@parley/protocol';
import type WebSocket from 'ws';
import type { Recipient } from '../../domain/delivery/recipient.js';
import { encodeFrame, flagsOf, PacketType } from './codec/framing.js';
import type { SessionCipher } from './crypto.js';
import { recvSignString } from './crypto.js';
import { encodeDisconnect } from './packets/disconnect.js';
import { encodeRecv } from './packets/recv.js';
import { settingByteOf, topicOf, toWkContent } from './payload.js';
import { WkReason } from './reasons.js';

/**
 * One WuKongIM client as delivery sees it. Deliveries arrive as the JSON gateway's rendered pushes;
 * a `message.new` becomes a RECV encrypted for this session, everything else is dropped: SDK 1.0.4
 * cannot read an EVENT or any packet it does not know. Each packet goes in its own WebSocket
 * message (the SDK loses a second packet in one message).
 */
export class WkConnection implements Recipient {
  uid = '';
  deviceId = '';
  deviceFlag = 0;
  connectedAt = 0;
  version = 0;
  authenticated = false;
  alive = true;
  closed = false;
  cipher: SessionCipher | undefined;
  /** Sync-once messages delivered here and not yet acknowledged, by messageId. */
  readonly pendingOnce = new Set<string>();

  constructor(
    readonly connectionId: string,
    private readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly onSlow: () => void,
  ) {}

  /** One packet, one WebSocket message. */
  sendPacket(type: number, flags: number, body?: Buffer): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.onSlow();
      this.close(CloseCode.SlowConsumer, 'slow consumer: outgoing queue full');
      return;
    }
    this.socket.send(encodeFrame(type, flags, body));
  }

  sendText(text: string): void {
    if (!this.authenticated || !this.cipher) return;
    // Only message pushes concern this client; they start with their event name (see push-frame.ts).
    if (!text.startsWith(`{"event":"${EventName.MessageNew}"`)) return;
    let message: Message;
    try {
      message = (JSON.parse(text) as { data: Message }).data;
    } catch {
      return;
    }
    this.sendRecv(message);
  }

  private sendRecv(m: Message): void {
    const cipher = this.cipher;
    if (!cipher) return;
    const payload = cipher.encrypt(JSON.stringify(toWkContent(m)));
    const timestamp = Math.floor(m.timestamp / 1000);
    const fields = {
      messageId: m.messageId,
      messageSeq: m.messageSeq,
      clientMsgNo: m.clientMsgNo,
      timestamp,
      fromUid: m.fromUid,
      channelId: m.channelId,
      channelType: m.channelType,
      payload,
    };
    const setting = settingByteOf(m);
    const body = encodeRecv(
      { ...fields, setting, msgKey: cipher.msgKey(recvSignString(fields)), topic: topicOf(m), payload: Buffer.from(payload, 'ascii') },
      this.version,
    );
    if (m.header.syncOnce) this.pendingOnce.add(m.messageId);
    this.sendPacket(PacketType.Recv, flagsOf({ dup: false, ...m.header }), body);
  }

  /** Closes after a DISCONNECT where WuKongIM has a reason for the close (the SDK then stops reconnecting). */
  close(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED || this.socket.readyState === this.socket.CLOSING) return;
    const wk = disconnectReasonOf(code);
    if (wk !== undefined && this.authenticated) this.sendPacket(PacketType.Disconnect, 0, encodeDisconnect({ reasonCode: wk, reason }));
    this.socket.close(code, reason);
    // A peer that never answers the close handshake must not keep the socket.
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }
}

/** The DISCONNECT reason of a close: kicks and bans say so; a shutdown or a network fault let the SDK reconnect. */
function disconnectReasonOf(code: number): number | undefined {
  switch (code) {
    case CloseCode.Kicked:
    case CloseCode.Replaced:
      return WkReason.ConnectKick;
    case CloseCode.Banned:
      return WkReason.Ban;
    case CloseCode.TokenExpired:
    case CloseCode.AuthFailed:
      return WkReason.AuthFail;
    default:
      return undefined;
  }
}

import { CloseCode, EventName, type Message } from '@parley/protocol';
import type WebSocket from 'ws';
import type { Recipient } from '../../domain/delivery/recipient.js';
import { encodeFrame, flagsOf, PacketType } from './codec/framing.js';
import { type RecvFields, recvSignString, type SessionCipher } from './crypto.js';
import { extraCmdOf, type WkCmdContent } from './extra-cmd.js';
import { encodeDisconnect } from './packets/disconnect.js';
import { encodeRecv } from './packets/recv.js';
import { settingByteOf, topicOf, toWkContent } from './payload.js';
import { WkReason } from './reasons.js';

/** WebSocket's close code for a protocol error, as for a malformed packet. */
const PROTOCOL_ERROR = 1002;
const NEW_PREFIX = `{"event":"${EventName.MessageNew}"`;
const UPDATED_PREFIX = `{"event":"${EventName.MessageUpdated}"`;

type RecvHeader = { redDot: boolean; noPersist: boolean; syncOnce: boolean };

/**
 * One WuKongIM client as delivery sees it. Deliveries arrive as the JSON gateway's rendered pushes;
 * a `message.new` becomes a RECV encrypted for this session, a `message.updated` of a revoked or
 * edited message a CMD RECV (extra-cmd.ts), everything else is dropped: SDK 1.0.4 cannot read an
 * EVENT or any packet it does not know. Each packet goes in its own WebSocket
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
    const isNew = text.startsWith(NEW_PREFIX);
    if (!isNew && !text.startsWith(UPDATED_PREFIX)) return;
    let message: Message;
    try {
      message = (JSON.parse(text) as { data: Message }).data;
    } catch {
      return;
    }
    if (isNew) {
      this.sendMessage(message);
      return;
    }
    // A revoke or an edit: a CMD that tells the SDK to sync the message's extras. It is a push
    // only: nothing is stored, so it is in no history and counts as no unread.
    const cmd = extraCmdOf(message);
    if (cmd) this.sendCmd(message, cmd);
  }

  private sendMessage(m: Message): void {
    if (m.header.syncOnce) this.pendingOnce.add(m.messageId);
    this.sendRecv(
      {
        messageId: m.messageId,
        messageSeq: m.messageSeq,
        clientMsgNo: m.clientMsgNo,
        timestamp: Math.floor(m.timestamp / 1000),
        fromUid: m.fromUid,
        channelId: m.channelId,
        channelType: m.channelType,
      },
      toWkContent(m),
      settingByteOf(m),
      topicOf(m),
      m.header,
    );
  }

  /**
   * A CMD RECV for message `m`, in its channel as this user names it, from whoever changed it. It
   * has no message id or seq of its own (0: it is no stored message) and no red dot.
   */
  private sendCmd(m: Message, cmd: WkCmdContent): void {
    this.sendRecv(
      {
        messageId: '0',
        messageSeq: 0,
        clientMsgNo: `${cmd.cmd}-${m.messageId}-${cmd.param.extra_version}`,
        timestamp: Math.floor(cmd.param.extra_version / 1000),
        fromUid: m.extra.revoker ?? m.fromUid,
        channelId: m.channelId,
        channelType: m.channelType,
      },
      cmd,
      0,
      undefined,
      { redDot: false, noPersist: true, syncOnce: false },
    );
  }

  private sendRecv(fields: RecvFields, content: object, setting: number, topic: string | undefined, header: RecvHeader): void {
    const cipher = this.cipher;
    if (!cipher) return;
    const payload = cipher.encrypt(JSON.stringify(content));
    const signed = { ...fields, payload };
    const body = encodeRecv(
      { ...signed, setting, msgKey: cipher.msgKey(recvSignString(signed)), topic, payload: Buffer.from(payload, 'ascii') },
      this.version,
    );
    this.sendPacket(PacketType.Recv, flagsOf({ dup: false, ...header }), body);
  }

  /** Closes after a DISCONNECT where WuKongIM has a reason for the close (the SDK then stops reconnecting). */
  close(code: number, reason: string): void {
    this.closeWith(code, disconnectReasonOf(code), reason);
  }

  /**
   * Closes with a DISCONNECT of WuKongIM reason `reasonCode` (the SDK then stops reconnecting): for
   * a SEND whose msgKey or encryption is wrong, which says the client and we disagree on the session.
   */
  refuse(reasonCode: number, reason: string): void {
    this.closeWith(PROTOCOL_ERROR, reasonCode, reason);
  }

  /** Closing or closed: packets still queued from it are not handled. */
  get closing(): boolean {
    return this.socket.readyState !== this.socket.OPEN;
  }

  private closeWith(code: number, wk: number | undefined, reason: string): void {
    if (this.socket.readyState === this.socket.CLOSED || this.socket.readyState === this.socket.CLOSING) return;
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

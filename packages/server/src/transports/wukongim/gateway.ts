import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { CloseCode, DeviceFlag, SendParams } from '@parley/protocol';
import { Compile } from 'typebox/compile';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { AppContext } from '../../app-context.js';
import { PEERS_KNOW_TIMEOUT_MS } from '../../domain/presence/presence-directory.js';
import { toParleyError } from '../shared/errors.js';
import { echoedClientMsgNo, invalidSendReason } from '../shared/send-validation.js';
import { originAllowed } from '../ws/origin-policy.js';
import { WkCodecError } from './codec/errors.js';
import { decodeFrame, headerOf, PacketType } from './codec/framing.js';
import { isSupportedVersion, MAX_VERSION } from './codec/version.js';
import { WkConnection } from './connection.js';
import { SessionCipher, sendSignString } from './crypto.js';
import { connackFlags, encodeConnack } from './packets/connack.js';
import { type ConnectPacket, decodeConnect } from './packets/connect.js';
import { decodeRecvack } from './packets/recvack.js';
import { decodeSend, type SendPacket } from './packets/send.js';
import { encodeSendack } from './packets/sendack.js';
import { toSendParams } from './payload.js';
import { WkReason } from './reasons.js';

export const WUKONGIM_PATH = '/v1/wukongim';
const MAX_TIMER_MS = 2_147_483_647;
const sendParamsFit = Compile(SendParams);

/**
 * WuKongIM's binary protocol at /v1/wukongim, for apps built on `wukongimjssdk`: CONNECT with a Parley
 * token, SEND into the same send path as the JSON gateway, RECV of what the delivery router hands
 * this user's devices. Bytes that are not a packet close their connection and nothing else.
 */
export class WkGateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<WkConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  /** The port of its own (PARLEY_WUKONGIM_PORT), once listening. */
  private own: Server | undefined;
  private nextId = 0;

  constructor(
    private readonly ctx: AppContext,
    server: Server,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.config.wsMaxFrameBytes, perMessageDeflate: false });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head, false));
    this.heartbeat = setInterval(() => this.beat(), ctx.config.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /**
   * Also listens on a port of its own, where every path is this gateway (WuKongIM's apps are given a
   * bare `ws://host:port`); plain HTTP there is 404. Answers the port.
   */
  async listen(port: number, host: string): Promise<number> {
    const own = createServer((_req, res) => {
      res.writeHead(404, { connection: 'close' }).end();
    });
    own.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head, true));
    await new Promise<void>((resolve, reject) => {
      own.once('error', reject);
      own.listen(port, host, () => resolve());
    });
    this.own = own;
    return (own.address() as AddressInfo).port;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ownPort: boolean): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!ownPort && url.pathname !== WUKONGIM_PATH) return; // the JSON gateway answers every other path
    if (this.ctx.isShuttingDown()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!originAllowed(req, this.ctx.config.allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
  }

  private open(ws: WebSocket): void {
    const conn = new WkConnection(`${this.ctx.config.nodeId}:wk${++this.nextId}`, ws, this.ctx.config.wsMaxBufferedBytes, () =>
      this.ctx.metrics.wsClosed.inc({ reason: 'slow_consumer' }),
    );
    this.connections.add(conn);
    const timers: NodeJS.Timeout[] = [
      setTimeout(() => {
        if (!conn.authenticated) conn.close(CloseCode.AuthTimeout, 'CONNECT within the timeout');
      }, this.ctx.config.authTimeoutMs),
    ];
    // Packets are handled in arrival order: a SEND waits for the CONNECT before it.
    let queue = Promise.resolve();
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      queue = queue.then(() => this.onMessage(conn, data, isBinary, timers)).catch((err) => this.fault(conn, err));
    });
    ws.on('error', () => {}); // 'close' follows and does the cleanup
    ws.on('close', () => {
      conn.closed = true;
      for (const t of timers) clearTimeout(t);
      this.connections.delete(conn);
      if (conn.authenticated) {
        this.ctx.router.detach(conn);
        this.ctx.presence.disconnected(conn);
        this.ctx.metrics.connections.dec();
      }
    });
  }

  /** A malformed packet closes its connection (1002, protocol error); anything else is our fault (1011). */
  private fault(conn: WkConnection, err: unknown): void {
    if (err instanceof WkCodecError) {
      conn.close(1002, err.message);
      return;
    }
    this.ctx.log.error({ err }, 'wukongim packet failed');
    conn.close(1011, 'internal error');
  }

  private async onMessage(conn: WkConnection, data: WebSocket.RawData, isBinary: boolean, timers: NodeJS.Timeout[]): Promise<void> {
    if (conn.closed || conn.closing) return;
    if (!isBinary) throw new WkCodecError('packets are binary');
    const frame = decodeFrame(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
    if (!conn.authenticated) {
      if (frame.type !== PacketType.Connect) throw new WkCodecError('CONNECT first');
      await this.connect(conn, decodeConnect(frame.body), timers);
      return;
    }
    switch (frame.type) {
      case PacketType.Ping:
        conn.sendPacket(PacketType.Pong, 0);
        return;
      case PacketType.Send:
        this.send(conn, decodeSend(frame.body, conn.version), headerOf(frame.flags));
        return;
      case PacketType.Recvack: {
        const ack = decodeRecvack(frame.body);
        // A sync-once message is done for this user once a device has it (the JSON gateway's message.ackOnce).
        if (conn.pendingOnce.delete(ack.messageId)) await this.ctx.syncOnce.ack(conn.uid, [ack.messageId]);
        return;
      }
      case PacketType.Sub:
        return; // channel subscriptions are not offered: membership decides what a user receives
      default:
        throw new WkCodecError(`unexpected packet type ${frame.type}`);
    }
  }

  private refuseConnect(conn: WkConnection, version: number, reasonCode: number, reason: string): void {
    // The SDK reads a serverKey even from a refusal; a throwaway one keeps it from throwing.
    const spare = SessionCipher.forClient(Buffer.alloc(32, 9).toString('base64'));
    const speak = isSupportedVersion(version) ? version : 2;
    conn.sendPacket(
      PacketType.Connack,
      connackFlags(speak),
      encodeConnack({ timeDiff: 0, reasonCode, serverKey: spare.serverKey, salt: spare.salt }, speak),
    );
    conn.close(CloseCode.AuthFailed, reason);
  }

  private async connect(conn: WkConnection, p: ConnectPacket, timers: NodeJS.Timeout[]): Promise<void> {
    if (!isSupportedVersion(p.version)) {
      this.refuseConnect(
        conn,
        p.version,
        WkReason.ProtocolUpgradeRequired,
        `protocol version ${p.version} not supported (2..${MAX_VERSION})`,
      );
      return;
    }
    if (!p.clientKey) {
      this.refuseConnect(conn, p.version, WkReason.ClientKeyIsEmpty, 'clientKey is empty');
      return;
    }
    let cipher: SessionCipher;
    try {
      cipher = SessionCipher.forClient(p.clientKey);
    } catch {
      this.refuseConnect(conn, p.version, WkReason.ClientKeyIsEmpty, 'clientKey is not an X25519 key');
      return;
    }
    let verified: { uid: string; expiresAt: number };
    try {
      verified = await this.ctx.tokens.verify(p.token);
      if (verified.uid !== p.uid) throw new Error('token of another uid');
    } catch (err) {
      const code = toParleyError(err).code;
      this.refuseConnect(conn, p.version, code === 'auth.banned' ? WkReason.Ban : WkReason.AuthFail, 'authentication failed');
      return;
    }
    if (conn.closed) return; // closed while the token was being checked: registering it now would leak it
    conn.uid = verified.uid;
    conn.version = p.version;
    conn.cipher = cipher;
    conn.deviceId = p.deviceId || `anon-${conn.connectionId}`;
    conn.deviceFlag = deviceFlagOf(p.deviceFlag);
    conn.connectedAt = Date.now();
    conn.authenticated = true;
    this.ctx.metrics.connections.inc();
    this.ctx.presence.connected(conn, conn.connectedAt);
    await this.ctx.router.attach(conn);
    await this.untilKnownEverywhere();
    if (conn.closed) return;
    if (this.ctx.config.singleDeviceFlags.includes(conn.deviceFlag)) this.ctx.sessions.replaceOlder(conn);
    timers.push(
      setTimeout(
        () => conn.close(CloseCode.TokenExpired, 'token expired'),
        Math.min(MAX_TIMER_MS, Math.max(0, verified.expiresAt - Date.now())),
      ),
    );
    conn.sendPacket(
      PacketType.Connack,
      connackFlags(p.version),
      encodeConnack(
        { timeDiff: Date.now() - p.clientTimestamp, reasonCode: WkReason.Success, serverKey: cipher.serverKey, salt: cipher.salt },
        p.version,
      ),
    );
  }

  /**
   * As the JSON gateway's login: CONNACK waits until every other node knows of this device, so a
   * group message they commit from then on reaches this node and one committed before is in the
   * SDK's sync after it. A peer slower than PEERS_KNOW_TIMEOUT_MS does not hold the connect (a
   * WuKongIM client has no "sync again" push to be told of the gap by: its next sync closes it).
   */
  private async untilKnownEverywhere(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ctx.presence.directory.peersKnow(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, PEERS_KNOW_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * A SEND: its msgKey checked and its payload decrypted here, then the same send as the JSON
   * gateway's `message.send` (same checks, same reason codes; a resent clientMsgNo is answered with
   * the first send's ack and stored once). Started in arrival order, acknowledged when stored.
   */
  private send(conn: WkConnection, p: SendPacket, header: ReturnType<typeof headerOf>): void {
    // Shutting down: no ack, so the SDK sends it again once reconnected (and it is stored once).
    if (this.ctx.isShuttingDown()) return;
    const cipher = conn.cipher as SessionCipher;
    const ack = (messageId: string, messageSeq: number, reasonCode: number) =>
      conn.sendPacket(PacketType.Sendack, 0, encodeSendack({ messageId, clientSeq: p.clientSeq, messageSeq, reasonCode }));
    const payloadText = p.payload.toString('latin1');
    const expected = cipher.msgKey(sendSignString({ ...p, payload: payloadText }));
    // A wrong msgKey or ciphertext: client and server disagree on the session's keys, and nothing
    // this connection sends can be trusted. It is closed (DISCONNECT with the reason); the packets
    // after it are not read, and nothing is stored.
    if (p.msgKey !== expected) {
      conn.refuse(WkReason.MsgKeyError, 'msgKey does not match');
      return;
    }
    let plain: Buffer;
    try {
      plain = cipher.decrypt(payloadText);
    } catch {
      conn.refuse(WkReason.PayloadDecodeError, 'payload does not decrypt');
      return;
    }
    let content: unknown;
    try {
      content = JSON.parse(plain.toString('utf8'));
    } catch {
      ack('0', 0, WkReason.PayloadDecodeError);
      return;
    }
    if (p.streamNo !== undefined) {
      ack('0', 0, WkReason.NotSupportHeader);
      return;
    }
    const env = { header, setting: p.setting, clientMsgNo: p.clientMsgNo, channelId: p.channelId, channelType: p.channelType };
    const params = toSendParams(content, p.topic === undefined ? env : { ...env, topic: p.topic });
    if (params === undefined) {
      ack('0', 0, WkReason.PayloadDecodeError);
      return;
    }
    if (!sendParamsFit.Check(params)) {
      const reason = invalidSendReason(params, SendParams) ?? WkReason.PayloadDecodeError;
      const refused = this.ctx.messages.refuse(echoedClientMsgNo(params), reason);
      ack(refused.messageId, 0, refused.reasonCode);
      return;
    }
    this.ctx.messages.send({ uid: conn.uid, origin: conn.connectionId }, params as SendParams).then(
      (result) => ack(result.messageId, result.messageSeq, result.reasonCode),
      (err) => {
        this.ctx.log.error({ err }, 'wukongim send failed');
        ack('0', 0, WkReason.SystemError);
      },
    );
  }

  /** Pings (WebSocket control frames, which the SDK never sees) every interval; a silent connection is dropped. */
  private beat(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        this.ctx.metrics.wsClosed.inc({ reason: 'idle' });
        conn.close(CloseCode.Idle, 'no heartbeat');
        continue;
      }
      conn.alive = false;
      conn.ping();
    }
  }

  /** Closes every connection (1001, no DISCONNECT: the SDK reconnects to the next server). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const conn of this.connections) conn.close(CloseCode.ShuttingDown, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    const own = this.own;
    if (own) {
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
    }
  }
}

/** WuKongIM's device flags (0 app, 1 web, 2 pc) as Parley's (1 app, 2 web, 3 desktop); any other counts as web. */
export function deviceFlagOf(wk: number): number {
  if (wk === 0) return DeviceFlag.App;
  if (wk === 2) return DeviceFlag.Desktop;
  return DeviceFlag.Web;
}

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthParams, CloseCode, DeviceFlag, EventName, ParleyError, RequestFrame } from '@parley/protocol';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { AppContext } from '../../app-context.js';
import { clientLimits } from '../../config.js';
import { renderPush } from '../../domain/delivery/push-frame.js';
import { PEERS_KNOW_TIMEOUT_MS } from '../../domain/presence/presence-directory.js';
import { toParleyError } from '../shared/errors.js';
import { requireJsonShape } from '../shared/json-guard.js';
import { WUKONGIM_PATH } from '../wukongim/gateway.js';
import { Connection, type ConnectionOutput } from './connection.js';
import { validate } from './frame-validation.js';
import { findMethod } from './methods.js';
import { originAllowed } from './origin-policy.js';
import { TextFrames } from './text-frame.js';
import { WriteBatches } from './write-batches.js';

const MAX_TIMER_MS = 2_147_483_647;

/**
 * The WebSocket transport at /v1/ws: authentication, heartbeat, request dispatch and graceful
 * shutdown. It holds no domain logic: methods call the services, deliveries come from the router.
 */
export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly output: ConnectionOutput;
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 0;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    server: Server,
  ) {
    this.output = { frames: new TextFrames(), batches: new WriteBatches(ctx.config.wsWriteDelayMs) };
    const { written } = this.output.batches;
    ctx.metrics.watchWsWrites(() => written);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.config.wsMaxFrameBytes, perMessageDeflate: false });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.beat(), ctx.config.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === WUKONGIM_PATH) return; // WuKongIM's binary protocol: its own gateway answers
    if (url.pathname !== '/v1/ws' || this.ctx.isShuttingDown()) {
      socket.end(`HTTP/1.1 ${this.ctx.isShuttingDown() ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    if (!originAllowed(req, this.ctx.config.allowedOrigins)) {
      const body = JSON.stringify(new ParleyError('origin.forbidden', `Origin ${req.headers.origin} may not connect`).toBody());
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, url.searchParams));
  }

  private open(ws: WebSocket, query: URLSearchParams): void {
    const conn = new Connection(
      `${this.ctx.config.nodeId}:${++this.nextId}`,
      ws,
      { maxBufferedBytes: this.ctx.config.wsMaxBufferedBytes },
      this.output,
      () => this.ctx.metrics.wsClosed.inc({ reason: 'slow_consumer' }),
    );
    this.connections.add(conn);
    const timers: NodeJS.Timeout[] = [];
    timers.push(
      setTimeout(() => {
        if (!conn.authenticated) conn.close(CloseCode.AuthTimeout, 'authenticate within the timeout');
      }, this.ctx.config.authTimeoutMs),
    );
    ws.on('pong', () => {
      conn.alive = true;
    });
    // With `?token=`, the authentication while it is under way: frames that come meanwhile wait for it.
    let urlAuth: Promise<void> | undefined;
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      void this.onFrame(conn, data, isBinary, timers, urlAuth);
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
    const token = query.get('token');
    if (token) {
      const params = { token, deviceId: query.get('deviceId') ?? undefined, deviceFlag: Number(query.get('deviceFlag') ?? DeviceFlag.Web) };
      urlAuth = Promise.resolve()
        .then(() => this.authenticate(conn, null, validate<AuthParams>(AuthParams, params, 'query'), timers))
        .catch((err) => {
          this.refuseAuth(conn, null, err);
          conn.close(CloseCode.AuthFailed, 'authentication failed');
        })
        .finally(() => {
          urlAuth = undefined;
        });
    }
  }

  private async onFrame(
    conn: Connection,
    data: WebSocket.RawData,
    isBinary: boolean,
    timers: NodeJS.Timeout[],
    urlAuth: Promise<void> | undefined,
  ): Promise<void> {
    let id: number | string | null = null;
    try {
      if (isBinary) throw new ParleyError('request.malformed', 'Frames are JSON text');
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        throw new ParleyError('request.malformed');
      }
      const maybeId = (parsed as { id?: unknown } | null)?.id;
      if (typeof maybeId === 'number' || typeof maybeId === 'string') id = maybeId;
      requireJsonShape(parsed, this.ctx.config.limits);
      const frame = validate<RequestFrame>(RequestFrame, parsed, 'frame');
      // A client may send as soon as the socket opens: its frames then wait, in arrival order, until the
      // `?token=` authentication has ended (a token check, then in a cluster every node's word) and its
      // `auth.ok` is out, instead of being refused or served before the device is known everywhere.
      if (urlAuth) await urlAuth;
      if (frame.method === 'auth') {
        if (conn.authenticated) throw new ParleyError('auth.already_authenticated');
        await this.authenticate(conn, frame.id, validate<AuthParams>(AuthParams, frame.params, 'params'), timers).catch((err) =>
          this.refuseAuth(conn, frame.id, err),
        );
        return;
      }
      if (!conn.authenticated) throw new ParleyError('auth.required', 'Send an auth frame first');
      const method = findMethod(frame.method);
      if (!method) throw new ParleyError('method.unknown', `No method "${frame.method}"`);
      if (this.ctx.isShuttingDown()) throw new ParleyError('server.shutting_down');
      const raw = frame.params ?? {};
      let params: unknown;
      try {
        params = validate(method.params, raw, 'params');
      } catch (err) {
        const answer = method.answerInvalid?.(this.ctx, raw);
        if (answer === undefined) throw err;
        conn.reply(frame.id, answer);
        return;
      }
      this.inFlight++;
      try {
        conn.reply(frame.id, await method.handle(this.ctx, { uid: conn.uid, connectionId: conn.connectionId, connection: conn }, params));
      } finally {
        if (--this.inFlight === 0) this.idle?.();
      }
    } catch (err) {
      const error = toParleyError(err);
      if (error.status >= 500) this.ctx.log.error({ err }, 'websocket request failed');
      conn.fail(id, error.toBody());
    }
  }

  private async authenticate(conn: Connection, id: number | string | null, params: AuthParams, timers: NodeJS.Timeout[]): Promise<void> {
    const { uid, expiresAt } = await this.ctx.tokens.verify(params.token);
    // Closed while the token was being checked: registering it now would leak it in the router.
    if (conn.closed) return;
    if (conn.authenticated) throw new ParleyError('auth.already_authenticated');
    conn.uid = uid;
    conn.deviceId = params.deviceId ?? `anon-${conn.connectionId}`;
    conn.deviceFlag = params.deviceFlag ?? DeviceFlag.Web;
    conn.connectedAt = Date.now();
    conn.authenticated = true;
    this.ctx.metrics.connections.inc();
    this.ctx.presence.connected(conn, conn.connectedAt);
    await this.ctx.router.attach(conn);
    await this.untilKnownEverywhere(conn);
    if (this.ctx.config.singleDeviceFlags.includes(conn.deviceFlag)) this.ctx.sessions.replaceOlder(conn);
    timers.push(
      setTimeout(() => conn.close(CloseCode.TokenExpired, 'token expired'), Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - Date.now()))),
    );
    const result = {
      uid,
      deviceId: conn.deviceId,
      deviceFlag: conn.deviceFlag,
      serverTime: Date.now(),
      heartbeatIntervalMs: this.ctx.config.heartbeatIntervalMs,
      limits: clientLimits(this.ctx.config.limits),
    };
    if (id === null) conn.sendText(renderPush('auth.ok', result), true);
    else conn.reply(id, result);
  }

  /**
   * The client syncs right after its auth answer, so that answer waits until every other node knows
   * of this device: a group message those nodes commit from then on is published to this node (see
   * `DeliveryRouter.pushToMembers`), and one committed before is in the sync. A peer slower than
   * `PEERS_KNOW_TIMEOUT_MS` does not hold the login: the answer goes, and once the peer knows, the
   * connection is told `sync.required` to pull what it may have missed in between.
   */
  private async untilKnownEverywhere(conn: Connection): Promise<void> {
    const known = this.ctx.presence.directory.peersKnow();
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      known.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PEERS_KNOW_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (inTime) return;
    void known.then(() => {
      if (!conn.closed) conn.sendText(renderPush(EventName.SyncRequired, { reason: 'presence.late' }));
    });
  }

  private refuseAuth(conn: Connection, id: number | string | null, err: unknown): void {
    const error = toParleyError(err);
    conn.fail(id, error.toBody());
    if (error.code !== 'auth.already_authenticated' && error.code !== 'request.invalid') {
      conn.close(closeCodeOf(error.code), error.message);
    }
  }

  /** Pings every interval; a connection that answered nothing since the last ping is dropped. */
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

  /** Waits for every request in progress to be answered, then closes every connection (1001). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    for (const conn of this.connections) conn.close(CloseCode.ShuttingDown, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

/** The close code of a refused `auth`: an expired token may be refreshed; a banned user's may not. */
function closeCodeOf(code: string): number {
  if (code === 'auth.token_expired') return CloseCode.TokenExpired;
  if (code === 'auth.banned') return CloseCode.Banned;
  return CloseCode.AuthFailed;
}

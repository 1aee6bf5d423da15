import type { AuthResult, ClientLimits, ErrorBody } from '@parley/protocol';
import { CloseCode, EventName } from '@parley/protocol/constants';
import { backoffDelay } from './backoff.js';
import { ParleyClientError } from './errors.js';
import { ServerUrls } from './server-urls.js';
import { defaultSocketFactory, type SocketFactory, type SocketLike } from './socket.js';

/**
 * Where the connection stands, as `client.onStatus` reports it:
 * - `disconnected`: not started yet.
 * - `connecting`: `start()` is dialling (each server of the list once).
 * - `connected`: signed in and caught up; requests and sends go out.
 * - `reconnecting`: the connection dropped, or `start()` reached no server: the SDK retries with backoff
 *   (to the next server of the list, if several) until it is back. One status for the whole time, however
 *   many tries it takes; sends wait in the outbox meanwhile.
 * - `tokenExpired`: the server refused the token (expired, revoked, invalid). With `refreshToken` the SDK
 *   asks for a new one and goes on `reconnecting`; without, it stops here.
 * - `banned`: the user was banned (close code 4011, or `auth.banned` at sign-in). The SDK stops.
 * - `erased`: the account was erased (close code 4010). The SDK stops.
 * - `kicked`: the app's server signed this device out, or revoked the user's tokens (`session.kicked`,
 *   then close 4010). The SDK stops; signing in again (a new client) is up to the app.
 * - `replaced`: a newer login of the user with the same deviceFlag took this connection's place
 *   (close 4012, on servers with `PARLEY_SINGLE_DEVICE_FLAGS`). The SDK stops: reconnecting would
 *   replace the newer one in turn.
 * - `closed`: the app called `close()`.
 */
export type ConnectionStatus =
  | 'disconnected'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'tokenExpired'
  | 'banned'
  | 'erased'
  | 'kicked'
  | 'replaced'
  | 'closed';

export interface ConnectionOptions {
  /**
   * Server base URL, e.g. `http://localhost:5280` or `wss://chat.example.com`: one server, or a load
   * balancer in front of a cluster. Or the URLs of a cluster's nodes: the client connects to the first
   * and, after a failed connect or a dropped connection, to the next (with the usual backoff).
   */
  url: string | readonly string[];
  token: string;
  deviceId?: string;
  deviceFlag?: 1 | 2 | 3;
  /** Answer a fresh token when the old one expired; without it the SDK stops at `tokenExpired`. */
  refreshToken?: () => Promise<string>;
  socketFactory?: SocketFactory;
  requestTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: ParleyClientError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One logical connection that survives network failures: requests by id, pushes, reconnect with
 * backoff and jitter, to the next server of the list when there are several. `onReady` runs after
 * every (re)authentication and before the status turns `connected`, so the client can resync first.
 */
export class Connection {
  status: ConnectionStatus = 'disconnected';
  /** The reason of a `session.kicked` push: the server closes the connection right after it. */
  private kickedFor: string | undefined;
  uid = '';
  /** Why the server refused the last sign-in (a banned user, a bad token); cleared by the next success. */
  refusal: ParleyClientError | undefined;
  /** The server's limits, as told at sign-in; undefined until the first connection. */
  limits: ClientLimits | undefined;
  private socket: SocketLike | undefined;
  private nextId = 0;
  private attempt = 0;
  private readonly pending = new Map<number, Pending>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private factory: SocketFactory | undefined;
  private stopped = false;
  /** `open()` is going round the servers once: a failed dial leaves the status `connecting`. */
  private opening = false;
  /** A dial is scheduled after a backoff. */
  private retrying = false;
  /** The socket that is signed in: requests may go out on it while the client catches up, before `connected`. */
  private signedIn: SocketLike | undefined;
  private readonly servers: ServerUrls;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly handlers: {
      onStatus: (status: ConnectionStatus) => void;
      onPush: (event: string, data: unknown) => void;
      onReady: () => Promise<void>;
    },
  ) {
    this.servers = new ServerUrls(options.url);
  }

  /** The base URL of the server in use (or being dialled). */
  get url(): string {
    return this.servers.current;
  }

  /**
   * Connects; with several servers, one that cannot be reached is skipped at once rather than after
   * a backoff. Returns when connected or when every server failed once (reconnecting goes on).
   */
  async open(): Promise<void> {
    this.stopped = false;
    this.factory ??= this.options.socketFactory ?? (await defaultSocketFactory());
    this.setStatus('connecting');
    this.opening = true;
    try {
      for (let left = this.servers.count; ; left--) {
        await this.dial();
        if (!this.retrying || left <= 1) break;
        // The failed dial moved on to the next server and scheduled it after a backoff: dial it now.
        clearTimeout(this.reconnectTimer);
      }
    } finally {
      this.opening = false;
    }
    if (this.retrying) this.setStatus('reconnecting');
  }

  close(): void {
    this.stopped = true;
    this.retrying = false;
    clearTimeout(this.reconnectTimer);
    this.socket?.close(1000, 'client closed');
    this.fail(new ParleyClientError('client.closed', 'The client was closed'));
    this.setStatus('closed');
  }

  request<T>(method: string, params?: unknown): Promise<T> {
    const open = this.socket?.readyState === 1;
    const catchingUp = open && this.signedIn !== undefined && this.signedIn === this.socket;
    // A socket already closing (the server went away; its close event has not come yet) is not written to.
    if (!open || (this.status !== 'connected' && !catchingUp)) {
      return Promise.reject(new ParleyClientError('client.disconnected', `Not connected (${this.status})`));
    }
    return this.send<T>(method, params);
  }

  private send<T>(method: string, params?: unknown): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ParleyClientError('client.timeout', `${method} got no answer`));
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket?.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    });
  }

  private dial(): Promise<void> {
    this.retrying = false;
    const socket = (this.factory as SocketFactory)(this.servers.webSocket);
    this.socket = socket;
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      socket.onopen = () => {
        void this.authenticate(socket).then(
          () => {
            this.attempt = 0;
            this.setStatus('connected');
            settle();
          },
          () => settle(),
        );
      };
      socket.onmessage = (ev) => this.receive(String(ev.data));
      socket.onerror = () => {};
      socket.onclose = (ev) => {
        if (this.socket !== socket) return;
        this.fail(new ParleyClientError('client.disconnected', `Connection closed (${ev.code})`));
        settle();
        this.afterClose(ev.code);
      };
    });
  }

  private async authenticate(socket: SocketLike): Promise<void> {
    const { token, deviceId, deviceFlag } = this.options;
    let result: AuthResult;
    try {
      result = await this.send<AuthResult>('auth', { token, ...(deviceId && { deviceId }), ...(deviceFlag && { deviceFlag }) });
    } catch (err) {
      if (err instanceof ParleyClientError && err.code.startsWith('auth.')) this.refusal = err;
      throw err;
    }
    this.refusal = undefined;
    this.signedIn = socket;
    this.uid = result.uid;
    // An older server sends none: keep what is known rather than forget it.
    this.limits = result.limits ?? this.limits;
    await this.handlers.onReady();
  }

  private afterClose(code: number): void {
    if (this.stopped) return;
    // Banned, erased, signed out or replaced: reconnecting would be refused (or would take the newer
    // login's place), so the SDK stops.
    const ending = endingOf(code, this.kickedFor);
    if (ending) {
      this.stopped = true;
      this.setStatus(ending);
      return;
    }
    if (code === CloseCode.TokenExpired || code === CloseCode.AuthFailed) {
      this.setStatus('tokenExpired');
      if (!this.options.refreshToken) return;
      void this.options.refreshToken().then(
        (token) => {
          if (this.stopped) return;
          this.options.token = token;
          this.setStatus('reconnecting');
          this.scheduleReconnect();
        },
        () => {},
      );
      return;
    }
    // The server failed or went away (a node died, a deploy): any node takes this client, so try the next.
    this.servers.next();
    // While `start()` goes round the list it stays `connecting`; it says `reconnecting` if none answers.
    if (!this.opening) this.setStatus('reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.retrying = true;
    this.reconnectTimer = setTimeout(() => void this.dial(), backoffDelay(this.attempt++));
  }

  private receive(text: string): void {
    let frame: { id?: number; result?: unknown; error?: ErrorBody; event?: string; data?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (frame.event) {
      // The close that follows says how; this says why.
      if (frame.event === EventName.SessionKicked) this.kickedFor = (frame.data as { reason?: string } | undefined)?.reason;
      this.handlers.onPush(frame.event, frame.data);
      return;
    }
    const pending = frame.id === undefined ? undefined : this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id as number);
    clearTimeout(pending.timer);
    if (frame.error) pending.reject(ParleyClientError.from(frame.error));
    else pending.resolve(frame.result);
  }

  private fail(error: ParleyClientError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.handlers.onStatus(status);
  }
}

/** The status a close code ends the client with, or undefined when it should reconnect. */
function endingOf(code: number, kickedFor: string | undefined): ConnectionStatus | undefined {
  if (code === CloseCode.Banned) return 'banned';
  if (code === CloseCode.Replaced) return 'replaced';
  if (code === CloseCode.Kicked) return kickedFor === 'kicked' || kickedFor === 'tokens_revoked' ? 'kicked' : 'erased';
  return undefined;
}

import WebSocket from 'ws';

/** A failed request, by the server's error code, or `interrupted` / `timeout` when no answer came. */
export class RequestError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** The code to count a failure under: the server's error code, or what went wrong on the client's side. */
export const codeOf = (err: unknown): string =>
  err instanceof RequestError
    ? err.code
    : err instanceof Error && err.name === 'TimeoutError'
      ? 'timeout'
      : String((err as Error)?.message ?? err);

export interface ConnectionHandlers {
  /** Sees every frame first; returns true for the frames it handled (pushes, send acks). */
  intercept(text: string): boolean;
  /** The socket closed; `wasOpen` is false for a connection that never authenticated. */
  closed(code: number, wasOpen: boolean): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: RequestError): void;
  timer: NodeJS.Timeout;
}

/** No request waits longer than this: a soak must stop by itself even if the server does not answer. */
const REQUEST_TIMEOUT_MS = 30_000;
/** As long as a request may take: on a loaded machine a reconnect that gives up early only adds load. */
const AUTH_TIMEOUT_MS = 30_000;

/**
 * One WebSocket to the server, authenticated by the token in its URL, with requests matched to
 * their responses by numeric id. Requests still open when the socket closes fail as `interrupted`.
 */
export class SoakConnection {
  open = false;
  private ws: WebSocket | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private onAuthOk: (() => void) | undefined;

  constructor(
    private readonly url: string,
    private readonly handlers: ConnectionHandlers,
  ) {}

  /** Connects and resolves on `auth.ok`. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false });
      this.ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new RequestError('auth.timeout'));
      }, AUTH_TIMEOUT_MS);
      this.onAuthOk = () => {
        clearTimeout(timer);
        this.open = true;
        resolve();
      };
      ws.on('message', (data) => this.onText(data.toString()));
      ws.on('error', () => {}); // 'close' follows
      ws.on('close', (code) => {
        clearTimeout(timer);
        reject(new RequestError(`closed before auth.ok (${code})`));
        if (ws === this.ws) this.onClose(code);
      });
    });
  }

  /** Sends a frame as is; the caller matches its answer (send acks carry string ids). */
  sendRaw(text: string): void {
    this.ws?.send(text);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    if (!this.open || !this.ws) return Promise.reject(new RequestError('not connected'));
    const id = ++this.nextId;
    const ws = this.ws;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('timeout'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Closes cleanly (1000) or drops the TCP connection like a lost network; resolves once closed. */
  close(abrupt: boolean): Promise<void> {
    const ws = this.ws;
    this.open = false;
    if (!ws || ws.readyState === ws.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (abrupt) ws.terminate();
    else ws.close(1000, 'soak reconnect');
    return closed;
  }

  private onText(text: string): void {
    if (this.handlers.intercept(text)) return;
    const frame = JSON.parse(text) as { id?: number; event?: string; result?: unknown; error?: { code: string } };
    if (frame.event === 'auth.ok') this.onAuthOk?.();
    if (typeof frame.id !== 'number') return;
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.error) pending.reject(new RequestError(frame.error.code));
    else pending.resolve(frame.result);
  }

  private onClose(code: number): void {
    const wasOpen = this.open;
    this.open = false;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new RequestError('interrupted'));
    }
    this.pending.clear();
    this.handlers.closed(code, wasOpen);
  }
}

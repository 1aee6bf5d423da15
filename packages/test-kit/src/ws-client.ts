import type { ErrorBody } from '@parley/protocol';
import WebSocket from 'ws';

export interface Push {
  event: string;
  data: any;
}

/** A real WebSocket client for tests: request/response by id, and a log of pushed events to wait on. */
export class TestClient {
  readonly events: Push[] = [];
  readonly errors: Array<{ id: unknown; error: ErrorBody }> = [];
  closeCode: number | undefined;
  closeReason = '';
  private nextId = 0;
  private readonly pending = new Map<number | string, { resolve: (v: any) => void; reject: (e: any) => void }>();
  private readonly waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if ('event' in frame) this.events.push(frame);
      else if (frame.id !== null && this.pending.has(frame.id)) {
        const p = this.pending.get(frame.id);
        this.pending.delete(frame.id);
        if ('error' in frame) p?.reject(Object.assign(new Error(frame.error.message), frame.error));
        else p?.resolve(frame.result);
      } else this.errors.push(frame);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        for (const p of this.pending.values()) p.reject(new Error(`closed ${code}`));
        this.wake();
        resolve();
      }),
    );
  }

  /** Opens a socket; with a token it authenticates by query string and waits for `auth.ok`. */
  static async connect(wsUrl: string, token?: string, deviceId = 'test-device'): Promise<TestClient> {
    const url = token ? `${wsUrl}?token=${encodeURIComponent(token)}&deviceId=${deviceId}&deviceFlag=2` : wsUrl;
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    if (token) await client.waitForEvent('auth.ok');
    return client;
  }

  request<T = any>(method: string, params?: unknown): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify(params === undefined ? { id, method } : { id, method, params }));
    });
  }

  /** Sends raw text and resolves with the next frame that is not a push. */
  async raw(text: string | Buffer): Promise<any> {
    const before = this.errors.length;
    this.ws.send(text);
    await this.until(() => this.errors.length > before);
    return this.errors[before];
  }

  async waitForEvent(event: string, match: (data: any) => boolean = () => true): Promise<Push> {
    let found: Push | undefined;
    await this.until(() => {
      found = this.events.find((e) => e.event === event && match(e.data));
      return found !== undefined;
    });
    return found as Push;
  }

  eventsOf(event: string): any[] {
    return this.events.filter((e) => e.event === event).map((e) => e.data);
  }

  /** Resolves when `condition` holds; rejects if the socket closes first (the test's own timeout bounds the wait). */
  until(condition: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (condition()) return resolve();
        if (this.closeCode !== undefined)
          return reject(new Error(`socket closed (${this.closeCode} ${this.closeReason}) before the condition held`));
        this.waiters.push(check);
      };
      check();
    });
  }

  close(): Promise<void> {
    if (this.closeCode === undefined) this.ws.close();
    return this.closed;
  }

  private wake(): void {
    const waiting = this.waiters.splice(0);
    for (const w of waiting) w();
  }
}

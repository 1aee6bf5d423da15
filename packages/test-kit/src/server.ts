import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type ParleyServer, startServer } from '../../server/src/app.js';
import { type Config, loadConfig } from '../../server/src/config.js';
import type { Storage } from '../../server/src/ports/storage/index.js';
import type { AllTables } from './all-tables.js';
import type { Backend, StoreHandle } from './backends.js';
import { type HttpResult, httpCall } from './http.js';
import { TestClient } from './ws-client.js';

export type { HttpResult } from './http.js';

/** A real Parley server on a free port, over a real store, with helpers that speak HTTP and WebSocket to it. */
export class TestServer {
  server!: ParleyServer;
  private clients: TestClient[] = [];

  private constructor(
    readonly config: Config,
    private readonly store: StoreHandle,
  ) {}

  /** Server time as the server sees it; a test may freeze it (`frozenAt`) to make timestamps equal. */
  frozenAt: number | undefined;
  readonly clock = (): number => this.frozenAt ?? Date.now();

  static async start(backend: Backend, env: Record<string, string> = {}): Promise<TestServer> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-data-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dataDir, ...env });
    const t = new TestServer(config, await backend.create());
    t.server = await startServer(config, { storage: t.store.storage, clock: t.clock });
    return t;
  }

  get storage(): Storage {
    return this.store.storage;
  }

  get url(): string {
    return this.server.url;
  }

  get wsUrl(): string {
    return `${this.server.url.replace('http', 'ws')}/v1/ws`;
  }

  /** Stops the server gracefully and starts a new one on the same data, as after a restart. */
  async restart(): Promise<void> {
    await this.server.close();
    await this.store.reopen();
    this.server = await startServer(this.config, { storage: this.store.storage, clock: this.clock });
  }

  async close(): Promise<void> {
    // Terminate, not close: a test may have paused a client that would never finish the handshake.
    for (const c of this.clients) c.ws.terminate();
    await this.server.close();
    await this.store.dispose();
    fs.rmSync(this.config.dataDir, { recursive: true, force: true });
  }

  http(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    return httpCall(this.url, method, path, options);
  }

  admin(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return this.http(method, `/v1/admin${path}`, { token: this.config.appSecret, body });
  }

  /** Admin call that must succeed. */
  async adminOk(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.admin(method, path, body);
    if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async createUsers(...uids: string[]): Promise<void> {
    for (const uid of uids) await this.adminOk('POST', '/users', { uid, name: uid });
  }

  /** Registers the uids not registered yet (suites share one server across their tests). */
  async ensureUsers(...uids: string[]): Promise<void> {
    for (const uid of uids) if (!(await this.storage.users.get(uid))) await this.createUsers(uid);
  }

  async token(uid: string): Promise<string> {
    return (await this.adminOk('POST', `/users/${uid}/token`, {})).token;
  }

  async connect(uid: string, deviceId = 'd1'): Promise<TestClient> {
    const client = await TestClient.connect(this.wsUrl, await this.token(uid), deviceId);
    this.clients.push(client);
    return client;
  }

  async rowCounts(): Promise<Record<string, number>> {
    return this.storage.rowCounts();
  }

  /** Every row of every table, read raw beside the server (SQLite or PostgreSQL alike). */
  allTables(): Promise<AllTables> {
    return this.store.readAllTables();
  }
}

/** Starts one server for the enclosing describe block and stops it after. */
export function useServer(backend: Backend, env: Record<string, string> = {}): () => TestServer {
  let t: TestServer | undefined;
  beforeAll(async () => {
    t = await TestServer.start(backend, env);
  });
  afterAll(async () => {
    await t?.close();
  });
  return () => {
    if (!t) throw new Error('server not started');
    return t;
  };
}

export const text = (content: string) => ({ type: 1, content });
let counter = 0;
export const clientMsgNo = (): string => `cmn-${process.pid}-${++counter}`;

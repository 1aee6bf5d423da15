import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEV_APP_SECRET } from '../config.js';
import { SERVER_NODE_FLAGS } from '../node-flags.js';
import { freePort, startProcess, stopProcess } from './child-process.js';

const MAIN = path.resolve(import.meta.dirname, '..', 'main.js');

export interface ParleyOptions {
  /** SQLite file (and uploads) go here. */
  dataDir: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** A postgres:// URL: PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** Keeps the server's JSON log (stdout) in this file; discarded without it. */
  logFile?: string;
  logLevel?: string;
  /** More settings, applied last (a cluster node's PARLEY_BUS_URL, PARLEY_NODE_ID...). */
  env?: Record<string, string>;
}

/** A real Parley server in a child process on 127.0.0.1, with the admin calls benchmarks need. */
export interface ParleyProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port> */
  base: string;
  port: number;
  admin<T = unknown>(route: string, body: unknown): Promise<T>;
  /** Registers the user (idempotent) and issues a client token. */
  token(uid: string): Promise<string>;
  /** A WebSocket URL that logs in as `uid`. */
  wsUrl(uid: string, deviceId?: string): Promise<string>;
  /** Calls `handler` if the process ends before `stop()`: a crash, or a signal someone else sent. */
  onUnexpectedExit(handler: (how: string) => void): void;
  stop(): Promise<void>;
}

/**
 * Starts `dist/main.js` in development mode with the send rate limit off
 * (PARLEY_SEND_RATE_PER_SEC=0): benchmark users send far more than 20 messages a second each.
 */
export async function startParley(o: ParleyOptions): Promise<ParleyProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = o.logFile ? fs.openSync(o.logFile, 'a') : undefined;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PARLEY_DATA_DIR: o.dataDir,
    LOG_LEVEL: o.logLevel ?? 'warn',
    PARLEY_SEND_RATE_PER_SEC: '0',
    PARLEY_SQLITE_SYNCHRONOUS: o.synchronous ?? 'FULL',
    PARLEY_MODE: 'development',
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
  let child: ChildProcess;
  try {
    child = await startProcess(MAIN, [], env, 'ipc', log ?? 'ignore', SERVER_NODE_FLAGS);
  } finally {
    // The child holds its own copy of the descriptor.
    if (log !== undefined) fs.closeSync(log);
  }
  let stopping = false;
  const admin = async <T>(route: string, body: unknown): Promise<T> => {
    const res = await fetch(`${base}/v1/admin${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${DEV_APP_SECRET}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`POST /v1/admin${route}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const token = async (uid: string) => {
    await admin('/users', { uid });
    return (await admin<{ token: string }>(`/users/${uid}/token`, {})).token;
  };
  return {
    child,
    pid: child.pid ?? 0,
    base,
    port,
    admin,
    token,
    wsUrl: async (uid, deviceId) =>
      `ws://127.0.0.1:${port}/v1/ws?token=${await token(uid)}${deviceId ? `&deviceId=${encodeURIComponent(deviceId)}` : ''}`,
    onUnexpectedExit: (handler) => {
      child.once('exit', (code, signal) => {
        if (!stopping) handler(signal ? `stopped by ${signal}, which this run did not send` : `exited with code ${code}`);
      });
    },
    stop: () => {
      stopping = true;
      return stopProcess(child);
    },
  };
}

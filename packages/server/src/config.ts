import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientLimits } from '@parley/protocol';
import { busKindOf } from './adapters/bus/bus-url.js';

export type Mode = 'development' | 'production';

export interface Limits {
  textMaxChars: number;
  payloadMaxBytes: number;
  uploadMaxBytes: number;
  extMaxBytes: number;
  maxPinned: number;
  revokeWindowMs: number;
  maxEdits: number;
  maxReactions: number;
  /** Sends per user per second; 0 turns the limit off (benchmarks). */
  sendRatePerSec: number;
  sendBurst: number;
  /** Nesting and size of any JSON a client sends (frames and bodies), checked before anything else. */
  jsonMaxDepth: number;
  jsonMaxNodes: number;
  /** Dev logins per client IP (development mode only); 0 turns the limit off. */
  devLoginRatePerSec: number;
  devLoginBurst: number;
  /** Streamed messages: characters per chunk, characters of the whole text, open streams per sender. */
  streamChunkMaxChars: number;
  streamMaxChars: number;
  streamMaxOpen: number;
  /** An open stream that took no chunk for this long is ended by the server with status 'timeout'. */
  streamIdleMs: number;
  /** Chunks a sender may append per second, over all their streams and the cluster's nodes (0: no limit). */
  streamChunkRatePerSec: number;
}

/** The limits a client is told at sign-in (`auth` result), so it can check before it sends. */
export const clientLimits = (l: Limits): ClientLimits => ({
  textMaxChars: l.textMaxChars,
  payloadMaxBytes: l.payloadMaxBytes,
  uploadMaxBytes: l.uploadMaxBytes,
  extMaxBytes: l.extMaxBytes,
  maxPinned: l.maxPinned,
  revokeWindowMs: l.revokeWindowMs,
  maxEdits: l.maxEdits,
  maxReactions: l.maxReactions,
});

export interface Config {
  port: number;
  host: string;
  /** A port of its own for the WuKongIM gateway (any path), beside /v1/wukongim on `port`; unset: none (0: any free port). */
  wukongimPort: number | undefined;
  mode: Mode;
  dataDir: string;
  /** The built web app served at `/`; while it has no index.html, `/` explains how to build it. */
  webDir: string;
  databaseUrl: string | undefined;
  /** `redis://…` or `nats://…` joins this node to others; unset: one node, in-process bus. */
  busUrl: string | undefined;
  /** Names this deployment's topics on a broker other apps may share. */
  busPrefix: string;
  appSecret: string;
  tokenTtlSeconds: number;
  nodeId: number;
  logLevel: string;
  /** SQLite `synchronous`: FULL fsyncs every commit (an acked message survives power loss). */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  heartbeatIntervalMs: number;
  authTimeoutMs: number;
  wsMaxBufferedBytes: number;
  /**
   * How long outgoing frames wait to share a write with later ones: 0 sends them at the end of the
   * event loop's turn. A few ms trade latency for fewer syscalls when sockets receive many frames a second.
   */
  wsWriteDelayMs: number;
  wsMaxFrameBytes: number;
  /** How long a user stays shown online after their last device left (a quick reconnect does not flap). */
  presenceGraceMs: number;
  /** The most users one connection may follow with `presence.subscribe`. */
  presenceMaxSubscriptions: number;
  /**
   * Device flags (1 app, 2 web, 3 desktop) a user may have one connection of: a new login with that
   * flag replaces the older one (session.kicked, close 4012). Other flags: any number.
   */
  singleDeviceFlags: readonly number[];
  /** Whose name and avatar a client may read: users it shares a chat or group with, or anyone. */
  profilesVisible: 'shared' | 'all';
  /** Typing is forwarded at most once per interval per user and chat; receivers show it for expires. */
  typingIntervalMs: number;
  typingExpiresMs: number;
  /** Groups with more members get no typing (its fan-out would cost more than it tells). */
  typingMaxMembers: number;
  /**
   * Browser origins (scheme://host[:port]) allowed to open the WebSocket besides the server's own;
   * '*' allows any. A connection without an Origin header (not a browser) is never refused for it.
   */
  allowedOrigins: readonly string[] | '*';
  limits: Limits;
  retention: RetentionConfig;
  webhook: WebhookConfig;
}

/** Webhooks (docs/webhooks.md). */
export interface WebhookConfig {
  /** PARLEY_WEBHOOK_URL: where events are posted, unless the admin API set another URL (or none). */
  url: string | undefined;
  /** Signs every POST (HMAC-SHA256); the app secret unless PARLEY_WEBHOOK_SECRET is set. */
  secret: string;
  /** An event still undelivered this long after it was written moves to the dead letters at its next failure. */
  maxAgeMs: number;
  /** How long one POST may take before it counts as failed. */
  timeoutMs: number;
  /** The first retry waits about this long; each further one twice as long, up to retryMaxMs (with jitter). */
  retryMinMs: number;
  retryMaxMs: number;
  /** At most this many events, and about this many bytes, per POST (always at least one event). */
  batchEvents: number;
  batchBytes: number;
}

/** Message retention (docs/operations.md, Retention). */
export interface RetentionConfig {
  /** Days a message is kept where its group has no setting of its own; 0 keeps messages forever. */
  defaultDays: number;
  /** How often each node's job looks for expired messages to remove. */
  intervalMs: number;
  /** Rows one removal step (one transaction) writes at most: no lock is held long. */
  batchSize: number;
}

/** A century: longer would be forever in practice, and keeps now - days in a safe integer. */
export const MAX_RETENTION_DAYS = 36_500;

/** A secret anyone can read in this repository; production refuses it. */
export const DEV_APP_SECRET = 'parley-development-secret-do-not-use-in-production';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A comma-separated subset of `allowed` (empty: none). */
function subsetOf(env: Env, key: string, allowed: readonly number[]): number[] {
  const raw = env[key]?.trim();
  if (!raw) return [];
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !allowed.includes(v))) throw new ConfigError(`${key} must list some of ${allowed.join(', ')}, got "${raw}"`);
  return [...new Set(values)];
}

function oneOf<T extends string>(env: Env, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

/**
 * `packages/web/dist`, found from this module: `../../web/dist/` lands there from `src/config.ts`
 * (tests) and `dist/config.js` (the built server) alike, whatever the working directory.
 */
export const DEFAULT_WEB_DIR = path.resolve(fileURLToPath(new URL('../../web/dist/', import.meta.url)));

/**
 * The default may be missing (the app is not built yet, and `/` says how to build it); a folder
 * named explicitly must exist, so a typo stops the server instead of silently hiding the app.
 */
function webDir(env: Env): string {
  const raw = env.PARLEY_WEB_DIR;
  if (raw === undefined || raw === '') return DEFAULT_WEB_DIR;
  const dir = path.resolve(raw);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError(`PARLEY_WEB_DIR must be an existing directory, got "${raw}"`);
  }
  return dir;
}

function loadLimits(env: Env): Limits {
  return {
    textMaxChars: int(env, 'PARLEY_TEXT_MAX_CHARS', 5000, 1, 1_000_000),
    payloadMaxBytes: int(env, 'PARLEY_PAYLOAD_MAX_BYTES', 16 * 1024, 256, 1024 * 1024),
    uploadMaxBytes: int(env, 'PARLEY_UPLOAD_MAX_BYTES', 20 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    extMaxBytes: int(env, 'PARLEY_EXT_MAX_BYTES', 1024, 1, 65_536),
    maxPinned: int(env, 'PARLEY_MAX_PINNED', 50, 1, 10_000),
    revokeWindowMs: int(env, 'PARLEY_REVOKE_WINDOW_SECONDS', 120, 0, 31_536_000) * 1000,
    maxEdits: int(env, 'PARLEY_MAX_EDITS', 10, 0, 1000),
    maxReactions: int(env, 'PARLEY_MAX_REACTIONS', 20, 1, 1000),
    sendRatePerSec: int(env, 'PARLEY_SEND_RATE_PER_SEC', 20, 0, 1_000_000),
    sendBurst: int(env, 'PARLEY_SEND_BURST', 50, 1, 1_000_000),
    // 128 levels is far below what JSON.stringify or Ajv can recurse through.
    jsonMaxDepth: int(env, 'PARLEY_JSON_MAX_DEPTH', 32, 4, 128),
    jsonMaxNodes: int(env, 'PARLEY_JSON_MAX_NODES', 20_000, 100, 1_000_000),
    devLoginRatePerSec: int(env, 'PARLEY_DEV_LOGIN_RATE_PER_SEC', 5, 0, 1_000_000),
    devLoginBurst: int(env, 'PARLEY_DEV_LOGIN_BURST', 50, 1, 1_000_000),
    streamChunkMaxChars: int(env, 'PARLEY_STREAM_CHUNK_MAX_CHARS', 4000, 1, 1_000_000),
    streamMaxChars: int(env, 'PARLEY_STREAM_MAX_CHARS', 100_000, 1, 10_000_000),
    streamMaxOpen: int(env, 'PARLEY_STREAM_MAX_OPEN', 10, 1, 100_000),
    streamIdleMs: int(env, 'PARLEY_STREAM_IDLE_MS', 60_000, 100, 86_400_000),
    streamChunkRatePerSec: int(env, 'PARLEY_STREAM_CHUNK_RATE_PER_SEC', 50, 0, 1_000_000),
  };
}

/**
 * `PARLEY_ALLOWED_ORIGINS`: a comma-separated list of origins, or '*'. Unset, development mode
 * allows any origin (the web app may run on Vite's port) and production only the server's own.
 */
function allowedOrigins(env: Env, mode: Mode): readonly string[] | '*' {
  const raw = env.PARLEY_ALLOWED_ORIGINS?.trim();
  if (raw === undefined || raw === '') return mode === 'development' ? '*' : [];
  if (raw === '*') return '*';
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin) {
      throw new ConfigError(`PARLEY_ALLOWED_ORIGINS must list origins such as https://chat.example.com, got "${origin}"`);
    }
    return origin;
  });
}

/** Why `raw` cannot be the webhook's URL (an absolute http or https URL), or undefined if it can. */
export function webhookUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'it is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'it must be an http:// or https:// URL';
  return undefined;
}

function loadWebhook(env: Env, appSecret: string): WebhookConfig {
  const url = env.PARLEY_WEBHOOK_URL || undefined;
  const problem = url === undefined ? undefined : webhookUrlProblem(url);
  if (problem) throw new ConfigError(`PARLEY_WEBHOOK_URL: ${problem}, got "${url}"`);
  return {
    url,
    secret: env.PARLEY_WEBHOOK_SECRET || appSecret,
    maxAgeMs: int(env, 'PARLEY_WEBHOOK_MAX_AGE_SECONDS', 3 * 86_400, 1, 365 * 86_400) * 1000,
    timeoutMs: int(env, 'PARLEY_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 300) * 1000,
    retryMinMs: int(env, 'PARLEY_WEBHOOK_RETRY_MIN_MS', 1000, 10, 600_000),
    retryMaxMs: int(env, 'PARLEY_WEBHOOK_RETRY_MAX_SECONDS', 600, 1, 86_400) * 1000,
    batchEvents: int(env, 'PARLEY_WEBHOOK_BATCH_EVENTS', 500, 1, 1000),
    batchBytes: int(env, 'PARLEY_WEBHOOK_BATCH_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = oneOf(env, 'PARLEY_MODE', 'development', ['development', 'production'] as const);
  const secret = env.PARLEY_APP_SECRET;
  if (mode === 'production') {
    if (!secret) throw new ConfigError('PARLEY_APP_SECRET is required in production mode');
    if (secret === DEV_APP_SECRET) throw new ConfigError('PARLEY_APP_SECRET is the public development secret; set your own');
    if (secret.length < 32) throw new ConfigError('PARLEY_APP_SECRET must be at least 32 characters in production mode');
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const busUrl = env.PARLEY_BUS_URL || undefined;
  const bus = busKindOf(busUrl);
  if (typeof bus === 'object') throw new ConfigError(bus.error);
  if (bus !== 'memory' && !databaseUrl) {
    throw new ConfigError(
      'PARLEY_BUS_URL joins several nodes, and nodes cannot share an SQLite file: set DATABASE_URL to a PostgreSQL database all nodes use',
    );
  }
  const busPrefix = env.PARLEY_BUS_PREFIX || 'parley';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(busPrefix)) throw new ConfigError('PARLEY_BUS_PREFIX must be 1-32 characters of [A-Za-z0-9_-]');
  return {
    port: int(env, 'PORT', 5280, 0, 65_535),
    host: env.HOST || '0.0.0.0',
    wukongimPort: env.PARLEY_WUKONGIM_PORT ? int(env, 'PARLEY_WUKONGIM_PORT', 0, 0, 65_535) : undefined,
    mode,
    dataDir: path.resolve(env.PARLEY_DATA_DIR || './data'),
    webDir: webDir(env),
    databaseUrl,
    busUrl,
    busPrefix,
    appSecret: secret || DEV_APP_SECRET,
    tokenTtlSeconds: int(env, 'PARLEY_TOKEN_TTL_SECONDS', 7 * 24 * 3600, 60, 31_536_000),
    nodeId: int(env, 'PARLEY_NODE_ID', 0, 0, 1023),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    sqliteSynchronous: oneOf(env, 'PARLEY_SQLITE_SYNCHRONOUS', 'FULL', ['FULL', 'NORMAL'] as const),
    heartbeatIntervalMs: int(env, 'PARLEY_HEARTBEAT_SECONDS', 30, 1, 3600) * 1000,
    authTimeoutMs: int(env, 'PARLEY_AUTH_TIMEOUT_SECONDS', 10, 1, 600) * 1000,
    wsMaxBufferedBytes: int(env, 'PARLEY_WS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    wsWriteDelayMs: int(env, 'PARLEY_WS_WRITE_DELAY_MS', 0, 0, 1000),
    wsMaxFrameBytes: int(env, 'PARLEY_WS_MAX_FRAME_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    presenceGraceMs: int(env, 'PARLEY_PRESENCE_GRACE_SECONDS', 5, 0, 300) * 1000,
    presenceMaxSubscriptions: int(env, 'PARLEY_PRESENCE_MAX_SUBSCRIPTIONS', 500, 1, 100_000),
    profilesVisible: oneOf(env, 'PARLEY_PROFILES_VISIBLE', 'shared', ['shared', 'all'] as const),
    singleDeviceFlags: subsetOf(env, 'PARLEY_SINGLE_DEVICE_FLAGS', [1, 2, 3]),
    typingIntervalMs: int(env, 'PARLEY_TYPING_INTERVAL_SECONDS', 3, 1, 60) * 1000,
    typingExpiresMs: int(env, 'PARLEY_TYPING_EXPIRES_SECONDS', 6, 1, 120) * 1000,
    typingMaxMembers: int(env, 'PARLEY_TYPING_MAX_MEMBERS', 100, 1, 100_000),
    allowedOrigins: allowedOrigins(env, mode),
    limits: loadLimits(env),
    retention: {
      defaultDays: int(env, 'PARLEY_RETENTION_DAYS', 0, 0, MAX_RETENTION_DAYS),
      intervalMs: int(env, 'PARLEY_RETENTION_INTERVAL_SECONDS', 600, 10, 86_400) * 1000,
      batchSize: int(env, 'PARLEY_RETENTION_BATCH_SIZE', 100, 1, 500),
    },
    webhook: loadWebhook(env, secret || DEV_APP_SECRET),
  };
}

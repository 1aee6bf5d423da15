/**
 * `parley backup` and `parley restore` as an operator runs them: the compiled binary in a child
 * process, next to the compiled server in another (`npm test` builds both before vitest). The
 * backup is taken while senders keep windows of sends in flight over WebSockets; everything acked
 * before it began must come back, as it was acked, from the restored database.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../adapters/storage/sqlite/index.js';
import { ClientSessions } from '../test-support/client-sessions.js';
import { CrashLoad, type LoadPlan, type LoadSender } from '../test-support/crash-load.js';
import { type ChannelSpec, type HistoryEntry, readHistory } from '../test-support/history-audit.js';
import { p2pChannel, type Send, SendLedger } from '../test-support/send-ledger.js';
import { ServerProcess } from '../test-support/server-process.js';

const PARLEY_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const APP_SECRET = 'backup-test-secret';
const ACKED_BEFORE_BACKUP = 300;

/** The environment without a developer's PARLEY_* or DATABASE_URL: only what a test names. */
const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PARLEY_') && key !== 'DATABASE_URL'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const parley = (env: Record<string, string>, ...args: string[]): Promise<Run> =>
  promisify(execFile)(process.execPath, [PARLEY_MAIN, ...args], { env: { ...inherited, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (err: Run) => err,
  );

const serverEnv = (dataDir: string) => ({
  PARLEY_DATA_DIR: dataDir,
  PARLEY_MODE: 'development',
  PARLEY_APP_SECRET: APP_SECRET,
  PARLEY_SEND_RATE_PER_SEC: '0',
  LOG_LEVEL: 'warn',
});

const wsUsers = Array.from({ length: 6 }, (_, i) => `b${i}`);
const GROUP = 'group:backup-g';
const SUPER = 'super:backup-sg';
const ring = (i: number) => wsUsers[(i + wsUsers.length) % wsUsers.length] as string;
const senders: LoadSender[] = wsUsers.map((uid, i) => ({
  uid,
  via: 'ws' as const,
  channels: [p2pChannel(uid, ring(i + 1)), GROUP, p2pChannel(uid, ring(i - 1)), SUPER],
}));
const channels: ChannelSpec[] = [
  ...[...new Set(senders.flatMap((s) => s.channels.filter((c) => c.startsWith('p2p:'))))].map((name) => ({
    name,
    members: name.slice('p2p:'.length).split('|'),
  })),
  { name: GROUP, members: wsUsers },
  { name: SUPER, members: wsUsers },
];
const plan: LoadPlan = { senders, window: 4, duplicateEvery: 25, maxSendsPerSender: 100_000 };

async function admin(server: ServerProcess, route: string, body: unknown): Promise<any> {
  const res = await server.http('POST', `/v1/admin${route}`, { token: APP_SECRET, body });
  if (res.status !== 200) throw new Error(`POST ${route} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Users, the group and the super group; every user's token (valid on any server with the secret). */
async function setUp(server: ServerProcess): Promise<Map<string, string>> {
  await admin(server, '/users/batch', { users: wsUsers.map((uid) => ({ uid, name: uid })) });
  await admin(server, '/groups', { groupId: 'backup-g', channelType: 2, ownerUid: 'b0', members: wsUsers });
  await admin(server, '/groups', { groupId: 'backup-sg', channelType: 3, ownerUid: 'b0', members: wsUsers });
  const tokens = new Map<string, string>();
  for (const uid of wsUsers) tokens.set(uid, (await admin(server, `/users/${uid}/token`, {})).token);
  return tokens;
}

async function upload(server: ServerProcess, token: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), 'notes.bin');
  const res = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 200) throw new Error(`upload -> ${res.status}`);
  return ((await res.json()) as { url: string }).url;
}

const integrityOf = (file: string): unknown => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};

let cleanUp: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanUp.reverse()) await step();
  cleanUp = [];
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backup-'));
  cleanUp.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string): Promise<ServerProcess> {
  const server = await ServerProcess.start(serverEnv(dataDir));
  cleanUp.push(() => server.kill());
  expect(server.health?.storage).toBe('sqlite');
  return server;
}

describe('parley backup and restore', () => {
  it('restores a backup taken under send load with every message acked before it began, as acked', async () => {
    const dir = tempDir();
    const [dataDir, restoredDir, backupFile] = ['data', 'restored', 'parley-backup.db'].map((name) => path.join(dir, name)) as [
      string,
      string,
      string,
    ];
    const server = await start(dataDir);
    const tokens = await setUp(server);
    const bytes = randomBytes(3000);
    const fileUrl = await upload(server, tokens.get('b0') as string, bytes);
    const sessions = await ClientSessions.open(server, tokens, wsUsers);
    cleanUp.push(() => sessions.close());
    const ledger = new SendLedger();
    const load = new CrashLoad(sessions, ledger, plan, 1);
    cleanUp.push(async () => {
      load.stop();
      await load.done;
    });

    await load.acked(ACKED_BEFORE_BACKUP);
    // Every ack in hand before the command starts: all of them must be in the backup.
    const ackedBefore: Send[] = structuredClone(ledger.all().filter((s) => s.ack));
    const backup = await parley({ PARLEY_DATA_DIR: dataDir }, 'backup', '--out', backupFile);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^database: .*parley\.db copied to .*parley-backup\.db \(/m);
    // One upload: its bytes and its description (`<id>.json`).
    expect(backup.stdout).toMatch(/^uploads: 2 files .* copied/m);
    // The senders never paused: the server went on storing and acking beside the backup.
    const afterBackup = load.acks;
    await load.acked(afterBackup + 100);
    load.stop();
    await load.done;
    expect(ledger.problems).toEqual([]);

    // Not while a server holds the data dir, even with --force.
    const whileRunning = await parley({ PARLEY_DATA_DIR: dataDir }, 'restore', '--from', backupFile, '--force');
    expect([whileRunning.code, whileRunning.stderr.trim().replace(/pid \d+/, 'pid N')]).toEqual([
      1,
      `parley restore: a Parley server (pid N) is using ${dataDir}: stop it first`,
    ]);
    await sessions.close();
    await server.kill();

    const restore = await parley({ PARLEY_DATA_DIR: restoredDir }, 'restore', '--from', backupFile);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/integrity ok/);
    expect(integrityOf(path.join(restoredDir, 'parley.db'))).toBe('ok');
    expect(fs.readdirSync(restoredDir).sort()).toEqual(['files', 'parley.db']);

    const restored = await start(restoredDir);
    const readers = await ClientSessions.open(restored, tokens, wsUsers);
    cleanUp.push(() => readers.close());
    const histories = new Map<string, HistoryEntry[]>();
    const problems: string[] = [];
    for (const channel of channels) {
      const history = await readHistory(readers, channel);
      histories.set(channel.name, history);
      // A snapshot: each channel's log runs from 1 without a gap.
      history.forEach((m, i) => {
        if (m.messageSeq !== i + 1 || m.deleted) problems.push(`${channel.name}: entry ${i + 1} is ${JSON.stringify(m)}`);
      });
    }
    for (const send of ackedBefore) {
      const stored = histories.get(send.channel)?.find((m) => m.clientMsgNo === send.clientMsgNo && m.fromUid === send.fromUid);
      const want = {
        messageSeq: send.ack?.messageSeq,
        messageId: send.ack?.messageId,
        timestamp: send.ack?.timestamp,
        content: send.clientMsgNo,
      };
      const got = stored && {
        messageSeq: stored.messageSeq,
        messageId: stored.messageId,
        timestamp: stored.timestamp,
        content: stored.payload?.content,
      };
      if (JSON.stringify(got) !== JSON.stringify(want))
        problems.push(`${send.clientMsgNo}: acked ${JSON.stringify(want)}, restored ${JSON.stringify(got)}`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(ackedBefore.length).toBeGreaterThanOrEqual(ACKED_BEFORE_BACKUP);
    const file = await fetch(`${restored.url}${fileUrl}`);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it('refuses with one line what it cannot do, and leaves the data dir as it was', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const refusal = async (env: Record<string, string>, ...args: string[]) => {
      const r = await parley(env, ...args);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      return r.stderr.trim();
    };
    // PostgreSQL owns its backups.
    const postgres = { PARLEY_DATA_DIR: dataDir, DATABASE_URL: 'postgres://parley@db.example/parley' };
    expect(await refusal(postgres, 'backup', '--out', path.join(dir, 'b.db'))).toMatch(
      /^parley backup: the database is PostgreSQL \(DATABASE_URL\): back it up with pg_dump, or pg_basebackup with WAL archiving/,
    );
    expect(await refusal(postgres, 'restore', '--from', path.join(dir, 'b.db'))).toMatch(/pg_restore/);
    expect(await refusal({ PARLEY_DATA_DIR: dataDir }, 'backup')).toBe('parley backup: --out FILE is required: where to write the backup');
    expect(await refusal({ PARLEY_DATA_DIR: dataDir }, 'backup', '--out', path.join(dir, 'b.db'))).toBe(
      `parley backup: no database at ${path.join(dataDir, 'parley.db')} (is PARLEY_DATA_DIR right?)`,
    );

    // A real Parley database, made by the SQLite adapter, and a backup of it.
    const source = path.join(dir, 'source');
    const store = openSqlite({ file: path.join(source, 'parley.db') });
    await store.users.upsert('kept', { name: 'Kept' }, Date.now());
    await store.close();
    const good = path.join(dir, 'good.db');
    expect((await parley({ PARLEY_DATA_DIR: source }, 'backup', '--out', good)).code).toBe(0);
    expect(await refusal({ PARLEY_DATA_DIR: source }, 'backup', '--out', good)).toBe(
      `parley backup: ${good} exists: name another file, or add --force to replace it`,
    );
    expect((await parley({ PARLEY_DATA_DIR: source }, 'backup', '--out', good, '--force')).code).toBe(0);

    const target = { PARLEY_DATA_DIR: dataDir };
    expect(await refusal(target, 'restore', '--from', path.join(dir, 'missing.db'))).toBe(
      `parley restore: no backup file at ${path.join(dir, 'missing.db')}`,
    );
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, randomBytes(8192));
    expect(await refusal(target, 'restore', '--from', garbage)).toMatch(/is not a sound SQLite database: file is not a database$/);
    const foreign = path.join(dir, 'foreign.db');
    withDb(foreign, (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)'));
    expect(await refusal(target, 'restore', '--from', foreign)).toMatch(/is not a Parley backup: it has no users, .* table$/);
    const newer = path.join(dir, 'newer.db');
    fs.copyFileSync(good, newer);
    withDb(newer, (db) => db.exec('INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)'));
    expect(await refusal(target, 'restore', '--from', newer)).toMatch(/has schema version 999, made by a newer Parley/);
    const corrupt = path.join(dir, 'corrupt.db');
    fs.copyFileSync(good, corrupt);
    corruptIndexPages(corrupt);
    expect(await refusal(target, 'restore', '--from', corrupt)).toMatch(/failed its integrity check|is not a sound SQLite database/);
    // Nothing was written for any of them.
    expect(fs.existsSync(dataDir)).toBe(false);

    // An existing database is replaced only when asked to.
    const other = path.join(dir, 'other');
    const existing = openSqlite({ file: path.join(other, 'parley.db') });
    await existing.users.upsert('replaced', {}, Date.now());
    await existing.close();
    const before = fs.readFileSync(path.join(other, 'parley.db'));
    expect(await refusal({ PARLEY_DATA_DIR: other }, 'restore', '--from', good)).toBe(
      `parley restore: ${path.join(other, 'parley.db')} exists: add --force to replace it with the backup (it is not kept)`,
    );
    expect(fs.readFileSync(path.join(other, 'parley.db'))).toEqual(before);
    expect((await parley({ PARLEY_DATA_DIR: other }, 'restore', '--from', good, '--force')).code).toBe(0);
    const replaced = openSqlite({ file: path.join(other, 'parley.db') });
    expect([await replaced.users.get('kept'), await replaced.users.get('replaced')]).toEqual([
      expect.objectContaining({ name: 'Kept' }),
      undefined,
    ]);
    // A new epoch: sync tokens issued on the replaced data answer reset.
    const backupEpoch = withDb(good, (db) => String(db.prepare("SELECT value FROM counters WHERE name = 'epoch'").pluck().get()));
    expect((await replaced.conversations.clock('kept')).epoch).not.toBe(backupEpoch);
    await replaced.close();
    // Fourteen CLI processes, one after another: 8-13 s on a quiet machine, past the default 30 s in one
    // CI run on a loaded one (all of that run's tests took 60 % longer).
  }, 120_000);
});

function withDb<T>(file: string, work: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(file);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** Overwrites the second half of every index's root page: integrity_check then finds broken b-trees. */
function corruptIndexPages(file: string): void {
  const db = new BetterSqlite3(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const roots = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND rootpage > 1").pluck().all() as number[];
  db.close();
  const fd = fs.openSync(file, 'r+');
  try {
    for (const root of roots) fs.writeSync(fd, Buffer.alloc(pageSize / 2, 0xa5), 0, pageSize / 2, (root - 1) * pageSize + pageSize / 2);
  } finally {
    fs.closeSync(fd);
  }
}

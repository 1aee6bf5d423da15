/**
 * The server as `npm start` runs it on SQLite checkpoints its WAL on a worker thread; `/metrics` says
 * what that worker copied and how often it had to be started again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ProcessStore, sqliteProcessBackend } from '../test-support/process-backends.js';
import { ServerProcess } from '../test-support/server-process.js';
import { waitFor } from '../test-support/wait.js';

const SECRET = 'checkpoint-metrics-test';
let store: ProcessStore;
let server: ServerProcess;

beforeAll(async () => {
  store = await sqliteProcessBackend.create();
  server = await ServerProcess.start({ ...store.env, PARLEY_MODE: 'development', PARLEY_APP_SECRET: SECRET, LOG_LEVEL: 'warn' });
});

afterAll(async () => {
  await server?.kill();
  await store?.dispose();
});

const counter = (text: string, name: string): number | undefined => {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
};

it('reports the WAL frames its checkpoint worker copied, and no restarts', async () => {
  // Writes to copy: users, and a message between them.
  const users = await server.http('POST', '/v1/admin/users/batch', {
    token: SECRET,
    body: { users: [{ uid: 'ck-a' }, { uid: 'ck-b' }] },
  });
  expect(users.status).toBe(200);
  const token = (await server.http('POST', '/v1/admin/users/ck-a/token', { token: SECRET, body: {} })).body.token;
  const sent = await server.http('POST', '/v1/messages', {
    token,
    body: { channelId: 'ck-b', channelType: 1, clientMsgNo: 'ck-1', payload: { type: 1, content: 'to copy' } },
  });
  expect(sent.status).toBe(200);

  let text = '';
  await waitFor(
    async () => {
      text = (await server.http('GET', '/metrics')).body;
      return (counter(text, 'parley_sqlite_wal_frames_checkpointed_total') ?? 0) > 0;
    },
    () =>
      `no frames checkpointed yet:\n${text
        .split('\n')
        .filter((line) => line.includes('sqlite'))
        .join('\n')}`,
  );
  expect(counter(text, 'parley_sqlite_checkpoint_worker_restarts_total')).toBe(0);
});

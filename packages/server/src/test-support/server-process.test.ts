/**
 * ServerProcess must know its own child from whatever else answers on the port: a cluster test once
 * took another test's SQLite server, which had been given the port freePort() had just answered, for a
 * PostgreSQL node.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type ProcessStore, sqliteProcessBackend } from './process-backends.js';
import { ServerProcess } from './server-process.js';

let store: ProcessStore | undefined;
let impostor: http.Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => (impostor ? impostor.close(resolve) : resolve(undefined)));
  impostor = undefined;
  await store?.dispose();
  store = undefined;
});

const env = (data: ProcessStore) => ({
  ...data.env,
  PARLEY_MODE: 'development',
  PARLEY_APP_SECRET: 'server-process-test',
  LOG_LEVEL: 'warn',
});

it('fails to start, instead of taking the /healthz of another process on its port for its own', async () => {
  store = await sqliteProcessBackend.create();
  impostor = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', mode: 'development', storage: 'impostor' }));
  });
  await new Promise<void>((resolve) => impostor?.listen(0, '127.0.0.1', resolve));
  const port = (impostor.address() as net.AddressInfo).port;

  const started = ServerProcess.start(env(store), port);
  await expect(started).rejects.toThrow(/did not become ready[\s\S]*EADDRINUSE/);
});

it('resolves with the health of the process it started', async () => {
  store = await sqliteProcessBackend.create();
  const server = await ServerProcess.start(env(store));
  try {
    expect(server.health?.storage).toBe('sqlite');
    expect((await server.http('GET', '/healthz')).body.storage).toBe('sqlite');
  } finally {
    await server.kill();
  }
});

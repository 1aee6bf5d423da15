import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@parley/test-kit/free-port';
import { afterAll, expect, it } from 'vitest';
import { startProxy } from './proxy.js';

const servers: Array<{ close(): unknown }> = [];
const backend = async (name: string): Promise<number> => {
  const server = http.createServer((_req, res) => res.end(name));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};
afterAll(() => {
  for (const s of servers) s.close();
});

// A fresh connection per request (agent: false): the proxy picks a node per connection.
const get = (port: number) =>
  new Promise<string>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });

it('hands each new connection to the next node in turn, and skips a node that refuses it', async () => {
  const down = await freePort(); // nothing listens there: a dead node
  const targets = [await backend('a'), down, await backend('c')].map((port) => ({ host: '127.0.0.1', port }));
  const proxy = await startProxy('127.0.0.1', 0, targets);
  servers.push(proxy);
  const port = (proxy.address() as AddressInfo).port;
  const answers: string[] = [];
  for (let i = 0; i < 6; i++) answers.push(await get(port));
  expect(answers).toEqual(['a', 'c', 'c', 'a', 'c', 'c']);
});

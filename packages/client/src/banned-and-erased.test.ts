import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionStatus, connect, ParleyClient, type SocketFactory, type SocketLike } from './index.js';

describe('@parley/client when the account is banned or erased', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  /** A connected client, the statuses it reports from here on, and how many sockets it opened. */
  async function watched(uid: string) {
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    let dials = 0;
    const counting: SocketFactory = (url) => {
      dials++;
      return new WebSocketImpl(url);
    };
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId: 'stops', socketFactory: counting });
    clients.push(client);
    const statuses: ConnectionStatus[] = [];
    client.onStatus.add('t', (s) => statuses.push(s));
    return { client, statuses, dials: () => dials };
  }
  /** Whether the client has a dial scheduled: it would try again by itself. */
  const retrying = (c: ParleyClient) => (c as unknown as { connection: { retrying: boolean } }).connection.retrying;

  it('a ban (close 4011) stops the client at `banned`, and a new start is refused with auth.banned', async () => {
    await t.createUsers('ban-me');
    const { client, statuses, dials } = await watched('ban-me');
    await t.adminOk('POST', '/users/ban-me/ban', { banned: true });
    await eventually(() => client.status === 'banned');
    expect(statuses).toEqual(['banned']);
    expect(retrying(client)).toBe(false);
    expect(dials()).toBe(1);
    const again = new ParleyClient({ url: t.url, token: await t.token('ban-me'), deviceId: 'again' });
    clients.push(again);
    await expect(again.start()).rejects.toMatchObject({ code: 'auth.banned', retryable: false });
    await eventually(() => again.status === 'banned');
  });

  it('an erasure (close 4010) stops the client at `erased`', async () => {
    await t.createUsers('erase-me');
    const { client, statuses, dials } = await watched('erase-me');
    await t.adminOk('DELETE', '/users/erase-me', { erase: true });
    await eventually(() => client.status === 'erased');
    expect(statuses).toEqual(['erased']);
    expect(retrying(client)).toBe(false);
    expect(dials()).toBe(1);
  });
});

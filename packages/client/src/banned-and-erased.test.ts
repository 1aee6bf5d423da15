import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionStatus, connect, ParleyClient, type SocketFactory, type SocketLike } from './index.js';

describe('@parley/client when the account is banned, erased, signed out or replaced', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PARLEY_SINGLE_DEVICE_FLAGS: '1' });
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
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId: 'stops', deviceFlag: 1, socketFactory: counting });
    clients.push(client);
    const statuses: ConnectionStatus[] = [];
    client.onStatus.add('t', (s) => statuses.push(s));
    return { client, statuses, dials: () => dials };
  }
  /**
   * Connects `uid`, does what ends the account, and checks the client stopped at `status`: one status
   * reported, no dial scheduled, no socket opened after the first.
   */
  async function stopsAt(uid: string, end: () => Promise<unknown>, status: ConnectionStatus): Promise<void> {
    await t.createUsers(uid);
    const { client, statuses, dials } = await watched(uid);
    await end();
    await eventually(() => client.status === status);
    expect(statuses).toEqual([status]);
    expect((client as unknown as { connection: { retrying: boolean } }).connection.retrying).toBe(false);
    expect(dials()).toBe(1);
  }

  it('a ban (close 4011) stops the client at `banned`, and a new start is refused with auth.banned', async () => {
    await stopsAt('ban-me', () => t.adminOk('POST', '/users/ban-me/ban', { banned: true }), 'banned');
    const again = new ParleyClient({ url: t.url, token: await t.token('ban-me'), deviceId: 'again' });
    clients.push(again);
    await expect(again.start()).rejects.toMatchObject({ code: 'auth.banned', retryable: false });
    await eventually(() => again.status === 'banned');
  });

  it('an erasure (close 4010) stops the client at `erased`', async () => {
    await stopsAt('erase-me', () => t.adminOk('DELETE', '/users/erase-me', { erase: true }), 'erased');
  });

  it('the app server signing the device out (session.kicked, close 4010) stops the client at `kicked`', async () => {
    await stopsAt('kick-me', () => t.adminOk('POST', '/users/kick-me/kick', {}), 'kicked');
  });

  it('revoked tokens (session.kicked, close 4010) stop the client at `kicked`', async () => {
    await stopsAt('revoke-me', () => t.adminOk('POST', '/users/revoke-me/tokens/revoke'), 'kicked');
  });

  it('a newer login with a single-device flag (close 4012) stops the older client at `replaced`', async () => {
    await stopsAt(
      'replace-me',
      async () => {
        const newer = await connect({ url: t.url, token: await t.token('replace-me'), deviceId: 'newer', deviceFlag: 1 });
        clients.push(newer);
      },
      'replaced',
    );
  });
});

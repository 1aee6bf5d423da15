import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LocalMessage, type ParleyClient, type SocketFactory, type SocketLike } from './index.js';

const cmd = (name: string) => ({ type: 1099, cmd: name }) as never;
const cmdOf = (m: LocalMessage): string => String((m.payload as unknown as { cmd?: string }).cmd);

describe('@parley/client: header.syncOnce', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const open = async (uid: string, deviceId: string, extra: Partial<Parameters<typeof connect>[0]> = {}) => {
    const c = await connect({ url: t.url, token: await t.token(uid), deviceId, ...extra });
    clients.push(c);
    return c;
  };
  /** onNewMessage of a client, from the moment `connect` resolves. */
  const received = (c: ParleyClient): LocalMessage[] => {
    const got: LocalMessage[] = [];
    c.messages.onNewMessage.add('test', (m) => got.push(m));
    return got;
  };
  const waiting = async (uid: string) => (await t.storage.syncOnce.pending(uid, 100)).messages.map((m) => m.messageId);

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('sa', 'sb');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('sends with header.syncOnce; an online device gets it once and acknowledges it for the user', async () => {
    const a = await open('sa', 'a-phone');
    const b = await open('sb', 'b-phone');
    const atB = received(b);
    const sent = await a.messages.send({ channelId: 'sb', channelType: 1 }, cmd('live'), { header: { syncOnce: true } });
    expect(sent).toMatchObject({ status: 'success', reasonCode: 1, messageSeq: 0, header: { syncOnce: true } });
    await eventually(() => atB.length === 1);
    expect(atB[0]).toMatchObject({ messageId: sent.messageId, messageSeq: 0, channelId: 'sa', header: { syncOnce: true } });
    await eventually(async () => (await waiting('sb')).length === 0);
    // Not history: the channel has no message, the conversation did not move.
    expect((await b.conversations.list()).find((c) => c.conversationId === 'p2p|sa')).toBeUndefined();
    expect(atB).toHaveLength(1);
    b.close();
    a.close();
  });

  it('hands what waited to onNewMessage after connecting and after a reconnect, once, oldest first', async () => {
    const a = await open('sa', 'a-laptop');
    const first = await a.messages.send({ channelId: 'sb', channelType: 1 }, cmd('first'), { header: { syncOnce: true } });
    const second = await a.messages.send({ channelId: 'sb', channelType: 1 }, cmd('second'), { header: { syncOnce: true } });
    expect(await waiting('sb')).toEqual([first.messageId, second.messageId]);

    let offline = false;
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    const factory: SocketFactory = (url) => new WebSocketImpl(offline ? 'ws://127.0.0.1:1/v1/ws' : url);
    const b = await open('sb', 'b-tablet', { socketFactory: factory });
    const atB = received(b);
    await eventually(() => atB.length === 2);
    expect(atB.map(cmdOf)).toEqual(['first', 'second']);
    await eventually(async () => (await waiting('sb')).length === 0);

    offline = true;
    (b as unknown as { connection: { socket: SocketLike } }).connection.socket.close();
    await eventually(() => b.status !== 'connected');
    await a.messages.send({ channelId: 'sb', channelType: 1 }, cmd('while away'), { header: { syncOnce: true } });
    offline = false;
    await eventually(() => atB.length === 3);
    expect(cmdOf(atB[2] as LocalMessage)).toBe('while away');
    await eventually(async () => (await waiting('sb')).length === 0);

    // Another device of the same user, connecting later: nothing waits any more.
    const other = await open('sb', 'b-desktop');
    const atOther = received(other);
    await other.request('ping');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(atOther).toEqual([]);
    expect(atB).toHaveLength(3);
  });
});

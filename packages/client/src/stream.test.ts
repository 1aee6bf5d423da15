import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { clientMsgNo, TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LocalMessage, type ParleyClient, type SocketFactory, type SocketLike } from './index.js';

const contentOf = (m: LocalMessage | undefined): string | undefined => (m?.payload as { content?: string } | undefined)?.content;

describe('@parley/client: streamed messages grow as their chunks come', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('bot', 'ben', 'liz');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  /** The bot's stream, over REST as a bot's server would send it. */
  const stream = async (to: string) => {
    const token = await t.token('bot');
    const opened = await t.http('POST', '/v1/messages', {
      token,
      body: { channelId: to, channelType: 1, clientMsgNo: clientMsgNo(), payload: { type: 1, content: '' }, stream: true },
    });
    const id = opened.body.messageId as string;
    return {
      id,
      chunk: async (chunkNo: number, delta: string) =>
        expect((await t.http('POST', `/v1/messages/${id}/stream`, { token, body: { chunkNo, delta } })).status).toBe(200),
      end: async () => expect((await t.http('POST', `/v1/messages/${id}/stream/end`, { token, body: {} })).status).toBe(200),
    };
  };
  /** What onMessageStream reported, as `chunk:n:delta -> text` or `state -> text (streaming|status)`. */
  const watch = (client: ParleyClient) => {
    const log: string[] = [];
    client.messages.onMessageStream.add('t', (m, chunk) =>
      log.push(
        chunk
          ? `chunk:${chunk.chunkNo}:${chunk.delta} -> ${contentOf(m)}`
          : `state -> ${contentOf(m)} (${m.stream?.streaming ? 'streaming' : m.stream?.status})`,
      ),
    );
    return log;
  };

  it('hands each chunk over in order with the text so far, updates the cache and the preview, and reports the end', async () => {
    const ben = await connect({ url: t.url, token: await t.token('ben'), deviceId: 'stream' });
    clients.push(ben);
    const channel = { channelId: 'bot', channelType: 1 as const };
    await ben.messages.getOrSyncHistory({ channel });
    const log = watch(ben);
    const s = await stream('ben');
    await s.chunk(1, 'Hello');
    await s.chunk(2, ', ');
    await eventually(() => log.length === 2);
    // The conversation list's preview grows too.
    const preview = async () => (await ben.conversations.list()).find((c) => c.conversationId === 'p2p|bot')?.lastMsg as LocalMessage;
    await eventually(async () => contentOf(await preview()) === 'Hello, ');
    expect((await preview()).stream).toEqual({ streaming: true, chunkNo: 2, status: null });
    await s.chunk(3, 'world');
    await s.end();
    await eventually(() => log.length === 4);
    expect(log).toEqual([
      'chunk:1:Hello -> Hello',
      'chunk:2:,  -> Hello, ',
      'chunk:3:world -> Hello, world',
      'state -> Hello, world (done)',
    ]);
    const [cached] = (await ben.messages.getOrSyncHistory({ channel })).filter(
      (m) => 'messageId' in m && m.messageId === s.id,
    ) as LocalMessage[];
    expect([contentOf(cached), cached?.stream]).toEqual(['Hello, world', { streaming: false, chunkNo: 3, status: 'done' }]);
    ben.messages.onMessageStream.remove('t');
  });

  it('a device that was away mid-stream gets the text so far, then the rest', async () => {
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    let away = false;
    // liz's device cannot reach the server while `away`: its reconnect attempts fail until then.
    const factory: SocketFactory = (url) => new WebSocketImpl(away ? 'ws://127.0.0.1:1/v1/ws' : url);
    const liz = await connect({ url: t.url, token: await t.token('liz'), deviceId: 'away', socketFactory: factory });
    clients.push(liz);
    const channel = { channelId: 'bot', channelType: 1 as const };
    await liz.messages.getOrSyncHistory({ channel });
    const log = watch(liz);
    const s = await stream('liz');
    await s.chunk(1, 'The ');
    await eventually(() => log.length === 1);
    away = true;
    (liz as unknown as { connection: { socket: SocketLike } }).connection.socket.close();
    await eventually(() => liz.status !== 'connected');
    await s.chunk(2, 'quick ');
    await s.chunk(3, 'brown ');
    away = false;
    await eventually(() => liz.status === 'connected');
    await s.chunk(4, 'fox');
    await s.end();
    await eventually(() => log.at(-1) === 'state -> The quick brown fox (done)');
    // Chunks 2 and 3 reached liz as the message's state: read again after the reconnect, or when chunk 4
    // found them missing (whichever came first); the text only ever grew.
    expect(log[0]).toBe('chunk:1:The  -> The ');
    expect(log.some((l) => /^state -> The quick brown (fox)? \(streaming\)$/.test(l))).toBe(true);
    const texts = log.map((l) => (l.split(' -> ')[1] ?? '').replace(/ \((streaming|done)\)$/, ''));
    for (const [i, text] of texts.entries()) expect(text.startsWith(texts[i - 1] ?? '')).toBe(true);
    const history = await liz.messages.getOrSyncHistory({ channel });
    expect(contentOf(history.find((m) => 'messageId' in m && m.messageId === s.id) as LocalMessage)).toBe('The quick brown fox');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, connect, type LocalMessage, ParleyClient, type SocketFactory, type SocketLike } from './index.js';
import { FileStore } from './node/index.js';

const contentOf = (m: { payload: unknown }): string | undefined => (m.payload as { content?: string }).content;

/** Every request the client makes, method and params, through its real connection. */
function recordRequests(client: ParleyClient): Array<{ method: string; params: any }> {
  const made: Array<{ method: string; params: any }> = [];
  const connection = (client as unknown as { connection: { request: (m: string, p?: unknown) => Promise<unknown> } }).connection;
  const request = connection.request.bind(connection);
  connection.request = (method, params) => {
    made.push({ method, params });
    return request(method, params);
  };
  return made;
}

describe('@parley/client restarting from a persistent store (FileStore)', () => {
  let t: TestServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-restart-'));
  const clients: ParleyClient[] = [];
  const client = async (uid: string, file: string, extra: Partial<ClientOptions> = {}) => {
    const c = new ParleyClient({ url: t.url, token: await t.token(uid), deviceId: 'bot', store: new FileStore(file, uid), ...extra });
    clients.push(c);
    return c;
  };
  const say = async (from: string, to: string, text: string) =>
    (await t.adminOk('POST', '/messages', { fromUid: from, channelId: to, channelType: 1, payload: { type: 1, content: text } })) as {
      messageId: string;
    };

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the list and the chat from the file before it connects, then syncs only what changed', async () => {
    await t.ensureUsers('rita', 'sam');
    const file = path.join(dir, 'rita.json');
    const first = await (await client('rita', file)).start();
    const m1 = await say('sam', 'rita', 'one');
    for (const text of ['two', 'three']) await say('sam', 'rita', text);
    await eventually(async () => (await first.conversations.list())[0]?.lastMsgSeq === 3);
    const channel = { channelId: 'sam', channelType: 1 as const };
    expect((await first.messages.getOrSyncHistory({ channel })).map((m) => m.messageSeq)).toEqual([1, 2, 3]);
    first.close();

    // While rita's bot is down: two new messages, and an edit of one she has cached.
    for (const text of ['four', 'five']) await say('sam', 'rita', text);
    await t.http('PATCH', `/v1/messages/${m1.messageId}`, {
      token: await t.token('sam'),
      body: { payload: { type: 1, content: 'one, edited' } },
    });

    const again = await client('rita', file);
    const requests = recordRequests(again);
    expect(await again.openCache()).toBe(true);
    expect(again.uid).toBe('rita');
    // Not started, so nothing of this can come from the server.
    expect((await again.conversations.list()).map((c) => [c.conversationId, c.lastMsgSeq])).toEqual([['p2p|sam', 3]]);
    const cached = (await again.messages.getOrSyncHistory({ channel })) as LocalMessage[];
    expect(cached.map((m) => contentOf(m))).toEqual(['one', 'two', 'three']);
    expect(requests).toEqual([]);

    const arrived: string[] = [];
    again.messages.onNewMessage.add('t', (m) => arrived.push(contentOf(m) as string));
    const edited: string[] = [];
    again.messages.onMessageEdited.add('t', (m) => edited.push(contentOf(m) as string));
    const { token } = await new FileStore(file).syncState();
    await again.start();
    await eventually(() => arrived.length >= 2 && edited.length >= 1);
    expect(arrived).toEqual(['four', 'five']);
    expect(edited).toEqual(['one, edited']);
    expect((await again.conversations.list())[0]).toMatchObject({ conversationId: 'p2p|sam', lastMsgSeq: 5 });
    // The list from the stored token, not loaded again; history after the cached last seq, and the
    // cached page (shown before the connection was up) read once more for what changed meanwhile.
    const methods = requests.map((r) => r.method);
    expect(methods).not.toContain('conversation.list');
    expect(requests.find((r) => r.method === 'conversation.sync')?.params).toEqual({ since: token });
    expect(requests.filter((r) => r.method === 'message.history').map((r) => r.params)).toEqual([
      { conversationId: 'p2p|sam', direction: 'down', limit: 100, startSeq: 3, contain: false },
      { conversationId: 'p2p|sam', direction: 'down', limit: 3, startSeq: 1, contain: true },
    ]);
  });

  it('keeps sends made offline across a restart: they go out once, in order, with the same clientMsgNo', async () => {
    await t.ensureUsers('tom', 'uma');
    const file = path.join(dir, 'tom.json');
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    const nowhere: SocketFactory = () => new WebSocketImpl('ws://127.0.0.1:1/v1/ws');
    // Tom's bot has the chat with uma in its file from an earlier run.
    await say('uma', 'tom', 'ping');
    const earlier = await (await client('tom', file)).start();
    await earlier.messages.getOrSyncHistory({ channel: { channelId: 'uma', channelType: 1 } });
    earlier.close();

    const offline = await client('tom', file, { socketFactory: nowhere });
    await expect(offline.start()).rejects.toMatchObject({ code: 'client.disconnected' });
    expect(offline.status).toBe('reconnecting');
    for (const text of ['first', 'second', 'third']) void offline.messages.sendText({ channelId: 'uma', channelType: 1 }, text);
    const made = offline.messages.pendingSends().map((m) => m.clientMsgNo);
    // The store has them once each write is done: what the next process finds.
    await eventually(async () => (await new FileStore(file).outbox()).length === 3);
    offline.close();

    const uma = await connect({ url: t.url, token: await t.token('uma'), deviceId: 'reader' });
    clients.push(uma);
    const atUma: string[] = [];
    uma.messages.onNewMessage.add('t', (m) => atUma.push(contentOf(m) as string));
    const restarted = await client('tom', file);
    const inserted: string[] = [];
    restarted.messages.onInserted.add('t', (m) => inserted.push(m.clientMsgNo));
    const answered: LocalMessage[] = [];
    restarted.messages.onRefreshMessage.add('t', (m) => answered.push(m));
    expect(await restarted.openCache()).toBe(true);
    expect(inserted).toEqual(made);
    // Before the connection is up, the chat's newest page ends with what waits to be sent.
    const page = (await restarted.messages.getOrSyncHistory({ channel: { channelId: 'uma', channelType: 1 } })) as LocalMessage[];
    expect(page.map((m) => [contentOf(m), m.status])).toEqual([
      ['ping', 'success'],
      ['first', 'sending'],
      ['second', 'sending'],
      ['third', 'sending'],
    ]);
    await restarted.start();
    await eventually(() => answered.length >= 3 && atUma.length >= 3);
    expect(answered.map((m) => [m.clientMsgNo, m.status, contentOf(m)])).toEqual([
      [made[0], 'success', 'first'],
      [made[1], 'success', 'second'],
      [made[2], 'success', 'third'],
    ]);
    expect(atUma).toEqual(['first', 'second', 'third']);
    await eventually(async () => (await new FileStore(file).outbox()).length === 0);
    restarted.close();

    // Nothing is left to send the next time.
    const third = await (await client('tom', file)).start();
    expect(third.messages.pendingSends()).toEqual([]);
    expect(await t.storage.messages.count({ channelType: 1, channelId: 'tom|uma' })).toBe(4);
  });

  it('answers the newest page from the cache without a lastSeq when it reaches the conversation’s last message', async () => {
    await t.ensureUsers('vic', 'wes');
    for (const text of ['a', 'b', 'c', 'd']) await say('wes', 'vic', text);
    const vic = await connect({ url: t.url, token: await t.token('vic'), deviceId: 'history' });
    clients.push(vic);
    const requests = recordRequests(vic);
    const channel = { channelId: 'wes', channelType: 1 as const };
    const page = async () => (await vic.messages.getOrSyncHistory({ channel, limit: 3 })).map((m) => m.messageSeq);
    expect(await page()).toEqual([2, 3, 4]);
    expect(await page()).toEqual([2, 3, 4]);
    expect(requests.filter((r) => r.method === 'message.history')).toHaveLength(1);
    // A message newer than the cache: the list moves on, and the page comes from the server again.
    await say('wes', 'vic', 'e');
    await eventually(async () => (await vic.conversations.list())[0]?.lastMsgSeq === 5);
    expect(await page()).toEqual([3, 4, 5]);
  });
});

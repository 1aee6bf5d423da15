import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/bench/child-process.js';
import { sqliteBackend } from '../../server/src/test-support/backends.js';
import { eventually } from '../../server/src/test-support/eventually.js';
import { TestServer } from '../../server/src/test-support/server.js';
import type { SocketFactory, SocketLike } from './index.js';
import { connect, type LocalMessage, MemoryStore, type ParleyClient } from './index.js';

describe('@parley/client against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const open = async (uid: string, deviceId: string, extra: Partial<Parameters<typeof connect>[0]> = {}) => {
    const c = await connect({ url: t.url, token: await t.token(uid), deviceId, ...extra });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('alice', 'bob', 'carol');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('sends between two users and a second device: inserted, then refreshed; received once; lists updated live', async () => {
    const alice = await open('alice', 'phone');
    const laptop = await open('alice', 'laptop');
    const bob = await open('bob', 'web');
    const order: string[] = [];
    alice.messages.onInserted.add('t', (m) => order.push(`inserted:${m.status}`));
    alice.messages.onRefreshMessage.add('t', (m) => order.push(`refresh:${m.status}`));
    const atBob: LocalMessage[] = [];
    bob.messages.onNewMessage.add('t', (m) => atBob.push(m));
    const atLaptop: LocalMessage[] = [];
    laptop.messages.onNewMessage.add('t', (m) => atLaptop.push(m));

    const sent = await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'hi bob');
    expect(sent).toMatchObject({ status: 'success', reasonCode: 1, messageSeq: 1 });
    expect(order).toEqual(['inserted:sending', 'refresh:success']);
    await eventually(() => atBob.length === 1 && atLaptop.length === 1);
    expect(atBob[0]).toMatchObject({ channelId: 'alice', clientMsgNo: sent.clientMsgNo });
    expect(atLaptop[0]).toMatchObject({ channelId: 'bob', messageId: sent.messageId });
    await eventually(async () => (await bob.conversations.totalUnread()) === 1);
    const [conv] = await bob.conversations.list();
    expect(conv).toMatchObject({ conversationId: 'p2p|alice', unreadCount: 1, lastMsg: { payload: { content: 'hi bob' } } });
    await bob.conversations.markRead({ conversationId: 'p2p|alice' });
    expect(await bob.conversations.totalUnread()).toBe(0);
    alice.messages.onNewMessage.remove('t');
  });

  it('a failed send is resent with the same clientMsgNo after the server restarts, and stored once', async () => {
    const carol = await open('carol', 'tablet');
    const statuses: string[] = [];
    carol.onStatus.add('t', (s) => statuses.push(s));
    await t.server.close();
    await eventually(() => carol.status === 'disconnected' || carol.status === 'connecting');
    const failed = await carol.messages.sendText({ channelId: 'bob', channelType: 1 }, 'are you there?');
    expect(failed.status).toBe('fail');
    await t.restart();
    await eventually(() => carol.status === 'connected');
    const resent = await carol.messages.resend(failed);
    expect(resent).toMatchObject({ status: 'success', clientMsgNo: failed.clientMsgNo });
    const again = await carol.messages.resend(resent);
    expect(again.messageId).toBe(resent.messageId);
    expect(await t.storage.messages.count({ channelType: 1, channelId: 'bob|carol' })).toBe(1);
    expect(statuses).toContain('disconnected');
  });

  it('catches up after a restart with nothing missing and nothing doubled', async () => {
    const bob = await open('bob', 'catch-up');
    const alice = await open('alice', 'sender');
    await bob.messages.getOrSyncHistory({ channel: { channelId: 'alice', channelType: 1 } });
    await t.server.close();
    await t.restart();
    // alice's client reconnects on its own; bob's too. Messages sent as soon as alice is back:
    await eventually(() => alice.status === 'connected');
    for (let n = 0; n < 5; n++) await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, `while you were away ${n}`);
    await eventually(() => bob.status === 'connected');
    await eventually(
      async () =>
        ((await bob.conversations.list())[0]?.lastMsg?.payload as { content?: string } | undefined)?.content === 'while you were away 4',
    );
    const history = await bob.messages.getOrSyncHistory({ channel: { channelId: 'alice', channelType: 1 }, limit: 100 });
    const seqs = history.map((m) => m.messageSeq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const server = await t.storage.messages.count({ channelType: 1, channelId: 'alice|bob' });
    expect(seqs.length).toBe(server);
    const conv = (await bob.conversations.list()).find((c) => c.conversationId === 'p2p|alice');
    expect(conv?.unreadCount).toBe(5);
  });

  it('brings an offline device up to date: revokes, edits, deletes and new conversations', async () => {
    let offline = false;
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    const real = (url: string) => new WebSocketImpl(url);
    const factory: SocketFactory = (url) => real(offline ? 'ws://127.0.0.1:1/v1/ws' : url);
    const store = new MemoryStore();
    const device = await open('bob', 'sometimes-offline', { socketFactory: factory, store });
    const other = await open('bob', 'always-on');
    const alice = await open('alice', 'actor');
    const a1 = await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'to be edited');
    const a2 = await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'to be revoked');
    await device.messages.getOrSyncHistory({ channel: { channelId: 'alice', channelType: 1 }, limit: 100 });
    await eventually(async () => (await device.conversations.list()).some((c) => c.conversationId === 'p2p|carol'));

    offline = true;
    (device as unknown as { connection: { socket: SocketLike } }).connection.socket.close();
    await eventually(() => device.status !== 'connected');
    await alice.messages.edit(a1.messageId, { type: 1, content: 'edited' } as never);
    await alice.messages.revoke(a2.messageId);
    await other.conversations.delete(['p2p|carol']);
    await t.createUsers('dave');
    const dave = await open('dave', 'new');
    await dave.messages.sendText({ channelId: 'bob', channelType: 1 }, 'hello, new here');
    offline = false;

    await eventually(() => device.status === 'connected');
    await eventually(async () => (await device.conversations.list()).some((c) => c.conversationId === 'p2p|dave'));
    const list = await device.conversations.list();
    expect(list.map((c) => c.conversationId)).not.toContain('p2p|carol');
    expect(list.find((c) => c.conversationId === 'p2p|alice')).toMatchObject({
      lastMsgType: 1,
      revokeNotification: { messageId: a2.messageId },
    });
    const history = await device.messages.getOrSyncHistory({ channel: { channelId: 'alice', channelType: 1 }, limit: 100 });
    const byId = new Map(history.map((m) => ['messageId' in m ? m.messageId : '', m]));
    expect(byId.get(a1.messageId)).toMatchObject({ extra: { editedPayload: { content: 'edited' } } });
    expect(byId.get(a2.messageId)).toMatchObject({ extra: { revoked: true } });
  });

  it('applies conversation events in version order: old ones ignored, a gap repaired by sync', async () => {
    const bob = await open('bob', 'versions');
    const conversations = bob.conversations as unknown as { handlePush(e: string, d: unknown): Promise<void>; store: MemoryStore };
    const state = await conversations.store.syncState();
    const real = (await bob.conversations.list())[0];
    if (!real) throw new Error('bob has conversations');
    await conversations.handlePush('conversation.updated', { conversation: { ...real, ext: 'stale' }, version: state.version });
    expect((await bob.conversations.list()).find((c) => c.conversationId === real.conversationId)?.ext).not.toBe('stale');
    await conversations.handlePush('conversation.updated', {
      conversation: { ...real, ext: 'from the future' },
      version: state.version + 5,
    });
    const after = await conversations.store.syncState();
    expect(after.version).toBeGreaterThanOrEqual(state.version);
    expect((await bob.conversations.list()).find((c) => c.conversationId === real.conversationId)?.ext).not.toBe('from the future');
    const fresh = await t.http('GET', '/v1/conversations/unread', { token: await t.token('bob') });
    expect(await bob.conversations.totalUnread()).toBe(fresh.body.totalUnread);
  });

  it('serves history from the local cache when complete and fills a gap from the server', async () => {
    const alice = await open('alice', 'cache');
    for (let n = 0; n < 30; n++) await alice.messages.sendText({ channelId: 'carol', channelType: 1 }, `n${n}`);
    const carol = await open('carol', 'cache');
    const channel = { channelId: 'alice', channelType: 1 as const };
    // Counts the history requests that reach the server (a spy on the real connection, not a stub).
    let served = 0;
    const connection = (carol as unknown as { connection: { request: (m: string, p?: unknown) => Promise<unknown> } }).connection;
    const request = connection.request.bind(connection);
    connection.request = (method, params) => {
      if (method === 'message.history') served++;
      return request(method, params);
    };
    await carol.messages.getOrSyncHistory({ channel, startSeq: 1, pullMode: 0, contain: true, limit: 5 });
    await carol.messages.getOrSyncHistory({ channel, startSeq: 11, pullMode: 0, contain: true, limit: 5 });
    expect(served).toBe(2);
    const cached = await carol.messages.getOrSyncHistory({ channel, startSeq: 2, pullMode: 0, contain: true, limit: 3 }, 30);
    expect(cached.map((m) => m.messageSeq)).toEqual([2, 3, 4]);
    expect(served).toBe(2);
    const gap = await carol.messages.getOrSyncHistory({ channel, startSeq: 3, pullMode: 0, contain: true, limit: 10 }, 30);
    expect(gap.map((m) => m.messageSeq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(served).toBe(3);
  });

  it('deleting history (for me, or a conversation with its roaming messages) also empties the cache, here and on my other device', async () => {
    await t.ensureUsers('dora', 'eve');
    const dora = await open('dora', 'forget');
    for (let n = 0; n < 4; n++) await dora.messages.sendText({ channelId: 'eve', channelType: 1 }, `f${n}`);
    const phone = await open('eve', 'forget-phone');
    const laptop = await open('eve', 'forget-laptop');
    const channel = { channelId: 'dora', channelType: 1 as const };
    const texts = async (c: ParleyClient) =>
      (await c.messages.getOrSyncHistory({ channel, startSeq: 0, limit: 10 }, 4)).map((m) =>
        'deleted' in m ? '-' : (m.payload as { content?: string }).content,
      );
    expect(await texts(phone)).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(await texts(laptop)).toEqual(['f0', 'f1', 'f2', 'f3']);

    const f1 = (
      await phone.messages.getOrSyncHistory({ channel, startSeq: 2, contain: true, pullMode: 0, limit: 1 }, 4)
    )[0] as LocalMessage;
    await phone.messages.removeHistory(channel, { messageIds: [f1.messageId] });
    expect(await texts(phone)).not.toContain('f1');
    await eventually(async () => !(await texts(laptop)).includes('f1'));

    await laptop.conversations.delete(['p2p|dora'], true);
    expect(await texts(laptop)).toEqual([]);
    await eventually(async () => (await texts(phone)).length === 0);
  });

  it("an edit of a conversation's last message changes the list's preview live", async () => {
    await t.ensureUsers('hal', 'ida');
    const hal = await open('hal', 'preview');
    const ida = await open('ida', 'preview');
    const sent = await hal.messages.sendText({ channelId: 'ida', channelType: 1 }, 'draft');
    const preview = async (c: ParleyClient, id: string) =>
      ((await c.conversations.list()).find((x) => x.conversationId === id)?.lastMsg?.extra.editedPayload as { content?: string } | null)
        ?.content;
    await eventually(async () => (await ida.conversations.list()).some((c) => c.conversationId === 'p2p|hal'));
    await hal.messages.edit(sent.messageId, { type: 1, content: 'final' } as never);
    await eventually(async () => (await preview(ida, 'p2p|hal')) === 'final');
    await eventually(async () => (await preview(hal, 'p2p|ida')) === 'final');
  });
});

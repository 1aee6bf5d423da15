import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketFactory, SocketLike } from './index.js';
import { connect, type LocalMessage, MemoryStore, type ParleyClient } from './index.js';

const contentOf = (m: LocalMessage): string => String((m.payload as unknown as { content?: string }).content);

describe('@parley/client against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const open = async (uid: string, deviceId: string, extra: Partial<Parameters<typeof connect>[0]> = {}) => {
    const c = await connect({ url: t.url, token: await t.token(uid), deviceId, ...extra });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, {
      PORT: String(await freePort()),
      PARLEY_SEND_RATE_PER_SEC: '0',
      PARLEY_TEXT_MAX_CHARS: '4000',
    });
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

    expect(alice.limits?.textMaxChars).toBe(4000);
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

  it("tells onConversationUpdate of one's own conversation operation once, whether its push or its answer comes first", async () => {
    const bob = await open('bob', 'ops-once');
    const alice = await open('alice', 'ops-once');
    await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'count me once');
    await eventually(async () => (await bob.conversations.list()).some((c) => c.conversationId === 'p2p|alice' && c.unreadCount > 0));
    const seen: string[] = [];
    bob.conversations.onConversationUpdate.add('t', (c) => seen.push(`${c.conversationId}:${c.version}`));
    await bob.conversations.markRead({ conversationId: 'p2p|alice' });
    await bob.conversations.pin({ conversationId: 'p2p|alice' }, true);
    await bob.conversations.updateExt({ conversationId: 'p2p|alice' }, 'x');
    // A push leaves ahead of any later answer on the same socket: after this one, every push of the three has come.
    await bob.conversations.pin({ conversationId: 'p2p|carol' }, false).catch(() => undefined);
    await bob.conversations.list();
    const mine = seen.filter((s) => s.startsWith('p2p|alice:'));
    expect(mine).toHaveLength(3);
    expect(new Set(mine).size).toBe(3);
    bob.conversations.onConversationUpdate.remove('t');
  });

  it('sends made while the server is down wait in the outbox and go out in order when it is back, each stored once', async () => {
    const carol = await open('carol', 'tablet');
    const bob = await open('bob', 'outbox-reader');
    await bob.messages.getOrSyncHistory({ channel: { channelId: 'carol', channelType: 1 } });
    const atBob: string[] = [];
    bob.messages.onNewMessage.add('t', (m) => atBob.push(contentOf(m)));
    const statuses: string[] = [];
    carol.onStatus.add('t', (s) => statuses.push(s));
    const inserted: string[] = [];
    carol.messages.onInserted.add('t', (m) => inserted.push(m.status));
    await t.server.close();
    await eventually(() => carol.status === 'reconnecting');
    const sends = ['are you there?', 'hello?', 'ok, later'].map((text) =>
      carol.messages.sendText({ channelId: 'bob', channelType: 1 }, text),
    );
    expect(inserted).toEqual(['sending', 'sending', 'sending']);
    expect(carol.messages.pendingSends().map((m) => contentOf(m))).toEqual(['are you there?', 'hello?', 'ok, later']);
    await t.restart();
    const sent = await Promise.all(sends);
    expect(sent.map((m) => m.status)).toEqual(['success', 'success', 'success']);
    const seqs = sent.map((m) => m.messageSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(carol.messages.pendingSends()).toEqual([]);
    const again = await carol.messages.resend(sent[0] as LocalMessage);
    expect(again.messageId).toBe(sent[0]?.messageId);
    expect(await t.storage.messages.count({ channelType: 1, channelId: 'bob|carol' })).toBe(3);
    await eventually(() => atBob.length === 3);
    expect(atBob).toEqual(['are you there?', 'hello?', 'ok, later']);
    expect(statuses).toContain('reconnecting');
    bob.messages.onNewMessage.remove('t');
  });

  it('a send cut off before its ack goes again on the next connection and is stored once', async () => {
    await t.ensureUsers('cut-a', 'cut-b');
    const a = await open('cut-a', 'cut');
    const socket = () => (a as unknown as { connection: { socket: SocketLike } }).connection.socket;
    const sending = a.messages.sendText({ channelId: 'cut-b', channelType: 1 }, 'through the tunnel');
    socket().close();
    const sent = await sending;
    expect(sent.status).toBe('success');
    expect(await t.storage.messages.count({ channelType: 1, channelId: 'cut-a|cut-b' })).toBe(1);
  });

  it('a message sent while the device reconnects reaches onNewMessage once, in order, before newer ones', async () => {
    await t.ensureUsers('gus', 'hal');
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    let away = false;
    // gus's device cannot reach the server while `away`: its reconnect attempts fail until then.
    const factory: SocketFactory = (url) => new WebSocketImpl(away ? 'ws://127.0.0.1:1/v1/ws' : url);
    const hal = await open('hal', 'sender');
    const gus = await open('gus', 'open-chat', { socketFactory: factory });
    const channel = { channelId: 'hal', channelType: 1 as const };
    await hal.messages.sendText({ channelId: 'gus', channelType: 1 }, 'before');
    await gus.messages.getOrSyncHistory({ channel }); // the chat is open
    const seen: Array<[number, string]> = [];
    gus.messages.onNewMessage.add('t', (m) => seen.push([m.messageSeq, contentOf(m)]));
    away = true;
    await t.server.close();
    await t.restart();
    // The server is back and hal's app server sends over REST before gus's device is.
    const token = await t.token('hal');
    for (const text of ['during 1', 'during 2']) {
      const res = await t.http('POST', '/v1/messages', {
        token,
        body: { channelId: 'gus', channelType: 1, clientMsgNo: `during-${text}-${Date.now()}`, payload: { type: 1, content: text } },
      });
      expect(res.status).toBe(200);
    }
    away = false;
    await eventually(() => gus.status === 'connected' && hal.status === 'connected');
    await hal.messages.sendText({ channelId: 'gus', channelType: 1 }, 'after');
    await eventually(() => seen.length >= 3);
    expect(seen).toEqual([
      [2, 'during 1'],
      [3, 'during 2'],
      [4, 'after'],
    ]);
    const conv = (await gus.conversations.list()).find((c) => c.conversationId === 'p2p|hal');
    expect(conv).toMatchObject({ lastMsgSeq: 4, unreadCount: 4 });
    gus.messages.onNewMessage.remove('t');
  });

  it('a push lost on the way (the bus delivers at most once) is fetched before the next message is handed over', async () => {
    await t.ensureUsers('ivy', 'jon');
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    let dropNext = false;
    // A real socket whose next message.new frame is lost, as a push dropped between nodes would be.
    const lossy: SocketFactory = (url) => {
      const socket = new WebSocketImpl(url);
      return new Proxy(socket, {
        set(target, prop, value) {
          if (prop === 'onmessage' && typeof value === 'function') {
            (target as SocketLike).onmessage = (ev: { data: unknown }) => {
              if (dropNext && String(ev.data).includes('"message.new"')) {
                dropNext = false;
                return;
              }
              value(ev);
            };
            return true;
          }
          return Reflect.set(target, prop, value);
        },
      });
    };
    const jon = await open('jon', 'lossy', { socketFactory: lossy });
    const ivy = await open('ivy', 'sender');
    const channel = { channelId: 'ivy', channelType: 1 as const };
    await jon.messages.getOrSyncHistory({ channel });
    const seen: number[] = [];
    jon.messages.onNewMessage.add('t', (m) => seen.push(m.messageSeq));
    dropNext = true;
    await ivy.messages.sendText({ channelId: 'jon', channelType: 1 }, 'lost on the way');
    await ivy.messages.sendText({ channelId: 'jon', channelType: 1 }, 'arrives');
    await eventually(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
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

  it('reports what changed in a shown chat while the device was away, without the app asking again', async () => {
    let offline = false;
    const WebSocketImpl = (await import('ws')).default as unknown as new (u: string) => SocketLike;
    const factory: SocketFactory = (url) => new WebSocketImpl(offline ? 'ws://127.0.0.1:1/v1/ws' : url);
    const device = await open('bob', 'away-a-while', { socketFactory: factory, store: new MemoryStore() });
    const alice = await open('alice', 'changer');
    const a1 = await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'will change');
    const a2 = await alice.messages.sendText({ channelId: 'bob', channelType: 1 }, 'will go');
    await device.messages.getOrSyncHistory({ channel: { channelId: 'alice', channelType: 1 }, limit: 20 });
    const changes: string[] = [];
    device.messages.onMessageEdited.add('t', (m) => changes.push(`edited ${m.messageId}`));
    device.messages.onMessageRevoked.add('t', (m) => changes.push(`revoked ${m.messageId}`));

    offline = true;
    (device as unknown as { connection: { socket: SocketLike } }).connection.socket.close();
    await eventually(() => device.status !== 'connected');
    await alice.messages.edit(a1.messageId, { type: 1, content: 'changed' } as never);
    await alice.messages.revoke(a2.messageId);
    expect(changes).toEqual([]);
    offline = false;

    await eventually(() => changes.length === 2);
    expect(changes.sort()).toEqual([`edited ${a1.messageId}`, `revoked ${a2.messageId}`].sort());
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

  it('pullMode means what it means in WuKongIM: 0 pulls older messages, 1 newer ones, from the cache or the server', async () => {
    await t.ensureUsers('pm-a', 'pm-b');
    const a = await open('pm-a', 'pull');
    for (let n = 1; n <= 20; n++) await a.messages.sendText({ channelId: 'pm-b', channelType: 1 }, `p${n}`);
    const b = await open('pm-b', 'pull');
    const channel = { channelId: 'pm-a', channelType: 1 as const };
    const seqs = (rows: Array<{ messageSeq: number }>) => rows.map((m) => m.messageSeq);
    expect(seqs(await b.messages.getOrSyncHistory({ channel, startSeq: 10, pullMode: 0, limit: 5 }))).toEqual([5, 6, 7, 8, 9]);
    expect(seqs(await b.messages.getOrSyncHistory({ channel, startSeq: 10, pullMode: 1, limit: 5 }))).toEqual([11, 12, 13, 14, 15]);
    expect(seqs(await b.messages.getOrSyncHistory({ channel, startSeq: 10, contain: true, limit: 3 }))).toEqual([8, 9, 10]);
    // The same from the cache (lastSeq given): the ranges above are all cached now.
    expect(seqs(await b.messages.getOrSyncHistory({ channel, startSeq: 10, pullMode: 0, limit: 5 }, 20))).toEqual([5, 6, 7, 8, 9]);
    expect(seqs(await b.messages.getOrSyncHistory({ channel, startSeq: 10, pullMode: 1, limit: 5 }, 20))).toEqual([11, 12, 13, 14, 15]);
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
    await carol.messages.getOrSyncHistory({ channel, startSeq: 1, pullMode: 1, contain: true, limit: 5 });
    await carol.messages.getOrSyncHistory({ channel, startSeq: 11, pullMode: 1, contain: true, limit: 5 });
    expect(served).toBe(2);
    const cached = await carol.messages.getOrSyncHistory({ channel, startSeq: 2, pullMode: 1, contain: true, limit: 3 }, 30);
    expect(cached.map((m) => m.messageSeq)).toEqual([2, 3, 4]);
    expect(served).toBe(2);
    const gap = await carol.messages.getOrSyncHistory({ channel, startSeq: 3, pullMode: 1, contain: true, limit: 10 }, 30);
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
      await phone.messages.getOrSyncHistory({ channel, startSeq: 2, contain: true, pullMode: 1, limit: 1 }, 4)
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

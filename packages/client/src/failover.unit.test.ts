import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ParleyClient } from './client.js';
import type { SocketFactory, SocketLike } from './socket.js';

interface Frame {
  id: number;
  method: string;
  params?: any;
}

/**
 * The client's end of a WebSocket to a fake server node: the node answers the few requests the SDK
 * makes when it connects and sends, or refuses the connection when it is down. Its events come as
 * microtasks, after the SDK has set its handlers, as a real socket's come after the constructor.
 */
class FakeSocket implements SocketLike {
  readyState = 0;
  readonly requests: Frame[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;

  constructor(
    readonly url: string,
    private readonly node: FakeNode,
  ) {
    queueMicrotask(() => {
      if (!node.up) return this.drop();
      this.readyState = 1;
      this.onopen?.({});
    });
  }

  send(data: string): void {
    const frame = JSON.parse(data) as Frame;
    this.requests.push(frame);
    const result = this.node.answer(frame);
    if (result !== undefined) queueMicrotask(() => this.onmessage?.({ data: JSON.stringify({ id: frame.id, result }) }));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  /** The connection is lost (refused, or the node died): 1006, as a browser reports it. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }

  get methods(): string[] {
    return this.requests.map((r) => r.method);
  }
}

/** One server node of the fake cluster. */
class FakeNode {
  up = true;
  /** A node about to die: it takes these requests and never answers them. */
  readonly holds = new Set<string>();
  private seq = 0;

  constructor(readonly name: string) {}

  answer(frame: Frame): unknown {
    if (this.holds.has(frame.method)) return undefined;
    switch (frame.method) {
      case 'auth':
        return { uid: 'ann' };
      case 'conversation.list':
        return { conversations: [], hasMore: false, cursor: null, syncToken: 's0' };
      case 'conversation.sync':
        return { changes: [], syncToken: 's1', version: 0, hasMore: false, reset: false };
      case 'message.syncOnce':
        return { messages: [], hasMore: false };
      case 'message.send':
        return {
          clientMsgNo: frame.params.clientMsgNo,
          messageId: `${this.name}-${++this.seq}`,
          messageSeq: this.seq,
          timestamp: 1,
          reasonCode: 1,
        };
      default:
        throw new Error(`the fake node does not answer ${frame.method}`);
    }
  }
}

/** Fake nodes by base URL, and every socket the client opened, in order. */
function cluster(...names: string[]) {
  const nodes = new Map(names.map((name) => [`http://${name}:5280`, new FakeNode(name)]));
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (url) => {
    const node = [...nodes].find(([base]) => url === `${base.replace(/^http/, 'ws')}/v1/ws`)?.[1];
    if (!node) throw new Error(`no fake node at ${url}`);
    const socket = new FakeSocket(url, node);
    sockets.push(socket);
    return socket;
  };
  return {
    urls: [...nodes.keys()],
    node: (name: string) => [...nodes.values()].find((n) => n.name === name) as FakeNode,
    sockets,
    /** The host of each socket opened, in order. */
    dialled: () => sockets.map((s) => new URL(s.url).hostname),
    last: () => sockets[sockets.length - 1] as FakeSocket,
    client: (url: string | string[]) => new ParleyClient({ url, token: 't', socketFactory: factory }),
  };
}

/** Microtasks and due timers, as the event loop would run them in `ms` of fake time. */
const elapse = (ms: number) => vi.advanceTimersByTimeAsync(ms);

// With Math.random at 0.5, full-jitter backoff waits half its ceiling: 250 ms, then 500, 1000, ...
beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SDK failover over a list of server URLs', () => {
  it('a single URL works as before: it dials that server and, after a drop, the same one again', async () => {
    const c = cluster('solo');
    const client = await c.client('http://solo:5280/').start();
    expect(c.sockets.map((s) => s.url)).toEqual(['ws://solo:5280/v1/ws']);
    c.last().drop();
    await elapse(250);
    expect(c.dialled()).toEqual(['solo', 'solo']);
    expect(client.status).toBe('connected');
    client.close();
  });

  it('start skips a server that cannot be reached and connects to the next at once, without a backoff', async () => {
    const c = cluster('a', 'b', 'c');
    c.node('a').up = false;
    const client = await c.client(c.urls).start();
    expect(client.status).toBe('connected');
    expect(c.dialled()).toEqual(['a', 'b']);
    client.close();
  });

  it('start fails only when no server answers, and reconnecting goes on from there', async () => {
    const c = cluster('a', 'b');
    for (const name of ['a', 'b']) c.node(name).up = false;
    const client = c.client(c.urls);
    await expect(client.start()).rejects.toMatchObject({ code: 'client.disconnected' });
    expect(c.dialled()).toEqual(['a', 'b']);
    c.node('a').up = true;
    await elapse(500);
    expect(c.dialled()).toEqual(['a', 'b', 'a']);
    expect(client.status).toBe('connected');
    client.close();
  });

  it('when its node dies mid-send it moves to the next after the backoff, resyncs there, then resends with the same clientMsgNo', async () => {
    const c = cluster('a', 'b', 'c');
    const client = await c.client(c.urls).start();
    const statuses: string[] = [];
    client.onStatus.add('t', (s) => statuses.push(s));
    c.node('a').holds.add('message.send');
    const sending = client.messages.sendText({ channelId: 'bob', channelType: 1 }, 'in flight when a died');
    await elapse(0);
    const first = c.last().requests.find((r) => r.method === 'message.send');
    expect(first).toBeDefined();

    c.last().drop();
    await elapse(249);
    expect(c.dialled()).toEqual(['a']);
    await elapse(1);
    expect(c.dialled()).toEqual(['a', 'b']);
    const sent = await sending;

    // On b: sign in, catch up on what a's death may have cost, and only then the send again, once.
    expect(c.last().methods).toEqual(['auth', 'conversation.sync', 'message.syncOnce', 'message.send']);
    expect(c.last().requests[3]?.params.clientMsgNo).toBe(first?.params.clientMsgNo);
    expect(sent).toMatchObject({ status: 'success', messageId: 'b-1', clientMsgNo: first?.params.clientMsgNo });
    expect(statuses).toEqual(['reconnecting', 'connected']);
    client.close();
  });

  it('goes round the list with a growing backoff while servers fail, and starts the backoff again once connected', async () => {
    const c = cluster('a', 'b', 'c');
    const client = await c.client(c.urls).start();
    c.node('b').up = false;
    c.node('c').up = false;
    c.last().drop();
    await elapse(250);
    expect(c.dialled()).toEqual(['a', 'b']);
    await elapse(499);
    expect(c.dialled()).toEqual(['a', 'b']);
    await elapse(1);
    expect(c.dialled()).toEqual(['a', 'b', 'c']);
    await elapse(1000);
    expect(c.dialled()).toEqual(['a', 'b', 'c', 'a']);
    expect(client.status).toBe('connected');

    c.node('b').up = true;
    c.last().drop();
    await elapse(250);
    expect(c.dialled()).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(client.status).toBe('connected');
    client.close();
  });

  it('a node dying while the SDK fetches what a push showed missing throws nothing at the app; the next node catches it up', async () => {
    const c = cluster('a', 'b');
    const client = await c.client(c.urls).start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      // A conversation event past a version gap: the SDK syncs, and a dies before answering.
      c.node('a').holds.add('conversation.sync');
      c.last().onmessage?.({ data: JSON.stringify({ event: 'conversation.updated', data: { version: 7, conversation: {} } }) });
      await elapse(0);
      expect(c.last().methods.at(-1)).toBe('conversation.sync');
      c.last().drop();
      await elapse(250);
      expect(c.last().methods).toEqual(['auth', 'conversation.sync', 'message.syncOnce']);
      expect(client.status).toBe('connected');
      // Unhandled rejections are reported once the event loop turns: let it, for real.
      vi.useRealTimers();
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    client.close();
  });

  it('reports one `reconnecting` while retries go on, however many fail, and `connecting` only for the first round', async () => {
    const c = cluster('a', 'b');
    for (const name of ['a', 'b']) c.node(name).up = false;
    const client = c.client(c.urls);
    const statuses: string[] = [];
    client.onStatus.add('t', (s) => statuses.push(s));
    await expect(client.start()).rejects.toMatchObject({ code: 'client.disconnected' });
    await elapse(10_000);
    expect(c.dialled().length).toBeGreaterThan(4);
    expect(statuses).toEqual(['connecting', 'reconnecting']);
    c.node('a').up = true;
    c.node('b').up = true;
    await elapse(30_000);
    expect(statuses).toEqual(['connecting', 'reconnecting', 'connected']);

    c.node('a').up = false;
    c.node('b').up = false;
    const before = c.dialled().length;
    c.last().drop();
    await elapse(10_000);
    expect(c.dialled().length).toBeGreaterThan(before + 2);
    expect(statuses).toEqual(['connecting', 'reconnecting', 'connected', 'reconnecting']);
    c.node('a').up = true;
    c.node('b').up = true;
    await elapse(30_000);
    expect(statuses).toEqual(['connecting', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    client.close();
  });

  it('uploads to the server it is connected to', async () => {
    const c = cluster('a', 'b');
    c.node('a').up = false;
    const fetch = vi.fn(async (_url: string, _init: unknown) => new Response(JSON.stringify({ fileId: 'f', url: '/v1/files/f' })));
    vi.stubGlobal('fetch', fetch);
    const client = await c.client(c.urls).start();
    await client.upload(new Blob(['x']), 'x.txt');
    expect(fetch.mock.calls[0]?.[0]).toBe('http://b:5280/v1/files');
    client.close();
  });

  it('refuses an empty list', () => {
    expect(() => cluster().client([])).toThrow(TypeError);
  });
});

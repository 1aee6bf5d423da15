import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, type TestServer, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

/** A bot's stream over REST, as the sender's token sees it. */
async function openStream(t: TestServer, from: string, channelId: string, channelType: number, content = '') {
  const token = await t.token(from);
  const opened = await t.http('POST', '/v1/messages', {
    token,
    body: { channelId, channelType, clientMsgNo: clientMsgNo(), payload: { type: 1, content }, stream: true },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  const messageId = opened.body.messageId as string;
  return {
    messageId,
    messageSeq: opened.body.messageSeq as number,
    chunk: (chunkNo: number, delta: string) => t.http('POST', `/v1/messages/${messageId}/stream`, { token, body: { chunkNo, delta } }),
    end: (body: Record<string, unknown> = {}) => t.http('POST', `/v1/messages/${messageId}/stream/end`, { token, body }),
  };
}

const chunksOf = (client: TestClient, messageId: string) =>
  client
    .eventsOf('message.stream')
    .filter((p) => p.messageId === messageId)
    .map((p) => [p.chunkNo, p.delta]);

const ended = (messageId: string) => (m: { messageId: string; stream?: { streaming: boolean } }) =>
  m.messageId === messageId && m.stream?.streaming === false;

await describeEachBackend('streaming messages', (backend) => {
  const server = useServer(backend, {
    PARLEY_SEND_RATE_PER_SEC: '0',
    PARLEY_STREAM_MAX_OPEN: '2',
    PARLEY_STREAM_CHUNK_MAX_CHARS: '10',
    PARLEY_STREAM_MAX_CHARS: '30',
  });

  it('stores chunks sent out of order or repeated once each, in order, and pushes each once', async () => {
    const t = server();
    await t.ensureUsers('st-bot', 'st-bob');
    const bob = await t.connect('st-bob');
    const s = await openStream(t, 'st-bot', 'st-bob', 1);
    const opened = await bob.waitForEvent('message.new', (m) => m.messageId === s.messageId);
    expect(opened.data).toMatchObject({ payload: { type: 1, content: '' }, stream: { streaming: true, chunkNo: 0, status: null } });

    expect((await s.chunk(1, 'Hel')).body).toEqual({ messageId: s.messageId, chunkNo: 1, applied: true });
    expect((await s.chunk(1, 'Hel')).body).toEqual({ messageId: s.messageId, chunkNo: 1, applied: false });
    const gap = await s.chunk(3, 'rld');
    expect([gap.status, gap.body.code, gap.body.details]).toEqual([409, 'stream.chunk_gap', { expectedChunkNo: 2 }]);
    expect((await s.chunk(2, 'lo wo')).body.applied).toBe(true);
    expect((await s.chunk(3, 'rld')).body.applied).toBe(true);
    // A repeat of an earlier chunk, even with another text, changes nothing.
    expect((await s.chunk(2, 'XXXX')).body).toEqual({ messageId: s.messageId, chunkNo: 3, applied: false });

    await bob.until(() => chunksOf(bob, s.messageId).length === 3);
    const history = await bob.request('message.history', { conversationId: 'p2p|st-bot' });
    expect(history.messages.at(-1)).toMatchObject({
      messageId: s.messageId,
      payload: { type: 1, content: 'Hello world' },
      stream: { streaming: true, chunkNo: 3, status: null },
    });

    const end = await s.end({ status: 'done' });
    expect(end.body.message).toMatchObject({
      payload: { content: 'Hello world' },
      stream: { streaming: false, chunkNo: 3, status: 'done' },
    });
    const final = await bob.waitForEvent('message.updated', ended(s.messageId));
    expect(final.data).toMatchObject({ channelId: 'st-bot', payload: { content: 'Hello world' }, stream: { status: 'done' } });
    expect(chunksOf(bob, s.messageId)).toEqual([
      [1, 'Hel'],
      [2, 'lo wo'],
      [3, 'rld'],
    ]);
    // Ending again answers the message as it is; a repeat still answers ok; a new chunk is refused.
    expect((await s.end()).body.message.stream).toEqual({ streaming: false, chunkNo: 3, status: 'done' });
    expect((await s.chunk(3, 'rld')).body.applied).toBe(false);
    expect((await s.chunk(4, '!')).body.code).toBe('stream.not_open');
    // Search finds it by its streamed text.
    const search = await bob.request('message.search', { q: 'world' });
    expect(search.messages.map((m: { messageId: string }) => m.messageId)).toEqual([s.messageId]);
    await bob.close();
  });

  it('a device that reconnects mid-stream reads the text so far, then gets the rest; the sender’s other devices see it too', async () => {
    const t = server();
    await t.ensureUsers('sr-bot', 'sr-bob');
    const botPhone = await t.connect('sr-bot', 'phone');
    let bob = await t.connect('sr-bob', 'laptop');
    const s = await openStream(t, 'sr-bot', 'sr-bob', 1, 'The ');
    await s.chunk(1, 'quick ');
    await bob.until(() => chunksOf(bob, s.messageId).length === 1);
    await bob.close();
    await s.chunk(2, 'brown ');
    bob = await t.connect('sr-bob', 'laptop');
    const history = await bob.request('message.history', { conversationId: 'p2p|sr-bot' });
    expect(history.messages.at(-1)).toMatchObject({ payload: { content: 'The quick brown ' }, stream: { streaming: true, chunkNo: 2 } });
    const list = await bob.request('conversation.list', {});
    expect(list.conversations.find((c: { conversationId: string }) => c.conversationId === 'p2p|sr-bot')).toMatchObject({
      lastMsg: { messageId: s.messageId, payload: { content: 'The quick brown ' }, stream: { streaming: true } },
    });
    await s.chunk(3, 'fox');
    await bob.waitForEvent('message.stream', (p) => p.messageId === s.messageId && p.chunkNo === 3);
    await s.end();
    const final = await bob.waitForEvent('message.updated', ended(s.messageId));
    expect(final.data.payload.content).toBe('The quick brown fox');
    expect(chunksOf(bob, s.messageId)).toEqual([[3, 'fox']]);
    // The sender's phone saw the stream open, every chunk and the end.
    await botPhone.waitForEvent('message.updated', ended(s.messageId));
    expect(botPhone.eventsOf('message.new').some((m) => m.messageId === s.messageId && m.channelId === 'sr-bob')).toBe(true);
    expect(chunksOf(botPhone, s.messageId).map(([n]) => n)).toEqual([1, 2, 3]);
    await bob.close();
    await botPhone.close();
  });

  it('opens a stream over the WebSocket too, where the sender’s other devices see it open', async () => {
    const t = server();
    await t.ensureUsers('sw-bot', 'sw-bob');
    const laptop = await t.connect('sw-bot', 'laptop');
    const phone = await t.connect('sw-bot', 'phone');
    const ack = await laptop.request('message.send', {
      channelId: 'sw-bob',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: { type: 1, content: 'Let me think' },
      stream: true,
    });
    expect(ack.reasonCode).toBe(1);
    const opened = await phone.waitForEvent('message.new', (m) => m.messageId === ack.messageId);
    expect(opened.data).toMatchObject({ payload: { content: 'Let me think' }, stream: { streaming: true, chunkNo: 0 } });
    const chunk = await t.http('POST', `/v1/messages/${ack.messageId}/stream`, {
      token: await t.token('sw-bot'),
      body: { chunkNo: 1, delta: '...' },
    });
    expect(chunk.body.applied).toBe(true);
    await laptop.waitForEvent('message.stream', (p) => p.messageId === ack.messageId && p.chunkNo === 1);
    await expect(
      laptop.request('message.send', {
        channelId: 'sw-bob',
        channelType: 1,
        clientMsgNo: clientMsgNo(),
        payload: { type: 2 },
        stream: true,
      }),
    ).rejects.toMatchObject({ code: 'request.invalid' });
    await laptop.close();
    await phone.close();
  });

  it('streams into a group to every member online', async () => {
    const t = server();
    await t.ensureUsers('sg-bot', 'sg-m1', 'sg-m2');
    await t.adminOk('POST', '/groups', { groupId: 'sg-g', channelType: 2, ownerUid: 'sg-bot', members: ['sg-m1', 'sg-m2'] });
    const m1 = await t.connect('sg-m1');
    const m2 = await t.connect('sg-m2');
    const s = await openStream(t, 'sg-bot', 'sg-g', 2);
    await s.chunk(1, 'a');
    await s.chunk(2, 'b');
    await s.end();
    for (const c of [m1, m2]) {
      const final = await c.waitForEvent('message.updated', ended(s.messageId));
      expect(final.data.payload.content).toBe('ab');
      expect(chunksOf(c, s.messageId)).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      await c.close();
    }
  });

  it('ends the open stream of a sender whose data is erased, keeping none of its text', async () => {
    const t = server();
    await t.ensureUsers('se-bot', 'se-bob');
    const s = await openStream(t, 'se-bot', 'se-bob', 1);
    await s.chunk(1, 'secret words');
    await t.adminOk('DELETE', '/users/se-bot', { erase: true });
    const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|se-bot')}/messages`, {
      token: await t.token('se-bob'),
    });
    expect(history.body.messages.at(-1)).toMatchObject({ payload: { type: 999 }, stream: { streaming: false, status: 'erased' } });
    expect(await t.storage.streams.openCount('se-bot')).toBe(0);
  });

  it('refuses what the rules forbid, in the documented shape, changing nothing', async () => {
    const t = server();
    await t.ensureUsers('sx-bot', 'sx-bob');
    const s = await openStream(t, 'sx-bot', 'sx-bob', 1);
    const bobToken = await t.token('sx-bob');
    const botToken = await t.token('sx-bot');
    const before = await t.rowCounts();
    // Only the sender: the peer may see it but not write it.
    const peer = await t.http('POST', `/v1/messages/${s.messageId}/stream`, { token: bobToken, body: { chunkNo: 1, delta: 'x' } });
    expect([peer.status, peer.body.code]).toEqual([403, 'message.forbidden']);
    const peerEnd = await t.http('POST', `/v1/messages/${s.messageId}/stream/end`, { token: bobToken, body: {} });
    expect([peerEnd.status, peerEnd.body.code]).toEqual([403, 'message.forbidden']);
    const missing = await t.http('POST', '/v1/messages/1/stream', { token: botToken, body: { chunkNo: 1, delta: 'x' } });
    expect([missing.status, missing.body.code]).toEqual([404, 'message.not_found']);
    // Limits: a chunk, and the whole text.
    const big = await s.chunk(1, 'x'.repeat(11));
    expect([big.status, big.body.code]).toEqual([413, 'stream.too_large']);
    for (let n = 1; n <= 3; n++) expect((await s.chunk(n, '0123456789')).status).toBe(200);
    const over = await s.chunk(4, 'x');
    expect([over.status, over.body.code]).toEqual([413, 'stream.too_large']);
    // An open stream is not edited: its chunks write the text.
    const edit = await t.http('PATCH', `/v1/messages/${s.messageId}`, { token: botToken, body: { payload: { type: 1, content: 'x' } } });
    expect([edit.status, edit.body.code]).toEqual([400, 'message.not_editable']);
    // A message sent without stream: true takes no chunk.
    const plain = await t.http('POST', '/v1/messages', {
      token: botToken,
      body: { channelId: 'sx-bob', channelType: 1, clientMsgNo: clientMsgNo(), payload: { type: 1, content: 'plain' } },
    });
    const notOpen = await t.http('POST', `/v1/messages/${plain.body.messageId}/stream`, {
      token: botToken,
      body: { chunkNo: 1, delta: 'x' },
    });
    expect([notOpen.status, notOpen.body.code]).toEqual([409, 'stream.not_open']);
    const notOpenEnd = await t.http('POST', `/v1/messages/${plain.body.messageId}/stream/end`, { token: botToken, body: {} });
    expect([notOpenEnd.status, notOpenEnd.body.code]).toEqual([409, 'stream.not_open']);
    // Open streams per sender (2 here): the second opens, a third is refused; a resend of the second
    // (same clientMsgNo) is no third: it answers its first ack.
    const secondBody = { channelId: 'sx-bob', channelType: 1, clientMsgNo: clientMsgNo(), payload: { type: 1, content: '' }, stream: true };
    const second = await t.http('POST', '/v1/messages', { token: botToken, body: secondBody });
    expect(second.status).toBe(200);
    const third = await t.http('POST', '/v1/messages', { token: botToken, body: { ...secondBody, clientMsgNo: clientMsgNo() } });
    expect([third.status, third.body.code]).toEqual([409, 'stream.too_many']);
    expect(await t.http('POST', '/v1/messages', { token: botToken, body: secondBody })).toMatchObject({ status: 200, body: second.body });
    // Text only, stored only.
    for (const body of [
      { payload: { type: 2, url: 'https://x/y.png', width: 1, height: 1 }, stream: true },
      { payload: { type: 1, content: 'x' }, header: { noPersist: true }, stream: true },
    ]) {
      const res = await t.http('POST', '/v1/messages', {
        token: botToken,
        body: { channelId: 'sx-bob', channelType: 1, clientMsgNo: clientMsgNo(), ...body },
      });
      expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
    }
    const counts = await t.rowCounts();
    // The plain message and the second stream are the only new rows.
    expect(counts.messages).toBe((before.messages ?? 0) + 2);
    const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|sx-bob')}/messages`, { token: botToken });
    expect(history.body.messages.find((m: { messageId: string }) => m.messageId === s.messageId)).toMatchObject({
      payload: { content: '0123456789'.repeat(3) },
      stream: { streaming: true, chunkNo: 3 },
    });
  });
});

await describeEachBackend('streaming messages: idle streams', (backend) => {
  const server = useServer(backend, { PARLEY_STREAM_IDLE_MS: '300' });

  it('ends a stream that took no chunk for PARLEY_STREAM_IDLE_MS, with status timeout, and tells the members', async () => {
    const t = server();
    await t.ensureUsers('si-bot', 'si-bob');
    const bob = await t.connect('si-bob');
    const s = await openStream(t, 'si-bot', 'si-bob', 1);
    await s.chunk(1, 'thinking');
    const final = await bob.waitForEvent('message.updated', ended(s.messageId));
    expect(final.data).toMatchObject({ payload: { content: 'thinking' }, stream: { streaming: false, chunkNo: 1, status: 'timeout' } });
    expect((await s.chunk(2, '...')).body.code).toBe('stream.not_open');
    await bob.close();
  });
});

await describeEachBackend('streaming messages: the chunk rate', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_STREAM_CHUNK_RATE_PER_SEC: '1' });

  it('refuses chunks past PARLEY_STREAM_CHUNK_RATE_PER_SEC (burst twice the rate) with rate.limited, storing nothing of them', async () => {
    const t = server();
    await t.ensureUsers('rate-bot', 'rate-reader');
    t.frozenAt = Date.now();
    try {
      const s = await openStream(t, 'rate-bot', 'rate-reader', 1, '>');
      expect((await s.chunk(1, 'a')).status).toBe(200);
      expect((await s.chunk(2, 'b')).status).toBe(200);
      const refused = await s.chunk(3, 'c');
      expect([refused.status, refused.body.code]).toEqual([429, 'rate.limited']);
      const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|rate-bot')}/messages`, {
        token: await t.token('rate-reader'),
      });
      expect(history.body.messages.at(-1).payload.content).toBe('>ab');
      // A second later (the server's clock) one more chunk may go.
      t.frozenAt += 1000;
      expect((await s.chunk(3, 'c')).status).toBe(200);
      expect([(await s.chunk(4, 'd')).status]).toEqual([429]);
    } finally {
      t.frozenAt = undefined;
    }
  });
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

/** About 8 KB of nested arrays: under the payload limit, far over any sane depth. */
const deepArray = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepPayloadFrame = (id: number, channelId: string) =>
  `{"id":${id},"method":"message.send","params":{"channelId":"${channelId}","channelType":1,"clientMsgNo":"deep-${id}","payload":{"type":1000,"x":${deepArray(4000)}}}}`;

await describeEachBackend('JSON shape at the edge', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('refuses deeply nested payloads on the WebSocket and REST, stores nothing, and both chats keep working', async () => {
    const t = server();
    await t.ensureUsers('js-a', 'js-b');
    const a = await t.connect('js-a');
    const before = await t.rowCounts();
    const reply = await a.raw(deepPayloadFrame(7, 'js-b'));
    expect(reply).toMatchObject({ id: 7, error: { code: 'request.too_complex', details: { maxDepth: 32 } } });
    const rest = await t.http('POST', '/v1/messages', {
      token: await t.token('js-a'),
      raw: `{"channelId":"js-b","channelType":1,"clientMsgNo":"deep-rest","payload":{"type":1000,"x":${deepArray(40)}}}`,
    });
    expect(rest).toMatchObject({ status: 400, body: { code: 'request.too_complex' } });
    const wide = await t.http('POST', '/v1/messages', {
      token: await t.token('js-a'),
      raw: `{"channelId":"js-b","channelType":1,"clientMsgNo":"wide-rest","payload":{"type":1000,"x":[${Array(20_001).fill(0).join(',')}]}}`,
    });
    expect(wide).toMatchObject({ status: 400, body: { code: 'request.too_complex' } });
    expect(await t.rowCounts()).toEqual(before);
    // 32 levels, counting the frame itself, still go through.
    const ok = await a.request('message.send', {
      channelId: 'js-b',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: { type: 1000, x: JSON.parse(deepArray(28)) },
    });
    expect(ok.reasonCode).toBe(1);
    for (const uid of ['js-a', 'js-b']) {
      const c = await t.connect(uid, `after-${uid}`);
      expect((await c.request('conversation.list', {})).conversations.length).toBeGreaterThan(0);
      expect((await c.request('message.history', { conversationId: `p2p|${uid === 'js-a' ? 'js-b' : 'js-a'}` })).messages).toHaveLength(1);
    }
  });

  it('refuses prototype keys with request.invalid on both transports', async () => {
    const t = server();
    await t.ensureUsers('js-c', 'js-d');
    const c = await t.connect('js-c');
    const body = '{"channelId":"js-d","channelType":1,"clientMsgNo":"proto","payload":{"type":1000,"__proto__":{"admin":true}}}';
    expect(await c.raw(`{"id":1,"method":"message.send","params":${body}}`)).toMatchObject({ id: 1, error: { code: 'request.invalid' } });
    expect(await t.http('POST', '/v1/messages', { token: await t.token('js-c'), raw: body })).toMatchObject({
      status: 400,
      body: { code: 'request.invalid' },
    });
  });

  it('a message stored before the check still renders: it shows as its bare type, and the rest of each page is intact', async () => {
    const t = server();
    await t.ensureUsers('js-e', 'js-f');
    const e = await t.connect('js-e');
    await e.request('message.send', { channelId: 'js-f', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('before') });
    // Written straight to storage, as an older server accepted it.
    await t.storage.messages.commit([
      {
        channelType: 1,
        channelId: 'js-e|js-f',
        messageId: '9000000000000000001',
        clientMsgNo: 'stored-deep',
        fromUid: 'js-e',
        timestamp: t.clock(),
        contentType: 1000,
        payloadJson: `{"type":1000,"x":${deepArray(4000)}}`,
        metaJson: JSON.stringify({ header: { noPersist: false, redDot: true, syncOnce: false }, setting: {} }),
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        fanout: {
          kind: 'users',
          targets: [
            { uid: 'js-e', conversationId: 'p2p|js-f' },
            { uid: 'js-f', conversationId: 'p2p|js-e' },
          ],
        },
      },
    ]);
    for (const [uid, peer] of [
      ['js-e', 'js-f'],
      ['js-f', 'js-e'],
    ] as const) {
      const c = await t.connect(uid, `deep-${uid}`);
      const list = await c.request('conversation.list', { msgCount: 5 });
      expect(list.conversations[0]).toMatchObject({ conversationId: `p2p|${peer}`, lastMsg: { payload: { type: 1000 } } });
      const history = await c.request('message.history', { conversationId: `p2p|${peer}` });
      expect(history.messages.map((m: { payload: unknown }) => m.payload)).toEqual([text('before'), { type: 1000 }]);
      const rest = await t.http('GET', `/v1/conversations/${encodeURIComponent(`p2p|${peer}`)}/messages`, { token: await t.token(uid) });
      expect(rest.status).toBe(200);
    }
  });
});

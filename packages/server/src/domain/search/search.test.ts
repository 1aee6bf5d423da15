import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

const send = async (client: TestClient, channelId: string, channelType: number, content: string) => {
  const ack = await client.request('message.send', { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) });
  expect(ack.reasonCode).toBe(1);
  return ack as { messageId: string; messageSeq: number };
};
type Found = {
  messages: Array<{
    messageId: string;
    channelId: string;
    payload: { content: string };
    extra: { editedPayload: { content: string } | null };
  }>;
  cursor: string | null;
};
const shown = (r: Found) => r.messages.map((m) => m.extra.editedPayload?.content ?? m.payload.content);

await describeEachBackend('message and conversation search, end to end', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it('finds Chinese and Japanese words on the WebSocket and REST alike, as history shows the messages', async () => {
    const t = server();
    await t.ensureUsers('se-a', 'se-b');
    await t.adminOk('POST', '/groups', { groupId: 'se-g', channelType: 2, ownerUid: 'se-a', members: ['se-b'] });
    const a = await t.connect('se-a');
    await send(a, 'se-g', 2, '我们明天去北京开会');
    await send(a, 'se-g', 2, '明日の会議は十時からです');
    const ack = await send(a, 'se-b', 1, '北京烤鸭很好吃');
    const b = await t.connect('se-b');
    const ws: Found = await b.request('message.search', { q: '北京' });
    expect(shown(ws)).toEqual(['北京烤鸭很好吃', '我们明天去北京开会']);
    // The 1:1 message as its receiver sees it: the peer's uid as channelId, as in history.
    expect(ws.messages[0]).toMatchObject({ messageId: ack.messageId, channelId: 'se-a', channelType: 1, fromUid: 'se-a' });
    const rest = await t.http('GET', `/v1/messages/search?q=${encodeURIComponent('会議')}`, { token: await t.token('se-b') });
    expect([rest.status, shown(rest.body)]).toEqual([200, ['明日の会議は十時からです']]);
    const inGroup: Found = await b.request('message.search', { q: '北京', conversationId: 'team|se-g' });
    expect(shown(inGroup)).toEqual(['我们明天去北京开会']);
  });

  it('pages with the cursor, newest first, without a skip or a repeat', async () => {
    const t = server();
    await t.ensureUsers('sp-a', 'sp-b');
    const a = await t.connect('sp-a');
    for (let i = 0; i < 7; i++) await send(a, 'sp-b', 1, `pangolin ${i}`);
    const token = await t.token('sp-b');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.http('GET', `/v1/messages/search?q=pangolin&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token });
      expect(res.status).toBe(200);
      seen.push(...shown(res.body));
      cursor = res.body.cursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `pangolin ${i}`));
  });

  it('follows revokes, edits, one-way deletes and cleared history at once', async () => {
    const t = server();
    await t.ensureUsers('sr-a', 'sr-b');
    const a = await t.connect('sr-a');
    const b = await t.connect('sr-b');
    const revoked = await send(a, 'sr-b', 1, 'kestrel revoked');
    const edited = await send(a, 'sr-b', 1, 'kestrel edited');
    const deleted = await send(a, 'sr-b', 1, 'kestrel deleted');
    await send(a, 'sr-b', 1, 'kestrel kept');
    await a.request('message.revoke', { messageId: revoked.messageId });
    await a.request('message.edit', { messageId: edited.messageId, payload: text('heron edited') });
    await b.request('message.removeHistory', { conversationId: 'p2p|sr-a', messageIds: [deleted.messageId] });
    const q = async (client: TestClient, words: string) => shown(await client.request('message.search', { q: words }));
    expect(await q(b, 'kestrel')).toEqual(['kestrel kept']);
    expect(await q(a, 'kestrel')).toEqual(['kestrel kept', 'kestrel deleted']);
    expect(await q(b, 'heron')).toEqual(['heron edited']);
    await b.request('conversation.delete', { conversationIds: ['p2p|sr-a'], deleteRoam: true });
    expect(await q(b, 'kestrel')).toEqual([]);
    expect(await q(b, 'heron')).toEqual([]);
    expect(await q(a, 'kestrel heron')).toEqual([]);
  });

  it('finds the list’s conversations by peer, group id and name', async () => {
    const t = server();
    await t.ensureUsers('sc-me', 'sc-bob');
    await t.adminOk('PATCH', '/users/sc-bob', { name: 'Roberto' });
    await t.adminOk('POST', '/groups', { groupId: 'sc-team', channelType: 2, ownerUid: 'sc-me', name: '会議室' });
    const me = await t.connect('sc-me');
    await send(me, 'sc-bob', 1, 'hi');
    await send(me, 'sc-team', 2, 'hi');
    const token = await t.token('sc-me');
    const find = async (q: string) =>
      (await t.http('GET', `/v1/conversations/search?q=${encodeURIComponent(q)}`, { token })).body.conversations;
    expect(await find('rob')).toEqual([{ conversationId: 'p2p|sc-bob', channelType: 1, channelId: 'sc-bob', name: 'Roberto' }]);
    expect(await find('会議')).toEqual([{ conversationId: 'team|sc-team', channelType: 2, channelId: 'sc-team', name: '会議室' }]);
    expect(
      (await me.request('conversation.search', { q: 'SC-' })).conversations.map((c: { conversationId: string }) => c.conversationId),
    ).toEqual(['team|sc-team', 'p2p|sc-bob']);
  });
});

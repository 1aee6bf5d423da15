import type { Message } from '@parley/protocol';
import { sqliteBackend } from '@parley/test-kit/backends';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ParleyClient } from './index.js';

describe('@parley/client: search', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });
  const signIn = async (uid: string) => {
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId: 'd' });
    clients.push(client);
    return client;
  };
  const content = (m: Message) => String((m.payload as unknown as { content?: string }).content);

  it('finds messages page by page and conversations by name', async () => {
    await t.adminOk('POST', '/users', { uid: 'cs-a', name: 'Akiko' });
    await t.adminOk('POST', '/users', { uid: 'cs-b', name: 'Bo' });
    const a = await signIn('cs-a');
    for (const text of ['会議は十時', '北京で会議', 'no match here']) {
      await a.messages.send({ channelId: 'cs-b', channelType: 1 }, { type: 1, content: text } as never);
    }
    const b = await signIn('cs-b');
    const first = await b.search.messages({ q: '会議', limit: 1 });
    expect(first.messages.map(content)).toEqual(['北京で会議']);
    expect(first.cursor).not.toBeNull();
    const second = await b.search.messages({ q: '会議', limit: 1, cursor: first.cursor as string });
    expect([second.messages.map(content), second.cursor]).toEqual([['会議は十時'], null]);
    expect(await b.search.conversations('aki')).toEqual([{ conversationId: 'p2p|cs-a', channelType: 1, channelId: 'cs-a', name: 'Akiko' }]);
    await expect(b.search.messages({ q: '!!!' })).rejects.toMatchObject({ code: 'search.invalid_query' });
  });
});

import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, MemoryStore, type ParleyClient } from './index.js';

describe('@parley/client: mute, archive, labels and drafts against a real server', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  const open = async (uid: string, deviceId: string, store = new MemoryStore()) => {
    const c = await connect({ url: t.url, token: await t.token(uid), deviceId, store });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.createUsers('cf-a', 'cf-b', 'cf-c');
    await t.adminOk('POST', '/groups', { groupId: 'cf-sg', channelType: 3, ownerUid: 'cf-b', members: ['cf-a'] });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('keeps the local list in step on every device: muted unread apart, archive, labels, and a draft cleared by a send elsewhere', async () => {
    const phone = await open('cf-a', 'phone');
    const laptop = await open('cf-a', 'laptop');
    const b = await open('cf-b', 'web');
    const c = await open('cf-c', 'web');
    await b.messages.sendText({ channelId: 'cf-a', channelType: 1 }, 'from b');
    await c.messages.sendText({ channelId: 'cf-a', channelType: 1 }, 'from c');
    await eventually(async () => (await laptop.conversations.totalUnread()) === 2);

    await phone.conversations.mute({ conversationId: 'p2p|cf-b' }, true);
    await eventually(async () => (await laptop.conversations.unmutedUnread()) === 1);
    expect(await phone.conversations.unreadTotals()).toEqual({ totalUnread: 2, unmutedUnread: 1 });

    await phone.conversations.archive({ conversationId: 'p2p|cf-c' }, true);
    await eventually(async () => (await laptop.conversations.archived()).map((x) => x.conversationId).join() === 'p2p|cf-c');
    expect((await laptop.conversations.list()).map((x) => x.conversationId)).toEqual(['p2p|cf-b']);
    // Back on c's next message (not muted), on both devices.
    await c.messages.sendText({ channelId: 'cf-a', channelType: 1 }, 'again');
    await eventually(async () => (await laptop.conversations.archived()).length === 0);

    await phone.conversations.updateLabels({ conversationId: 'p2p|cf-b' }, { add: ['work'] });
    await eventually(async () => (await laptop.conversations.withLabel('work')).length === 1);
    expect(await laptop.conversations.labels()).toEqual([{ label: 'work', conversationCount: 1, unreadCount: 1, unmutedUnreadCount: 0 }]);

    await phone.conversations.updateDraft({ conversationId: 'p2p|cf-b' }, 'unfinished');
    await eventually(
      async () => (await laptop.conversations.all()).find((x) => x.conversationId === 'p2p|cf-b')?.draft?.text === 'unfinished',
    );
    await laptop.messages.sendText({ channelId: 'cf-b', channelType: 1 }, 'finished');
    await eventually(async () => (await phone.conversations.all()).find((x) => x.conversationId === 'p2p|cf-b')?.draft === null);

    // A super group: no conversation.updated per message, the SDK applies the same rules to message.new.
    await phone.conversations.updateDraft({ conversationId: 'super_team|cf-sg' }, 'sg draft');
    await eventually(async () => (await laptop.conversations.all()).some((x) => x.draft?.text === 'sg draft'));
    await phone.messages.sendText({ channelId: 'cf-sg', channelType: 3 }, 'sent');
    await eventually(async () => (await laptop.conversations.all()).find((x) => x.conversationId === 'super_team|cf-sg')?.draft === null);

    // A fresh device loads the archived ones too.
    await phone.conversations.archive({ conversationId: 'p2p|cf-c' }, true);
    const fresh = await open('cf-a', 'fresh');
    await eventually(async () => (await fresh.conversations.archived()).length === 1);
    expect((await fresh.conversations.all()).find((x) => x.conversationId === 'p2p|cf-b')).toMatchObject({
      isMuted: true,
      labels: ['work'],
    });
  });
});

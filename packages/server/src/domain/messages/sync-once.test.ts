import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

// A command as an app sends one: a custom content type (WuKongIM's own cmd type 99 is not a Parley content type).
const cmd = (name: string) => ({ type: 1099, cmd: name, param: {} });
const syncOnce = { syncOnce: true };

await describeEachBackend('header.syncOnce', (backend) => {
  const server = useServer(backend);

  it('delivers live to online devices of both sides, and each user acknowledges it once for all their devices', async () => {
    const t = server();
    await t.ensureUsers('so-a', 'so-b');
    const aPhone = await t.connect('so-a', 'phone');
    const aLaptop = await t.connect('so-a', 'laptop');
    const b = await t.connect('so-b');
    const no = clientMsgNo();
    const ack = await aPhone.request('message.send', {
      channelId: 'so-b',
      channelType: 1,
      clientMsgNo: no,
      payload: cmd('live'),
      header: syncOnce,
    });
    expect(ack).toMatchObject({ clientMsgNo: no, messageSeq: 0, reasonCode: 1 });
    const atB = await b.waitForEvent('message.new', (m) => m.clientMsgNo === no);
    expect(atB.data).toMatchObject({ messageId: ack.messageId, messageSeq: 0, channelId: 'so-a', fromUid: 'so-a', payload: cmd('live') });
    expect(atB.data.header).toEqual({ noPersist: false, redDot: true, syncOnce: true });
    await aLaptop.waitForEvent('message.new', (m) => m.clientMsgNo === no);

    // Until acknowledged it waits for each user; b's ack removes it for b only.
    expect((await b.request('message.syncOnce', {})).messages.map((m: { messageId: string }) => m.messageId)).toEqual([ack.messageId]);
    expect(await b.request('message.ackOnce', { messageIds: [ack.messageId] })).toEqual({ removed: 1 });
    expect(await b.request('message.syncOnce', {})).toEqual({ messages: [], hasMore: false });
    expect(await b.request('message.ackOnce', { messageIds: [ack.messageId] })).toEqual({ removed: 0 });
    expect(await aLaptop.request('message.syncOnce', {})).toMatchObject({ messages: [{ messageId: ack.messageId, channelId: 'so-b' }] });
    await aLaptop.request('message.ackOnce', { messageIds: [ack.messageId] });
    expect((await aPhone.request('message.syncOnce', {})).messages).toEqual([]);
  });

  it('waits for an offline user and hands it over on their next connect, once, oldest first; any device may acknowledge', async () => {
    const t = server();
    await t.ensureUsers('off-a', 'off-b');
    const a = await t.connect('off-a');
    const sent: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const ack = await a.request('message.send', {
        channelId: 'off-b',
        channelType: 1,
        clientMsgNo: clientMsgNo(),
        payload: cmd(name),
        header: syncOnce,
      });
      sent.push(ack.messageId);
    }
    const phone = await t.connect('off-b', 'phone');
    const page1 = await phone.request('message.syncOnce', { limit: 2 });
    expect(page1.hasMore).toBe(true);
    expect(page1.messages.map((m: { payload: { cmd: string } }) => m.payload.cmd)).toEqual(['first', 'second']);
    // Reading removes nothing: a device that dies before its ack gets the same page again.
    expect((await phone.request('message.syncOnce', { limit: 2 })).messages.map((m: { messageId: string }) => m.messageId)).toEqual(
      sent.slice(0, 2),
    );
    await phone.request('message.ackOnce', { messageIds: sent.slice(0, 2) });
    // Another device of the same user: only what is still unacknowledged, here over REST.
    const token = await t.token('off-b');
    const rest = await t.http('GET', '/v1/messages/sync-once', { token });
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ hasMore: false, messages: [{ messageId: sent[2], messageSeq: 0, channelId: 'off-a' }] });
    const acked = await t.http('POST', '/v1/messages/sync-once/ack', { token, body: { messageIds: [sent[2]] } });
    expect(acked).toEqual({ status: 200, body: { removed: 1 } });
    const tablet = await t.connect('off-b', 'tablet');
    expect(await tablet.request('message.syncOnce', {})).toEqual({ messages: [], hasMore: false });
  });

  it('keeps it out of history, conversations and unread, and sends no conversation.updated', async () => {
    const t = server();
    await t.ensureUsers('h-a', 'h-b');
    const a = await t.connect('h-a');
    const b = await t.connect('h-b');
    const first = await a.request('message.send', { channelId: 'h-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('hello') });
    await b.waitForEvent('conversation.updated', (c) => c.conversation.conversationId === 'p2p|h-a');
    const updatesBefore = b.eventsOf('conversation.updated').length;
    const once = await a.request('message.send', {
      channelId: 'h-b',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: cmd('quiet'),
      header: syncOnce,
    });
    await b.waitForEvent('message.new', (m) => m.messageId === once.messageId);
    const next = await a.request('message.send', { channelId: 'h-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('again') });
    // History seqs stay contiguous: the syncOnce message took none.
    expect(next.messageSeq).toBe(first.messageSeq + 1);
    await b.waitForEvent('conversation.updated', (c) => c.conversation.lastMsg?.messageId === next.messageId);
    expect(b.eventsOf('conversation.updated').length).toBe(updatesBefore + 1);
    const history = await b.request('message.history', { conversationId: 'p2p|h-a', limit: 100 });
    expect(history.messages.map((m: { messageId: string }) => m.messageId)).toEqual([first.messageId, next.messageId]);
    const conv = await b.request('conversation.get', { conversationId: 'p2p|h-a' });
    expect(conv).toMatchObject({ unreadCount: 2, lastMsgSeq: next.messageSeq, lastMsg: { messageId: next.messageId } });
    // A syncOnce message as the newest: the conversation does not move.
    const versionBefore = (await b.request('conversation.get', { conversationId: 'p2p|h-a' })).version;
    const last = await a.request('message.send', {
      channelId: 'h-b',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: cmd('last'),
      header: syncOnce,
    });
    await b.waitForEvent('message.new', (m) => m.messageId === last.messageId);
    await b.request('ping');
    expect(b.eventsOf('conversation.updated').length).toBe(updatesBefore + 1);
    expect(await b.request('conversation.get', { conversationId: 'p2p|h-a' })).toMatchObject({
      unreadCount: 2,
      version: versionBefore,
      lastMsg: { messageId: next.messageId },
    });
    expect(await b.request('conversation.totalUnread', {})).toEqual({ totalUnread: 2, unmutedUnread: 2 });
  });

  it('answers a resend with the first ack and queues nothing again, also after the ack', async () => {
    const t = server();
    await t.ensureUsers('dup-a', 'dup-b');
    const a = await t.connect('dup-a');
    const params = { channelId: 'dup-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: cmd('once'), header: syncOnce };
    const first = await a.request('message.send', params);
    expect(await a.request('message.send', params)).toEqual(first);
    const b = await t.connect('dup-b');
    expect((await b.request('message.syncOnce', {})).messages).toHaveLength(1);
    await b.request('message.ackOnce', { messageIds: [first.messageId] });
    expect(await a.request('message.send', params)).toEqual(first);
    expect((await b.request('message.syncOnce', {})).messages).toEqual([]);
    await a.request('ping');
    expect(b.eventsOf('message.new')).toEqual([]);
  });

  it('queues a group message for every member, the sender included', async () => {
    const t = server();
    await t.ensureUsers('sg-o', 'sg-1', 'sg-2');
    await t.adminOk('POST', '/groups', { groupId: 'once-team', channelType: 2, ownerUid: 'sg-o', members: ['sg-1', 'sg-2'] });
    const online = await t.connect('sg-1');
    const owner = await t.connect('sg-o');
    const ack = await owner.request('message.send', {
      channelId: 'once-team',
      channelType: 2,
      clientMsgNo: clientMsgNo(),
      payload: cmd('group'),
      header: syncOnce,
    });
    expect(ack).toMatchObject({ reasonCode: 1, messageSeq: 0 });
    await online.waitForEvent('message.new', (m) => m.messageId === ack.messageId);
    for (const uid of ['sg-o', 'sg-1', 'sg-2']) {
      const c = await t.connect(uid, 'later');
      expect((await c.request('message.syncOnce', {})).messages, uid).toMatchObject([{ messageId: ack.messageId, channelId: 'once-team' }]);
    }
    expect((await owner.request('conversation.get', { conversationId: 'team|once-team' }).catch((e) => e)).code).toBe(
      'conversation.not_found',
    );
  });

  it('refuses syncOnce to a super group and together with noPersist: reason 20, nothing stored or delivered', async () => {
    const t = server();
    await t.ensureUsers('r-o', 'r-1');
    await t.adminOk('POST', '/groups', { groupId: 'once-big', channelType: 3, ownerUid: 'r-o', members: ['r-1'] });
    const member = await t.connect('r-1');
    const o = await t.connect('r-o');
    const before = await t.rowCounts();
    const toBig = await o.request('message.send', {
      channelId: 'once-big',
      channelType: 3,
      clientMsgNo: clientMsgNo(),
      payload: cmd('big'),
      header: syncOnce,
    });
    expect(toBig).toMatchObject({ reasonCode: 20, messageId: '0', messageSeq: 0 });
    const both = await o.request('message.send', {
      channelId: 'r-1',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: cmd('both'),
      header: { syncOnce: true, noPersist: true },
    });
    expect(both).toMatchObject({ reasonCode: 20, messageId: '0' });
    const rest = await t.http('POST', '/v1/messages', {
      token: await t.token('r-o'),
      body: { channelId: 'once-big', channelType: 3, clientMsgNo: clientMsgNo(), payload: cmd('rest'), header: syncOnce },
    });
    expect(rest.status).toBe(400);
    expect(rest.body).toMatchObject({ code: 'message.refused', details: { reasonCode: 20 } });
    expect(await t.rowCounts()).toEqual(before);
    await o.request('ping');
    expect(member.eventsOf('message.new')).toEqual([]);
  });
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

await describeEachBackend('send and deliver', (backend) => {
  const server = useServer(backend);

  it('delivers a 1:1 message to the peer and to the sender’s other devices, named by the other side', async () => {
    const t = server();
    await t.createUsers('alice', 'bob');
    const alice1 = await t.connect('alice', 'phone');
    const alice2 = await t.connect('alice', 'laptop');
    const bob = await t.connect('bob');
    const no = clientMsgNo();
    const ack = await alice1.request('message.send', { channelId: 'bob', channelType: 1, clientMsgNo: no, payload: text('hi bob') });
    expect(ack).toMatchObject({ clientMsgNo: no, messageSeq: 1, reasonCode: 1 });
    expect(ack.messageId).toMatch(/^\d+$/);

    const atBob = await bob.waitForEvent('message.new', (m) => m.clientMsgNo === no);
    expect(atBob.data).toMatchObject({
      fromUid: 'alice',
      channelId: 'alice',
      channelType: 1,
      messageSeq: 1,
      contentType: 1,
      payload: { type: 1, content: 'hi bob' },
    });
    expect(atBob.data.header).toEqual({ noPersist: false, redDot: true, syncOnce: false });
    const atLaptop = await alice2.waitForEvent('message.new', (m) => m.clientMsgNo === no);
    expect(atLaptop.data).toMatchObject({ fromUid: 'alice', channelId: 'bob', messageId: ack.messageId });

    // Frames on one socket are ordered: the pong proves no message.new was queued for the sending device.
    await alice1.request('ping');
    expect(alice1.eventsOf('message.new')).toEqual([]);
  });

  it('delivers a REST send like a WebSocket one and numbers the channel contiguously', async () => {
    const t = server();
    const bob = await t.connect('bob', 'tablet');
    const res = await t.http('POST', '/v1/messages', {
      token: await t.token('alice'),
      body: { channelId: 'bob', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('over REST') },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ messageSeq: 2, reasonCode: 1 });
    const push = await bob.waitForEvent('message.new', (m) => m.payload.content === 'over REST');
    expect(push.data.messageSeq).toBe(2);
  });

  it('delivers group messages to every online member and refuses non-members', async () => {
    const t = server();
    await t.createUsers('g-owner', 'g-m1', 'g-m2', 'g-out');
    await t.adminOk('POST', '/groups', { groupId: 'team1', channelType: 2, name: 'Team', ownerUid: 'g-owner', members: ['g-m1', 'g-m2'] });
    const [owner, m1, m2, out] = await Promise.all(['g-owner', 'g-m1', 'g-m2', 'g-out'].map((u) => t.connect(u)));
    const ack = await m1!.request('message.send', {
      channelId: 'team1',
      channelType: 2,
      clientMsgNo: clientMsgNo(),
      payload: text('hello team'),
    });
    expect(ack.reasonCode).toBe(1);
    for (const c of [owner!, m2!]) {
      const push = await c.waitForEvent('message.new', (m) => m.channelId === 'team1');
      expect(push.data).toMatchObject({ fromUid: 'g-m1', channelType: 2, messageSeq: 1 });
    }
    const refused = await out!.request('message.send', {
      channelId: 'team1',
      channelType: 2,
      clientMsgNo: clientMsgNo(),
      payload: text('let me in'),
    });
    expect(refused).toMatchObject({ reasonCode: 3, messageSeq: 0, messageId: '0' });
    await out!.request('ping');
    expect(out!.eventsOf('message.new')).toEqual([]);
  });

  it('delivers super-group messages through the channel topic, also to members added while online', async () => {
    const t = server();
    await t.createUsers('sg-owner', 'sg-a', 'sg-late');
    await t.adminOk('POST', '/groups', { groupId: 'big1', channelType: 3, ownerUid: 'sg-owner', members: ['sg-a'] });
    const a = await t.connect('sg-a');
    const late = await t.connect('sg-late');
    await t.adminOk('POST', '/groups/big1/members', { uids: ['sg-late'] });
    const ack = await t.adminOk('POST', '/messages', { fromUid: 'sg-owner', channelId: 'big1', channelType: 3, payload: text('welcome') });
    expect(ack.messageSeq).toBe(1);
    for (const c of [a, late]) expect((await c.waitForEvent('message.new', (m) => m.channelId === 'big1')).data.fromUid).toBe('sg-owner');
    await t.adminOk('POST', '/groups/big1/members/remove', { uids: ['sg-late'] });
    await t.adminOk('POST', '/messages', { fromUid: 'sg-owner', channelId: 'big1', channelType: 3, payload: text('second') });
    await a.waitForEvent('message.new', (m) => m.payload.content === 'second');
    await late.request('ping');
    expect(late.eventsOf('message.new').map((m) => m.payload.content)).toEqual(['welcome']);
  });

  it('sends as the system into a group and into a user’s system channel', async () => {
    const t = server();
    await t.createUsers('sys-owner', 'sys-user');
    await t.adminOk('POST', '/groups', { groupId: 'sysg', channelType: 2, ownerUid: 'sys-owner', members: ['sys-user'] });
    const user = await t.connect('sys-user');
    await t.adminOk('POST', '/messages', {
      channelId: 'sysg',
      channelType: 2,
      payload: { type: 1001, event: 'renamed' },
      header: { redDot: false },
    });
    const notice = await user.waitForEvent('message.new', (m) => m.channelId === 'sysg');
    expect(notice.data).toMatchObject({ fromUid: '__system__', contentType: 1001, header: { redDot: false } });
    await t.adminOk('POST', '/messages', { channelId: 'sys-user', channelType: 4, payload: text('your order shipped') });
    const direct = await user.waitForEvent('message.new', (m) => m.channelType === 4);
    expect(direct.data).toMatchObject({ fromUid: '__system__', channelId: 'sys-user' });
  });

  it('delivers noPersist messages without storing them', async () => {
    const t = server();
    await t.createUsers('np-a', 'np-b');
    const b = await t.connect('np-b');
    const a = await t.connect('np-a');
    const before = await t.rowCounts();
    const ack = await a.request('message.send', {
      channelId: 'np-b',
      channelType: 1,
      clientMsgNo: clientMsgNo(),
      payload: { type: 1000, typing: true },
      header: { noPersist: true },
    });
    expect(ack).toMatchObject({ reasonCode: 1, messageSeq: 0 });
    expect((await b.waitForEvent('message.new', (m) => m.contentType === 1000)).data.messageSeq).toBe(0);
    expect(await t.rowCounts()).toEqual(before);
  });
});

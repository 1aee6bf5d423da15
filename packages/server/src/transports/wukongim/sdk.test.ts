import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { useServer } from '@parley/test-kit/server';
import { afterAll, expect, it, vi } from 'vitest';
import { SdkDevice as Device, type SdkDevice } from '../../test-support/sdk-device.js';
import { WkUser } from '../../test-support/wukongim-sdk.js';

// The SDK logs every packet; the test output keeps only the failures.
vi.spyOn(console, 'log').mockImplementation(() => {});

await describeEachBackend('WuKongIM gateway with the unmodified wukongimjssdk 1.0.4', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  const open: Array<WkUser | SdkDevice> = [];
  afterAll(() => {
    for (const o of open) o.close();
  });

  const wkUser = async (uid: string) => {
    const t = server();
    await t.ensureUsers(uid);
    const user = await WkUser.load(uid);
    open.push(user);
    user.connect(t.url, await t.token(uid));
    await eventually(() => user.connected);
    return user;
  };
  const parleyUser = async (uid: string) => {
    const t = server();
    await t.ensureUsers(uid);
    const device = await Device.open([t.url], await t.token(uid), `${uid}-web`);
    open.push(device);
    return device;
  };

  it('connects, sends text a @parley/client user receives, and receives what that user sends', async () => {
    const alice = await wkUser('wk-alice');
    const bob = await parleyUser('wk-bob');
    const sent = await alice.sendText('hello bob 你好', 'wk-bob', 1);
    await eventually(() => alice.acks.length === 1);
    expect(alice.acks[0]?.reasonCode).toBe(1);
    expect(alice.acks[0]?.clientSeq).toBe(sent.clientSeq);
    await eventually(() => bob.eventsOf('message.new').length === 1);
    expect(bob.eventsOf('message.new')[0]).toMatchObject({ fromUid: 'wk-alice', payload: { type: 1, content: 'hello bob 你好' } });

    await bob.client.messages.sendText({ channelType: 1, channelId: 'wk-alice' }, 'hi alice');
    await eventually(() => alice.received().length === 1);
    expect(alice.received().map((m) => m.content.text)).toEqual(['hi alice']);
    const got = alice.received()[0];
    expect(got.fromUID).toBe('wk-bob');
    expect(got.channel).toMatchObject({ channelID: 'wk-bob', channelType: 1 });
    expect(got.messageSeq).toBe(2);
    expect(String(got.timestamp)).toMatch(/^\d{10}$/);
  });

  it('a group message reaches both kinds of client, from either side', async () => {
    const t = server();
    const carol = await wkUser('wk-carol');
    const dave = await wkUser('wk-dave');
    const erin = await parleyUser('wk-erin');
    await t.adminOk('POST', '/groups', {
      groupId: 'wk-g',
      channelType: 2,
      ownerUid: 'wk-carol',
      members: ['wk-carol', 'wk-dave', 'wk-erin'],
    });

    await carol.sendText('hello group', 'wk-g', 2);
    await eventually(() => dave.received().length === 1 && erin.eventsOf('message.new').length === 1);
    expect(dave.received()[0]).toMatchObject({ fromUID: 'wk-carol', channel: { channelID: 'wk-g', channelType: 2 }, messageSeq: 1 });
    expect(dave.received()[0].content.text).toBe('hello group');
    expect(erin.eventsOf('message.new')[0]).toMatchObject({
      fromUid: 'wk-carol',
      channelId: 'wk-g',
      payload: { type: 1, content: 'hello group' },
    });

    await erin.client.messages.sendText({ channelType: 2, channelId: 'wk-g' }, 'from parley');
    await eventually(() => carol.received().length === 1 && dave.received().length === 2);
    for (const u of [carol, dave])
      expect(u.received().at(-1)).toMatchObject({ fromUID: 'wk-erin', messageSeq: 2, content: { text: 'from parley' } });
    // The sender's own SDK hears of its send through the ack, not as a received message.
    expect(carol.received().map((m) => m.content.text)).toEqual(['from parley']);
  });

  it('refuses a bad token with CONNACK reason 2 (authFail)', async () => {
    const t = server();
    await t.ensureUsers('wk-mallory');
    const user = await WkUser.load('wk-mallory');
    open.push(user);
    user.connect(t.url, 'not-a-token');
    await eventually(() => user.statuses.length > 0);
    expect(user.statuses[0]).toEqual({ status: user.ConnectStatus.ConnectFail, reasonCode: 2 });
    // A valid token of another user is refused the same way.
    const other = await WkUser.load('wk-mallory');
    open.push(other);
    await t.ensureUsers('wk-victim');
    other.connect(t.url, await t.token('wk-victim'));
    await eventually(() => other.statuses.length > 0);
    expect(other.statuses[0]).toEqual({ status: other.ConnectStatus.ConnectFail, reasonCode: 2 });
  });
});
